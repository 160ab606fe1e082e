// issuer_memo: --fetch-missing's downloads by URL, with real CA certificates as bodies.

#include "issuer_memo.hpp"

#include <tlsaudit/x509.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <new>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tlsaudit::app {
namespace {

std::string read_text(const std::string& name) {
    std::ifstream in(std::string(TLSAUDIT_TEST_DATA) + "/real/" + name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bytes as_bytes(const std::string& text) { return bytes(text.begin(), text.end()); }

const std::string r3_pem = read_text("globalsign-gcc-r3-dv-tls-ca-2020.pem");
const std::string dv_2018_pem = read_text("globalsign-rsa-dv-ssl-ca-2018.pem");

TEST(issuer_memo, reads_der_or_pem_and_remembers_each_url) {
    ASSERT_FALSE(r3_pem.empty());
    const bytes der = x509::pem_to_der(r3_pem).at(0);
    std::atomic<int> calls{0};
    const issuer_memo::download fetch = [&](const std::string& url, std::string& why) -> std::optional<bytes> {
        ++calls;
        if (url == "http://a/der") return der;
        if (url == "http://a/pem") return as_bytes(r3_pem + dv_2018_pem);
        if (url == "http://a/junk") return as_bytes("<html>not a certificate</html>");
        why = "HTTP 404";
        return std::nullopt;
    };
    issuer_memo memo;
    EXPECT_EQ(memo.certificates("http://a/der", fetch), std::optional(std::vector<bytes>{der}));
    const auto pem = memo.certificates("http://a/pem", fetch);
    ASSERT_TRUE(pem);
    EXPECT_EQ(pem->size(), 2u);
    EXPECT_EQ(pem->front(), der);
    EXPECT_EQ(memo.certificates("http://a/junk", fetch), std::optional(std::vector<bytes>{}));  // answered, none
    EXPECT_EQ(memo.certificates("http://a/404", fetch), std::nullopt);                          // failed
    EXPECT_EQ(calls.load(), 4);
    for (const auto* url : {"http://a/der", "http://a/pem", "http://a/junk", "http://a/404"})
        memo.certificates(url, fetch);
    EXPECT_EQ(calls.load(), 4);  // a failure is remembered too, and so is why
    std::string why;
    EXPECT_EQ(memo.certificates("http://a/404", fetch, &why), std::nullopt);
    EXPECT_EQ(why, "HTTP 404");
}

// Threads asking for a URL while it downloads wait for that one download.
TEST(issuer_memo, one_download_for_threads_asking_at_once) {
    const bytes der = x509::pem_to_der(r3_pem).at(0);
    std::atomic<int> calls{0};
    std::promise<void> go;
    std::shared_future<void> started = go.get_future().share();
    const issuer_memo::download slow = [&](const std::string&, std::string&) -> std::optional<bytes> {
        ++calls;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return der;
    };
    issuer_memo memo;
    std::vector<std::thread> threads;
    std::atomic<int> right{0};
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            started.wait();
            if (memo.certificates("http://a/der", slow) == std::optional(std::vector<bytes>{der})) ++right;
        });
    go.set_value();
    for (auto& t : threads) t.join();
    EXPECT_EQ(calls.load(), 1);
    EXPECT_EQ(right.load(), 8);
}

// Past max_bytes of certificates the memo forgets, so a fleet of distinct URLs cannot grow it.
TEST(issuer_memo, forgets_everything_past_its_byte_bound) {
    const bytes der = x509::pem_to_der(r3_pem).at(0);
    std::atomic<int> calls{0};
    const issuer_memo::download fetch = [&](const std::string&, std::string&) -> std::optional<bytes> {
        ++calls;
        return der;
    };
    // Room for two answers: their certificates, URLs and bookkeeping.
    issuer_memo memo(2 * (der.size() + std::string("http://a/1").size() + issuer_memo::entry_overhead));
    memo.certificates("http://a/1", fetch);
    memo.certificates("http://a/2", fetch);
    memo.certificates("http://a/1", fetch);
    EXPECT_EQ(calls.load(), 2);
    memo.certificates("http://a/3", fetch);  // over the bound: all forgotten
    memo.certificates("http://a/1", fetch);
    EXPECT_EQ(calls.load(), 4);
}

// Failures count too: distinct failing URLs cannot grow the memo without a bound.
TEST(issuer_memo, failures_count_against_the_bound) {
    int calls = 0;
    const issuer_memo::download failing = [&](const std::string&, std::string&) -> std::optional<bytes> {
        ++calls;
        return std::nullopt;
    };
    issuer_memo memo(3 * (std::string("http://a/1").size() + issuer_memo::entry_overhead));
    for (const auto* url : {"http://a/1", "http://a/2", "http://a/3"}) memo.certificates(url, failing);
    memo.certificates("http://a/1", failing);
    EXPECT_EQ(calls, 3);                       // remembered
    memo.certificates("http://a/4", failing);  // over the bound: all forgotten
    memo.certificates("http://a/1", failing);
    EXPECT_EQ(calls, 5);
}

TEST(issuer_memo, a_download_that_throws_is_not_remembered) {
    int calls = 0;
    const issuer_memo::download failing = [&](const std::string&, std::string&) -> std::optional<bytes> {
        ++calls;
        throw std::bad_alloc();
    };
    issuer_memo memo;
    EXPECT_THROW(memo.certificates("http://a/x", failing), std::bad_alloc);
    EXPECT_THROW(memo.certificates("http://a/x", failing), std::bad_alloc);
    EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace tlsaudit::app
