// Fuzz target: the capture client (scanner/capture) fed a plaintext server flight, as a
// TLS 1.2 server sends it. Byte 0 picks the probe (bit 0: modern, else tls12), the read
// size (bits 1-4: 0 whole, else 2^(n-1) bytes) and whether the peer then closes (bit 5);
// the rest is what the server sends. The outcome must keep client.hpp's contract and be
// the same whether the stream arrives whole or in pieces.

#include "capture_fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

namespace {

using namespace tlsaudit;

const capture_engine::hello_template& hello(bool modern) {
    static const auto m = capture_engine::hello_template::make(capture_engine::probe::modern, {"h2", "http/1.1"});
    static const auto t = capture_engine::hello_template::make(capture_engine::probe::tls12, {"h2", "http/1.1"});
    return modern ? m : t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t flags = data[0];
    const std::span<const std::uint8_t> stream(data + 1, size - 1);
    const bool modern = (flags & 1) != 0;
    const unsigned exponent = (flags >> 1) & 0x0f;
    const std::size_t chunk = exponent == 0 ? 0 : std::size_t{1} << (exponent - 1);
    const bool eof = (flags & 0x20) != 0;
    const capture_engine::options opts{.sni = "localhost"};

    capture_engine::client whole(hello(modern), opts);
    const auto a = fuzz::run_capture(whole, stream, 0, eof);
    fuzz::check_capture(a);
    capture_engine::client pieces(hello(modern), opts);
    const auto b = fuzz::run_capture(pieces, stream, chunk, eof);
    fuzz::check_capture(b);
    // A TLS 1.3 answer cannot be read here (fresh keys each run); anything else must not
    // depend on how the bytes were cut.
    if (a.f.protocol != "TLSv1.3") fuzz::require(fuzz::same_capture(a, b), "the outcome does not depend on read sizes");
    return 0;
}
