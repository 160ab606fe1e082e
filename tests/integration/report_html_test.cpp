// The HTML report in headless Chromium (Debian's chromium, driven by playwright-core):
// it renders, sorting, filtering, paging and the detail view work (layout and print:
// report_print_test.cpp), certificate subjects
// holding <script> and <img onerror> payloads execute nothing, and it makes no request.
// The screenshot is kept in the build tree (REPORT_ARTIFACTS_DIR/report.png).

#include "report_support.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

// The addresses of bulk endpoints: three IPv6 ones (that sort apart from their text order),
// the others 127.0.1.N.
std::string bulk_address(int i) {
    if (i == 3) return "2001:db8::10";
    if (i == 4) return "2001:db8::9";
    if (i == 5) return "::1";
    return fmt::format("127.0.1.{}", i);
}

// 250 more endpoints (every 7th could not be scanned), so the table has three pages;
// bulk-001 was scanned by STARTTLS (SMTP) on port 25. The leaves expire over 36 months
// (2027-01 to 2029-12), more than the expiry chart's 24 bars.
std::string bulk_ndjson() {
    std::string out;
    for (int i = 0; i < 250; ++i) {
        const auto host = fmt::format("bulk-{:03}.report.test", i);
        const auto target =
            i == 1
                ? fmt::format(
                      R"({{"input":"smtp://{0}","line":2,"host":"{0}","port":25,"sni":"{0}","starttls":"smtp"}})", host)
                : fmt::format(R"({{"input":"{0}","line":{1},"host":"{0}","port":{2},"sni":"{0}"}})", host, i + 1,
                              443 + i % 3);
        if (i % 7 == 0) {
            out += fmt::format(
                R"({{"schema_version":1,"type":"endpoint","scanned_at":"2026-11-24T04:00:00Z","target":{},)"
                R"("address":"{}","status":"error","error":{{"stage":"connect","code":"refused","detail":"refused"}},)"
                R"("tls":null,"chain":[]}})"
                "\n",
                target, bulk_address(i));
            continue;
        }
        out += fmt::format(
            R"({{"schema_version":1,"type":"endpoint","scanned_at":"2026-11-24T04:00:00Z","target":{},"address":"{}",)"
            R"("status":"ok","error":null,"tls":{{"protocol":"TLSv1.3","cipher":"TLS_AES_128_GCM_SHA256"}},)"
            R"("chain":[{{"subject":"CN={}","issuer":"CN=Bulk CA {}","serial":"0{}","not_before":"2026-01-01T00:00:00Z",)"
            R"("not_after":"{}-{:02}-01T00:00:00Z","sha256":"{}","spki_sha256":"","san_dns":["{}"],)"
            R"("key":{{"type":"RSA","bits":2048}},"signature_algorithm":"sha256WithRSAEncryption","is_ca":false}}],)"
            R"("findings":[{}]}})"
            "\n",
            target, bulk_address(i), i == 2 ? std::string(R"(e\u001bvil\u202egnp.exe)") : host, i % 4, i,
            2027 + i % 36 / 12, 1 + i % 12, std::string(64, "0123456789abcdef"[i % 16]), host,
            i % 5 == 0
                ? R"({"id":"cert-expiring","severity":"medium","cert":null,"message":"expires soon","remediation":"Renew.","rule":null})"
                : "");
    }
    return out;
}

// An address as a key that orders as numbers: IPv4 before IPv6, each by its bytes.
std::pair<int, std::array<unsigned char, 16>> address_order(const std::string& address) {
    std::array<unsigned char, 16> bytes{};
    if (::inet_pton(AF_INET, address.c_str(), bytes.data()) == 1) return {4, bytes};
    EXPECT_EQ(::inet_pton(AF_INET6, address.c_str(), bytes.data()), 1) << address;
    return {6, bytes};
}
bool in_address_order(const std::vector<std::string>& addresses) {
    return std::is_sorted(addresses.begin(), addresses.end(), [](const std::string& a, const std::string& b) {
        return address_order(a) < address_order(b);
    });
}

int severity_rank(const std::string& status) {
    static const std::vector<std::string> order{"ok", "error", "info", "low", "medium", "high", "critical"};
    return static_cast<int>(std::find(order.begin(), order.end(), status) - order.begin());
}

// What browser_check.js saw of the print (made under a text filter, with the block of the
// most places opened on screen) and of the screen after it, for a report of `endpoints`
// endpoints whose filter left `filtered`: the worst endpoints of all, at most 1,000, worst
// first; each block its first 250 places and a note of the rest; each section on a new page.
void expect_print(const json::object& seen, int endpoints, int filtered) {
    const auto& print = seen.at("print").as_object();
    EXPECT_EQ(print.at("rows").to_number<int>(), std::min(endpoints, 1000)) << "the print ignores the screen's filter";
    const std::string note(print.at("note").as_string());
    if (endpoints > 1000)
        EXPECT_EQ(note.rfind(fmt::format("The first 1000 of {} endpoints", endpoints), 0), 0u) << note;
    else EXPECT_EQ(note, "");
    std::vector<int> ranks;
    for (const auto& v : print.at("statuses").as_array()) ranks.push_back(severity_rank(std::string(v.as_string())));
    EXPECT_TRUE(std::is_sorted(ranks.rbegin(), ranks.rend())) << "worst first";
    int most = 0;
    for (const auto& v : print.at("blocks").as_array()) {
        const auto& block = v.as_array();
        const auto places = block.at(0).to_number<int>(), printed = block.at(1).to_number<int>();
        const std::string more(block.at(2).as_string());
        most = std::max(most, places);
        EXPECT_EQ(printed, std::min(places, 250)) << json::serialize(block);
        if (places > 250)
            EXPECT_EQ(more.rfind(fmt::format("and {} more", places - 250), 0), 0u) << json::serialize(block);
        else EXPECT_EQ(more, "") << json::serialize(block);
    }
    for (const auto& v : print.at("breaks").as_array()) {
        const std::string section(v.as_string());
        if (!section.starts_with("summary-section"))
            EXPECT_TRUE(section.ends_with(": page")) << "does not start a page: " << section;
    }
    // The screen is as it was: the filter's rows, and the opened block lists every place.
    const auto& after = seen.at("after_print").as_object();
    EXPECT_EQ(after.at("match_count"), json::value(fmt::format("{} of {} endpoints", filtered, endpoints)));
    EXPECT_EQ(after.at("rows").to_number<int>(), filtered);
    EXPECT_EQ(after.at("opened_rows").to_number<int>(), most);
}

// The detail follows the hash; the expiry chart's bars add up to every leaf with an expiry.
void expect_hash_and_expiry(const json::object& seen, std::size_t bars) {
    const auto& hash = seen.at("detail_after_hash").as_object();
    EXPECT_FALSE(hash.at("out_of_range").as_bool()) << "#endpoint-N past the last endpoint shows no detail";
    EXPECT_FALSE(hash.at("garbage").as_bool());
    EXPECT_TRUE(hash.at("valid").as_bool());
    const auto& expiry = seen.at("expiry_bars").as_array();
    int sum = 0;
    for (const auto& b : expiry) sum += b.as_array().at(1).to_number<int>();
    EXPECT_EQ(sum, seen.at("expiry_leaves").to_number<int>()) << json::serialize(expiry);
    ASSERT_EQ(expiry.size(), bars) << json::serialize(expiry);
    if (bars > 24) EXPECT_EQ(std::string(expiry.back().as_array().at(0).as_string()).rfind("after ", 0), 0u);
}

TEST(report_html, renders_sorts_filters_and_executes_nothing) {
    report_lab lab;
    const auto& dir = lab.dir();
    const auto scan =
        run_tlsaudit(fmt::format("scan '{}' {} --ndjson '{}' --fail-on none -q", (dir / "targets.txt").string(),
                                 lab.scan_args(), (dir / "scan.ndjson").string()));
    ASSERT_EQ(scan.exit_code, 0) << scan.err;
    // The bulk file's scan was resumed with other probes: the metadata says so.
    std::ofstream(dir / "bulk.ndjson")
        << bulk_ndjson()
        << R"({"schema_version":2,"type":"scan-end","finished_at":"2026-11-24T04:05:00Z",)"
           R"("complete":true,"settings_changed_on_resume":["probes"]})"
           "\n";
    const std::filesystem::path artifacts = REPORT_ARTIFACTS_DIR;
    std::filesystem::create_directories(artifacts);
    const auto html = artifacts / "report.html";
    const auto shot = artifacts / "report.png";
    std::filesystem::remove(shot);
    const auto r = run_tlsaudit(fmt::format("report '{}' '{}' --html '{}' -q", (dir / "scan.ndjson").string(),
                                            (dir / "bulk.ndjson").string(), html.string()));
    ASSERT_EQ(r.exit_code, 1) << r.err;  // the lab's hostname-mismatch is high

    const auto run = run_shell(
        fmt::format("node '{}/browser_check.js' '{}' '{}' onerror", tools_dir(), html.string(), shot.string()));
    ASSERT_EQ(run.exit_code, 0) << run.out;
    const auto seen = json::parse(run.out).as_object();
    ASSERT_FALSE(seen.contains("error")) << seen.at("error");

    // Nothing executed, nothing fetched, no script errors.
    EXPECT_TRUE(seen.at("dialogs").as_array().empty()) << json::serialize(seen.at("dialogs"));
    EXPECT_TRUE(seen.at("requests").as_array().empty()) << json::serialize(seen.at("requests"));
    EXPECT_TRUE(seen.at("page_errors").as_array().empty()) << json::serialize(seen.at("page_errors"));
    EXPECT_EQ(seen.at("img_count").to_number<int>(), 0);
    EXPECT_EQ(seen.at("onerror_attrs").to_number<int>(), 0);
    EXPECT_EQ(seen.at("script_count").to_number<int>(), 2) << "only the report's own data and code blocks";
    EXPECT_NE(std::string(seen.at("csp").as_string()).find("default-src 'none'"), std::string::npos);

    // It renders: verdict, charts, first page of 100 rows of 254 endpoints.
    EXPECT_EQ(std::string(seen.at("verdict").as_string()).rfind("FAIL", 0), 0u);
    EXPECT_GE(seen.at("chart_count").to_number<int>(), 4);
    EXPECT_EQ(seen.at("rows").to_number<int>(), 100);
    EXPECT_EQ(seen.at("page_info"), "page 1 of 3");
    EXPECT_EQ(seen.at("match_count"), "254 of 254 endpoints");
    // The cards say what they count: the names card counts names whose addresses disagree.
    const auto labels = seen.at("card_labels").as_array();
    EXPECT_NE(std::find(labels.begin(), labels.end(), json::value("inconsistent names")), labels.end())
        << json::serialize(labels);

    // Sorting by host, both ways, and by port.
    auto strings = [&](const char* key) {
        std::vector<std::string> out;
        for (const auto& v : seen.at(key).as_array()) out.emplace_back(v.as_string());
        return out;
    };
    const auto asc = strings("hosts_asc");
    const auto desc = strings("hosts_desc");
    ASSERT_EQ(asc.size(), 100u);
    EXPECT_TRUE(std::is_sorted(asc.begin(), asc.end()));
    EXPECT_TRUE(std::is_sorted(desc.rbegin(), desc.rend()));
    EXPECT_EQ(asc.front(), "127.0.0.1");
    EXPECT_EQ(desc.front(), "bulk-249.report.test");
    EXPECT_EQ(seen.at("sort_attr_asc"), "ascending");
    std::vector<int> ports;
    for (const auto& v : seen.at("ports_asc").as_array()) ports.push_back(v.to_number<int>());
    EXPECT_TRUE(std::is_sorted(ports.begin(), ports.end()));
    // The STARTTLS endpoint names its protocol in its own column (and sorts by the port).
    const auto starttls = strings("starttls_cells_asc");
    ASSERT_EQ(starttls.size(), ports.size());
    const auto smtp = std::find(starttls.begin(), starttls.end(), "smtp");
    ASSERT_NE(smtp, starttls.end());
    EXPECT_EQ(ports[static_cast<std::size_t>(smtp - starttls.begin())], 25);
    EXPECT_EQ(std::count(starttls.begin(), starttls.end(), "smtp"), 1);

    // Addresses sort as numbers, IPv4 before IPv6 (2001:db8::9 before 2001:db8::10), both ways.
    const auto addresses_asc = strings("addresses_asc");
    auto addresses_desc = strings("addresses_desc");
    EXPECT_TRUE(in_address_order(addresses_asc)) << json::serialize(seen.at("addresses_asc"));
    EXPECT_EQ(addresses_asc.front(), "127.0.0.1");
    ASSERT_GE(addresses_desc.size(), 4u);
    EXPECT_EQ(std::vector<std::string>(addresses_desc.begin(), addresses_desc.begin() + 4),
              (std::vector<std::string>{"2001:db8::10", "2001:db8::9", "::1", "127.0.1.249"}));
    std::reverse(addresses_desc.begin(), addresses_desc.end());
    EXPECT_TRUE(in_address_order(addresses_desc)) << json::serialize(seen.at("addresses_desc"));

    // Filtering: the payload text is found as text (one endpoint), and the status filter.
    // The host cell names the SNI asked for, as the findings blocks and the detail do.
    EXPECT_EQ(seen.at("filtered_count"), "1 of 254 endpoints");
    EXPECT_EQ(strings("filtered_hosts"), std::vector<std::string>{"127.0.0.1 (SNI xss.report.test)"});
    const auto errors = strings("error_statuses");
    EXPECT_EQ(errors.size(), 37u);  // 36 bulk + the refused lab port
    EXPECT_TRUE(std::all_of(errors.begin(), errors.end(), [](const std::string& s) { return s == "error"; }));

    // The detail view shows the hostile subject as inert text.
    EXPECT_TRUE(seen.at("detail_visible").as_bool());
    const std::string detail(seen.at("detail_text").as_string());
    // RFC 2253 escapes '<' and '>' in the subject line; the payload is there, as text.
    EXPECT_NE(detail.find(R"(CN=\<script\>alert(1)\</script\>\<img src=x onerror=alert(1)\>)"), std::string::npos)
        << detail;
    EXPECT_NE(detail.find("Served chain"), std::string::npos);
    // More than 24 months (the bulk's 36 and the lab's): 24 bars, then one for the later ones.
    expect_hash_and_expiry(seen, 25);

    // Printed under the filter, with a block opened: every endpoint, each block bounded.
    expect_print(seen, 254, 1);
    // A rule link opens its block; Space on a sortable header sorts.
    EXPECT_TRUE(seen.at("exec_link").at("open").as_bool()) << json::serialize(seen.at("exec_link"));
    EXPECT_EQ(seen.at("space_sort"), "ascending");

    // A subject holding U+202E: the control is shown, never applied.
    const auto bidi = strings("bidi_rows");
    ASSERT_EQ(bidi.size(), 1u);
    EXPECT_NE(bidi[0].find("CN=e\\u{1b}vil\\u{202e}gnp.exe"), std::string::npos) << bidi[0];
    EXPECT_EQ(bidi[0].find("\xe2\x80\xae"), std::string::npos) << bidi[0];
    EXPECT_EQ(bidi[0].find('\x1b'), std::string::npos) << "an ESC is shown, never hidden";

    const auto meta = strings("meta_rows");
    EXPECT_EQ(std::count_if(meta.begin(), meta.end(),
                            [](const std::string& row) {
                                return row.starts_with("settings changed on resume") &&
                                       row.find("probes: targets kept from before the resume") != std::string::npos;
                            }),
              1)
        << json::serialize(seen.at("meta_rows"));

    EXPECT_GT(std::filesystem::file_size(shot), 10000u) << "screenshot kept at " << shot;
}

}  // namespace
}  // namespace tlsaudit::testing

namespace tlsaudit::testing {
namespace {

// 50,000 endpoints: the report opens, sorts and filters without freezing the page (the
// bounds are loose: a shared CI machine; the point is seconds, not minutes).
TEST(report_html, fifty_thousand_endpoints_stay_responsive) {
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("tlsaudit-report-big-{}", ::getpid());
    std::filesystem::create_directories(dir);
    {
        std::ofstream out(dir / "big.ndjson");
        for (int i = 0; i < 50000; ++i) {
            const auto host = fmt::format("host-{:05}.big.test", i);
            out << fmt::format(
                R"({{"schema_version":1,"type":"endpoint","scanned_at":"2026-11-24T04:00:00Z",)"
                R"("target":{{"input":"{0}","line":{1},"host":"{0}","port":443,"sni":"{0}"}},"address":"10.{2}.{3}.{4}",)"
                R"("status":"ok","error":null,"tls":{{"protocol":"TLSv1.3","cipher":"TLS_AES_128_GCM_SHA256"}},)"
                R"("chain":[{{"subject":"CN={0}","issuer":"CN=Big CA {5}","serial":"01","not_before":"2026-01-01T00:00:00Z",)"
                R"("not_after":"2027-{6:02}-01T00:00:00Z","sha256":"{7}","spki_sha256":"","san_dns":["{0}"],)"
                R"("key":{{"type":"EC","bits":256}},"signature_algorithm":"ecdsa-with-SHA256","is_ca":false}}],"findings":[{8}]}})"
                "\n",
                host, i + 1, i / 65536, (i / 256) % 256, i % 256, i % 7, 1 + i % 12, std::string(64, 'C'),
                i % 3 == 0
                    ? R"({"id":"cert-expiring","severity":"medium","cert":null,"message":"soon","remediation":"Renew.","rule":null})"
                    : "");
        }
    }
    const std::filesystem::path artifacts = REPORT_ARTIFACTS_DIR;
    std::filesystem::create_directories(artifacts);
    const auto html = dir / "big.html";
    const auto r =
        run_tlsaudit(fmt::format("report '{}' --html '{}' -q", (dir / "big.ndjson").string(), html.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto run = run_shell(fmt::format("node '{}/browser_check.js' '{}' '{}' host-04999", tools_dir(),
                                           html.string(), (artifacts / "report-50k.png").string()));
    ASSERT_EQ(run.exit_code, 0) << run.out;
    const auto seen = json::parse(run.out).as_object();
    ASSERT_FALSE(seen.contains("error")) << seen.at("error");
    EXPECT_EQ(seen.at("rows").to_number<int>(), 100) << "one page of rows in the DOM";
    EXPECT_EQ(seen.at("page_info"), "page 1 of 500");
    EXPECT_EQ(seen.at("filtered_count"), "1 of 50000 endpoints");
    // 10.0.195.79 is the 50,000th address: numerically the last, as text not.
    ASSERT_FALSE(seen.at("addresses_desc").as_array().empty());
    EXPECT_EQ(seen.at("addresses_desc").as_array().front(), "10.0.195.79");
    expect_hash_and_expiry(seen, 12);
    // The worst 1,000 of all 50,000 (not of the one the filter left); the block of 16,667
    // places prints 250 though it was opened on screen.
    expect_print(seen, 50000, 1);
    EXPECT_LT(seen.at("load_ms").to_number<int>(), 30000);
    EXPECT_LT(seen.at("sort_ms").to_number<int>(), 10000);
    EXPECT_TRUE(seen.at("page_errors").as_array().empty());
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tlsaudit::testing
