// Reading PEM (pem_to_der, read_pem_file), and der_to_pem read back.

#include "test_support.hpp"

#include "ossl/encoding.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace tlsaudit::x509::test {
namespace {

using ossl::der_to_pem;
using ossl::sha256_hex;

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
    const std::filesystem::path path = std::filesystem::path{testing::TempDir()} / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
    return path;
}

template <typename Fn>
std::string exception_text(Fn&& fn) {
    try {
        fn();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(no exception)";
}

TEST(pem, real_file_to_der) {
    const std::vector<bytes> certs = read_pem_file(real_cert_path("globalsign-root-ca-r3.pem"));
    ASSERT_EQ(certs.size(), 1U);
    EXPECT_EQ(sha256_hex(certs[0]), "cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b");
}

TEST(pem, multi_certificate_file_with_text_between_blocks) {
    const std::string leaf = read_text(real_cert_path("leaf-analysys-cn-globalsign-rsa-dv-2018-expired.pem"));
    const std::string intermediate = read_text(real_cert_path("globalsign-rsa-dv-ssl-ca-2018.pem"));
    const std::string root = read_text(real_cert_path("globalsign-root-ca-r3.pem"));
    std::string crlf_root;
    for (const char c : root) {
        crlf_root += c == '\n' ? std::string{"\r\n"} : std::string(1, c);
    }
    const std::string bundle = "subject=CN = *.analysys.cn\nissuer=...\n" + leaf + "\n\n# the intermediate\n" +
                               intermediate +
                               "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n"
                               "-----END PRIVATE KEY-----\n" +
                               crlf_root + "trailing words";
    const std::filesystem::path path = write_temp("x509_bundle.pem", bundle);
    const std::vector<bytes> certs = read_pem_file(path);
    ASSERT_EQ(certs.size(), 3U);
    EXPECT_EQ(sha256_hex(certs[0]), "9496b3e1fdc17e990460aa279104074c6d46dcd0b3898f5515d55f77df841e9f");
    EXPECT_EQ(sha256_hex(certs[1]), "9e898ed03fa46969690dad73c7296675045ff9b5a0100a399beb8435a98f5185");
    EXPECT_EQ(sha256_hex(certs[2]), "cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b");
    EXPECT_EQ(pem_to_der(bundle), certs);
}

TEST(pem, no_blocks_gives_empty_list) {
    EXPECT_TRUE(pem_to_der("").empty());
    EXPECT_TRUE(pem_to_der("just words\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").empty());
}

TEST(pem, bad_blocks_throw_naming_the_block) {
    const std::string good = read_text(real_cert_path("globalsign-root-ca-r3.pem"));
    const std::string bad_base64 = "-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n";
    EXPECT_NE(exception_text([&] { pem_to_der(good + bad_base64); }).find("block 2 (line"), std::string::npos);
    // The line of a later block counts every line before it, across the blocks between.
    const auto good_lines = static_cast<std::size_t>(std::count(good.begin(), good.end(), '\n'));
    const std::string third = exception_text([&] { pem_to_der(good + "\n" + good + "x\n" + bad_base64); });
    EXPECT_NE(third.find("block 3 (line " + std::to_string(2 * good_lines + 3) + ")"), std::string::npos) << third;

    const std::string not_a_cert = "-----BEGIN CERTIFICATE-----\nZm9vYmFy\n-----END CERTIFICATE-----\n";
    const std::string message = exception_text([&] { pem_to_der(not_a_cert); });
    EXPECT_NE(message.find("block 1 (line 1)"), std::string::npos) << message;
    EXPECT_NE(message.find("not a valid certificate"), std::string::npos) << message;

    const std::string unterminated = good.substr(0, good.size() - 30);
    EXPECT_NE(exception_text([&] { pem_to_der(unterminated); }).find("block 1"), std::string::npos);
}

TEST(pem, der_to_pem_round_trip) {
    const std::filesystem::path path = real_cert_path("entrust-root-ca-g4.pem");
    const bytes der = load_real_der("entrust-root-ca-g4.pem");
    const std::string pem = der_to_pem(der);
    EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0U);
    EXPECT_TRUE(pem.ends_with("\n-----END CERTIFICATE-----\n"));
    std::size_t line_start = 0;
    for (std::size_t newline = pem.find('\n'); newline != std::string::npos; newline = pem.find('\n', line_start)) {
        EXPECT_LE(newline - line_start, 64U);
        line_start = newline + 1;
    }
    const std::vector<bytes> back = pem_to_der(pem);
    ASSERT_EQ(back.size(), 1U);
    EXPECT_EQ(back[0], der);
    EXPECT_EQ(pem_to_der(read_text(path)), back);
}

// A file with no certificate says what it holds instead, and how to get a certificate of it.
TEST(pem, file_without_certificate_says_what_it_holds) {
    const std::filesystem::path key = write_temp("x509_key.pem",
                                                 "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
                                                 "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    const std::string key_text = exception_text([&] { read_pem_file(key); });
    EXPECT_NE(key_text.find(key.string() + ": no \"-----BEGIN CERTIFICATE-----\" block"), std::string::npos)
        << key_text;
    EXPECT_NE(key_text.find("only PRIVATE KEY blocks"), std::string::npos) << key_text;

    const std::filesystem::path trusted = write_temp(
        "x509_trusted.pem", "-----BEGIN TRUSTED CERTIFICATE-----\nAAAA\n-----END TRUSTED CERTIFICATE-----\n");
    EXPECT_NE(exception_text([&] { read_pem_file(trusted); }).find("`openssl x509 -in FILE` writes the plain"),
              std::string::npos);

    // Beside a certificate, a TRUSTED CERTIFICATE block is refused, not skipped: the chain
    // started at the next certificate (the leaf audited was the intermediate).
    const std::filesystem::path mixed =
        write_temp("x509_mixed.pem", "-----BEGIN TRUSTED CERTIFICATE-----\nAAAA\n-----END TRUSTED CERTIFICATE-----\n" +
                                         read_text(real_cert_path("globalsign-root-ca-r3.pem")));
    EXPECT_NE(exception_text([&] { read_pem_file(mixed); }).find(": holds a TRUSTED CERTIFICATE block"),
              std::string::npos)
        << exception_text([&] { read_pem_file(mixed); });

    const std::filesystem::path der = write_temp("x509_der.pem", std::string("\x30\x82\x01\x00", 4));
    EXPECT_NE(exception_text([&] { read_pem_file(der); }).find("no PEM block at all (DER is not read"),
              std::string::npos);
}

TEST(pem, unreadable_file_names_the_path) {
    const std::string missing = (std::filesystem::path{testing::TempDir()} / "no-such-file.pem").string();
    EXPECT_NE(exception_text([&] { read_pem_file(missing); }).find(missing), std::string::npos);
    const std::string directory = testing::TempDir();
    EXPECT_NE(exception_text([&] { read_pem_file(directory); }).find("directory"), std::string::npos);

    const std::filesystem::path broken =
        write_temp("x509_broken.pem", "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n");
    EXPECT_NE(exception_text([&] { read_pem_file(broken); }).find(broken.string()), std::string::npos);
}

}  // namespace
}  // namespace tlsaudit::x509::test
