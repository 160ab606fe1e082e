// ossl::sha256_hex, base64 and der_to_pem.

#include "ossl/encoding.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tlsaudit::ossl {
namespace {

bytes to_bytes(std::string_view text) { return bytes(text.begin(), text.end()); }

TEST(sha256, known_vectors) {
    EXPECT_EQ(sha256_hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex(to_bytes("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(base64, rfc4648_vectors) {
    const std::vector<std::pair<std::string, std::string>> vectors = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base64_encode(to_bytes(plain)), encoded);
        EXPECT_EQ(base64_decode(encoded), to_bytes(plain)) << encoded;
    }
}

TEST(base64, round_trip_all_byte_values_and_short_inputs) {
    bytes all(256);
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i] = static_cast<unsigned char>(i);
    }
    EXPECT_EQ(base64_decode(base64_encode(all)), all);
    EXPECT_EQ(base64_encode(bytes{0xFF}), "/w==");
    EXPECT_EQ(base64_encode(bytes{0xFB, 0xFF}), "+/8=");
    EXPECT_EQ(base64_decode("/w=="), bytes{0xFF});
    EXPECT_EQ(base64_decode("+/8="), (bytes{0xFB, 0xFF}));

    std::mt19937 random{4648};
    std::uniform_int_distribution<int> byte{0, 255};
    for (std::size_t length = 0; length < 70; ++length) {
        bytes data(length);
        for (unsigned char& b : data) {
            b = static_cast<unsigned char>(byte(random));
        }
        EXPECT_EQ(base64_decode(base64_encode(data)), data) << length;
    }
}

TEST(base64, encoding_matches_libcrypto) {
    std::mt19937 random{2045};
    std::uniform_int_distribution<int> byte{0, 255};
    for (std::size_t length = 0; length < 300; ++length) {
        bytes data(length);
        for (unsigned char& b : data) b = static_cast<unsigned char>(byte(random));
        std::string expected(4 * ((length + 2) / 3) + 1, '\0');
        const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(expected.data()), data.data(),
                                            static_cast<int>(data.size()));
        expected.resize(static_cast<std::size_t>(written));
        EXPECT_EQ(base64_encode(data), expected) << length;
        EXPECT_EQ(base64_length(length), expected.size());
    }
}

TEST(base64, rejects_invalid_input) {
    for (const char* text : {"Z", "Zg", "Zg=", "Zm9vY", "====", "Z===", "=Zm9", "Zg==Zg==", "Zm=v", "Zm9*", "Zm9v\n",
                             " Zm9v", "Zh==", "Zm9=", "Zm-_"}) {
        EXPECT_FALSE(base64_decode(text).has_value()) << text;
    }
}

TEST(pem, der_to_pem_frames_64_character_lines) {
    bytes der(100);
    for (std::size_t i = 0; i < der.size(); ++i) der[i] = static_cast<unsigned char>(i * 7);
    const std::string base64 = base64_encode(der);
    ASSERT_EQ(base64.size(), 136U);
    EXPECT_EQ(der_to_pem(der), std::string{pem_certificate_begin} + "\n" + base64.substr(0, 64) + "\n" +
                                   base64.substr(64, 64) + "\n" + base64.substr(128) + "\n" +
                                   std::string{pem_certificate_end} + "\n");
}

}  // namespace
}  // namespace tlsaudit::ossl
