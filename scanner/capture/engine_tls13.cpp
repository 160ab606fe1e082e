// The TLS 1.3 part of the capture client: HelloRetryRequest, the handshake keys, and the
// protected flight up to CertificateVerify.

#include "algorithms.hpp"
#include "certificate_verify.hpp"
#include "engine.hpp"
#include "errors.hpp"
#include "key_schedule.hpp"
#include "probes.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tlsaudit::capture_engine::detail {
namespace {

bool offered_group(const probe_profile& profile, std::uint16_t g) noexcept {
    return std::find(profile.groups.begin(), profile.groups.end(), g) != profile.groups.end() &&
           key_share::supported(g);
}

}  // namespace

void engine::on_hello_retry(const server_hello& sh, const handshake_message& m) {
    if (hello_retry_suite_ != nullptr) {
        fail(protocol_error("a second HelloRetryRequest"));
        return;
    }
    const tls13_suite* suite = find_tls13_suite(sh.cipher_suite);
    if (!session_id_echoed(sh)) {
        fail(protocol_error("the HelloRetryRequest does not echo the session id"));
        return;
    }
    if (!offers_suite(profile_of(hello_->kind()), sh.cipher_suite)) {
        fail(protocol_error(
            fmt::format("the HelloRetryRequest selects cipher suite 0x{:04x}, not offered", sh.cipher_suite)));
        return;
    }
    if (suite == nullptr) {
        fail(protocol_error(fmt::format(
            "the HelloRetryRequest selects cipher suite 0x{:04x}, which is not a TLS 1.3 suite", sh.cipher_suite)));
        return;
    }
    const std::uint16_t wanted = sh.key_share_group;
    if (wanted != 0 && !offered_group(profile_of(hello_->kind()), wanted)) {
        fall_back(fmt::format("the server asks for key share group 0x{:04x}, which the capture client cannot compute",
                              wanted));
        return;
    }
    if (wanted == share_->group()) {
        fail(protocol_error("the HelloRetryRequest asks for the key share already sent"));
        return;
    }
    if (wanted == 0 && sh.cookie.empty()) {
        fail(protocol_error("a HelloRetryRequest that asks for nothing"));
        return;
    }
    if (!messages_.at_boundary()) {
        fail(protocol_error("handshake data after the HelloRetryRequest in the same record"));
        return;
    }
    flight_.hello_retry = true;
    hello_retry_suite_ = suite;
    version_ = version::tls13;
    transcript_.start_with_message_hash(suite->md, client_hello_);
    transcript_.add(m.whole);
    if (wanted != 0) share_ = std::make_shared<const key_share>(key_share::generate(wanted, entropy_));
    // No middlebox ChangeCipherSpec before the second hello: RFC 8446 D.4 also allows it
    // before the client's second flight, which never comes, and OpenSSL's stateless
    // (cookie) servers fail on one sent here.
    send_client_hello(sh.cookie);
}

void engine::start_tls13(const server_hello& sh, const handshake_message& m) {
    const tls13_suite* suite = find_tls13_suite(sh.cipher_suite);
    if (!session_id_echoed(sh)) {
        fail(protocol_error("the ServerHello does not echo the session id"));
    } else if (!offers_suite(profile_of(hello_->kind()), sh.cipher_suite)) {
        fail(protocol_error(
            fmt::format("the server chose cipher suite 0x{:04x}, which the hello did not offer", sh.cipher_suite)));
    } else if (suite == nullptr) {
        fail(protocol_error(fmt::format(
            "the server chose TLS 1.3 with cipher suite 0x{:04x}, which is not a TLS 1.3 suite", sh.cipher_suite)));
    } else if (hello_retry_suite_ != nullptr && suite != hello_retry_suite_) {
        fail(protocol_error("the ServerHello's cipher suite differs from the HelloRetryRequest's"));
    } else if (sh.key_share_group == 0 && sh.key_share.empty()) {
        fail(protocol_error("the TLS 1.3 ServerHello has no key share"));
    } else if (sh.key_share_group != share_->group()) {
        fail(protocol_error(
            fmt::format("the ServerHello's key share is for group 0x{:04x}, not the group offered (0x{:04x})",
                        sh.key_share_group, share_->group())));
    } else if (sh.key_share.empty()) {
        fail(protocol_error("the ServerHello's key share is empty"));
    } else if (!messages_.at_boundary()) {
        fail(protocol_error("handshake data after the ServerHello in the same record"));
    }
    if (status_ != status::want_io) return;
    const auto shared = share_->derive(sh.key_share);
    if (!shared) {
        fail(protocol_error("the server's key share is not a valid public key of its group"));
        return;
    }
    version_ = version::tls13;
    if (!transcript_.started()) transcript_.start(suite->md);
    transcript_.add(client_hello_);
    transcript_.add(m.whole);
    key_schedule keys(suite->md);
    const secret handshake = keys.handshake_secret(shared->view());
    const secret hello_hash = transcript_.hash();
    const secret server_traffic = keys.derive_secret(handshake.view(), "s hs traffic", hello_hash.view());
    decrypter_.emplace(suite->cipher, keys.traffic(server_traffic.view(), suite->key_size));
    // The client's handshake keys protect its closing alerts (finish).
    const secret client_traffic = keys.derive_secret(handshake.view(), "c hs traffic", hello_hash.view());
    client_keys_ = keys.traffic(client_traffic.view(), suite->key_size);
    client_cipher_ = suite->cipher;
    plaintext_.reserve(max_tls13_ciphertext);
    client_hello_ = {};
    share_.reset();
    flight_.protocol = "TLSv1.3";
    flight_.cipher = cipher_name(suite->id);
    stage_ = stage::tls13_extensions;
}

void engine::on_protected_record(const record& r) {
    if (r.payload.size() > max_tls13_ciphertext) {
        fail(protocol_error("a protected record longer than TLS 1.3 allows"));
        return;
    }
    if (!decrypter_->open(r.header, r.payload, plaintext_)) {
        fail(protocol_error("a protected record does not decrypt (bad record MAC)"));
        return;
    }
    const auto inner = split_inner_plaintext(plaintext_);
    if (!inner) fail(protocol_error("a protected record without a content type"));
    else if (inner->content.size() > max_plaintext) fail(protocol_error("a protected record longer than 16 KiB"));
    else if (inner->type == content_type::handshake) on_handshake_fragment(inner->content);
    else if (inner->type == content_type::alert) on_alert(inner->content);
    else fail(protocol_error(fmt::format("a protected record of content type {} in the handshake", inner->type)));
}

void engine::on_tls13_message(const handshake_message& m) {
    if (stage_ == stage::tls13_extensions && m.type == handshake_type::encrypted_extensions) {
        const auto ee = parse_encrypted_extensions(m.body);
        if (!ee) {
            fail(protocol_error("malformed EncryptedExtensions"));
            return;
        }
        if (!answer_allowed(answered_in::encrypted_extensions, ee->extensions, ee->alpn)) return;
        flight_.alpn.assign(ee->alpn.begin(), ee->alpn.end());
        add_to_transcript(m);
        stage_ = stage::tls13_certificate;
    } else if (stage_ == stage::tls13_certificate && m.type == handshake_type::certificate_request &&
               !certificate_request_seen_) {
        certificate_request_seen_ = true;  // read past: the client never authenticates
        add_to_transcript(m);
    } else if (stage_ == stage::tls13_certificate && m.type == handshake_type::certificate) {
        auto list = parse_certificate(m.body, true);
        if (!list) {
            fail(protocol_error("a malformed Certificate message"));
            return;
        }
        if (list->chain.empty()) {
            fail(protocol_error("the server sent an empty certificate list"));
            return;
        }
        if (!answer_allowed(answered_in::certificate_entry, list->entry_extensions)) return;
        flight_.chain = std::move(list->chain);
        flight_.stapled_ocsp = std::move(list->ocsp);
        add_to_transcript(m);
        stage_ = stage::tls13_verify;
    } else if (stage_ == stage::tls13_certificate && m.type == handshake_type::compressed_certificate) {
        fall_back("the server sent a compressed certificate (RFC 8879)");
    } else if (stage_ == stage::tls13_verify && m.type == handshake_type::certificate_verify) {
        on_certificate_verify(m);
    } else {
        unexpected(m);
    }
}

void engine::on_certificate_verify(const handshake_message& m) {
    const auto cv = parse_certificate_verify(m.body);
    if (!cv) {
        fail(protocol_error("a malformed CertificateVerify"));
        return;
    }
    flight_.signature_scheme = cv->scheme;
    if (verify_handshake_) {
        if (auto problem =
                check_certificate_verify(flight_.chain.front(), cv->scheme, cv->signature, transcript_.hash().view())) {
            fail(std::move(*problem));
            return;
        }
    }
    finish();
}

}  // namespace tlsaudit::capture_engine::detail
