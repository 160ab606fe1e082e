// parse_certificate on input that is not one well-formed certificate: it must
// fail with an error (or, for mutated certificates, succeed with valid UTF-8),
// never crash, and leave the OpenSSL error queue empty.

#include "test_support.hpp"

#include "ossl/encoding.hpp"

#include "text/utf8.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <cstdint>
#include <random>
#include <string>

namespace tlsaudit::x509::test {
namespace {

const char* const leaf_file = "leaf-analysys-cn-globalsign-rsa-dv-2018-expired.pem";

void expect_rejected(const bytes& input) {
    std::string error;
    EXPECT_FALSE(parse_certificate(input, error).has_value());
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(ERR_peek_error(), 0UL);
}

bool is_valid_utf8(const std::string& text) { return text::sanitize_utf8(text) == text; }

void expect_valid_utf8(const cert_info& info) {
    for (const std::string* text : {&info.subject, &info.issuer, &info.subject_cn, &info.issuer_cn, &info.key_type,
                                    &info.curve, &info.signature_algorithm}) {
        EXPECT_TRUE(is_valid_utf8(*text)) << *text;
    }
    for (const auto* list :
         {&info.dns_names, &info.ip_addresses, &info.ocsp_urls, &info.ca_issuer_urls, &info.crl_urls}) {
        for (const std::string& text : *list) {
            EXPECT_TRUE(is_valid_utf8(text)) << text;
        }
    }
}

TEST(hostile_input, empty) { expect_rejected({}); }

TEST(hostile_input, garbage_text) {
    const std::string text = "this is not a certificate";
    expect_rejected(bytes(text.begin(), text.end()));
}

TEST(hostile_input, pem_text_is_not_der) {
    const std::string pem = ossl::der_to_pem(load_real_der(leaf_file));
    expect_rejected(bytes(pem.begin(), pem.end()));
}

TEST(hostile_input, every_truncation) {
    const bytes der = load_real_der(leaf_file);
    for (std::size_t length = 0; length < der.size(); ++length) {
        SCOPED_TRACE(length);
        expect_rejected(bytes(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(length)));
    }
}

TEST(hostile_input, trailing_byte) {
    bytes der = load_real_der(leaf_file);
    der.push_back(0x00);
    std::string error;
    EXPECT_FALSE(parse_certificate(der, error).has_value());
    EXPECT_NE(error.find("trailing"), std::string::npos) << error;
}

TEST(hostile_input, two_certificates_back_to_back) {
    bytes der = load_real_der(leaf_file);
    const bytes issuer = load_real_der("globalsign-rsa-dv-ssl-ca-2018.pem");
    der.insert(der.end(), issuer.begin(), issuer.end());
    expect_rejected(der);
}

TEST(hostile_input, random_bytes) {
    std::mt19937 random{20241111};
    std::uniform_int_distribution<int> byte{0, 255};
    std::uniform_int_distribution<std::size_t> length{0, 3000};
    for (int iteration = 0; iteration < 1000; ++iteration) {
        bytes input(length(random));
        for (unsigned char& b : input) {
            b = static_cast<unsigned char>(byte(random));
        }
        if (iteration % 2 == 0 && input.size() >= 4) {
            // Half start like a certificate (SEQUENCE, two-byte length) to get past the first check.
            input[0] = 0x30;
            input[1] = 0x82;
            input[2] = static_cast<unsigned char>((input.size() - 4) >> 8);
            input[3] = static_cast<unsigned char>((input.size() - 4) & 0xFF);
        }
        SCOPED_TRACE(iteration);
        expect_rejected(input);
    }
}

TEST(hostile_input, mutated_certificates) {
    std::mt19937 random{1950};
    const bytes original = load_real_der(leaf_file);
    std::uniform_int_distribution<std::size_t> position{0, original.size() - 1};
    std::uniform_int_distribution<int> byte{0, 255};
    std::uniform_int_distribution<int> flips{1, 4};
    int parsed = 0;
    for (int iteration = 0; iteration < 1000; ++iteration) {
        bytes input = original;
        for (int i = flips(random); i > 0; --i) {
            input[position(random)] = static_cast<unsigned char>(byte(random));
        }
        SCOPED_TRACE(iteration);
        std::string error;
        const std::optional<cert_info> info = parse_certificate(input, error);
        EXPECT_EQ(ERR_peek_error(), 0UL);
        if (info) {
            ++parsed;
            expect_valid_utf8(*info);
            EXPECT_EQ(info->sha256, ossl::sha256_hex(input));
        } else {
            EXPECT_FALSE(error.empty());
        }
    }
    // Most single-byte changes to the signature or key bits still parse.
    EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace tlsaudit::x509::test
