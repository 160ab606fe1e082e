// The TLS 1.3 flights of the tls_client13 fuzz seeds were recorded against the modern
// hello built with fixed_entropy(1): they decrypt only while that hello stays the same
// byte for byte. A change to the probe tables or the hello builder fails here, and the
// seeds must be recorded again (tests/fuzz/seeds/record_flights.cpp).

#include "capture/client.hpp"
#include "capture/testing.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace tlsaudit::capture_engine {
namespace {

TEST(capture_recorded_seeds, tls13_flights_still_decrypt) {
    const auto hello = hello_template::make(probe::modern, {"h2", "http/1.1"});
    std::size_t flights = 0;
    for (const auto& entry : std::filesystem::directory_iterator(TLSAUDIT_FUZZ_DIR "/corpus/tls_client13")) {
        if (entry.path().filename().string().starts_with("fuzz-")) continue;  // found by fuzzing, not recorded
        std::ifstream in(entry.path(), std::ios::binary);
        const bytes seed(std::istreambuf_iterator<char>(in), {});
        ASSERT_FALSE(seed.empty());
        detail::fixed_entropy entropy(1);
        client c(hello, {.sni = "localhost", .verify_handshake = true}, entropy);
        c.consumed_output(c.pending_output().size());
        EXPECT_EQ(c.receive(std::span(seed).subspan(1)), status::done)
            << entry.path().filename() << ": " << (c.error() ? c.error()->detail : c.fallback_reason());
        EXPECT_FALSE(c.result().chain.empty());
        ++flights;
    }
    EXPECT_GE(flights, 10u);
}

}  // namespace
}  // namespace tlsaudit::capture_engine
