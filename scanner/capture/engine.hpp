#pragma once
// The capture client's state machine behind client.hpp: records in, handshake messages
// dispatched by stage, a flight, an error or a fallback reason out. engine.cpp holds the
// record layer and the ServerHello; engine_tls13.cpp and engine_tls12.cpp the rest of
// each version's flight.

#include "answer_checks.hpp"
#include "client.hpp"
#include "handshake_reassembler.hpp"
#include "key_share.hpp"
#include "messages.hpp"
#include "record_protection.hpp"
#include "record_reader.hpp"
#include "tls_constants.hpp"
#include "transcript.hpp"

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace tlsaudit::capture_engine::detail {

struct tls13_suite;

class engine {
public:
    engine(const hello_template& hello, const options& opts, entropy_source* entropy);

    std::span<const unsigned char> pending_output() const noexcept { return std::span(out_).subspan(out_sent_); }
    void consumed_output(std::size_t n) noexcept;
    status receive(std::span<const unsigned char> data);
    status receive_eof();

    status current() const noexcept { return status_; }
    const flight& result() const noexcept { return flight_; }
    flight take_result() noexcept { return std::move(flight_); }
    const std::optional<scan_error>& error() const noexcept { return error_; }
    const std::string& fallback_reason() const noexcept { return fallback_reason_; }

private:
    enum class stage {
        server_hello,             // waiting for ServerHello or HelloRetryRequest
        tls13_extensions,         // EncryptedExtensions
        tls13_certificate,        // CertificateRequest, Certificate
        tls13_verify,             // CertificateVerify
        tls12_certificate,        // Certificate
        tls12_after_certificate,  // CertificateStatus, ServerKeyExchange, CertificateRequest, ServerHelloDone
    };

    // engine.cpp
    void send_client_hello(std::span<const unsigned char> cookie);
    void on_record(const record& r);
    void on_alert(std::span<const unsigned char> payload);
    void on_change_cipher_spec(std::span<const unsigned char> payload);
    void on_handshake_fragment(std::span<const unsigned char> fragment);
    void on_message(const handshake_message& m);
    void on_server_hello(const handshake_message& m);
    void finish();
    void fail(scan_error e);
    void fall_back(std::string reason);
    void unexpected(const handshake_message& m);
    // Falls back and returns false when `types` holds an extension `where` may not carry,
    // or `alpn` (the protocol the server selected, if any) is not one the hello offered.
    bool answer_allowed(answered_in where, std::span<const std::uint16_t> types,
                        std::span<const unsigned char> alpn = {});
    bool session_id_echoed(const server_hello& sh) const noexcept;

    // engine_tls13.cpp
    void on_hello_retry(const server_hello& sh, const handshake_message& m);
    void start_tls13(const server_hello& sh, const handshake_message& m);
    void on_protected_record(const record& r);
    void on_tls13_message(const handshake_message& m);
    void on_certificate_verify(const handshake_message& m);
    // The messages after ServerHello matter to the transcript only for checking the
    // CertificateVerify signature: without --verify-handshake they are not hashed.
    void add_to_transcript(const handshake_message& m) {
        if (verify_handshake_) transcript_.add(m.whole);
    }

    // engine_tls12.cpp
    void start_tls12(const server_hello& sh, std::uint16_t version);
    void on_tls12_message(const handshake_message& m);

    status status_ = status::want_io;
    flight flight_;
    std::optional<scan_error> error_;
    std::string fallback_reason_;

    const hello_template* hello_;
    entropy_source* entropy_;
    std::string sni_;
    bool verify_handshake_;
    stage stage_ = stage::server_hello;
    std::uint16_t version_ = 0;  // negotiated; 0 before ServerHello

    bytes out_;
    std::size_t out_sent_ = 0;
    record_reader records_;
    handshake_reassembler messages_{max_handshake_message};
    int change_cipher_specs_ = 0;
    int warning_alerts_ = 0;
    int empty_records_ = 0;

    std::array<unsigned char, 32> random_{};
    std::array<unsigned char, 32> session_id_{};
    bytes client_hello_;  // the last ClientHello, until it enters the transcript
    // TLS 1.3 probes: the thread's reused X25519 share, or one of this connection's own
    // (tests' fixed entropy, a HelloRetryRequest's group).
    std::shared_ptr<const key_share> share_;

    // TLS 1.3
    const tls13_suite* hello_retry_suite_ = nullptr;
    transcript transcript_;
    std::optional<record_decrypter> decrypter_;
    std::optional<traffic_keys> client_keys_;  // client_handshake_traffic_secret's
    const EVP_CIPHER* client_cipher_ = nullptr;
    bytes plaintext_;
    bool certificate_request_seen_ = false;

    // TLS 1.2
    bool status_expected_ = false;
    bool server_key_exchange_expected_ = false;  // an (EC)DHE suite
    bool server_key_exchange_seen_ = false;
    int last_tls12_rank_ = 0;
};

}  // namespace tlsaudit::capture_engine::detail
