// A real scan of loopback TLS servers, each endpoint enriched from the test databases
// and written as an NDJSON record: IPv4 and IPv6 endpoints carry country, ASN,
// organisation and class.

#include "geo_lab.hpp"
#include "scan_support.hpp"

#include <tlsaudit/geo.hpp>
#include <tlsaudit/report/json_records.hpp>

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace tlsaudit::testing {
namespace {

TEST(geo_scan, lab_endpoints_come_out_enriched) {
    geo_lab lab;
    geo::options options;
    options.use_environment = false;
    options.default_dir = "/nonexistent";
    options.country_db = geo_test_db("test-country.mmdb");
    options.asn_db = geo_test_db("test-asn.mmdb");
    std::vector<std::string> notices;
    const geo::enricher enricher(options, [&](const std::string& n) { notices.push_back(n); });
    ASSERT_TRUE(notices.empty()) << notices.front();

    const auto out = scan_text(lab.targets(), quick_config());
    ASSERT_EQ(out.results.size(), 3u);
    for (const auto& r : out.results) {
        ASSERT_FALSE(r.cap.error) << r.ep.address << ": " << r.cap.error->detail;
        endpoint_result result;
        result.ep = r.ep;
        result.cap = r.cap;
        enricher.enrich(result);
        ASSERT_TRUE(result.geo) << r.ep.address;
        const auto record = report::to_json(result);
        const auto& geo = record.at("geo").as_object();
        EXPECT_EQ(geo.at("class"), "loopback");
        if (r.ep.address == "::1") {
            EXPECT_EQ(*result.geo, (geo_info{"CH", 64500, "IPv6 Loopback Lab", "loopback"}));
            EXPECT_EQ(geo.at("country"), "CH");
            EXPECT_EQ(geo.at("asn"), 64500);
        } else {
            EXPECT_EQ(*result.geo, (geo_info{"DE", 64496, "Loopback Lab Networks", "loopback"})) << r.ep.address;
            EXPECT_EQ(geo.at("country"), "DE");
            EXPECT_EQ(geo.at("asn"), 64496);
            EXPECT_EQ(geo.at("organisation"), "Loopback Lab Networks");
        }
    }
    EXPECT_EQ(enricher.stats().lookups, 3u);
}

TEST(geo_scan, record_without_enrichment_has_null_geo) {
    endpoint_result result;
    result.ep.address = "127.0.0.1";
    EXPECT_TRUE(report::to_json(result).at("geo").is_null());
    result.geo = geo_info{.address_class = "private"};
    const auto geo = report::to_json(result).at("geo").as_object();
    EXPECT_TRUE(geo.at("country").is_null());
    EXPECT_TRUE(geo.at("asn").is_null());
    EXPECT_TRUE(geo.at("organisation").is_null());
    EXPECT_EQ(geo.at("class"), "private");
}

}  // namespace
}  // namespace tlsaudit::testing
