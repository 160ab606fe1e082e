#include <tlsaudit/lab/real_certs.hpp>

#include "test_support.hpp"

#include "ossl/der.hpp"
#include "ossl/encoding.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace tlsaudit::lab {
namespace {

TEST(lab_real_certs, globalsign_2018_intermediate_has_its_known_fingerprint) {
    const std::vector<bytes> certs = real_cert("globalsign-rsa-dv-ssl-ca-2018");
    ASSERT_EQ(certs.size(), 1u);
    EXPECT_EQ(ossl::sha256_hex(certs.front()), "9e898ed03fa46969690dad73c7296675045ff9b5a0100a399beb8435a98f5185");
}

TEST(lab_real_certs, every_embedded_file_parses) {
    const std::vector<std::string> names = real_cert_names();
    EXPECT_GE(names.size(), 14u);
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    for (const auto& name : names) {
        const std::vector<bytes> certs = real_cert(name);
        ASSERT_FALSE(certs.empty()) << name;
        for (const auto& der : certs) EXPECT_NO_THROW(ossl::decode_certificate(der)) << name;
        EXPECT_NE(real_cert_pem(name).find("-----BEGIN CERTIFICATE-----"), std::string_view::npos);
    }
}

TEST(lab_real_certs, unknown_stem_throws) {
    EXPECT_THROW(real_cert("no-such-file"), std::invalid_argument);
    EXPECT_THROW(real_cert("globalsign-rsa-dv-ssl-ca-2018.pem"), std::invalid_argument);
}

}  // namespace
}  // namespace tlsaudit::lab
