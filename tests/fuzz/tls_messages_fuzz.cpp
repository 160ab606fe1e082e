// Fuzz target: the capture client's handshake message parsers (scanner/capture
// messages.hpp). Byte 0 picks the parser; the rest is a message body. Whatever a parser
// accepts must lie inside the body and keep the documented shape.

#include "capture/messages.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

namespace {

using namespace tlsaudit;
namespace cap = capture_engine::detail;

bool inside(std::span<const std::uint8_t> part, std::span<const std::uint8_t> whole) {
    return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::span<const std::uint8_t> body(data + 1, size - 1);
    switch (data[0] % 6) {
    case 0:
        if (const auto sh = cap::parse_server_hello(body)) {
            fuzz::require(sh->random.size() == 32 && sh->session_id.size() <= 32, "ServerHello shape");
            for (const auto part : {sh->random, sh->session_id, sh->key_share, sh->cookie, sh->alpn})
                fuzz::require(inside(part, body), "ServerHello views inside the body");
        }
        break;
    case 1:
        if (const auto ee = cap::parse_encrypted_extensions(body))
            fuzz::require(inside(ee->alpn, body) && ee->alpn.size() <= 255, "ALPN inside the body");
        break;
    case 2:
    case 3:
        if (const auto list = cap::parse_certificate(body, data[0] % 6 == 3)) {
            std::size_t total = list->ocsp.size();
            for (const auto& cert : list->chain) {
                fuzz::require(!cert.empty(), "no empty certificate");
                total += cert.size() + 3;
            }
            fuzz::require(total <= body.size(), "certificates come from the body");
        }
        break;
    case 4:
        if (const auto status = cap::parse_certificate_status(body))
            fuzz::require(!status->empty() && inside(*status, body), "OCSP response inside the body");
        break;
    default:
        if (const auto cv = cap::parse_certificate_verify(body))
            fuzz::require(cv->signature.size() + 4 == body.size(), "CertificateVerify fills the body");
        break;
    }
    return 0;
}
