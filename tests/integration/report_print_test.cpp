// The report as it is handed on, in a real browser (Debian's chromium; playwright-core
// drives it for the layout checks, tlsaudit --pdf runs it for the PDF):
// - layout at 1280 and 800 px, and as printed, for the demo's report and a 10,000-endpoint
//   one, and at 390 px for the demo's: the page never scrolls sideways and no element's box
//   leaves its container (a table that scrolls in its own box holds its cells);
// - the demo's PDF, read back with pdftotext, holds every finding id, every fix text and
//   every affected endpoint;
// - --pdf without Chromium stops with an error naming the package.
// Screenshots (demo-1280.png, demo-800.png, demo-390.png, demo-print.png, big-1280.png, big-800.png) and
// the PDF's first pages (demo-pdf-1.png ...) are kept in REPORT_ARTIFACTS_DIR.

#include "report_support.hpp"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <set>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

fs::path artifacts() {
    const fs::path dir = REPORT_ARTIFACTS_DIR;
    fs::create_directories(dir);
    return dir;
}

// The demo run once for this binary: its NDJSON and its reports.
class demo_report : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(fs::temp_directory_path() / fmt::format("tlsaudit-report-demo-{}", ::getpid()));
        const auto r = run_tlsaudit(fmt::format("demo --out '{}'", dir_->string()));
        demo_ = new run_result(r);
    }
    static void TearDownTestSuite() {
        fs::remove_all(*dir_);
        delete dir_;
        delete demo_;
    }
    void SetUp() override { ASSERT_EQ(demo_->exit_code, 0) << demo_->err; }

    static fs::path path(const std::string& name) { return *dir_ / name; }

private:
    static fs::path* dir_;
    static run_result* demo_;
};
fs::path* demo_report::dir_ = nullptr;
run_result* demo_report::demo_ = nullptr;

// layout_check.js on `html` at `widths`; the artifacts are ARTIFACTS/<name>-<width>.png.
json::object check_layout(const fs::path& html, const std::string& name, const std::string& widths) {
    const auto run = run_shell(fmt::format("node '{}/layout_check.js' '{}' '{}' {}", tools_dir(), html.string(),
                                           (artifacts() / name).string(), widths));
    EXPECT_EQ(run.exit_code, 0) << run.out;
    auto seen = json::parse(run.out).as_object();
    EXPECT_FALSE(seen.contains("error")) << seen.at("error");
    EXPECT_TRUE(seen.at("page_errors").as_array().empty()) << json::serialize(seen.at("page_errors"));
    return seen;
}

void expect_fits(const json::object& seen, const std::string& width, int pixels) {
    SCOPED_TRACE("width " + width);
    ASSERT_TRUE(seen.at("widths").as_object().contains(width)) << json::serialize(seen);
    const auto& w = seen.at("widths").at(width).as_object();
    auto fits = [&](const json::object& m) {
        EXPECT_EQ(m.at("viewport_width").to_number<int>(), pixels);
        EXPECT_EQ(m.at("scroll_width").to_number<int>(), pixels) << "the page scrolls sideways";
        EXPECT_TRUE(m.at("past").as_array().empty()) << "boxes past their container: " << json::serialize(m.at("past"));
        EXPECT_GT(m.at("checked").to_number<int>(), 200) << "the page rendered";
        EXPECT_GT(m.at("bars").to_number<int>(), 5) << "the charts rendered";
        EXPECT_GT(m.at("summary_items").to_number<int>(), 2) << "the executive summary rendered";
    };
    fits(w);
    if (w.contains("opened")) fits(w.at("opened").as_object());  // with the first block of findings open
    if (w.contains("detail")) fits(w.at("detail").as_object());  // on an endpoint's detail
    if (width != "print") {
        EXPECT_TRUE(w.contains("detail")) << "no endpoint detail was opened";
    }
}

TEST_F(demo_report, fits_at_1280_800_and_390_px_and_on_paper) {
    const auto seen = check_layout(path("report.html"), "demo", "1280 800 390 print");
    expect_fits(seen, "1280", 1280);
    expect_fits(seen, "800", 800);
    expect_fits(seen, "390", 390);    // a phone: the wide tables scroll in their own boxes
    expect_fits(seen, "print", 700);  // an A4 page's printable width
}

// Text as pdftotext gives it, with whitespace and hyphens dropped: a line break can fall
// anywhere in a cell, and pdftotext joins a word broken after '-' without it.
std::string squeezed(std::string_view text) {
    std::string out;
    for (const char c : text)
        if (!std::isspace(static_cast<unsigned char>(c)) && c != '-') out += c;
    return out;
}

TEST_F(demo_report, pdf_holds_every_finding_fix_and_endpoint) {
    const auto pdf = artifacts() / "demo.pdf";
    fs::remove(pdf);
    const auto r = run_tlsaudit(fmt::format("report '{}' --pdf '{}' --json '{}' --fail-on none -q",
                                            path("scan.ndjson").string(), pdf.string(), path("printed.json").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(read_file(pdf).rfind("%PDF-", 0), 0u);
    ASSERT_EQ(
        run_shell(fmt::format("pdftotext -enc UTF-8 '{}' '{}'", pdf.string(), path("printed.txt").string())).exit_code,
        0);
    ASSERT_EQ(run_shell(fmt::format("pdftoppm -f 1 -l 3 -r 60 -png '{}' '{}'", pdf.string(),
                                    (artifacts() / "demo-pdf").string()))
                  .exit_code,
              0);
    const auto text = squeezed(read_file(path("printed.txt")));
    ASSERT_NE(text.find(squeezed("Executive summary")), std::string::npos);
    const auto actions = text.find(squeezed("Findings by action"));
    const auto appendix = text.rfind(squeezed("Appendix: endpoint detail"));
    ASSERT_NE(actions, std::string::npos);
    ASSERT_NE(appendix, std::string::npos);
    const auto grouped = text.substr(actions, text.find(squeezed("Endpoints"), actions) - actions);

    const auto report = json::parse(read_file(path("printed.json"))).as_object();
    std::set<std::string> ids, fixes, endpoints;
    for (const auto& v : report.at("endpoints").as_array()) {
        const auto& e = v.as_object();
        const auto& t = e.at("target").as_object();
        const std::string host(t.at("host").as_string());
        const std::string sni = t.at("sni").is_null() ? "" : std::string(t.at("sni").as_string());
        const std::string address = e.at("address").is_null() ? "" : std::string(e.at("address").as_string());
        for (const auto& f : e.at("findings").as_array()) {
            ids.emplace(f.at("id").as_string());
            fixes.emplace(f.at("remediation").as_string());
            // As the appendix heads it: host (SNI name) port N [address]
            endpoints.insert(
                fmt::format("{}{} port {}{}{}", host, sni.empty() || sni == host ? "" : " (SNI " + sni + ")",
                            t.at("port").to_number<int>(),
                            t.at("starttls").is_null() ? "" : fmt::format(" ({})", t.at("starttls").as_string()),
                            address.empty() || address == host ? "" : " [" + address + "]"));
            EXPECT_NE(grouped.find(squeezed(sni.empty() ? host : sni)), std::string::npos)
                << (sni.empty() ? host : sni) << " is missing from the findings by action";
        }
    }
    for (const auto& v : report.at("names").as_array())
        for (const auto& f : v.at("findings").as_array()) {
            ids.emplace(f.at("id").as_string());
            fixes.emplace(f.at("remediation").as_string());
            EXPECT_NE(grouped.find(squeezed(std::string(v.at("target").at("host").as_string()))), std::string::npos);
        }
    ASSERT_GE(ids.size(), 10u) << "the demo covers most of the catalogue";
    for (const auto& id : ids) EXPECT_NE(text.find(squeezed(id)), std::string::npos) << "finding id " << id;
    for (const auto& fix : fixes) EXPECT_NE(text.find(squeezed(fix)), std::string::npos) << "fix text: " << fix;
    for (const auto& e : endpoints)
        EXPECT_NE(text.find(squeezed(e), appendix), std::string::npos) << "endpoint in the appendix: " << e;
    // Addresses are never broken inside, in the tables or anywhere (they read as other addresses).
    const auto raw = read_file(path("printed.txt"));
    for (const auto& v : report.at("endpoints").as_array())
        if (const auto* a = v.as_object().if_contains("address"); a != nullptr && a->is_string())
            EXPECT_NE(raw.find(std::string(a->as_string())), std::string::npos) << "address broken: " << *a;
}

TEST(report_pdf, without_chromium_the_error_names_the_package) {
    const auto dir = fs::temp_directory_path() / fmt::format("tlsaudit-report-nopdf-{}", ::getpid());
    fs::create_directories(dir);
    std::ofstream(dir / "empty.ndjson") << "";
    std::ofstream(dir / "one-target.txt") << "127.0.0.1:1\n";
    const auto out = dir / "none.pdf";
    const auto r = run_shell(fmt::format("(env TLSAUDIT_CHROMIUM= PATH=/nonexistent '{}' report '{}' --pdf '{}' 2>&1)",
                                         TLSAUDIT_BINARY, (dir / "empty.ndjson").string(), out.string()));
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.out.find("install the Debian package 'chromium'"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--html"), std::string::npos) << "says how to do without: " << r.out;
    EXPECT_FALSE(fs::exists(out));
    // A scan stops before its first connection, not after an hour of scanning.
    const auto scan = run_shell(
        fmt::format("(env PATH=/nonexistent TLSAUDIT_CHROMIUM=/nonexistent/chrome '{}' scan '{}' --pdf '{}' 2>&1)",
                    TLSAUDIT_BINARY, (dir / "one-target.txt").string(), out.string()));
    EXPECT_EQ(scan.exit_code, 2) << scan.out;
    EXPECT_NE(scan.out.find("TLSAUDIT_CHROMIUM=/nonexistent/chrome is not an executable file"), std::string::npos)
        << scan.out;
    EXPECT_EQ(scan.out.find("refused"), std::string::npos) << scan.out;
    fs::remove_all(dir);
}

// SIGTERM while Chromium prints: tlsaudit report exits at once (143) and takes Chromium's
// process group and the copy of the report in $TMPDIR with it; they outlived it before. A
// stand-in for Chromium that never finishes keeps the timing out of the test.
TEST(report_pdf, a_signal_while_printing_leaves_no_chromium_and_no_copy_behind) {
    const auto dir = fs::temp_directory_path() / fmt::format("tlsaudit-report-pdfsig-{}", ::getpid());
    fs::remove_all(dir);
    fs::create_directories(dir / "tmp");
    std::ofstream(dir / "empty.ndjson") << "";
    std::ofstream(dir / "hang.sh") << "#!/bin/sh\necho $$ > \"$MARK\"\nsleep 30 &\necho $! > \"$MARK.child\"\nwait\n";
    fs::permissions(dir / "hang.sh", fs::perms::owner_all);
    const auto d = dir.string();
    const auto r = run_shell(fmt::format(
        "cd '{0}' && (TMPDIR='{0}/tmp' TLSAUDIT_CHROMIUM='{0}/hang.sh' MARK='{0}/mark' '{1}' report empty.ndjson "
        "--pdf out.pdf 2>err.txt & p=$!; "
        "for i in $(seq 200); do [ -s mark.child ] && break; sleep 0.05; done; "
        "kill -TERM $p; wait $p; echo rc=$?; sleep 0.3; "
        "alive() {{ s=$(ps -o stat= -p \"$1\"); [ -n \"$s\" ] && [ \"${{s#Z}}\" = \"$s\" ]; }}; "  // a zombie is dead
        "alive $(cat mark) && echo chromium-alive; "
        "alive $(cat mark.child) && echo child-alive; "
        "find tmp -name report.html | grep -q . && echo copy-left; "
        "ls tmp | grep -c tlsaudit-pdf-)",
        d, TLSAUDIT_BINARY));
    EXPECT_NE(r.out.find("rc=143"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("alive"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("copy-left"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n1\n"), std::string::npos)
        << "Chromium's profile stays (a handler cannot remove a tree): " << r.out;
    const auto kill_mark = [&](const char* name) {  // should the test fail, nothing is left running
        std::ifstream in(dir / name);
        int pid = 0;
        if (in >> pid && pid > 0) ::kill(pid, SIGKILL);
    };
    kill_mark("mark.child");
    kill_mark("mark");
    fs::remove_all(dir);
}

// 10,000 endpoints (tests/integration/report_tools/make_ndjson.py): one self-contained
// file that fits at both widths, with its largest block of findings open.
TEST(report_layout, ten_thousand_endpoints_fit_at_1280_and_800_px) {
    const auto dir = fs::temp_directory_path() / fmt::format("tlsaudit-report-10k-{}", ::getpid());
    fs::create_directories(dir);
    ASSERT_EQ(
        run_shell(fmt::format("python3 '{}/make_ndjson.py' 10000 '{}'", tools_dir(), (dir / "big.ndjson").string()))
            .exit_code,
        0);
    const auto html = dir / "big.html";
    const auto r = run_tlsaudit(
        fmt::format("report '{}' --html '{}' --fail-on none -q", (dir / "big.ndjson").string(), html.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++files;
    EXPECT_EQ(files, 2u) << "the report is one file beside its input";
    const auto seen = check_layout(html, "big", "1280 800");
    expect_fits(seen, "1280", 1280);
    expect_fits(seen, "800", 800);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace tlsaudit::testing
