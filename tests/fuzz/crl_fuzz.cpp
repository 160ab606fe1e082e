// Fuzz target: CRL handling (scanner/revocation/crl.cpp): parse (DER, or PEM when the
// text holds "-----BEGIN"), verify against the fixture CA at the fixture time, then
// look the fixture leaf up. The lookup also runs on CRLs that fail verification: it
// must be memory-safe on anything parse_crl returns, whatever its signature.

#include "revocation_fixture.hpp"

#include "crl.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace tlsaudit;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)fuzz::fixed_ca();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& ca = fuzz::fixed_ca();
    std::string error;
    auto crl = revocation::detail::parse_crl({data, size}, error);
    fuzz::require(crl != nullptr || !error.empty(), "parse_crl failed without a reason");
    if (!crl) return 0;
    const std::string problem = revocation::detail::check_crl(crl.get(), ca.issuer.get(), ca.at);
    (void)revocation::detail::crl_next_update(crl.get());
    const auto v = revocation::detail::lookup_crl(crl.get(), ca.leaf.get());
    fuzz::check_verdict(v);
    fuzz::require(v.status.state != "unknown", "lookup_crl answers good or revoked");
    (void)problem;
    return 0;
}
