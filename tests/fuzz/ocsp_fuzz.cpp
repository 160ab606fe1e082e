// Fuzz target: OCSP response judgement (scanner/revocation/ocsp.cpp), the pure function
// behind both stapled and fetched responses. The input is a DER OCSPResponse judged for
// the fixture leaf under the fixture CA at the fixture time; it is also judged with the
// roles swapped (a response naming the wrong issuer) to reach the CertID mismatch paths.

#include "revocation_fixture.hpp"

#include "ocsp.hpp"

#include <cstddef>
#include <cstdint>

using namespace tlsaudit;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)fuzz::fixed_ca();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& ca = fuzz::fixed_ca();
    const std::span<const unsigned char> der(data, size);
    const auto v = revocation::detail::judge_ocsp_response(der, ca.leaf.get(), ca.issuer.get(), ca.at);
    fuzz::check_verdict(v);
    fuzz::require(v.status.source.empty(), "judge_ocsp_response sets a source");
    fuzz::check_verdict(revocation::detail::judge_ocsp_response(der, ca.issuer.get(), ca.leaf.get(), ca.at));
    return 0;
}
