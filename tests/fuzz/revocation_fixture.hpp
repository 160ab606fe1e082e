#pragma once
// The fixed lab CA the OCSP and CRL fuzz targets judge against: the issuing CA and the
// leaf that tests/fuzz/seeds/make_seeds.cpp wrote to tests/fuzz/fixtures/revocation/
// together with the seed responses and CRLs it signed, and the time they were made
// (so signed seeds are fresh and verify, and mutations reach every later check).

#include "fuzz_support.hpp"

#include "ossl/der.hpp"
#include "verdict.hpp"

#include <chrono>
#include <string>

namespace tlsaudit::fuzz {

struct revocation_fixture {
    ossl::x509_ptr issuer;
    ossl::x509_ptr leaf;
    revocation::detail::freshness at;
};

inline const revocation_fixture& fixed_ca() {
    static const revocation_fixture f = [] {
        revocation_fixture out;
        std::string error;
        out.issuer = ossl::decode_certificate(read_fixture("fixtures/revocation/issuer.der"), error);
        out.leaf = ossl::decode_certificate(read_fixture("fixtures/revocation/leaf.der"), error);
        require(out.issuer && out.leaf, "revocation fixture certificates do not decode");
        const bytes t = read_fixture("fixtures/revocation/now.txt");
        out.at.now = time_point(std::chrono::seconds(std::stoll(std::string(t.begin(), t.end()))));
        return out;
    }();
    return f;
}

// What every verdict promises.
inline void check_verdict(const revocation::detail::verdict& v) {
    const auto& s = v.status.state;
    require(s == "good" || s == "revoked" || s == "unknown", "verdict state outside good/revoked/unknown");
    require(s != "unknown" || !v.status.reason.empty(), "unknown verdict without a reason");
}

}  // namespace tlsaudit::fuzz
