// Fuzz target: the capture client (scanner/capture) fed a TLS 1.3 server flight through
// the fixed-key harness of capture/testing.hpp: the client's random, session id and key
// shares come from fixed_entropy(seed 1), so a flight recorded from a real server against
// the same hello (tests/fuzz/seeds/record_flights.cpp) decrypts again and fuzzing reaches
// past the key schedule. Byte 0: bit 0 verify_handshake, bits 1-4 the read size (0 whole,
// else 2^(n-1) bytes), bit 5 EOF at the end; the rest is what the server sends.

#include "capture/testing.hpp"
#include "capture_fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

namespace {

using namespace tlsaudit;

// Keep in step with record_flights.cpp: the same template, name and seed.
const capture_engine::hello_template& hello() {
    static const auto t = capture_engine::hello_template::make(capture_engine::probe::modern, {"h2", "http/1.1"});
    return t;
}

constexpr std::uint64_t entropy_seed = 1;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t flags = data[0];
    const std::span<const std::uint8_t> stream(data + 1, size - 1);
    const unsigned exponent = (flags >> 1) & 0x0f;
    const std::size_t chunk = exponent == 0 ? 0 : std::size_t{1} << (exponent - 1);
    const bool eof = (flags & 0x20) != 0;
    const capture_engine::options opts{.sni = "localhost", .verify_handshake = (flags & 1) != 0};

    capture_engine::detail::fixed_entropy e1(entropy_seed);
    capture_engine::client whole(hello(), opts, e1);
    const auto a = fuzz::run_capture(whole, stream, 0, eof);
    fuzz::check_capture(a);
    capture_engine::detail::fixed_entropy e2(entropy_seed);
    capture_engine::client pieces(hello(), opts, e2);
    const auto b = fuzz::run_capture(pieces, stream, chunk, eof);
    fuzz::check_capture(b);
    fuzz::require(fuzz::same_capture(a, b), "the outcome does not depend on read sizes");
    return 0;
}
