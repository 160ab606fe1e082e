// Certificates made in the test with the OpenSSL API: IP SANs, non-ASCII and
// hostile subject text, every extension cert_info reports, extreme dates.

#include "cert_builder.hpp"
#include "test_support.hpp"

#include "ossl/encoding.hpp"

#include "text/utf8.hpp"

#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <string>
#include <vector>

namespace tlsaudit::x509::test {
namespace {

const std::string zurich_tokyo = "Z\xC3\xBCrich \xE6\x9D\xB1\xE4\xBA\xAC";  // "Zürich 東京"
const std::string script = "<script>alert(1)</script>";

// Overwrites byte `offset` of every occurrence of `marker` in `der` (the
// signature no longer matches, which parsing does not check).
bytes patch(bytes der, std::string_view marker, std::size_t offset, unsigned char value) {
    for (auto at = std::search(der.begin(), der.end(), marker.begin(), marker.end()); at != der.end();
         at = std::search(at + 1, der.end(), marker.begin(), marker.end())) {
        at[static_cast<std::ptrdiff_t>(offset)] = value;
    }
    return der;
}

cert_info parse_or_fail(const bytes& der) {
    std::string error;
    std::optional<cert_info> info = parse_certificate(der, error);
    if (!info) {
        ADD_FAILURE() << "parse failed: " << error;
        return {};
    }
    return *info;
}

TEST(generated_certificate, ip_sans_non_ascii_and_script_subject) {
    const bytes der =
        cert_builder{}
            .subject_text("C", "CH")
            .subject_text("O", script)
            .subject_text("CN", zurich_tokyo)
            .extension(NID_subject_alt_name, "DNS:example.test,IP:192.0.2.1,IP:2001:db8:0:0:0:0:0:1,IP:::ffff:10.0.0.1")
            .build();
    const cert_info info = parse_or_fail(der);
    EXPECT_EQ(info.subject_cn, zurich_tokyo);
    // RFC 2253 escapes < and > with a backslash; non-ASCII stays UTF-8.
    EXPECT_EQ(info.subject, "CN=" + zurich_tokyo + ",O=\\<script\\>alert(1)\\</script\\>,C=CH");
    EXPECT_EQ(info.issuer, info.subject);
    EXPECT_EQ(info.issuer_cn, zurich_tokyo);
    EXPECT_TRUE(info.self_issued);
    EXPECT_EQ(info.dns_names, std::vector<std::string>{"example.test"});
    EXPECT_EQ(info.ip_addresses, (std::vector<std::string>{"192.0.2.1", "2001:db8::1", "::ffff:10.0.0.1"}));
    EXPECT_EQ(info.key_type, "Ed25519");
    EXPECT_EQ(info.key_bits, 256);
    EXPECT_EQ(info.signature_algorithm, "ED25519");
    EXPECT_EQ(info.curve, "");
    EXPECT_EQ(info.serial_hex, "1a2b");
    EXPECT_EQ(info.sha256, ossl::sha256_hex(der));
    EXPECT_FALSE(info.is_ca);
    EXPECT_FALSE(info.earliest_sct.has_value());
    EXPECT_TRUE(info.has_san);
}

TEST(generated_certificate, script_in_common_name_is_kept_verbatim) {
    const cert_info info = parse_or_fail(cert_builder{}.subject_text("CN", script).build());
    EXPECT_EQ(info.subject_cn, script);
    EXPECT_EQ(info.subject, "CN=\\<script\\>alert(1)\\</script\\>");
    EXPECT_FALSE(info.has_san);
}

TEST(generated_certificate, all_reported_extensions) {
    const bytes der =
        cert_builder{}
            .subject_text("CN", "Test CA")
            .extension(NID_basic_constraints, "critical,CA:TRUE")
            .extension(NID_subject_key_identifier, "hash")
            .extension(NID_authority_key_identifier, "keyid:always")
            .extension(NID_info_access,
                       "OCSP;URI:http://ocsp.test/,caIssuers;URI:http://ca.test/ca.crt,OCSP;URI:http://ocsp2.test/")
            .extension(NID_crl_distribution_points, "URI:http://crl.test/a.crl,URI:ldap://crl.test/b")
            .build();
    const cert_info info = parse_or_fail(der);
    EXPECT_TRUE(info.is_ca);
    EXPECT_EQ(info.subject_key_id.size(), 40U);  // SHA-1 of the key
    EXPECT_EQ(info.authority_key_id, info.subject_key_id);
    EXPECT_EQ(info.subject_key_id, text::sanitize_utf8(info.subject_key_id));
    EXPECT_EQ(info.ocsp_urls, (std::vector<std::string>{"http://ocsp.test/", "http://ocsp2.test/"}));
    EXPECT_EQ(info.ca_issuer_urls, std::vector<std::string>{"http://ca.test/ca.crt"});
    EXPECT_EQ(info.crl_urls, (std::vector<std::string>{"http://crl.test/a.crl", "ldap://crl.test/b"}));
}

TEST(generated_certificate, dates_outside_utc_time_range) {
    const cert_info info = parse_or_fail(
        cert_builder{}.subject_text("CN", "old and new").validity("19400101000000Z", "21000615123456Z").build());
    EXPECT_EQ(info.not_before, utc(1940, 1, 1));
    EXPECT_EQ(info.not_after, utc(2100, 6, 15, 12, 34, 56));
}

TEST(generated_certificate, utc_time_dates) {
    const cert_info info =
        parse_or_fail(cert_builder{}.subject_text("CN", "utc").validity("500101000000Z", "491231235959Z").build());
    EXPECT_EQ(info.not_before, utc(1950, 1, 1));
    EXPECT_EQ(info.not_after, utc(2049, 12, 31, 23, 59, 59));
}

TEST(generated_certificate, string_types_in_common_name) {
    const cert_info bmp = parse_or_fail(
        cert_builder{}.subject_raw("CN", V_ASN1_BMPSTRING, std::string_view{"\x67\x71\x4E\xAC", 4}).build());
    EXPECT_EQ(bmp.subject_cn, "\xE6\x9D\xB1\xE4\xBA\xAC");
    EXPECT_EQ(bmp.subject, "CN=\xE6\x9D\xB1\xE4\xBA\xAC");

    const cert_info t61 = parse_or_fail(cert_builder{}.subject_raw("CN", V_ASN1_T61STRING, "Caf\xE9").build());
    EXPECT_EQ(t61.subject_cn, "Caf\xC3\xA9");
    EXPECT_EQ(t61.subject, "CN=Caf\xC3\xA9");
}

TEST(generated_certificate, last_common_name_wins) {
    const cert_info info =
        parse_or_fail(cert_builder{}.subject_text("CN", "first").subject_text("CN", "second").build());
    EXPECT_EQ(info.subject_cn, "second");
}

TEST(generated_certificate, control_characters_and_nul_are_kept) {
    const std::string value{"line1\nline2\0end", 15};
    const cert_info info = parse_or_fail(cert_builder{}.subject_raw("CN", V_ASN1_UTF8STRING, value).build());
    EXPECT_EQ(info.subject_cn, value);
    EXPECT_EQ(info.subject_cn.size(), 15U);
    // The RFC 2253 form escapes controls rather than dropping them.
    EXPECT_EQ(info.subject, "CN=line1\\0Aline2\\00end");
}

TEST(generated_certificate, invalid_utf8_in_dns_names_is_replaced) {
    const std::string nul_name{"nul\0.test", 9};
    const cert_info info = parse_or_fail(
        cert_builder{}.subject_text("CN", "raw").raw_dns_names({"ok.test", "bad\xFF.test", nul_name}).build());
    EXPECT_EQ(info.dns_names, (std::vector<std::string>{"ok.test", "bad\xEF\xBF\xBD.test", nul_name}));
}

TEST(generated_certificate, high_bytes_in_ascii_string_types) {
    for (const int type : {V_ASN1_PRINTABLESTRING, V_ASN1_IA5STRING}) {
        SCOPED_TRACE(type);
        const bytes der = patch(cert_builder{}.subject_raw("CN", type, "badXmark").build(), "badXmark", 3, 0xFF);
        const cert_info info = parse_or_fail(der);
        // The CN follows the UTF-8 rule; OpenSSL's name printer reads these types as Latin-1.
        EXPECT_EQ(info.subject_cn, "bad\xEF\xBF\xBDmark");
        EXPECT_EQ(info.subject, "CN=bad\xC3\xBFmark");
    }
}

TEST(generated_certificate, invalid_utf8string_in_name_is_rejected_by_openssl) {
    // OpenSSL 3 canonicalises names while decoding and refuses invalid UTF8String
    // values: such a certificate is reported as unparsable, not half-read.
    const bytes der =
        patch(cert_builder{}.subject_raw("CN", V_ASN1_UTF8STRING, "badXmark").build(), "badXmark", 3, 0xFF);
    std::string error;
    EXPECT_FALSE(parse_certificate(der, error).has_value());
    EXPECT_NE(error.find("utf8"), std::string::npos) << error;
}

TEST(generated_certificate, empty_subject) {
    const cert_info info = parse_or_fail(cert_builder{}.build());
    EXPECT_EQ(info.subject, "");
    EXPECT_EQ(info.subject_cn, "");
    EXPECT_TRUE(info.self_issued);
}

}  // namespace
}  // namespace tlsaudit::x509::test
