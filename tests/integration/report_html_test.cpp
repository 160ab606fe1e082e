// The HTML report in headless Chromium (Debian's chromium, driven by playwright-core):
// it renders, sorting, filtering, paging and the detail view work (layout and print:
// report_print_test.cpp), certificate subjects
// holding <script> and <img onerror> payloads execute nothing, and it makes no request.
// The screenshot is kept in the build tree (REPORT_ARTIFACTS_DIR/report.png).

#include "report_support.hpp"

#include <algorithm>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

// 250 more endpoints (every 7th could not be scanned), so the table has three pages;
// bulk-001 was scanned by STARTTLS (SMTP) on port 25.
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
                R"("address":"127.0.1.{}","status":"error","error":{{"stage":"connect","code":"refused","detail":"refused"}},)"
                R"("tls":null,"chain":[]}})"
                "\n",
                target, i % 250);
            continue;
        }
        out += fmt::format(
            R"({{"schema_version":1,"type":"endpoint","scanned_at":"2026-11-24T04:00:00Z","target":{},"address":"127.0.1.{}",)"
            R"("status":"ok","error":null,"tls":{{"protocol":"TLSv1.3","cipher":"TLS_AES_128_GCM_SHA256"}},)"
            R"("chain":[{{"subject":"CN={}","issuer":"CN=Bulk CA {}","serial":"0{}","not_before":"2026-01-01T00:00:00Z",)"
            R"("not_after":"2027-{:02}-01T00:00:00Z","sha256":"{}","spki_sha256":"","san_dns":["{}"],)"
            R"("key":{{"type":"RSA","bits":2048}},"signature_algorithm":"sha256WithRSAEncryption","is_ca":false}}],)"
            R"("findings":[{}]}})"
            "\n",
            target, i % 250, i == 2 ? std::string(R"(e\u001bvil\u202egnp.exe)") : host, i % 4, i, 1 + i % 12,
            std::string(64, "0123456789abcdef"[i % 16]), host,
            i % 5 == 0
                ? R"({"id":"cert-expiring","severity":"medium","cert":null,"message":"expires soon","remediation":"Renew.","rule":null})"
                : "");
    }
    return out;
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

    // Filtering: the payload text is found as text (one endpoint), and the status filter.
    EXPECT_EQ(seen.at("filtered_count"), "1 of 254 endpoints");
    EXPECT_EQ(strings("filtered_hosts"), std::vector<std::string>{"127.0.0.1"});
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
    EXPECT_LT(seen.at("load_ms").to_number<int>(), 30000);
    EXPECT_LT(seen.at("sort_ms").to_number<int>(), 10000);
    EXPECT_TRUE(seen.at("page_errors").as_array().empty());
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tlsaudit::testing
