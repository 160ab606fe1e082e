// Parse results for the real public certificates in tests/data/real, checked
// against the table in tests/data/real/SOURCES.md and `openssl x509 -text`.

#include "test_support.hpp"

#include "ossl/encoding.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tlsaudit::x509::test {
namespace {

struct expected_cert {
    const char* file;
    const char* subject_cn;
    const char* issuer_cn;
    const char* serial;
    time_point not_before;
    time_point not_after;
    const char* sha256;
    const char* spki_sha256;
    const char* ski;  // SOURCES.md SKI without colons
};

// Rows copied from SOURCES.md.
const std::vector<expected_cert>& source_table() {
    static const std::vector<expected_cert> table = {
        {"globalsign-root-ca-r3.pem", "GlobalSign", "GlobalSign", "04000000000121585308a2", utc(2009, 3, 18, 10, 0, 0),
         utc(2029, 3, 18, 10, 0, 0), "cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b",
         "706bb1017c855c59169bad5c1781cf597f12d2cad2f63d1a4aa37493800ffb80",
         "8ff04b7fa82e4524ae4d50fa639a8bdee2dd1bbc"},
        {"globalsign-rsa-dv-ssl-ca-2018.pem", "GlobalSign RSA DV SSL CA 2018", "GlobalSign",
         "01ee5f222de71b43a5d4669f9e", utc(2018, 11, 21), utc(2028, 11, 21),
         "9e898ed03fa46969690dad73c7296675045ff9b5a0100a399beb8435a98f5185",
         "cdffa2fdf6ac5b800b7ba3ccf5716646d28dfc7142a5a9a5ab614af33fd5bafb",
         "8180d62879354a5b793589398f12176e117b2c11"},
        {"globalsign-gcc-r3-dv-tls-ca-2020.pem", "GlobalSign GCC R3 DV TLS CA 2020", "GlobalSign",
         "77bd0e0742d5d9e9d049d774d02a6f9a", utc(2020, 7, 28), utc(2029, 3, 18),
         "762538439509c411c437d3c567563e1378671281fc4a1464add031870843676e",
         "49cef02f815f3b0f2e79de70dc9392ceee4ccc1e3bd4f7ea7723788673186d7e",
         "0d98c0737fabbdbdd9474b49ad0a4a0cac3ec77c"},
        {"leaf-analysys-cn-globalsign-rsa-dv-2018-expired.pem", "*.analysys.cn", "GlobalSign RSA DV SSL CA 2018",
         "24ddb0d1db4419fb2f03b80e", utc(2019, 9, 19, 6, 40, 23), utc(2020, 11, 15, 9, 17, 9),
         "9496b3e1fdc17e990460aa279104074c6d46dcd0b3898f5515d55f77df841e9f",
         "607b7af3115062dc66e6197226eff02588d82407c19579b0a4db3a4500a192ab",
         "ce88843065f095bbf9819e8df3028accc3c0d673"},
        {"entrust-ca-l1k.pem", "Entrust Certification Authority - L1K", "Entrust Root Certification Authority - G2",
         "0ee94cc30000000051d37785", utc(2015, 10, 5, 19, 13, 56), utc(2030, 12, 5, 19, 43, 56),
         "13efb39a2f6654e8c67bd04f4c6d4c90cd6cab5091bcedc73787f6b77d3d3fe7",
         "f7cd08a27aa9df0918b4df5265580ccee590cc9b5ad677f134fc137a6d57d2e7",
         "82a27074ddbc533fcf7bd4f7cd7fa760c60a4cbf"},
        {"entrust-root-ca-ec1.pem", "Entrust Root Certification Authority - EC1",
         "Entrust Root Certification Authority - EC1", "a68b79290000000050d091f9", utc(2012, 12, 18, 15, 25, 36),
         utc(2037, 12, 18, 15, 55, 36), "02ed0eb28c14da45165c566791700d6451d7fb56f0b2ab1d3b8eb070e56edff5",
         "fea2b7d645fba73d753c1ec9a7870c40e1f7b0c561e927b985bf711866e36f22",
         "b763e71add8de908a65583a4e06a504165114249"},
        {"entrust-root-ca-g4.pem", "Entrust Root Certification Authority - G4",
         "Entrust Root Certification Authority - G4", "d9b5437fafa9390f000000005565ad58", utc(2015, 5, 27, 11, 11, 16),
         utc(2037, 12, 27, 11, 41, 16), "db3517d1f6732a2d5ab97c533ec70779ee3270a62fb4ac4238372460e6f01e88",
         "36d7c79f3d089a0ff79972d90923dea5ca76b4ccbaf7c2751cb152e9494f52d0",
         "9f38c45623c339e8a0716ce8544ce4e83ab1bf67"},
        {"entrust-net-ca-2048.pem", "Entrust.net Certification Authority (2048)",
         "Entrust.net Certification Authority (2048)", "3863def8", utc(1999, 12, 24, 17, 50, 51),
         utc(2029, 7, 24, 14, 15, 12), "6dc47172e01cbcb0bf62580d895fe2b8ac9ad4f873801e0c10b9c837d21eb177",
         "1ea3c5e43ed66c2da2983a42a4a79b1e906786ce9f1b58621419a00463a87d38",
         "55e481d11180bed889b908a331f9a1240916b970"},
    };
    return table;
}

cert_info parse_real(const char* file) {
    std::string error;
    const std::optional<cert_info> info = parse_certificate(load_real_der(file), error);
    if (!info) {
        throw std::runtime_error(std::string{file} + ": " + error);
    }
    return *info;
}

TEST(real_certificates, match_sources_table) {
    for (const expected_cert& row : source_table()) {
        SCOPED_TRACE(row.file);
        const cert_info info = parse_real(row.file);
        EXPECT_EQ(info.subject_cn, row.subject_cn);
        EXPECT_EQ(info.issuer_cn, row.issuer_cn);
        EXPECT_EQ(info.serial_hex, row.serial);
        EXPECT_EQ(info.not_before, row.not_before);
        EXPECT_EQ(info.not_after, row.not_after);
        EXPECT_EQ(info.sha256, row.sha256);
        EXPECT_EQ(info.spki_sha256, row.spki_sha256);
        EXPECT_EQ(info.subject_key_id, row.ski);
        // The fingerprint is of the input bytes.
        EXPECT_EQ(info.sha256, ossl::sha256_hex(load_real_der(row.file)));
    }
}

TEST(real_certificates, globalsign_dv_2018) {
    const cert_info info = parse_real("globalsign-rsa-dv-ssl-ca-2018.pem");
    EXPECT_EQ(info.subject, "CN=GlobalSign RSA DV SSL CA 2018,O=GlobalSign nv-sa,C=BE");
    EXPECT_EQ(info.issuer, "CN=GlobalSign,O=GlobalSign,OU=GlobalSign Root CA - R3");
    EXPECT_TRUE(info.is_ca);
    EXPECT_FALSE(info.self_issued);
    EXPECT_EQ(info.key_type, "RSA");
    EXPECT_EQ(info.key_bits, 2048);
    EXPECT_EQ(info.curve, "");
    EXPECT_EQ(info.signature_algorithm, "sha256WithRSAEncryption");
    EXPECT_EQ(info.authority_key_id, "8ff04b7fa82e4524ae4d50fa639a8bdee2dd1bbc");  // the R3 root's SKI
    EXPECT_EQ(info.ocsp_urls, std::vector<std::string>{"http://ocsp2.globalsign.com/rootr3"});
    EXPECT_TRUE(info.ca_issuer_urls.empty());
    EXPECT_EQ(info.crl_urls, std::vector<std::string>{"http://crl.globalsign.com/root-r3.crl"});
    EXPECT_TRUE(info.dns_names.empty());
    EXPECT_TRUE(info.ip_addresses.empty());
    EXPECT_FALSE(info.earliest_sct.has_value());
}

TEST(real_certificates, globalsign_gcc_r3_dv_2020) {
    const cert_info info = parse_real("globalsign-gcc-r3-dv-tls-ca-2020.pem");
    EXPECT_EQ(info.subject, "CN=GlobalSign GCC R3 DV TLS CA 2020,O=GlobalSign nv-sa,C=BE");
    EXPECT_TRUE(info.is_ca);
    EXPECT_FALSE(info.self_issued);
    EXPECT_EQ(info.authority_key_id, "8ff04b7fa82e4524ae4d50fa639a8bdee2dd1bbc");
    EXPECT_EQ(info.ocsp_urls, std::vector<std::string>{"http://ocsp2.globalsign.com/rootr3"});
    EXPECT_EQ(info.ca_issuer_urls, std::vector<std::string>{"http://secure.globalsign.com/cacert/root-r3.crt"});
    EXPECT_EQ(info.crl_urls, std::vector<std::string>{"http://crl.globalsign.com/root-r3.crl"});
}

TEST(real_certificates, globalsign_root_r3) {
    const cert_info info = parse_real("globalsign-root-ca-r3.pem");
    EXPECT_EQ(info.subject, "CN=GlobalSign,O=GlobalSign,OU=GlobalSign Root CA - R3");
    EXPECT_EQ(info.subject, info.issuer);
    EXPECT_TRUE(info.is_ca);
    EXPECT_TRUE(info.self_issued);
    EXPECT_EQ(info.authority_key_id, "");  // no AKI extension
    EXPECT_TRUE(info.ocsp_urls.empty());
    EXPECT_TRUE(info.crl_urls.empty());
}

TEST(real_certificates, analysys_leaf) {
    const cert_info info = parse_real("leaf-analysys-cn-globalsign-rsa-dv-2018-expired.pem");
    EXPECT_EQ(info.subject, "CN=*.analysys.cn,OU=Domain Control Validated");
    EXPECT_EQ(info.issuer, "CN=GlobalSign RSA DV SSL CA 2018,O=GlobalSign nv-sa,C=BE");
    EXPECT_EQ(info.dns_names, (std::vector<std::string>{"*.analysys.cn", "analysys.cn"}));
    EXPECT_TRUE(info.ip_addresses.empty());
    EXPECT_FALSE(info.is_ca);
    EXPECT_FALSE(info.self_issued);
    EXPECT_EQ(info.key_type, "RSA");
    EXPECT_EQ(info.key_bits, 2048);
    EXPECT_EQ(info.signature_algorithm, "sha256WithRSAEncryption");
    // AKI = the SKI of GlobalSign RSA DV SSL CA 2018 (SOURCES.md).
    EXPECT_EQ(info.authority_key_id, "8180d62879354a5b793589398f12176e117b2c11");
    EXPECT_EQ(info.ocsp_urls, std::vector<std::string>{"http://ocsp.globalsign.com/gsrsadvsslca2018"});
    EXPECT_EQ(info.ca_issuer_urls,
              std::vector<std::string>{"http://secure.globalsign.com/cacert/gsrsadvsslca2018.crt"});
    EXPECT_EQ(info.crl_urls, std::vector<std::string>{"http://crl.globalsign.com/gsrsadvsslca2018.crl"});
    // Two embedded SCTs (openssl x509 -text): Sep 19 06:40:25.940 and 06:40:25.871 2019 GMT.
    ASSERT_TRUE(info.earliest_sct.has_value());
    EXPECT_EQ(*info.earliest_sct, utc(2019, 9, 19, 6, 40, 25) + std::chrono::milliseconds(871));
}

TEST(real_certificates, entrust_l1k) {
    const cert_info info = parse_real("entrust-ca-l1k.pem");
    EXPECT_EQ(info.subject,
              "CN=Entrust Certification Authority - L1K,"
              "OU=(c) 2012 Entrust\\, Inc. - for authorized use only,"
              "OU=See www.entrust.net/legal-terms,O=Entrust\\, Inc.,C=US");
    EXPECT_TRUE(info.is_ca);
    EXPECT_EQ(info.authority_key_id, "6a72267ad01eef7de73b6951d46c8d9f901266ab");  // G2 root's SKI
    EXPECT_EQ(info.ocsp_urls, std::vector<std::string>{"http://ocsp.entrust.net"});
    EXPECT_EQ(info.crl_urls, std::vector<std::string>{"http://crl.entrust.net/g2ca.crl"});
    EXPECT_EQ(info.key_type, "RSA");
    EXPECT_EQ(info.key_bits, 2048);
}

TEST(real_certificates, entrust_l1k_cross_signed_shares_key) {
    const cert_info current = parse_real("entrust-ca-l1k.pem");
    const cert_info cross = parse_real("entrust-ca-l1k-xsigned-by-entrust-net-2048.pem");
    EXPECT_EQ(cross.spki_sha256, current.spki_sha256);
    EXPECT_EQ(cross.subject_key_id, current.subject_key_id);
    EXPECT_NE(cross.sha256, current.sha256);
    EXPECT_EQ(cross.issuer_cn, "Entrust.net Certification Authority (2048)");
}

TEST(real_certificates, entrust_ec1_root) {
    const cert_info info = parse_real("entrust-root-ca-ec1.pem");
    EXPECT_EQ(info.key_type, "EC");
    EXPECT_EQ(info.key_bits, 384);
    EXPECT_EQ(info.curve, "secp384r1");
    EXPECT_EQ(info.signature_algorithm, "ecdsa-with-SHA384");
    EXPECT_TRUE(info.is_ca);
    EXPECT_TRUE(info.self_issued);
}

TEST(real_certificates, entrust_g4_is_rsa_4096) {
    const cert_info info = parse_real("entrust-root-ca-g4.pem");
    EXPECT_EQ(info.key_type, "RSA");
    EXPECT_EQ(info.key_bits, 4096);
}

}  // namespace
}  // namespace tlsaudit::x509::test
