// Fuzz target: a served chain of arbitrary DER through x509 parsing, chain validation
// against the real roots, the audit with the default rules at a fixed time, and the
// NDJSON endpoint record. The input is split into certificates by their outer DER
// length (a concatenation of real certificates splits back into them); a header that
// does not parse, or a length past the end, makes the rest one last "certificate".

#include "chain_fixture.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

using namespace tlsaudit;

constexpr std::size_t max_certs = 8;

// Length of the DER TLV at the start of `rest` (header included), or 0 when the header
// is not a definite length that fits.
std::size_t tlv_length(std::span<const std::uint8_t> rest) {
    if (rest.size() < 2) return 0;
    std::size_t len = rest[1];
    std::size_t header = 2;
    if ((len & 0x80) != 0) {
        const std::size_t n = len & 0x7f;
        if (n == 0 || n > 3 || rest.size() < 2 + n) return 0;
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = (len << 8) | rest[2 + i];
        header += n;
    }
    return header + len <= rest.size() ? header + len : 0;
}

std::vector<bytes> split_der(std::span<const std::uint8_t> data) {
    std::vector<bytes> out;
    while (!data.empty() && out.size() < max_certs) {
        std::size_t n = tlv_length(data);
        if (n == 0 || out.size() + 1 == max_certs) n = data.size();
        out.emplace_back(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
        data = data.subspan(n);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)fuzz::fixed_store();
    (void)audit::default_catalogue();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto chain = split_der({data, size});
    if (chain.empty()) return 0;
    // The leaf's own name (*.analysys.cn) and one it does not cover.
    fuzz::audit_and_render(std::move(chain), (size & 1) != 0 ? "www.analysys.cn" : "host.example",
                           audit::default_catalogue());
    return 0;
}
