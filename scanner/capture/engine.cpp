#include "engine.hpp"

#include "client_hello.hpp"
#include "errors.hpp"
#include "probes.hpp"
#include "testing.hpp"

#include <openssl/rand.h>

#include <fmt/format.h>

#include <algorithm>

namespace tlsaudit::capture_engine::detail {

engine::engine(const hello_template& hello, const options& opts, entropy_source* entropy)
    : hello_(&hello), entropy_(entropy), verify_handshake_(opts.verify_handshake) {
    if (profile_of(hello.kind()).server_name) sni_ = server_name_to_send(opts.sni);
    std::array<unsigned char, 64> random{};
    if (entropy_ != nullptr) entropy_->fill(random);
    else if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) ossl::throw_failure("RAND_bytes");
    std::copy_n(random.begin(), 32, random_.begin());
    std::copy_n(random.begin() + 32, 32, session_id_.begin());
    if (hello.offers_tls13()) {
        share_ = entropy_ != nullptr ? std::make_shared<const key_share>(key_share::generate(group::x25519, entropy_))
                                     : key_share::reused_x25519();
    }
    send_client_hello({});
}

void engine::send_client_hello(std::span<const unsigned char> cookie) {
    hello_fields fields;
    fields.sni = sni_;
    fields.random = random_;
    fields.session_id = session_id_;
    if (share_) {
        fields.key_share_group = share_->group();
        fields.key_share = share_->public_key();
    }
    fields.cookie = cookie;
    client_hello_ = build_client_hello(*hello_, fields);
    // RFC 8446 5.1: 0x0301 on the first hello for old middleboxes, 0x0303 afterwards.
    const bool first = cookie.empty() && hello_retry_suite_ == nullptr;
    append_records(out_, content_type::handshake, first ? version::tls10 : version::tls12, client_hello_);
    // TLS 1.2 needs no transcript: the first hello is not kept.
    if (!share_) client_hello_ = {};
}

void engine::consumed_output(std::size_t n) noexcept {
    out_sent_ = std::min(out_.size(), out_sent_ + n);
    if (out_sent_ == out_.size()) {
        out_.clear();
        out_sent_ = 0;
    }
}

status engine::receive(std::span<const unsigned char> data) {
    if (status_ != status::want_io) return status_;
    records_.feed(data);
    record r;
    while (status_ == status::want_io) {
        switch (records_.next(r)) {
        case record_reader::result::record: on_record(r); continue;
        case record_reader::result::need_more: return status_;
        case record_reader::result::not_tls: fail(not_tls_error(records_.first_bytes())); break;
        case record_reader::result::sslv2: fall_back("the server answered in SSL 2.0"); break;
        case record_reader::result::malformed:  // libssl: wrong version number, packet length too long
            fail({"handshake", error_codes::not_tls,
                  "a record header is not TLS 1.x or announces more than any record may hold"});
            break;
        }
    }
    return status_;
}

status engine::receive_eof() {
    if (status_ != status::want_io) return status_;
    const auto first = records_.first_bytes();
    // Fewer than five bytes and then a close: judge by the first byte, as libssl does.
    if (!first.empty() && first.size() < record_header_size &&
        (first[0] < content_type::change_cipher_spec || first[0] > content_type::heartbeat))
        fail(not_tls_error(first));
    else fail(closed_error());
    return status_;
}

void engine::on_record(const record& r) {
    // An empty handshake or ChangeCipherSpec record before TLS 1.3 is chosen: libssl skips
    // it (at most max_empty_records), so its clients connect. Once TLS 1.3 is chosen (after
    // a HelloRetryRequest, or encrypted) it stays an error, as in libssl.
    if (r.payload.empty() && version_ != version::tls13 &&
        (r.type == content_type::handshake || r.type == content_type::change_cipher_spec)) {
        if (++empty_records_ > max_empty_records)
            fail(protocol_error(fmt::format("more than {} empty records", max_empty_records)));
        return;
    }
    switch (r.type) {
    case content_type::alert: on_alert(r.payload); return;
    case content_type::change_cipher_spec: on_change_cipher_spec(r.payload); return;
    case content_type::handshake:
        if (decrypter_) fail(protocol_error("a plaintext handshake record after the server's keys changed"));
        else if (r.payload.size() > max_plaintext) fail(protocol_error("a handshake record longer than 16 KiB"));
        else on_handshake_fragment(r.payload);
        return;
    case content_type::application_data:
        if (decrypter_) on_protected_record(r);
        else fall_back("application data before the server's certificate");
        return;
    default: fall_back(fmt::format("a record of content type {} before the server's certificate", r.type)); return;
    }
}

void engine::on_alert(std::span<const unsigned char> payload) {
    if (payload.size() != 2) {
        fail(protocol_error("a malformed alert record"));
        return;
    }
    const auto level = payload[0];
    const auto description = payload[1];
    if (level != alert_level_warning && level != alert_level_fatal) {  // libssl: "unknown alert type"
        fail(protocol_error(fmt::format("an alert of unknown level {}", level)));
        return;
    }
    // A close_notify sent as a fatal alert is an alert to libssl (tls-alert "close notify
    // (0)"); sent as the warning it is, the server closed.
    if (description == alert_description::close_notify && level != alert_level_fatal) {
        fail(closed_error());
        return;
    }
    // Warnings are skipped (a bounded number) except in TLS 1.3, where only user_canceled
    // is not an error (RFC 8446 6.1).
    const bool tls13 = version_ == version::tls13;
    const bool skip = level == alert_level_warning && (!tls13 || description == alert_description::user_canceled);
    // A hello that may negotiate TLS 1.3 refused outright may want what only libssl's hello
    // offers: a finite-field group (a TLS 1.3 server limited to them never sends a
    // HelloRetryRequest for a group the hello does not list) or a TLS 1.2 suite beyond the
    // modern probe's (DHE, CCM, ...). The TLS 1.2-only probes list every group and every suite
    // of their certificate type that libssl's `ALL` holds: a refusal there is libssl's too.
    const bool refused_hello = stage_ == stage::server_hello && hello_retry_suite_ == nullptr &&
                               profile_of(hello_->kind()).tls13 &&
                               (description == alert_description::handshake_failure ||
                                description == alert_description::insufficient_security);
    if (!skip && refused_hello)
        fall_back(
            fmt::format("the server refused the hello ({}): it may want a group or suite only libssl's "
                        "hello offers",
                        alert_error(description).detail));
    else if (!skip) fail(alert_error(description));
    else if (++warning_alerts_ > max_warning_alerts) fail(protocol_error("too many warning alerts"));
}

void engine::on_change_cipher_spec(std::span<const unsigned char> payload) {
    if (payload.size() != 1 || payload[0] != 1) {
        fail(protocol_error("a malformed ChangeCipherSpec record"));
        return;
    }
    // TLS 1.2: the server is resuming a session or skipping its certificate.
    if (stage_ == stage::tls12_certificate || stage_ == stage::tls12_after_certificate) {
        fall_back("ChangeCipherSpec before the server's certificate (an abbreviated handshake)");
        return;
    }
    // RFC 8446 5.1: handshake messages are not interleaved with other record types.
    if (!messages_.at_boundary()) {
        fall_back("a ChangeCipherSpec inside a handshake message");
        return;
    }
    if (++change_cipher_specs_ > max_change_cipher_spec)
        fail(protocol_error(fmt::format("more than {} ChangeCipherSpec records", max_change_cipher_spec)));
}

void engine::on_handshake_fragment(std::span<const unsigned char> fragment) {
    if (fragment.empty()) {  // TLS 1.3 forbids them, and libssl refuses them (on_record skips those before)
        fail(protocol_error("an empty handshake record"));
        return;
    }
    messages_.feed(fragment);
    handshake_message m;
    while (status_ == status::want_io) {
        switch (messages_.next(m)) {
        case handshake_reassembler::result::message: on_message(m); break;
        case handshake_reassembler::result::need_more: return;
        case handshake_reassembler::result::too_large:
            if (messages_.pending_type() == handshake_type::certificate ||
                messages_.pending_type() == handshake_type::certificate_request)
                fail(chain_too_large_error());
            else
                fail(protocol_error(fmt::format("handshake message {} exceeds the {} KiB limit",
                                                messages_.pending_type(), max_handshake_message / 1024)));
            return;
        }
    }
}

void engine::on_message(const handshake_message& m) {
    switch (stage_) {
    case stage::server_hello:
        if (m.type == handshake_type::server_hello) on_server_hello(m);
        else unexpected(m);
        return;
    case stage::tls13_extensions:
    case stage::tls13_certificate:
    case stage::tls13_verify: on_tls13_message(m); return;
    case stage::tls12_certificate:
    case stage::tls12_after_certificate: on_tls12_message(m); return;
    }
}

void engine::on_server_hello(const handshake_message& m) {
    const auto sh = parse_server_hello(m.body);
    if (!sh) {
        fail(protocol_error("a malformed ServerHello"));
        return;
    }
    if (sh->compression != 0) {
        fail(protocol_error("the ServerHello selects compression, which the hello did not offer"));
        return;
    }
    const std::uint16_t chosen = sh->selected_version != 0 ? sh->selected_version : sh->legacy_version;
    if (chosen == version::tls13) {
        if (!hello_->offers_tls13()) fail(protocol_error("the server chose TLS 1.3, which the hello did not offer"));
        else if (!answer_allowed(sh->hello_retry ? answered_in::hello_retry_request : answered_in::tls13_server_hello,
                                 sh->extensions))
            return;
        else if (sh->hello_retry) on_hello_retry(*sh, m);
        else start_tls13(*sh, m);
    } else if (sh->hello_retry) {
        fail(protocol_error("a HelloRetryRequest that does not select TLS 1.3"));
    } else if (chosen == version::ssl3) {
        fall_back("the server chose SSL 3.0");
    } else if (chosen < version::tls10 || chosen > version::tls12) {
        fail(protocol_error(fmt::format("the server chose an unknown protocol version 0x{:04x}", chosen)));
    } else if (sh->selected_version != 0) {  // RFC 8446 4.2.1
        fall_back(fmt::format("the ServerHello's supported_versions selects 0x{:04x}, below TLS 1.3", chosen));
    } else if (hello_retry_suite_ != nullptr) {  // RFC 8446 4.1.4
        fall_back("a ServerHello below TLS 1.3 after a HelloRetryRequest");
    } else if (carries_downgrade_sentinel(sh->random, chosen, hello_->offers_tls13())) {  // RFC 8446 4.1.3
        fall_back("the ServerHello carries the downgrade sentinel: the server supports a higher version than it chose");
    } else if (change_cipher_specs_ > 0) {  // RFC 5246 7.1: it ends the handshake, never starts it
        fall_back("a ChangeCipherSpec before a ServerHello below TLS 1.3");
    } else if (sh->renegotiation_info_not_empty) {  // RFC 5746 3.4
        fall_back("renegotiation_info is not empty on a first handshake");
    } else if (answer_allowed(answered_in::tls12_server_hello, sh->extensions, sh->alpn)) {
        start_tls12(*sh, chosen);
    }
}

bool engine::answer_allowed(answered_in where, std::span<const std::uint16_t> types,
                            std::span<const unsigned char> alpn) {
    if (const auto type = unsolicited_extension(where, types, !sni_.empty())) {
        fall_back(fmt::format("the server sent extension {} where the hello did not offer it", *type));
        return false;
    }
    if (!alpn.empty() && !hello_->offers_alpn(alpn)) {  // RFC 7301 3.2
        fall_back("the server selected an ALPN protocol the hello did not offer");
        return false;
    }
    return true;
}

bool engine::session_id_echoed(const server_hello& sh) const noexcept {
    return std::equal(sh.session_id.begin(), sh.session_id.end(), session_id_.begin(), session_id_.end());
}

void engine::unexpected(const handshake_message& m) {
    fall_back(fmt::format("unexpected handshake message type {} in the server's flight", m.type));
}

void engine::finish() {
    status_ = status::done;
    // user_canceled then close_notify: the way to abandon a handshake without blaming the
    // peer (RFC 8446 6.1). TLS 1.2: plaintext, as no keys were agreed. TLS 1.3: protected
    // with the client's handshake keys, as a browser's second flight would be, after the
    // compatibility-mode ChangeCipherSpec (RFC 8446 D.4): a server reads anything else
    // after its flight as a record that does not decrypt (GnuTLS logs it so).
    constexpr std::array<std::uint8_t, 2> alerts{alert_description::user_canceled, alert_description::close_notify};
    if (version_ == version::tls13 && client_keys_) {
        static constexpr std::array<unsigned char, 1> change_cipher_spec{1};
        append_records(out_, content_type::change_cipher_spec, version::tls12, change_cipher_spec);
        record_encrypter protect(client_cipher_, *client_keys_);
        for (const auto description : alerts) {
            const std::array<unsigned char, 2> alert{alert_level_warning, description};
            protect.seal(content_type::alert, alert, out_);
        }
        return;
    }
    for (const auto description : alerts) {
        const std::array<unsigned char, 2> alert{alert_level_warning, description};
        append_records(out_, content_type::alert, version_, alert);
    }
}

void engine::fail(scan_error e) {
    status_ = status::failed;
    error_ = std::move(e);
}

void engine::fall_back(std::string reason) {
    status_ = status::fallback;
    fallback_reason_ = std::move(reason);
}

}  // namespace tlsaudit::capture_engine::detail
