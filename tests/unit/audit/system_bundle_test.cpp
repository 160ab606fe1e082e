// The system CA bundle decoded on demand (scanner/x509/lazy_bundle.*): the same verdicts
// as OpenSSL's eager load, only the roots asked for decoded, and the cases where the
// file must be loaded the eager way.

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/trust.hpp>

#include "ossl/der.hpp"
#include "x509/lazy_bundle.hpp"

#include <openssl/x509_vfy.h>

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

namespace tlsaudit {
namespace {

namespace fs = std::filesystem;

time_point now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

lab::hierarchy lab_hierarchy(std::string name, std::size_t key_index) {
    lab::hierarchy_options o;
    o.name = std::move(name);
    o.key_index = key_index;
    o.leaf_dns_names = {"bundle.lab.test"};
    return lab::make_hierarchy(o);
}

// A bundle file and an empty hashed directory, named by SSL_CERT_FILE / SSL_CERT_DIR for
// the test's duration, as a user or a container would point OpenSSL at its roots.
class system_paths {
public:
    explicit system_paths(const std::string& bundle_text)
        : dir_(fs::temp_directory_path() / ("tlsaudit-bundle-" + std::to_string(::getpid()))) {
        fs::create_directories(dir_ / "certs");
        std::ofstream(dir_ / "bundle.pem") << bundle_text;
        save("SSL_CERT_FILE", file_);
        save("SSL_CERT_DIR", dir_env_);
        ::setenv("SSL_CERT_FILE", (dir_ / "bundle.pem").c_str(), 1);
        ::setenv("SSL_CERT_DIR", (dir_ / "certs").c_str(), 1);
    }
    ~system_paths() {
        restore("SSL_CERT_FILE", file_);
        restore("SSL_CERT_DIR", dir_env_);
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }
    fs::path bundle() const { return dir_ / "bundle.pem"; }

private:
    static void save(const char* name, std::optional<std::string>& slot) {
        if (const char* v = std::getenv(name)) slot = v;
    }
    static void restore(const char* name, const std::optional<std::string>& slot) {
        if (slot) ::setenv(name, slot->c_str(), 1);
        else ::unsetenv(name);
    }
    fs::path dir_;
    std::optional<std::string> file_, dir_env_;
};

std::string real_roots_pem() {
    std::string text;
    for (const char* stem : {"globalsign-root-ca-r3", "globalsign-root-ca-r1", "entrust-root-ca-g2"})
        for (const auto& der : lab::real_cert(stem)) text += lab::credential{der, {}}.pem();
    return text;
}

TEST(system_bundle, decodes_only_the_roots_verification_asks_for) {
    const auto h = lab_hierarchy("bundle lab", 0);
    const system_paths paths(real_roots_pem() + h.root.pem() + "# a comment line between blocks\n");
    const auto bundle = x509::detail::lazy_bundle::open(paths.bundle());
    ASSERT_NE(bundle, nullptr);
    EXPECT_EQ(bundle->size(), 4u);
    EXPECT_EQ(bundle->decoded(), 0u);

    const ossl::x509_store_ptr store(X509_STORE_new());
    bundle->attach(store.get());
    const auto chain = h.served_chain();
    const auto leaf = ossl::decode_certificate(chain[0]);
    const auto intermediate = ossl::decode_certificate(chain[1]);
    const ossl::x509_stack_ptr untrusted(sk_X509_new_null());
    X509_up_ref(intermediate.get());  // the stack owns a reference
    sk_X509_push(untrusted.get(), intermediate.get());
    const ossl::x509_store_ctx_ptr ctx(X509_STORE_CTX_new());
    ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()), 1);
    EXPECT_EQ(X509_verify_cert(ctx.get()), 1) << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    EXPECT_EQ(bundle->decoded(), 1u);
}

TEST(system_bundle, the_system_store_trusts_what_the_bundle_holds_and_nothing_else) {
    const auto in = lab_hierarchy("bundle lab", 0);
    const auto out = lab_hierarchy("other lab", 3);
    const system_paths paths(real_roots_pem() + in.root.pem());
    const x509::trust_store store{x509::trust_options{}};
    const auto v = store.verify(in.served_chain(), now());
    EXPECT_TRUE(v.trusted) << (v.errors.empty() ? "" : v.errors.front().text);
    ASSERT_EQ(v.path.size(), 3u);
    EXPECT_EQ(v.path[2].origin, cert_origin::store);
    EXPECT_TRUE(store.verify(out.served_chain(), now()).has(verify_problem::missing_issuer));
}

TEST(system_bundle, a_ca_file_root_named_like_a_bundle_root_hides_neither) {
    // Same subject names, other keys: OpenSSL asks the lookups only for names the store
    // holds nothing under, so the bundle's root must be in before the --ca-file one.
    const auto in_bundle = lab_hierarchy("twin lab", 0);
    const auto in_file = lab_hierarchy("twin lab", 5);
    const system_paths paths(in_bundle.root.pem());
    x509::trust_options o;
    o.extra_roots = {in_file.root.der, in_bundle.root.der};  // the same root twice is no error
    const x509::trust_store store{o};
    EXPECT_TRUE(store.verify(in_bundle.served_chain(), now()).trusted);
    EXPECT_TRUE(store.verify(in_file.served_chain(), now()).trusted);
}

TEST(system_bundle, a_bundle_with_other_blocks_is_loaded_the_eager_way) {
    // A TRUSTED CERTIFICATE block (OpenSSL's auxiliary trust format; a bare certificate
    // is a valid one) beside a plain one: decoding on demand would drop its trust settings.
    const auto h = lab_hierarchy("bundle lab", 0);
    std::string trusted = h.root.pem();
    for (const std::string word : {"-----BEGIN ", "-----END "})
        trusted.replace(trusted.find(word), word.size(), word + "TRUSTED ");
    const system_paths paths(real_roots_pem() + trusted);
    EXPECT_EQ(x509::detail::lazy_bundle::open(paths.bundle()), nullptr);
    const x509::trust_store store{x509::trust_options{}};  // OpenSSL's own load
    EXPECT_TRUE(store.verify(h.served_chain(), now()).trusted);
}

TEST(system_bundle, a_missing_bundle_file_leaves_the_hashed_directory) {
    const system_paths paths("");
    fs::remove(paths.bundle());
    EXPECT_EQ(x509::detail::lazy_bundle::open(paths.bundle()), nullptr);
    const x509::trust_store store{x509::trust_options{}};
    EXPECT_TRUE(store.verify(lab_hierarchy("bundle lab", 0).served_chain(), now()).has(verify_problem::missing_issuer));
}

}  // namespace
}  // namespace tlsaudit
