#include <tlsaudit/lab/ocsp_responder.hpp>

#include "ossl/der.hpp"
#include "ossl/encoding.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"
#include "revocation_detail.hpp"

#include <openssl/err.h>

#include <map>
#include <mutex>
#include <optional>

namespace tlsaudit::lab {
namespace {

constexpr std::string_view mount = "/ocsp";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

bytes serial_bytes(const ASN1_INTEGER* serial) {
    ossl::bignum_ptr bn(ossl::check_ptr(ASN1_INTEGER_to_BN(serial, nullptr), "ASN1_INTEGER_to_BN"));
    bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
    BN_bn2bin(bn.get(), out.data());
    return out;
}

http_reply ocsp_reply(bytes body) {
    http_reply reply;
    reply.content_type = "application/ocsp-response";
    reply.body = std::move(body);
    return reply;
}

}  // namespace

struct ocsp_responder::impl {
    credential issuer;
    ossl::x509_ptr issuer_cert;
    mutable std::mutex mutex;
    ocsp_response_options options;
    std::map<bytes, revocation_entry> table;
    revocation_entry fallback;
    responder_mode mode = responder_mode::normal;
    std::uint64_t requests = 0;
    std::map<bytes, std::uint64_t> per_serial;
    std::unique_ptr<http_server> server;

    std::optional<bytes> request_der(const http_request& request) const {
        if (request.method == "POST") return request.body;
        if (request.method != "GET") return std::nullopt;
        std::string_view rest(request.target);
        if (rest.substr(0, mount.size()) != mount) return std::nullopt;
        rest.remove_prefix(mount.size());
        if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
        return ossl::base64_decode(percent_decode(rest));
    }

    http_reply answer(const http_request& request) {
        std::unique_lock lock(mutex);
        ++requests;
        switch (mode) {
        case responder_mode::normal: break;
        case responder_mode::stall: {
            http_reply r;
            r.stall = true;
            return r;
        }
        case responder_mode::http_error: {
            http_reply r;
            r.status = 500;
            return r;
        }
        case responder_mode::try_later: return ocsp_reply(make_ocsp_error_response(OCSP_RESPONSE_STATUS_TRYLATER));
        case responder_mode::garbage: return ocsp_reply(bytes{'n', 'o', 't', ' ', 'o', 'c', 's', 'p'});
        }
        const auto der = request_der(request);
        if (!der) return ocsp_reply(make_ocsp_error_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST));
        const unsigned char* p = der->data();
        ossl::ocsp_request_ptr parsed(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der->size())));
        if (!parsed || OCSP_request_onereq_count(parsed.get()) <= 0) {
            ERR_clear_error();
            return ocsp_reply(make_ocsp_error_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST));
        }
        std::vector<std::pair<const OCSP_CERTID*, revocation_entry>> answers;
        for (int i = 0; i < OCSP_request_onereq_count(parsed.get()); ++i) {
            OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(parsed.get(), i));
            ASN1_INTEGER* serial = nullptr;
            ASN1_OBJECT* md_oid = nullptr;
            if (id == nullptr || OCSP_id_get0_info(nullptr, &md_oid, nullptr, &serial, id) != 1) continue;
            const bytes number = serial_bytes(serial);
            ++per_serial[number];
            revocation_entry entry = fallback;
            if (auto it = table.find(number); it != table.end()) entry = it->second;
            // Same issuer (name and key hash, with the client's hash algorithm)?
            const EVP_MD* md = EVP_get_digestbyobj(md_oid);
            ossl::ocsp_certid_ptr ours(md ? OCSP_cert_id_new(md, X509_get_subject_name(issuer_cert.get()),
                                                             X509_get0_pubkey_bitstr(issuer_cert.get()), serial)
                                          : nullptr);
            if (!ours || OCSP_id_issuer_cmp(ours.get(), id) != 0) entry = revocation_entry{cert_state::unknown, -1, {}};
            answers.emplace_back(id, entry);
        }
        if (answers.empty()) return ocsp_reply(make_ocsp_error_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST));
        const ocsp_response_options current = options;
        lock.unlock();
        return ocsp_reply(sign_ocsp_response(issuer, answers, current));
    }
};

ocsp_responder::ocsp_responder(credential issuer, ocsp_response_options options, const std::string& bind_address)
    : impl_(std::make_unique<impl>()) {
    impl_->issuer_cert = ossl::decode_certificate(issuer.der);
    impl_->issuer = std::move(issuer);
    impl_->options = std::move(options);
    impl_->server = std::make_unique<http_server>(
        [self = impl_.get()](const http_request& request) {
            const std::string_view target(request.target);
            if (target.substr(0, mount.size()) != mount) {
                http_reply none;
                none.status = 404;
                return none;
            }
            return self->answer(request);
        },
        bind_address);
}

ocsp_responder::~ocsp_responder() { stop(); }

void ocsp_responder::set(std::span<const unsigned char> serial, revocation_entry entry) {
    // Normalise leading zeros as the INTEGER does.
    std::size_t skip = 0;
    while (skip + 1 < serial.size() && serial[skip] == 0) ++skip;
    std::lock_guard lock(impl_->mutex);
    impl_->table[bytes(serial.begin() + static_cast<std::ptrdiff_t>(skip), serial.end())] = entry;
}

void ocsp_responder::set_fallback(revocation_entry entry) {
    std::lock_guard lock(impl_->mutex);
    impl_->fallback = entry;
}

void ocsp_responder::set_mode(responder_mode mode) {
    std::lock_guard lock(impl_->mutex);
    impl_->mode = mode;
}

void ocsp_responder::set_options(ocsp_response_options options) {
    std::lock_guard lock(impl_->mutex);
    impl_->options = std::move(options);
}

std::string ocsp_responder::url() const { return impl_->server->url(mount); }

std::uint64_t ocsp_responder::request_count() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests;
}

std::uint64_t ocsp_responder::request_count(std::span<const unsigned char> serial) const {
    std::lock_guard lock(impl_->mutex);
    const auto it = impl_->per_serial.find(bytes(serial.begin(), serial.end()));
    return it == impl_->per_serial.end() ? 0 : it->second;
}

std::size_t ocsp_responder::distinct_serials() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->per_serial.size();
}

void ocsp_responder::stop() {
    if (impl_ && impl_->server) impl_->server->stop();
}

}  // namespace tlsaudit::lab
