// The enricher a scan uses: search order, notices, the error rule (an unusable database
// is reported and left out), the cache, and endpoint results.

#include "test_support.hpp"

#include <tlsaudit/geo.hpp>

#include <maxminddb.h>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <thread>
#include <vector>

namespace tlsaudit::geo {
namespace {

using testing::asn_db;
using testing::country_db;
using testing::read_bytes;
using testing::scoped_env;
using testing::temp_dir;
using testing::test_db;
using testing::write_bytes;

// Options that see neither the environment nor an installed default.
class enricher_test : public ::testing::Test {
protected:
    options isolated() const {
        options o;
        o.use_environment = false;
        o.default_dir = empty_.path();
        return o;
    }
    notice_sink sink() {
        return [this](const std::string& line) { notices_.push_back(line); };
    }
    std::string all_notices() const {
        std::string out;
        for (const auto& n : notices_) out += n + "\n";
        return out;
    }

    temp_dir empty_;
    std::vector<std::string> notices_;
};

TEST_F(enricher_test, country_and_asn_for_ipv4_and_ipv6) {
    auto o = isolated();
    o.country_db = country_db();
    o.asn_db = asn_db();
    const enricher e(o, sink());
    EXPECT_TRUE(notices_.empty()) << all_notices();
    ASSERT_TRUE(e.enabled());
    EXPECT_EQ(e.lookup("127.0.0.1"), (geo_info{"DE", 64496, "Loopback Lab Networks", "loopback"}));
    EXPECT_EQ(e.lookup("192.0.2.9"), (geo_info{"FR", 64497, "TEST-NET-1 Example Org", "documentation"}));
    EXPECT_EQ(e.lookup("2001:db8::2"), (geo_info{"JP", 64498, "Documentation IPv6 Example", "documentation"}));
    EXPECT_EQ(e.lookup("::1"), (geo_info{"CH", 64500, "IPv6 Loopback Lab", "loopback"}));
    EXPECT_EQ(e.lookup("::ffff:127.0.0.2"), (geo_info{"DE", 64496, "Loopback Lab Networks", "loopback"}));
}

TEST_F(enricher_test, uncovered_addresses_carry_their_class) {
    auto o = isolated();
    o.country_db = country_db();
    o.asn_db = asn_db();
    const enricher e(o, sink());
    const auto priv = e.lookup("10.1.2.3");
    ASSERT_TRUE(priv);
    EXPECT_FALSE(priv->covered());
    EXPECT_EQ(priv->address_class, "private");
    EXPECT_EQ(e.lookup("100.64.1.1")->address_class, "cgnat");
    EXPECT_EQ(e.lookup("169.254.0.1")->address_class, "link-local");
    EXPECT_EQ(e.lookup("fd12:3456::1")->address_class, "unique-local");
    EXPECT_EQ(e.lookup("203.0.113.9")->address_class, "documentation");
    EXPECT_EQ(e.lookup("224.0.0.1")->address_class, "multicast");
    const auto global = e.lookup("8.8.8.8");  // not in the test databases
    ASSERT_TRUE(global);
    EXPECT_EQ(*global, geo_info{});
    EXPECT_FALSE(e.lookup(""));
    EXPECT_FALSE(e.lookup("not-an-address"));
}

TEST_F(enricher_test, no_database_found_is_one_notice_and_no_enrichment) {
    const enricher e(isolated(), sink());
    ASSERT_EQ(notices_.size(), 1u) << all_notices();
    EXPECT_NE(notices_[0].find("no GeoIP database found"), std::string::npos) << notices_[0];
    EXPECT_NE(notices_[0].find("scan goes on"), std::string::npos) << notices_[0];
    EXPECT_EQ(notices_[0].find('\n'), std::string::npos);
    EXPECT_FALSE(e.enabled());
    EXPECT_FALSE(e.lookup("127.0.0.1"));
}

TEST_F(enricher_test, disabled_is_silent) {
    auto o = isolated();
    o.enabled = false;
    o.country_db = country_db();
    const enricher e(o, sink());
    EXPECT_TRUE(notices_.empty());
    EXPECT_FALSE(e.enabled());
    EXPECT_FALSE(e.lookup("127.0.0.1"));
}

TEST_F(enricher_test, corrupt_database_is_an_error_line_and_an_unenriched_scan) {
    temp_dir dir;
    auto data = read_bytes(country_db());
    data.resize(data.size() / 2);
    write_bytes(dir / "truncated.mmdb", data);
    auto o = isolated();
    o.country_db = dir / "truncated.mmdb";
    o.asn_db = dir / "truncated.mmdb";
    const enricher e(o, sink());
    ASSERT_EQ(notices_.size(), 2u) << all_notices();
    EXPECT_NE(notices_[0].find("error: cannot use the GeoIP country database " + (dir / "truncated.mmdb").string()),
              std::string::npos)
        << notices_[0];
    EXPECT_NE(notices_[0].find("not a MaxMind DB file, or truncated"), std::string::npos) << notices_[0];
    EXPECT_NE(notices_[0].find("(from --geoip-db)"), std::string::npos) << notices_[0];
    EXPECT_NE(notices_[1].find("(from --asn-db)"), std::string::npos) << notices_[1];
    EXPECT_FALSE(e.enabled());
    EXPECT_FALSE(e.lookup("127.0.0.1"));  // un-enriched
}

TEST_F(enricher_test, one_bad_database_leaves_the_other_in_use) {
    temp_dir dir;
    write_bytes(dir / "garbage.mmdb", bytes(100, 0x42));
    auto o = isolated();
    o.country_db = country_db();
    o.asn_db = dir / "garbage.mmdb";
    const enricher e(o, sink());
    ASSERT_EQ(notices_.size(), 1u) << all_notices();
    EXPECT_NE(notices_[0].find("without ASN and organisation data"), std::string::npos) << notices_[0];
    EXPECT_EQ(e.lookup("127.0.0.1"), (geo_info{"DE", std::nullopt, "", "loopback"}));
    EXPECT_EQ(e.asn_database(), nullptr);
}

TEST_F(enricher_test, wrong_type_is_detected) {
    auto o = isolated();
    o.country_db = country_db();
    o.asn_db = country_db();  // a country database where the ASN one belongs
    const enricher e(o, sink());
    ASSERT_EQ(notices_.size(), 1u) << all_notices();
    EXPECT_NE(notices_[0].find("is a country database (database_type \"tlsaudit-Test-Country\"), not an ASN "
                               "database"),
              std::string::npos)
        << notices_[0];
    EXPECT_EQ(e.lookup("192.0.2.1"), (geo_info{"FR", std::nullopt, "", "documentation"}));

    notices_.clear();
    auto swapped = isolated();
    swapped.country_db = asn_db();
    swapped.asn_db = asn_db();
    const enricher s(swapped, sink());
    ASSERT_EQ(notices_.size(), 1u) << all_notices();
    EXPECT_NE(notices_[0].find("is an ASN database"), std::string::npos) << notices_[0];
    EXPECT_EQ(s.lookup("192.0.2.1"), (geo_info{"", 64497, "TEST-NET-1 Example Org", "documentation"}));
}

TEST_F(enricher_test, missing_asn_database_is_a_notice) {
    auto o = isolated();
    o.country_db = country_db();
    const enricher e(o, sink());
    ASSERT_EQ(notices_.size(), 1u) << all_notices();
    EXPECT_NE(notices_[0].find("no ASN database found"), std::string::npos) << notices_[0];
    EXPECT_EQ(e.lookup("127.0.0.1")->country, "DE");
}

TEST_F(enricher_test, search_order_flag_then_environment_then_installed_default) {
    temp_dir installed;
    std::filesystem::copy_file(country_db(), installed / "country.mmdb");
    std::filesystem::copy_file(asn_db(), installed / "asn.mmdb");
    scoped_env geo_env("TLSAUDIT_GEOIP_DB", test_db("test-country-flat.mmdb").string());
    scoped_env asn_env("TLSAUDIT_ASN_DB", std::nullopt);
    scoped_env dir_env("TLSAUDIT_GEOIP_DIR", installed.path().string());
    options o;  // environment on, default_dir from $TLSAUDIT_GEOIP_DIR

    {  // environment beats the installed default; the ASN one comes from the default
        const enricher e(o, sink());
        ASSERT_TRUE(e.country_database() && e.asn_database()) << all_notices();
        EXPECT_EQ(e.country_database()->path(), test_db("test-country-flat.mmdb"));
        EXPECT_EQ(e.asn_database()->path(), installed / "asn.mmdb");
    }
    {  // the flag beats the environment
        auto flagged = o;
        flagged.country_db = country_db();
        const enricher e(flagged, sink());
        EXPECT_EQ(e.country_database()->path(), country_db());
    }
    {  // nothing named: the installed defaults
        scoped_env none("TLSAUDIT_GEOIP_DB", std::nullopt);
        const enricher e(o, sink());
        EXPECT_EQ(e.country_database()->path(), installed / "country.mmdb");
        EXPECT_EQ(e.lookup("127.0.0.1"), (geo_info{"DE", 64496, "Loopback Lab Networks", "loopback"}));
    }
    {  // an empty variable counts as unset
        scoped_env empty("TLSAUDIT_GEOIP_DB", "");
        const enricher e(o, sink());
        EXPECT_EQ(e.country_database()->path(), installed / "country.mmdb");
    }
    {  // without the environment the fixed default directory is used (empty here: nothing)
        auto no_env = o;
        no_env.use_environment = false;
        no_env.default_dir = empty_.path();
        notices_.clear();
        const enricher e(no_env, sink());
        EXPECT_FALSE(e.enabled());
        EXPECT_EQ(notices_.size(), 1u);
    }
    EXPECT_EQ(notices_.size(), 1u) << all_notices();  // only the last block's "no database found"
}

TEST_F(enricher_test, lookups_are_cached_per_address) {
    auto o = isolated();
    o.country_db = country_db();
    o.asn_db = asn_db();
    const enricher e(o, sink());
    for (int i = 0; i < 100; ++i) EXPECT_EQ(e.lookup("127.0.0.1")->asn, 64496u);
    EXPECT_EQ(e.lookup("::ffff:127.0.0.1")->asn, 64496u);  // the same address, another spelling
    EXPECT_EQ(e.stats().lookups, 101u);
    EXPECT_EQ(e.stats().cache_hits, 100u);

    auto uncached = o;
    uncached.cache_capacity = 0;
    const enricher u(uncached, sink());
    for (int i = 0; i < 10; ++i) EXPECT_EQ(u.lookup("127.0.0.1")->asn, 64496u);
    EXPECT_EQ(u.stats().cache_hits, 0u);
}

TEST_F(enricher_test, concurrent_lookups_agree) {
    auto o = isolated();
    o.country_db = country_db();
    o.asn_db = asn_db();
    o.cache_capacity = 64;  // smaller than the address set: evictions under contention
    const enricher e(o, sink());
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&e, t] {
            for (int i = 0; i < 3000; ++i) {
                const int n = (i * 13 + t) % 200;
                const auto v4 = e.lookup(fmt::format("127.0.{}.{}", n / 100, n % 100));
                ASSERT_TRUE(v4);
                EXPECT_EQ(v4->asn, 64496u);
                EXPECT_EQ(v4->country, "DE");
                const auto v6 = e.lookup(fmt::format("2001:db8::{:x}", n));
                ASSERT_TRUE(v6);
                EXPECT_EQ(v6->country, "JP");
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(e.stats().lookups, 8u * 3000u * 2u);
}

TEST_F(enricher_test, enrich_sets_the_endpoint_geo) {
    auto o = isolated();
    o.country_db = country_db();
    o.asn_db = asn_db();
    const enricher e(o, sink());
    endpoint_result r;
    r.ep.address = "192.0.2.10";
    e.enrich(r);
    ASSERT_TRUE(r.geo);
    EXPECT_EQ(r.geo->country, "FR");
    endpoint_result unresolved;  // DNS failed: no address, nothing to look up
    e.enrich(unresolved);
    EXPECT_FALSE(unresolved.geo);
}

// A database with a damaged data record (the search tree is checked when it opens, the
// records as lookups reach them) is reported once, at the first lookup that reaches the
// record, and left out; the other database goes on. The file changed under the scan
// (truncated here) changes nothing: the scan reads the copy it took at the start.
TEST_F(enricher_test, database_damaged_mid_scan_is_dropped_once) {
    temp_dir dir;
    const auto file = dir / "asn.mmdb";
    auto data = read_bytes(asn_db());
    MMDB_s raw{};
    ASSERT_EQ(MMDB_open(asn_db().c_str(), MMDB_MODE_MMAP, &raw), MMDB_SUCCESS);
    const auto data_start = static_cast<std::size_t>(raw.metadata.node_count) * raw.metadata.record_size / 4 + 16;
    int gai = 0, rc = 0;
    const auto doc = MMDB_lookup_string(&raw, "192.0.2.1", &gai, &rc);
    const auto loopback = MMDB_lookup_string(&raw, "127.0.0.1", &gai, &rc);
    MMDB_close(&raw);
    ASSERT_TRUE(doc.found_entry && loopback.found_entry);
    ASSERT_NE(doc.entry.offset, loopback.entry.offset);
    data[data_start + doc.entry.offset] = 0xFF;  // a map that claims more pairs than it holds
    write_bytes(file, data);

    auto o = isolated();
    o.country_db = country_db();
    o.asn_db = file;
    const enricher e(o, sink());
    ASSERT_EQ(e.lookup("127.0.0.1")->asn, 64496u);
    std::filesystem::resize_file(file, 0);
    EXPECT_EQ(e.lookup("127.0.0.2")->asn, 64496u) << "read from the copy taken at the start";
    EXPECT_TRUE(notices_.empty()) << all_notices();

    const auto after = e.lookup("192.0.2.1");  // not cached: reads the damaged data
    ASSERT_TRUE(after);
    EXPECT_EQ(after->country, "FR");
    EXPECT_FALSE(after->asn.has_value());
    ASSERT_EQ(notices_.size(), 1u) << all_notices();
    EXPECT_NE(notices_[0].find("the rest of the scan goes on without ASN and organisation data"), std::string::npos)
        << notices_[0];
    EXPECT_EQ(e.asn_database(), nullptr);
    EXPECT_FALSE(e.lookup("2001:db8::1")->asn.has_value());
    EXPECT_EQ(notices_.size(), 1u);  // reported once
}

}  // namespace
}  // namespace tlsaudit::geo
