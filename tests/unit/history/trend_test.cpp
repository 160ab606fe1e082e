// The trend over a small history with known dates: first seen, last seen, fixed at, days
// open, time to fix, the burn-down, the window, and that an interrupted scan or a failed
// endpoint never counts as a fix.

#include "history_fixture.hpp"

#include <tlsaudit/history/trend.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <set>
#include <sstream>

namespace tlsaudit::testing {
namespace {

class history_trend : public history_fixture {
protected:
    void build_history(history::store& db) const;
};

namespace json = boost::json;

fake_endpoint ep(const std::string& host, char leaf, std::vector<fake_finding> findings = {}) {
    return {host, 443, "127.0.0.1", "", {sha(leaf), sha('f')}, std::move(findings)};
}

fake_endpoint refused(const std::string& host) { return {host, 443, "127.0.0.1", "refused", {}, {}}; }

// a: mismatch on 01-01 and 01-03, gone in the interrupted 01-06 scan, fixed on 01-10.
// b: expiring from 01-03 to 01-10, fixed on 01-11.
// c: refused until 01-11, when it first answers with a weak key (new, open).
// d: expired on 01-01, then refused: never seen fixed, so open.
void history_trend::build_history(history::store& db) const {
    const fake_finding mismatch{"hostname-mismatch", "high", sha('a'), "a.test is not named"};
    const fake_finding expiring{"cert-expiring", "medium", sha('b'), "expires soon"};
    const fake_finding weak{"weak-key", "medium", sha('c'), "RSA 1024"};
    const fake_finding expired{"cert-expired", "critical", sha('d'), "expired"};
    std::vector<fake_scan> scans(5);
    scans[0].started_at = "2026-01-01T00:00:00Z";
    scans[0].endpoints = {ep("a.test", 'a', {mismatch}), ep("b.test", 'b'), refused("c.test"),
                          ep("d.test", 'd', {expired})};
    scans[1].started_at = "2026-01-03T00:00:00Z";
    scans[1].endpoints = {ep("a.test", 'a', {mismatch}), ep("b.test", 'b', {expiring}), refused("c.test"),
                          refused("d.test")};
    scans[2].started_at = "2026-01-06T00:00:00Z";
    scans[2].complete = false;
    scans[2].endpoints = {ep("a.test", 'e'), ep("b.test", 'b', {expiring})};
    scans[3].started_at = "2026-01-10T00:00:00Z";
    scans[3].endpoints = {ep("a.test", 'e'), ep("b.test", 'b', {expiring}), refused("c.test"), refused("d.test")};
    scans[4].started_at = "2026-01-11T00:00:00Z";
    scans[4].endpoints = {ep("a.test", 'e'), ep("b.test", 'g'), ep("c.test", 'c', {weak}), refused("d.test")};
    for (std::size_t i = 0; i < scans.size(); ++i) db.import_scan({write_scan(fmt::format("{}.ndjson", i), scans[i])});
}

const history::trend_finding& find(const history::trend_data& t, const std::string& id) {
    for (const auto& f : t.findings)
        if (f.id == id) return f;
    throw std::runtime_error("no finding " + id);
}

TEST_F(history_trend, first_seen_fixed_at_and_days_open) {
    history::store db(dir_ / "audit.db");
    build_history(db);
    const auto t = history::build_trend(db, {.since = "90d"});
    ASSERT_EQ(t.scans.size(), 5u);
    EXPECT_FALSE(t.scans[2].complete);
    ASSERT_EQ(t.findings.size(), 4u);

    const auto& a = find(t, "hostname-mismatch");
    EXPECT_EQ(a.host, "a.test");
    EXPECT_EQ(a.first_seen, "2026-01-01T00:00:00Z");
    EXPECT_EQ(a.last_seen, "2026-01-03T00:00:00Z");
    EXPECT_EQ(a.fixed_at, "2026-01-10T00:00:00Z");  // not the interrupted 01-06 scan
    EXPECT_DOUBLE_EQ(a.days_open, 9.0);
    const auto& b = find(t, "cert-expiring");
    EXPECT_EQ(b.first_seen, "2026-01-03T00:00:00Z");
    EXPECT_EQ(b.fixed_at, "2026-01-11T00:00:00Z");
    EXPECT_DOUBLE_EQ(b.days_open, 8.0);
    const auto& c = find(t, "weak-key");
    EXPECT_EQ(c.first_seen, "2026-01-11T00:00:00Z");
    EXPECT_FALSE(c.fixed_at);
    EXPECT_DOUBLE_EQ(c.days_open, 0.0);
    const auto& d = find(t, "cert-expired");
    EXPECT_FALSE(d.fixed_at);  // refused since: nobody saw it fixed
    EXPECT_EQ(d.last_seen, "2026-01-01T00:00:00Z");
    EXPECT_DOUBLE_EQ(d.days_open, 10.0);
    EXPECT_EQ(d.level, severity::critical);

    // Open first, longest open first; then the fixed ones.
    EXPECT_EQ(t.findings[0].id, "cert-expired");
    EXPECT_EQ(t.findings[1].id, "weak-key");
    EXPECT_EQ(t.findings[2].id, "hostname-mismatch");
    EXPECT_EQ(t.findings[3].id, "cert-expiring");

    EXPECT_EQ(t.new_in_latest, 1u);
    EXPECT_EQ(t.fixed_in_latest, 1u);
    const auto& high = t.by_severity[static_cast<std::size_t>(severity::high)];
    EXPECT_EQ(high.fixed, 1u);
    EXPECT_DOUBLE_EQ(high.mean_days, 9.0);
    const auto& medium = t.by_severity[static_cast<std::size_t>(severity::medium)];
    EXPECT_EQ(medium.fixed, 1u);
    EXPECT_DOUBLE_EQ(medium.p90_days, 8.0);

    EXPECT_EQ(t.scans[0].by_id.at("hostname-mismatch"), 1u);
    EXPECT_EQ(t.scans[0].by_id.at("cert-expired"), 1u);
    EXPECT_EQ(t.scans[3].by_id.size(), 1u);
    EXPECT_EQ(t.scans[4].by_id.at("weak-key"), 1u);
    EXPECT_EQ(t.scans[0].endpoints, 4u);
}

// The latest scan's "new" and "fixed" do not depend on the window: --since 0d holds the
// 01-11 scan alone, and still b's expiring (seen before it) was fixed there and only c's
// weak key is new. The window lists only what it saw.
TEST_F(history_trend, the_latest_scans_new_and_fixed_are_the_same_in_any_window) {
    history::store db(dir_ / "audit.db");
    build_history(db);
    for (const char* since : {"90d", "1d", "0d"}) {
        const auto t = history::build_trend(db, {.since = since});
        EXPECT_EQ(t.new_in_latest, 1u) << since;
        EXPECT_EQ(t.fixed_in_latest, 1u) << since;
    }
    const auto latest_only = history::build_trend(db, {.since = "0d"});
    ASSERT_EQ(latest_only.scans.size(), 1u);
    ASSERT_EQ(latest_only.findings.size(), 1u);
    EXPECT_EQ(latest_only.findings[0].id, "weak-key");
}

TEST_F(history_trend, the_window_leaves_older_scans_out) {
    history::store db(dir_ / "audit.db");
    build_history(db);
    const auto t = history::build_trend(db, {.since = "9d"});  // from 2026-01-02
    EXPECT_EQ(t.since, "2026-01-02T00:00:00Z");
    ASSERT_EQ(t.scans.size(), 4u);
    EXPECT_EQ(find(t, "hostname-mismatch").first_seen, "2026-01-03T00:00:00Z");
    EXPECT_DOUBLE_EQ(find(t, "hostname-mismatch").days_open, 7.0);
    EXPECT_THROW(find(t, "cert-expired"), std::runtime_error);
    EXPECT_EQ(history::build_trend(db, {.since = "2026-01-10"}).scans.size(), 2u);
    EXPECT_EQ(history::build_trend(db, {.since = "2026-01-10T00:00:00+01:00"}).since, "2026-01-09T23:00:00Z");
    EXPECT_THROW(history::build_trend(db, {.since = "soon"}), std::invalid_argument);
    EXPECT_THROW(history::build_trend(db, {.since = "2026-02-30"}), std::invalid_argument);  // not March 2
    EXPECT_THROW(history::build_trend(db, {.since = "2026-01-10 08:00"}), std::invalid_argument);
    EXPECT_THROW(history::build_trend(db, {.since = "-3d"}), std::invalid_argument);
    for (const char* huge : {"800000d", "99999999d"})  // never before 1970, never an invalid time
        EXPECT_EQ(history::build_trend(db, {.since = huge}).since, "1970-01-01T00:00:00Z") << huge;
}

TEST_F(history_trend, json_states_the_same_figures) {
    history::store db(dir_ / "audit.db");
    build_history(db);
    std::ostringstream out;
    history::write_trend_json(history::build_trend(db, {}), out);
    const auto doc = json::parse(out.str()).as_object();
    EXPECT_EQ(doc.at("format").as_string(), "tlsaudit-trend");
    EXPECT_EQ(doc.at("scans").as_array().size(), 5u);
    const auto& first = doc.at("findings").as_array()[0].as_object();
    EXPECT_EQ(first.at("id").as_string(), "cert-expired");
    EXPECT_EQ(first.at("state").as_string(), "open");
    EXPECT_TRUE(first.at("fixed_at").is_null());
    EXPECT_DOUBLE_EQ(first.at("days_open").to_number<double>(), 10.0);
    EXPECT_EQ(doc.at("latest").at("new").to_number<int>(), 1);
    EXPECT_DOUBLE_EQ(doc.at("time_to_fix").at("high").at("mean_days").to_number<double>(), 9.0);
}

// Sites of one address and port told apart by SNI or STARTTLS are findings of their own,
// as in a baseline: fixing one of them is a fix, while the others stay open.
TEST_F(history_trend, sni_names_and_starttls_on_one_port_are_tracked_apart) {
    history::store db(dir_ / "audit.db");
    const fake_finding expiring{"cert-expiring", "medium", sha('s'), "expires soon"};
    auto site = [&](const std::string& sni, const std::string& starttls, bool finding) {
        auto e = ep("127.0.0.9", 's', finding ? std::vector<fake_finding>{expiring} : std::vector<fake_finding>{});
        e.port = 25;
        e.sni = sni;
        e.starttls = starttls;
        return e;
    };
    fake_scan first, second;
    first.started_at = "2026-01-01T00:00:00Z";
    first.endpoints = {site("a.test", "", true), site("b.test", "", true), site("", "smtp", true)};
    second.started_at = "2026-01-05T00:00:00Z";
    second.endpoints = {site("a.test", "", false), site("b.test", "", true), site("", "smtp", true)};
    db.import_scan({write_scan("1.ndjson", first)});
    db.import_scan({write_scan("2.ndjson", second)});
    const auto t = history::build_trend(db, {});
    ASSERT_EQ(t.findings.size(), 3u);
    EXPECT_EQ(t.fixed_in_latest, 1u);
    EXPECT_EQ(t.new_in_latest, 0u);
    std::map<std::string, const history::trend_finding*> by_site;
    for (const auto& f : t.findings) by_site[f.sni + "/" + f.starttls] = &f;
    ASSERT_EQ(by_site.size(), 3u);
    ASSERT_TRUE(by_site.contains("a.test/") && by_site.contains("b.test/") && by_site.contains("/smtp"));
    EXPECT_EQ(by_site["a.test/"]->fixed_at, "2026-01-05T00:00:00Z");
    EXPECT_FALSE(by_site["b.test/"]->fixed_at);
    EXPECT_FALSE(by_site["/smtp"]->fixed_at);
    EXPECT_DOUBLE_EQ(by_site["a.test/"]->days_open, 4.0);

    std::ostringstream json_out, html_out;
    history::write_trend_json(t, json_out);
    const auto rows = json::parse(json_out.str()).at("findings").as_array();
    std::set<std::string> sites;
    for (const auto& r : rows) sites.insert(json::serialize(r.at("sni")) + " " + json::serialize(r.at("starttls")));
    EXPECT_EQ(sites, (std::set<std::string>{"\"a.test\" null", "\"b.test\" null", "null \"smtp\""}));
    history::write_trend_html(t, html_out);
    EXPECT_NE(html_out.str().find("<td>127.0.0.9:25 sni=b.test</td>"), std::string::npos);
    EXPECT_NE(html_out.str().find("<td>smtp://127.0.0.9:25</td>"), std::string::npos);
}

// Two scans started in the same second are two moments, in the order they were imported:
// what the second no longer has is fixed by it, and only what it adds is new in it.
TEST_F(history_trend, two_scans_in_one_second_are_two_moments) {
    history::store db(dir_ / "audit.db");
    const fake_finding mismatch{"hostname-mismatch", "high", sha('a'), "a.test is not named"};
    const fake_finding weak{"weak-key", "medium", sha('b'), "RSA 1024"};
    fake_scan first, second;
    first.started_at = second.started_at = "2026-01-01T00:00:00Z";
    first.endpoints = {ep("a.test", 'a', {mismatch}), ep("b.test", 'b')};
    second.endpoints = {ep("a.test", 'e'), ep("b.test", 'b', {weak})};
    db.import_scan({write_scan("1.ndjson", first)});
    db.import_scan({write_scan("2.ndjson", second)});
    for (const char* since : {"90d", "0d"}) {
        const auto t = history::build_trend(db, {.since = since});
        ASSERT_EQ(t.scans.size(), 2u) << since;
        EXPECT_EQ(t.new_in_latest, 1u) << since;
        EXPECT_EQ(t.fixed_in_latest, 1u) << since;
        const auto& a = find(t, "hostname-mismatch");
        EXPECT_EQ(a.fixed_at, "2026-01-01T00:00:00Z") << since;
        EXPECT_DOUBLE_EQ(a.days_open, 0.0);
        EXPECT_FALSE(find(t, "weak-key").fixed_at) << since;
        EXPECT_EQ(t.by_severity[static_cast<std::size_t>(severity::high)].fixed, 1u) << since;
    }
    // A third scan in that second, with the mismatch back: open again, last seen there.
    fake_scan third = first;
    third.endpoints.push_back(refused("c.test"));
    db.import_scan({write_scan("3.ndjson", third)});
    const auto t = history::build_trend(db, {});
    EXPECT_FALSE(find(t, "hostname-mismatch").fixed_at);
    EXPECT_EQ(t.fixed_in_latest, 1u);  // the weak key
    EXPECT_EQ(t.new_in_latest, 0u);
}

// The latest complete scan's new and fixed, and which scan that is, do not depend on the
// window even when the history around it is uneven: a finding back with another message
// (cert-expired names the evaluation time) is not new; a finding whose endpoint was down
// in the complete scans between is fixed by the scan that reaches it; an interrupted scan
// after the latest complete one leaves that one the latest.
TEST_F(history_trend, the_latest_complete_scan_is_judged_the_same_in_any_window) {
    history::store db(dir_ / "audit.db");
    const auto expired = [](const std::string& day) {
        return fake_finding{"cert-expired", "critical", sha('d'), "the leaf expired (evaluated " + day + ")"};
    };
    const fake_finding mismatch{"hostname-mismatch", "high", sha('e'), "e.test is not named"};
    std::vector<fake_scan> scans(4);
    scans[0].started_at = "2026-01-01T00:00:00Z";
    scans[0].endpoints = {ep("d.test", 'd', {expired("01-01")}), ep("e.test", 'e', {mismatch})};
    scans[1].started_at = "2026-01-05T00:00:00Z";
    scans[1].endpoints = {ep("d.test", 'f'), refused("e.test")};
    scans[2].started_at = "2026-01-09T00:00:00Z";
    scans[2].endpoints = {ep("d.test", 'd', {expired("01-09")}), ep("e.test", 'g')};
    scans[3].started_at = "2026-01-12T00:00:00Z";
    scans[3].complete = false;
    scans[3].endpoints = {ep("d.test", 'd', {expired("01-12")})};
    for (std::size_t i = 0; i < scans.size(); ++i) db.import_scan({write_scan(fmt::format("{}.ndjson", i), scans[i])});
    for (const char* since : {"90d", "6d", "4d", "0d"}) {
        const auto t = history::build_trend(db, {.since = since});
        ASSERT_TRUE(t.latest_complete) << since;
        EXPECT_EQ(*t.latest_complete, 3) << since << ": the 01-09 scan";
        EXPECT_EQ(t.new_in_latest, 0u) << since << ": d's expiry was seen on 01-01";
        EXPECT_EQ(t.fixed_in_latest, 1u) << since << ": e's mismatch, unseen on 01-05 (refused)";
    }
}

// An endpoint under Entrust: its leaf expires at `not_after`; its issuer-discontinued
// finding (and issuer-distrusted, when `distrusted`) is about chain `chain` of it.
struct replaced {
    std::string host, not_after;
    int chain = 0;
    bool distrusted = false;
};

fake_scan replaced_scan(const std::string& started_at, const std::vector<replaced>& endpoints) {
    fake_scan scan;
    scan.started_at = started_at;
    for (const auto& r : endpoints) {
        const auto leaf = sha(r.host[1]);
        std::vector<fake_finding> findings = {
            {"issuer-discontinued", "medium", leaf, "under Entrust", "entrust-discontinued", r.chain}};
        if (r.distrusted)
            findings.push_back({"issuer-distrusted", "high", leaf, "distrusted", "entrust-tls-distrust-2024", r.chain});
        auto e = ep(r.host, r.host[1], findings);
        e.leaf_not_after = r.not_after;
        scan.endpoints.push_back(e);
    }
    return scan;
}

TEST_F(history_trend, endpoints_under_a_ca_to_replace_by_days_to_expiry) {
    history::store db(dir_ / "audit.db");
    // e1 expired before both scans; e2 expires 19 days after the first, before the second;
    // e3 73 and 42 days after; e4 165 and 134 days after, and distrusted too; e5 a year
    // after the first, replaced by the second; e6's finding is about its second chain.
    const replaced e1{"e1.test", "2025-12-31T00:00:00Z"}, e2{"e2.test", "2026-01-20T00:00:00Z"},
        e3{"e3.test", "2026-03-15T00:00:00Z"}, e4{"e4.test", "2026-06-15T00:00:00Z"},
        e4_distrusted{"e4.test", "2026-06-15T00:00:00Z", 0, true}, e5{"e5.test", "2027-01-01T00:00:00Z"},
        e6{"e6.test", "2027-01-01T00:00:00Z", 1};
    db.import_scan({write_scan("1.ndjson", replaced_scan("2026-01-01T00:00:00Z", {e1, e2, e3, e4, e5, e6}))});
    db.import_scan({write_scan("2.ndjson", replaced_scan("2026-02-01T00:00:00Z", {e1, e2, e3, e4_distrusted, e6}))});
    const auto t = history::build_trend(db, {});
    ASSERT_EQ(t.scans.size(), 2u);
    using counts = history::expiry_counts;
    //                     expired 0-29 30-89 90-179 180+ unknown
    EXPECT_EQ(t.scans[0].replace_by_expiry.at("entrust-discontinued"), (counts{1, 1, 1, 1, 1, 1}));
    EXPECT_EQ(t.scans[1].replace_by_expiry.at("entrust-discontinued"), (counts{2, 0, 1, 1, 0, 1}));
    EXPECT_EQ(t.scans[0].replace_by_expiry.count("entrust-tls-distrust-2024"), 0u);
    EXPECT_EQ(t.scans[1].replace_by_expiry.at("entrust-tls-distrust-2024"), (counts{0, 0, 0, 1, 0, 0}));

    std::ostringstream json_out, html_out;
    history::write_trend_json(t, json_out);
    const auto doc = json::parse(json_out.str());
    const auto& second = doc.at("scans").as_array()[1].at("replace_by_expiry").at("entrust-discontinued");
    EXPECT_EQ(second.at("expired").to_number<int>(), 2);
    EXPECT_EQ(second.at("days_90_179").to_number<int>(), 1);
    EXPECT_EQ(second.at("unknown").to_number<int>(), 1);
    history::write_trend_html(t, html_out);
    const auto html = html_out.str();
    EXPECT_NE(html.find("data-rule=\"entrust-discontinued\""), std::string::npos);
    EXPECT_NE(html.find("title=\"2 expired\""), std::string::npos);
}

TEST_F(history_trend, html_escapes_what_servers_sent) {
    history::store db(dir_ / "audit.db");
    fake_scan s;
    s.endpoints = {ep("x.test", 'x', {{"hostname-mismatch", "high", sha('x'), "<script>alert(1)</script>"}})};
    db.import_scan({write_scan("1.ndjson", s)});
    std::ostringstream out;
    history::write_trend_html(history::build_trend(db, {}), out);
    const auto html = out.str();
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
    EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
}

}  // namespace
}  // namespace tlsaudit::testing
