// One database: lookups (IPv4, IPv6, IPv4-mapped), record layouts, type detection.

#include "test_support.hpp"

#include <tlsaudit/geo.hpp>

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tlsaudit::geo {
namespace {

using testing::asn_db;
using testing::country_db;
using testing::test_db;

std::string country_of(const database& db, const char* address) {
    const auto r = db.lookup(address);
    return r ? r->country : "<not covered>";
}

TEST(database, country_ipv4) {
    const database db(country_db(), database_kind::country);
    EXPECT_EQ(db.kind(), database_kind::country);
    EXPECT_EQ(db.type(), "tlsaudit-Test-Country");
    EXPECT_EQ(db.path(), country_db());
    EXPECT_EQ(db.build_epoch(), 1700000000u);
    EXPECT_EQ(country_of(db, "127.0.0.1"), "DE");
    EXPECT_EQ(country_of(db, "127.255.255.254"), "DE");
    EXPECT_EQ(country_of(db, "192.0.2.0"), "FR");
    EXPECT_EQ(country_of(db, "192.0.2.255"), "FR");
    EXPECT_EQ(country_of(db, "198.51.100.7"), "NL");  // registered_country only
    EXPECT_EQ(country_of(db, "192.0.3.1"), "<not covered>");
    EXPECT_EQ(country_of(db, "10.0.0.1"), "<not covered>");
    EXPECT_FALSE(db.lookup("127.0.0.1")->asn.has_value());  // a country database gives no ASN
}

TEST(database, country_ipv6) {
    const database db(country_db(), database_kind::country);
    EXPECT_EQ(country_of(db, "2001:db8::1"), "JP");
    EXPECT_EQ(country_of(db, "2001:DB8:ffff:ffff::1"), "JP");
    EXPECT_EQ(country_of(db, "2001:db9::1"), "<not covered>");
    EXPECT_EQ(country_of(db, "::1"), "CH");
    EXPECT_EQ(country_of(db, "::2"), "<not covered>");
    // IPv4-mapped IPv6 addresses are looked up as IPv4.
    EXPECT_EQ(country_of(db, "::ffff:127.0.0.1"), "DE");
    EXPECT_EQ(country_of(db, "::ffff:192.0.2.9"), "FR");
}

TEST(database, asn_and_organisation) {
    const database db(asn_db(), database_kind::asn);
    EXPECT_EQ(db.kind(), database_kind::asn);
    const auto loopback = db.lookup("127.0.0.1");
    ASSERT_TRUE(loopback);
    EXPECT_EQ(loopback->asn, 64496u);
    EXPECT_EQ(loopback->organisation, "Loopback Lab Networks");
    EXPECT_EQ(loopback->country, "");
    EXPECT_EQ(db.lookup("192.0.2.77")->asn, 64497u);
    const auto v6 = db.lookup("2001:db8:1:2::3");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->asn, 64498u);
    EXPECT_EQ(v6->organisation, "Documentation IPv6 Example");
    EXPECT_EQ(db.lookup("198.51.100.1")->organisation, "Z\u00fcrich N\u00e4herung GmbH");  // UTF-8 kept
    EXPECT_FALSE(db.lookup("203.0.113.1"));
    EXPECT_FALSE(db.lookup("2001:db9::1"));
}

// GeoIP2-Enterprise: country and ASN in one file, the ASN and organisation under "traits".
TEST(database, enterprise_layout_serves_country_and_asn) {
    const database db(test_db("test-enterprise.mmdb"));
    const auto loopback = db.lookup("127.0.0.1");
    ASSERT_TRUE(loopback);
    EXPECT_EQ(loopback->country, "DE");
    EXPECT_EQ(loopback->asn, 64496u);
    EXPECT_EQ(loopback->organisation, "Loopback Lab Networks");
}

TEST(database, ip_location_db_layout) {
    const database db(test_db("test-country-flat.mmdb"), database_kind::country);
    EXPECT_EQ(db.type(), "country ipvAll");
    EXPECT_EQ(country_of(db, "127.0.0.1"), "DE");
    EXPECT_EQ(country_of(db, "192.0.2.1"), "FR");
    EXPECT_EQ(country_of(db, "2001:db8::1"), "JP");
}

TEST(database, ipv6_address_in_an_ipv4_database_is_not_covered) {
    const database db(test_db("test-asn-ipv4.mmdb"), database_kind::asn);
    EXPECT_EQ(db.lookup("127.0.0.1")->asn, 64496u);
    EXPECT_EQ(db.lookup("::ffff:127.0.0.1")->asn, 64496u);
    EXPECT_FALSE(db.lookup("2001:db8::1"));  // no throw: the database cannot answer IPv6
    EXPECT_FALSE(db.lookup("::1"));
}

TEST(database, country_database_where_asn_expected_is_refused) {
    try {
        database db(country_db(), database_kind::asn);
        FAIL() << "a country database was accepted as an ASN database";
    } catch (const database_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(country_db().string()), std::string::npos) << what;
        EXPECT_NE(what.find("is a country database"), std::string::npos) << what;
        EXPECT_NE(what.find("tlsaudit-Test-Country"), std::string::npos) << what;
        EXPECT_NE(what.find("not an ASN database"), std::string::npos) << what;
    }
}

TEST(database, asn_database_where_country_expected_is_refused) {
    try {
        database db(asn_db(), database_kind::country);
        FAIL() << "an ASN database was accepted as a country database";
    } catch (const database_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("is an ASN database"), std::string::npos) << what;
        EXPECT_NE(what.find("not a country database"), std::string::npos) << what;
    }
}

TEST(database, unknown_type_is_refused) {
    try {
        database db(test_db("test-unknown-type.mmdb"));
        FAIL() << "a database of unknown type was accepted";
    } catch (const database_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("tlsaudit-Test-Weather"), std::string::npos) << what;
        EXPECT_NE(what.find("neither a country nor an ASN database"), std::string::npos) << what;
    }
}

TEST(database, any_kind_when_none_is_expected) {
    EXPECT_EQ(database(country_db()).kind(), database_kind::country);
    EXPECT_EQ(database(asn_db()).kind(), database_kind::asn);
}

TEST(database, text_that_is_not_an_address_is_invalid_argument) {
    const database db(country_db());
    EXPECT_THROW(db.lookup("example.com"), std::invalid_argument);
    EXPECT_THROW(db.lookup(""), std::invalid_argument);
}

TEST(database, moved_database_still_answers) {
    database a(asn_db(), database_kind::asn);
    database b(std::move(a));
    EXPECT_EQ(b.lookup("127.0.0.1")->asn, 64496u);
}

TEST(database, concurrent_lookups) {
    const database db(asn_db(), database_kind::asn);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&db] {
            for (int i = 0; i < 5000; ++i) {
                EXPECT_EQ(db.lookup("127.0.0.1")->asn, 64496u);
                EXPECT_EQ(db.lookup("2001:db8::9")->asn, 64498u);
                EXPECT_FALSE(db.lookup("8.8.8.8"));
            }
        });
    for (auto& t : threads) t.join();
}

// The default databases scripts/install-geoip.sh installs, when this machine has them.
TEST(database, installed_defaults_when_present) {
    const std::filesystem::path dir = default_database_dir;
    if (!std::filesystem::exists(dir / "country.mmdb") || !std::filesystem::exists(dir / "asn.mmdb"))
        GTEST_SKIP() << "no default databases in " << dir << " (scripts/install-geoip.sh)";
    const database country(dir / "country.mmdb", database_kind::country);
    const database asn(dir / "asn.mmdb", database_kind::asn);
    // Lookups of public addresses in local files only: nothing is sent anywhere.
    EXPECT_EQ(country.lookup("8.8.8.8")->country.size(), 2u);
    EXPECT_EQ(asn.lookup("8.8.8.8")->asn, 15169u);
    EXPECT_TRUE(asn.lookup("2001:4860:4860::8888"));
    EXPECT_FALSE(country.lookup("127.0.0.1"));
    // The reserved networks are left out when the files are built: the WHOIS rows place
    // 172.16.0.0/12 in Australia, which is no place for a private network.
    EXPECT_EQ(country.type(), "ip-location-db-country");
    for (const char* reserved : {"10.1.2.3", "172.17.0.2", "192.168.1.1", "100.64.0.1", "198.51.100.1", "203.0.113.5",
                                 "2001:db8::1", "fd00::1"}) {
        EXPECT_FALSE(country.lookup(reserved)) << reserved << " got " << country.lookup(reserved)->country;
        EXPECT_FALSE(asn.lookup(reserved)) << reserved;
    }
}

}  // namespace
}  // namespace tlsaudit::geo
