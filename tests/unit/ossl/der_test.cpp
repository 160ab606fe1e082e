// ossl::decode_certificate and encode_certificate on a real certificate.

#include "ossl/der.hpp"

#include <gtest/gtest.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace tlsaudit::ossl {
namespace {

// The DER of tests/data/real/globalsign-root-ca-r3.pem, read with OpenSSL's own PEM
// reader so this test does not lean on code of ours.
bytes real_root_der() {
    const std::filesystem::path path = std::filesystem::path{TLSAUDIT_TEST_DATA} / "real" / "globalsign-root-ca-r3.pem";
    std::ifstream in(path, std::ios::binary);
    const std::string pem{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const bio_ptr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
    const x509_ptr cert{bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr};
    if (!cert) throw std::runtime_error("cannot read " + path.string());
    unsigned char* out = nullptr;
    const int length = i2d_X509(cert.get(), &out);
    const openssl_memory_ptr owner(out);
    if (length <= 0) throw std::runtime_error("cannot encode " + path.string());
    return bytes(out, out + length);
}

TEST(der, round_trip) {
    const bytes der = real_root_der();
    std::string error;
    const x509_ptr cert = decode_certificate(der, error);
    ASSERT_TRUE(cert) << error;
    EXPECT_EQ(error, "");
    EXPECT_EQ(encode_certificate(cert.get()), der);
    EXPECT_EQ(encode_certificate(decode_certificate(der).get()), der);
    EXPECT_EQ(ERR_peek_error(), 0UL);
}

TEST(der, refuses_empty_garbage_and_trailing_bytes) {
    std::string error;
    EXPECT_FALSE(decode_certificate({}, error));
    EXPECT_EQ(error, "empty input: no certificate");

    const bytes garbage{'n', 'o', 't', ' ', 'd', 'e', 'r'};
    EXPECT_FALSE(decode_certificate(garbage, error));
    EXPECT_EQ(error.rfind("not a DER certificate", 0), 0U) << error;
    EXPECT_EQ(ERR_peek_error(), 0UL);

    bytes padded = real_root_der();
    const std::size_t length = padded.size();
    padded.push_back(0);
    EXPECT_FALSE(decode_certificate(padded, error));
    EXPECT_EQ(error, "trailing data: 1 byte(s) after the " + std::to_string(length) + "-byte certificate");
    EXPECT_EQ(ERR_peek_error(), 0UL);
    try {
        decode_certificate(padded);
        ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string{e.what()}, "certificate DER: " + error);
    }
}

TEST(der, shared_decoding_returns_one_object_per_certificate) {
    const bytes der = real_root_der();
    std::string error;
    const x509_ptr first = decode_shared_certificate(der, error);
    ASSERT_TRUE(first) << error;
    const x509_ptr again = decode_shared_certificate(bytes(der), error);
    EXPECT_EQ(again.get(), first.get()) << "the same DER, even in another buffer, is decoded once";
    EXPECT_EQ(encode_certificate(again.get()), der);

    bytes other = der;
    other[other.size() - 1] ^= 0x01;  // the last byte of the signature: still a certificate
    const x509_ptr different = decode_shared_certificate(other, error);
    ASSERT_TRUE(different) << error;
    EXPECT_NE(different.get(), first.get());
    EXPECT_EQ(encode_certificate(different.get()), other);
}

TEST(der, shared_decoding_reports_bad_input_every_time) {
    bytes der = real_root_der();
    der.push_back(0x00);
    for (int i = 0; i < 2; ++i) {
        std::string error;
        EXPECT_FALSE(decode_shared_certificate(der, error));
        EXPECT_NE(error.find("trailing data"), std::string::npos) << error;
    }
    std::string error;
    EXPECT_FALSE(decode_shared_certificate({}, error));
    EXPECT_NE(error, "");
}

TEST(der, shared_decoding_outlives_the_memo_filling_up) {
    const bytes der = real_root_der();
    std::string error;
    const x509_ptr kept = decode_shared_certificate(der, error);
    ASSERT_TRUE(kept) << error;
    // More distinct certificates than the memo holds: whatever it drops, what a caller
    // holds stays valid, and the certificate still decodes.
    for (int i = 0; i < 1100; ++i) {
        bytes other = der;
        other[other.size() - 1] = static_cast<unsigned char>(i);
        other[other.size() - 2] = static_cast<unsigned char>(i >> 8);
        ASSERT_TRUE(decode_shared_certificate(other, error)) << error;
    }
    EXPECT_EQ(encode_certificate(kept.get()), der);
    const x509_ptr again = decode_shared_certificate(der, error);
    ASSERT_TRUE(again) << error;
    EXPECT_EQ(encode_certificate(again.get()), der);
}

}  // namespace
}  // namespace tlsaudit::ossl
