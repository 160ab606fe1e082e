#pragma once
// A scripted TLS server for the capture client's state-machine tests: it reads the
// client's ClientHello and writes whatever flight a test asks for, right or wrong,
// protecting TLS 1.3 records with the real key schedule (capture's own HKDF, checked
// against RFC 8448 in key_schedule_test.cpp; sealing with EVP here).

#include "capture/key_share.hpp"
#include "capture/record_protection.hpp"
#include "capture/transcript.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"

#include <tlsaudit/model.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace tlsaudit::capture_engine::testing {

// What a ClientHello carried, for the server's answer and the tests' checks.
struct client_hello_view {
    bytes message;  // handshake message (header included), from the hello's record(s)
    bytes random;
    bytes session_id;
    std::vector<std::pair<std::uint16_t, bytes>> extensions;
    std::uint16_t key_share_group = 0;
    bytes key_share;
    bytes cookie;
    const bytes* find(std::uint16_t type) const;
};
// Reads the ClientHello from the start of what the client sent (records of type 22,
// a ChangeCipherSpec before it skipped). Throws std::runtime_error when it is not one.
client_hello_view read_client_hello(std::span<const unsigned char> client_output);

class tls13_server {
public:
    explicit tls13_server(std::uint16_t suite = 0x1301) : suite_(suite) {}

    // A HelloRetryRequest for `group` (0: none) and `cookie` (empty: none). Starts the
    // transcript with message_hash(ClientHello1).
    bytes hello_retry_request(const client_hello_view& ch, std::uint16_t group, std::span<const unsigned char> cookie);
    // The ServerHello record answering `ch` (echoing its session id unless `session_id`
    // is given), and the handshake keys behind it.
    bytes server_hello(const client_hello_view& ch, std::optional<bytes> session_id = std::nullopt);
    // A protected record holding `content` of inner type `type`, padded with `padding` zeros.
    bytes protect(std::uint8_t type, std::span<const unsigned char> content, std::size_t padding = 0);
    // Adds a handshake message to the transcript (call for each message before protecting it).
    void hash(std::span<const unsigned char> message) { transcript_.add(message); }
    // A CertificateVerify message signed with `key` (scheme `scheme`) over the transcript so far.
    bytes certificate_verify(EVP_PKEY* key, std::uint16_t scheme);
    // The inner type and content of one protected record the client sent under its
    // handshake keys (the next sequence number); nullopt when it does not decrypt.
    std::optional<std::pair<std::uint8_t, bytes>> unprotect_client(std::span<const unsigned char> record);

private:
    std::uint16_t suite_;
    detail::transcript transcript_;
    std::optional<detail::key_share> share_;
    ossl::evp_cipher_ctx_ptr ctx_;
    std::array<unsigned char, 12> iv_{};
    std::uint64_t sequence_ = 0;
    std::optional<detail::record_decrypter> client_reader_;
};

}  // namespace tlsaudit::capture_engine::testing
