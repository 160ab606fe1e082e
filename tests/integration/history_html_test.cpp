// The history's trend report in headless Chromium: what it shows (cards, the table, the
// burn-down bars drawn in proportion, time to fix), that a server's text executes nothing
// and nothing is fetched; the charts of endpoints under a CA to replace, by days to
// expiry; and its JSON against history/schema/tlsaudit-trend.schema.json.
// The screenshot is kept in the build tree (REPORT_ARTIFACTS_DIR/trend.png).

#include "../support/fake_scans.hpp"
#include "../support/scratch_dir.hpp"
#include "report_support.hpp"

#include <map>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

class history_html : public scratch_dir {};

// x: mismatch on 02-01, fixed 02-04 (the 02-02 scan was interrupted); y: expiring from
// 02-02, open; z: a weak key with a hostile message, new in the latest scan.
std::string build_history(const std::filesystem::path& dir) {
    const fake_finding mismatch{"hostname-mismatch", "high", sha('a'), "x.test is not named"};
    const fake_finding expiring{"cert-expiring", "medium", sha('b'), "expires soon"};
    const fake_finding weak{"weak-key", "medium", sha('c'),
                            "<img src=x onerror=alert(1)><script>alert(2)</script>O=evil\xE2\x80\xAEgnp.exe"};
    fake_scan one, two, three;
    one.started_at = "2026-02-01T00:00:00Z";
    one.endpoints = {{"x.test", 443, "127.0.0.1", "", {sha('a')}, {mismatch}},
                     {"y.test", 443, "127.0.0.2", "", {sha('b')}, {}}};
    two.started_at = "2026-02-02T00:00:00Z";
    two.has_end = false;
    two.endpoints = {{"x.test", 443, "127.0.0.1", "", {sha('d')}, {}},
                     {"y.test", 443, "127.0.0.2", "", {sha('b')}, {expiring}}};
    three.started_at = "2026-02-04T00:00:00Z";
    three.endpoints = {{"x.test", 443, "127.0.0.1", "", {sha('d')}, {}},
                       {"y.test", 443, "127.0.0.2", "", {sha('b')}, {expiring}},
                       {"z.test", 443, "127.0.0.3", "", {sha('c')}, {weak}}};
    std::string files;
    int i = 0;
    for (const auto* scan : {&one, &two, &three}) {
        const auto file = dir / fmt::format("{}.ndjson", ++i);
        std::ofstream(file) << ndjson(*scan);
        files += " '" + file.string() + "'";
    }
    return files;
}

// Writes the trend of `db` as HTML (in the artifacts directory, `name`.html and .png) and
// JSON, checks the JSON against the schema and that the page fetched, ran and showed
// nothing it should not; returns what trend_check.js saw.
json::object render_trend(const std::filesystem::path& db, const std::filesystem::path& dir, const std::string& name,
                          const std::string& expect_out) {
    const std::filesystem::path artifacts = REPORT_ARTIFACTS_DIR;
    std::filesystem::create_directories(artifacts);
    const auto html = artifacts / (name + ".html"), shot = artifacts / (name + ".png"), trend_json = dir / "trend.json";
    std::filesystem::remove(shot);
    const auto r = run_tlsaudit(fmt::format("history report --db '{}' --html '{}' --json '{}'", db.string(),
                                            html.string(), trend_json.string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(expect_out), std::string::npos) << r.out;
    const auto valid =
        run_shell(fmt::format("node '{}/validate.js' json '{}' '{}'", tools_dir(), trend_json.string(), TREND_SCHEMA));
    EXPECT_EQ(valid.exit_code, 0) << valid.out;
    const auto run =
        run_shell(fmt::format("node '{}/trend_check.js' '{}' '{}'", tools_dir(), html.string(), shot.string()));
    EXPECT_EQ(run.exit_code, 0) << run.out;
    auto seen = json::parse(run.out).as_object();
    EXPECT_FALSE(seen.contains("error")) << run.out;
    if (seen.contains("error")) return {};
    EXPECT_TRUE(seen.at("requests").as_array().empty()) << json::serialize(seen.at("requests"));
    EXPECT_TRUE(seen.at("dialogs").as_array().empty()) << json::serialize(seen.at("dialogs"));
    EXPECT_TRUE(seen.at("page_errors").as_array().empty()) << json::serialize(seen.at("page_errors"));
    EXPECT_EQ(seen.at("scripts").to_number<int>(), 0);
    EXPECT_FALSE(seen.at("horizontal_overflow").as_bool());
    EXPECT_TRUE(std::filesystem::exists(shot));
    return seen;
}

TEST_F(history_html, the_trend_page_renders_its_figures_and_executes_nothing) {
    const auto db = dir_ / "audit.db";
    const auto imported = run_tlsaudit(fmt::format("history import {} --db '{}'", build_history(dir_), db.string()));
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    const auto seen = render_trend(db, dir_, "trend", "3 scans");
    ASSERT_FALSE(seen.empty());

    const auto& cards = seen.at("cards").as_object();
    EXPECT_EQ(cards.at("card-scans").as_string(), "3");
    EXPECT_EQ(cards.at("card-incomplete").as_string(), "1");
    EXPECT_EQ(cards.at("card-open").as_string(), "2");
    EXPECT_EQ(cards.at("card-fixed").as_string(), "1");
    EXPECT_EQ(cards.at("card-new").as_string(), "1");
    EXPECT_EQ(cards.at("card-fixed-latest").as_string(), "1");

    // endpoint, finding, severity, first seen, last seen, fixed at, days open, state
    const auto& rows = seen.at("rows").as_array();
    ASSERT_EQ(rows.size(), 3u) << json::serialize(rows);
    auto row = [&](std::size_t i) {
        std::vector<std::string> out;
        for (const auto& cell : rows[i].as_array()) out.emplace_back(cell.as_string());
        return out;
    };
    EXPECT_EQ(row(0), (std::vector<std::string>{"y.test:443", "cert-expiring", "medium", "2026-02-02T00:00:00Z",
                                                "2026-02-04T00:00:00Z", "", "2.0", "open"}));
    EXPECT_EQ(row(1)[1], "weak-key");
    EXPECT_EQ(row(1)[6], "0.0");
    EXPECT_EQ(row(2), (std::vector<std::string>{"x.test:443", "hostname-mismatch", "high", "2026-02-01T00:00:00Z",
                                                "2026-02-01T00:00:00Z", "2026-02-04T00:00:00Z", "3.0", "fixed"}));

    // One chart per finding id; bars in proportion to the counts per scan.
    std::map<std::string, json::object> charts;
    for (const auto& c : seen.at("charts").as_array()) charts[std::string(c.at("id").as_string())] = c.as_object();
    ASSERT_EQ(charts.size(), 3u);
    const auto& expiring = charts.at("cert-expiring");
    EXPECT_EQ(json::serialize(expiring.at("values")), "[0,1,1]");
    const auto& widths = expiring.at("widths").as_array();
    EXPECT_LE(widths[0].to_number<double>(), 1.5);
    EXPECT_GT(widths[1].to_number<double>(), 50.0);
    EXPECT_DOUBLE_EQ(widths[1].to_number<double>(), widths[2].to_number<double>());
    EXPECT_EQ(json::serialize(charts.at("hostname-mismatch").at("values")), "[1,0,0]");
    EXPECT_EQ(seen.at("incomplete_labels").to_number<int>(), 3);  // the interrupted scan, in each chart

    // A bidirectional override in a message is shown, never applied.
    const auto page = read_file(std::filesystem::path(REPORT_ARTIFACTS_DIR) / "trend.html");
    EXPECT_NE(page.find("O=evil\\u{202e}gnp.exe"), std::string::npos);
    EXPECT_EQ(page.find("\xE2\x80\xAE"), std::string::npos);

    const auto& fix = seen.at("fix").as_array();
    ASSERT_EQ(fix.size(), 1u);
    EXPECT_EQ(json::serialize(fix[0]), R"(["high","1","3.0","3.0"])");
    EXPECT_TRUE(seen.at("expiry_charts").as_array().empty());  // nothing under a CA to replace
}

TEST_F(history_html, the_replacement_chart_splits_endpoints_by_days_to_expiry) {
    // Two endpoints under Entrust on 03-01: v's leaf expires in 19 days, w's in 275; by
    // 03-15 w was replaced and v's leaf has 5 days left.
    const fake_finding entrust{"issuer-discontinued", "medium", sha('a'), "under Entrust", "entrust-discontinued"};
    fake_scan one, two;
    one.started_at = "2026-03-01T00:00:00Z";
    one.endpoints = {{"v.test", 443, "127.0.0.1", "", {sha('a')}, {entrust}, "2026-03-20T00:00:00Z"},
                     {"w.test", 443, "127.0.0.2", "", {sha('c')}, {entrust}, "2026-12-01T00:00:00Z"}};
    two.started_at = "2026-03-15T00:00:00Z";
    two.endpoints = {{"v.test", 443, "127.0.0.1", "", {sha('a')}, {entrust}, "2026-03-20T00:00:00Z"},
                     {"w.test", 443, "127.0.0.2", "", {sha('b')}, {}}};
    std::ofstream(dir_ / "1.ndjson") << ndjson(one);
    std::ofstream(dir_ / "2.ndjson") << ndjson(two);
    const auto db = dir_ / "audit.db";
    const auto imported = run_tlsaudit(fmt::format("history import '{}' '{}' --db '{}'", (dir_ / "1.ndjson").string(),
                                                   (dir_ / "2.ndjson").string(), db.string()));
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    const auto seen = render_trend(db, dir_, "trend-expiry", "2 scans");
    ASSERT_FALSE(seen.empty());
    const auto& charts = seen.at("expiry_charts").as_array();
    ASSERT_EQ(charts.size(), 1u) << json::serialize(charts);
    const auto& chart = charts[0].as_object();
    EXPECT_EQ(chart.at("rule").as_string(), "entrust-discontinued");
    EXPECT_EQ(json::serialize(chart.at("legend")),
              R"(["expired","0-29 days","30-89 days","90-179 days","180+ days","unknown"])");
    const auto& rows = chart.at("rows").as_array();
    ASSERT_EQ(rows.size(), 2u);
    const auto& first = rows[0].at("segments").as_array();
    const auto& second = rows[1].at("segments").as_array();
    EXPECT_EQ(rows[0].at("total").to_number<int>(), 2);
    EXPECT_EQ(rows[1].at("total").to_number<int>(), 1);
    ASSERT_EQ(first.size(), 2u) << json::serialize(first);
    EXPECT_EQ(first[0].at("bucket").as_string(), "days_0_29");
    EXPECT_EQ(first[0].at("title").as_string(), "1 0-29 days");
    EXPECT_EQ(first[1].at("bucket").as_string(), "days_180_plus");
    ASSERT_EQ(second.size(), 1u) << json::serialize(second);
    EXPECT_EQ(second[0].at("bucket").as_string(), "days_0_29");
    // Drawn in proportion: each segment of one endpoint is half the widest bar.
    const auto w = [](const json::value& v) { return v.at("width").to_number<double>(); };
    EXPECT_GT(w(first[0]), 20.0);
    EXPECT_NEAR(w(first[0]), w(first[1]), 1.0);
    EXPECT_NEAR(w(second[0]), w(first[0]), 1.0);
}

}  // namespace
}  // namespace tlsaudit::testing
