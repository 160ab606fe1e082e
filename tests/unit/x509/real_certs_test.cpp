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
        {"globalsign-root-ca-r3.pem", "GlobalSign", "GlobalSign", "04000000000121585308A2",
         utc(2009, 3, 18, 10, 0, 0), utc(2029, 3, 18, 10, 0, 0),
         "CBB522D7B7F127AD6A0113865BDF1CD4102E7D0759AF635A7CF4720DC963C53B",
         "706bb1017c855c59169bad5c1781cf597f12d2cad2f63d1a4aa37493800ffb80",
         "8FF04B7FA82E4524AE4D50FA639A8BDEE2DD1BBC"},
        {"globalsign-rsa-dv-ssl-ca-2018.pem", "GlobalSign RSA DV SSL CA 2018", "GlobalSign",
         "01EE5F222DE71B43A5D4669F9E", utc(2018, 11, 21), utc(2028, 11, 21),
         "9E898ED03FA46969690DAD73C7296675045FF9B5A0100A399BEB8435A98F5185",
         "cdffa2fdf6ac5b800b7ba3ccf5716646d28dfc7142a5a9a5ab614af33fd5bafb",
         "8180D62879354A5B793589398F12176E117B2C11"},
        {"globalsign-gcc-r3-dv-tls-ca-2020.pem", "GlobalSign GCC R3 DV TLS CA 2020", "GlobalSign",
         "77BD0E0742D5D9E9D049D774D02A6F9A", utc(2020, 7, 28), utc(2029, 3, 18),
         "762538439509C411C437D3C567563E1378671281FC4A1464ADD031870843676E",
         "49cef02f815f3b0f2e79de70dc9392ceee4ccc1e3bd4f7ea7723788673186d7e",
         "0D98C0737FABBDBDD9474B49AD0A4A0CAC3EC77C"},
        {"leaf-analysys-cn-globalsign-rsa-dv-2018-expired.pem", "*.analysys.cn", "GlobalSign RSA DV SSL CA 2018",
         "24DDB0D1DB4419FB2F03B80E", utc(2019, 9, 19, 6, 40, 23), utc(2020, 11, 15, 9, 17, 9),
         "9496B3E1FDC17E990460AA279104074C6D46DCD0B3898F5515D55F77DF841E9F",
         "607b7af3115062dc66e6197226eff02588d82407c19579b0a4db3a4500a192ab",
         "CE88843065F095BBF9819E8DF3028ACCC3C0D673"},
        {"entrust-ca-l1k.pem", "Entrust Certification Authority - L1K", "Entrust Root Certification Authority - G2",
         "0EE94CC30000000051D37785", utc(2015, 10, 5, 19, 13, 56), utc(2030, 12, 5, 19, 43, 56),
         "13EFB39A2F6654E8C67BD04F4C6D4C90CD6CAB5091BCEDC73787F6B77D3D3FE7",
         "f7cd08a27aa9df0918b4df5265580ccee590cc9b5ad677f134fc137a6d57d2e7",
         "82A27074DDBC533FCF7BD4F7CD7FA760C60A4CBF"},
        {"entrust-root-ca-ec1.pem", "Entrust Root Certification Authority - EC1",
         "Entrust Root Certification Authority - EC1", "A68B79290000000050D091F9", utc(2012, 12, 18, 15, 25, 36),
         utc(2037, 12, 18, 15, 55, 36), "02ED0EB28C14DA45165C566791700D6451D7FB56F0B2AB1D3B8EB070E56EDFF5",
         "fea2b7d645fba73d753c1ec9a7870c40e1f7b0c561e927b985bf711866e36f22",
         "B763E71ADD8DE908A65583A4E06A504165114249"},
        {"entrust-root-ca-g4.pem", "Entrust Root Certification Authority - G4",
         "Entrust Root Certification Authority - G4", "D9B5437FAFA9390F000000005565AD58",
         utc(2015, 5, 27, 11, 11, 16), utc(2037, 12, 27, 11, 41, 16),
         "DB3517D1F6732A2D5AB97C533EC70779EE3270A62FB4AC4238372460E6F01E88",
         "36d7c79f3d089a0ff79972d90923dea5ca76b4ccbaf7c2751cb152e9494f52d0",
         "9F38C45623C339E8A0716CE8544CE4E83AB1BF67"},
        {"entrust-net-ca-2048.pem", "Entrust.net Certification Authority (2048)",
         "Entrust.net Certification Authority (2048)", "3863DEF8", utc(1999, 12, 24, 17, 50, 51),
         utc(2029, 7, 24, 14, 15, 12), "6DC47172E01CBCB0BF62580D895FE2B8AC9AD4F873801E0C10B9C837D21EB177",
         "1ea3c5e43ed66c2da2983a42a4a79b1e906786ce9f1b58621419a00463a87d38",
         "55E481D11180BED889B908A331F9A1240916B970"},
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
    EXPECT_EQ(info.authority_key_id, "8FF04B7FA82E4524AE4D50FA639A8BDEE2DD1BBC");  // the R3 root's SKI
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
    EXPECT_EQ(info.authority_key_id, "8FF04B7FA82E4524AE4D50FA639A8BDEE2DD1BBC");
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
    EXPECT_EQ(info.authority_key_id, "8180D62879354A5B793589398F12176E117B2C11");
    EXPECT_EQ(info.ocsp_urls, std::vector<std::string>{"http://ocsp.globalsign.com/gsrsadvsslca2018"});
    EXPECT_EQ(info.ca_issuer_urls,
              std::vector<std::string>{"http://secure.globalsign.com/cacert/gsrsadvsslca2018.crt"});
    EXPECT_EQ(info.crl_urls, std::vector<std::string>{"http://crl.globalsign.com/gsrsadvsslca2018.crl"});
    // Two embedded SCTs (openssl x509 -text): Sep 19 06:40:25.940 and 06:40:25.871 2019 GMT.
    ASSERT_TRUE(info.earliest_sct.has_value());
    EXPECT_EQ(*info.earliest_sct, utc(2019, 9, 19, 6, 40, 25));
}

TEST(real_certificates, entrust_l1k) {
    const cert_info info = parse_real("entrust-ca-l1k.pem");
    EXPECT_EQ(info.subject,
              "CN=Entrust Certification Authority - L1K,"
              "OU=(c) 2012 Entrust\\, Inc. - for authorized use only,"
              "OU=See www.entrust.net/legal-terms,O=Entrust\\, Inc.,C=US");
    EXPECT_TRUE(info.is_ca);
    EXPECT_EQ(info.authority_key_id, "6A72267AD01EEF7DE73B6951D46C8D9F901266AB");  // G2 root's SKI
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
