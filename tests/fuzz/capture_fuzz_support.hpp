#pragma once
// Shared by the capture client's fuzz targets (tls_client12, tls_client13): run a client
// over a server stream in chunks, and check the contract of client.hpp on the outcome.

#include "capture/client.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstddef>
#include <span>
#include <string_view>

namespace tlsaudit::fuzz {

struct capture_outcome {
    capture_engine::status st = capture_engine::status::want_io;
    capture_engine::flight f;
    std::optional<scan_error> error;
    std::string fallback;
    bytes output;  // what the client had to send at the end
};

// Feeds `stream` to `c` in pieces of `chunk` bytes (0: whole), then EOF when `eof`.
inline capture_outcome run_capture(capture_engine::client& c, std::span<const std::uint8_t> stream, std::size_t chunk,
                                   bool eof) {
    c.consumed_output(c.pending_output().size());
    if (chunk == 0) chunk = stream.size() + 1;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
        const auto piece = stream.subspan(at, std::min(chunk, stream.size() - at));
        const auto st = c.receive(piece);
        require(st == c.current(), "receive() returns current()");
        // The client may have more to send mid-flight (a second hello): the driver sends it.
        if (st == capture_engine::status::want_io) c.consumed_output(c.pending_output().size());
    }
    if (eof) {
        c.receive_eof();
        require(c.current() != capture_engine::status::want_io, "EOF ends the handshake");
    }
    const auto out = c.pending_output();
    return {c.current(), c.result(), c.error(), c.fallback_reason(), bytes(out.begin(), out.end())};
}

inline bool known_handshake_code(std::string_view code) {
    for (const char* known : {error_codes::tls_alert, error_codes::protocol_error, error_codes::not_tls,
                              error_codes::closed, error_codes::chain_too_large, error_codes::bad_certificate})
        if (code == known) return true;
    return false;
}

// The contract of client.hpp for a finished (or still waiting) client.
inline void check_capture(const capture_outcome& o) {
    using capture_engine::status;
    require((o.st == status::failed) == o.error.has_value(), "an error exactly when failed");
    require((o.st == status::fallback) == !o.fallback.empty(), "a reason exactly on fallback");
    if (o.error) {
        require(o.error->stage == "handshake", "errors are of the handshake stage");
        require(known_handshake_code(o.error->code), "error code from model.hpp");
        require(!o.error->detail.empty() && printable(o.error->detail), "a printable detail");
    }
    if (o.st == status::done) {
        require(!o.f.chain.empty(), "done means a chain");
        for (const auto& cert : o.f.chain) require(!cert.empty(), "no empty certificate");
        require(!o.f.protocol.empty() && !o.f.cipher.empty(), "done names protocol and cipher");
        if (o.f.protocol == "TLSv1.3") {
            // A ChangeCipherSpec, then two protected alert records (2 bytes, type, tag).
            static constexpr std::uint8_t closing[] = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
            require(o.output.size() >= 6 + 48 && std::equal(o.output.end() - 54, o.output.end() - 48, closing) &&
                        o.output.end()[-48] == 0x17 && o.output.end()[-24] == 0x17 && o.output.end()[-45] == 0x00 &&
                        o.output.end()[-44] == 19,
                    "done leaves the protected closing alerts to send");
        } else {
            static constexpr std::uint8_t close_notify[] = {0x01, 0x00};
            require(o.output.size() >= 14 && std::equal(o.output.end() - 2, o.output.end(), close_notify),
                    "done leaves the closing alerts to send");
        }
    }
    require(o.f.alpn.size() <= 255, "an ALPN name fits its length byte");
}

inline bool same_capture(const capture_outcome& a, const capture_outcome& b) {
    return a.st == b.st && a.f.chain == b.f.chain && a.f.stapled_ocsp == b.f.stapled_ocsp &&
           a.f.protocol == b.f.protocol && a.f.cipher == b.f.cipher && a.f.alpn == b.f.alpn &&
           a.f.signature_scheme == b.f.signature_scheme && a.f.hello_retry == b.f.hello_retry &&
           a.fallback == b.fallback && a.error.has_value() == b.error.has_value() &&
           (!a.error || (a.error->code == b.error->code && a.error->detail == b.error->detail));
}

}  // namespace tlsaudit::fuzz
