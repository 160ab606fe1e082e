// Terminal output against hostile strings: nothing a server sends can move the cursor,
// set the title, fake a line or reorder text.

#include <tlsaudit/report/baseline.hpp>
#include <tlsaudit/report/terminal.hpp>

#include <gtest/gtest.h>

namespace tlsaudit::report {
namespace {

TEST(terminal_safe, neutralises_escape_sequences) {
    EXPECT_EQ(terminal_safe("\x1b]0;owned\x07"), "\\x1b]0;owned\\x07");                          // OSC: window title
    EXPECT_EQ(terminal_safe("\x1b]8;;file:///x\x1b\\link"), "\\x1b]8;;file:///x\\x1b\\\\link");  // OSC 8 link
    EXPECT_EQ(terminal_safe("\x1bP+q\x1b\\"), "\\x1bP+q\\x1b\\\\");                              // DCS query
    EXPECT_EQ(terminal_safe("x\x1b[2J\x1b[H"), "x\\x1b[2J\\x1b[H");                              // clear screen
    EXPECT_EQ(terminal_safe("\xc2\x9d"
                            "0;t\xc2\x9c"),
              "\\u{9d}0;t\\u{9c}");  // C1 OSC ... ST
}

TEST(terminal_safe, no_fake_lines_or_overwrites) {
    EXPECT_EQ(terminal_safe("a\nPASS"), "a\\x0aPASS");
    EXPECT_EQ(terminal_safe("a\rPASS"), "a\\x0dPASS");  // would overwrite the progress line
    EXPECT_EQ(terminal_safe("a\bb"), "a\\x08b");
    EXPECT_EQ(terminal_safe("a\x7f"), "a\\x7f");
    EXPECT_EQ(terminal_safe("a\xe2\x80\xa8"
                            "b"),
              "a\\u{2028}b");  // LINE SEPARATOR
    EXPECT_EQ(terminal_safe("a\xe2\x80\xa9"
                            "b"),
              "a\\u{2029}b");  // PARAGRAPH SEPARATOR
    EXPECT_EQ(terminal_safe(std::string_view("nul\0x", 5)), "nul\\x00x");
}

TEST(terminal_safe, no_reordered_text) {
    EXPECT_EQ(terminal_safe("\xe2\x80\x8f"
                            "a"),
              "\\u{200f}a");  // RLM
    EXPECT_EQ(terminal_safe("\xd8\x9c"
                            "a"),
              "\\u{61c}a");  // ARABIC LETTER MARK
    EXPECT_EQ(terminal_safe("\xe2\x81\xa7"
                            "a"),
              "\\u{2067}a");  // RLI
}

TEST(terminal_safe, escapes_cannot_be_forged_and_text_survives) {
    EXPECT_EQ(terminal_safe("\\x1b"), "\\\\x1b");
    EXPECT_EQ(terminal_safe("Grüße, 東京 — ok"), "Grüße, 東京 — ok");
    EXPECT_EQ(terminal_safe("\xe1\x80"), "\xEF\xBF\xBD");                              // truncated sequence
    EXPECT_EQ(terminal_safe("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

// One endpoint with one finding.
report_data one_finding(const std::string& host, int port, const std::string& address, finding_row f) {
    report_data data;
    endpoint_row e;
    e.host = host;
    e.port = port;
    e.address = address;
    e.findings.push_back(std::move(f));
    data.endpoints.push_back(std::move(e));
    return data;
}

TEST(format_summary, hostile_finding_text_stays_on_its_line) {
    finding_row f;
    f.id = "hostname-mismatch";
    f.level = severity::high;
    f.message = "leaf CN=\x1b]0;pwned\x07 covers\nPASS: 0 findings\r";
    f.remediation =
        "\xe2\x80\xae"
        "txt.exe";
    const auto data = one_finding("evil\x1b[8m.test", 443, "127.0.0.1", f);
    const std::string out = format_summary(data);
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
    EXPECT_EQ(out.find('\x07'), std::string::npos) << out;
    EXPECT_EQ(out.find('\r'), std::string::npos) << out;
    EXPECT_EQ(out.find("\xe2\x80\xae"), std::string::npos) << out;
    EXPECT_EQ(out.find("\nPASS"), std::string::npos) << out;
    EXPECT_NE(out.find("covers\\x0aPASS"), std::string::npos) << out;
}

// `tlsaudit report` reads ids and error codes from files anyone can write.
TEST(format_summary, ids_and_error_codes_read_from_a_file_stay_on_their_line) {
    finding_row f;
    f.id = "hostname-mismatch\x1b[2J\nFAKE";
    f.level = severity::high;
    auto data = one_finding("a.test", 443, "127.0.0.1", f);
    endpoint_row failed;
    failed.host = "b.test";
    failed.port = 443;
    failed.status = "error";
    failed.error_code = "refused\x1b]0;t\x07\nfake";
    data.endpoints.push_back(failed);
    const std::string out = format_summary(data);
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
    EXPECT_EQ(out.find("\nFAKE"), std::string::npos) << out;
    EXPECT_EQ(out.find("\nfake"), std::string::npos) << out;
    EXPECT_NE(out.find("hostname-mismatch\\x1b[2J\\x0aFAKE"), std::string::npos) << out;
    EXPECT_NE(out.find("refused\\x1b]0;t\\x07\\x0afake"), std::string::npos) << out;
}

// An IPv6 endpoint is named as a target list writes it: "::1:8443" reads as another
// address (the summary and JUnit wrote it so).
TEST(format_summary, an_ipv6_endpoint_is_named_in_brackets) {
    finding_row f;
    f.id = "cert-expiring";
    f.level = severity::low;
    f.message = "expires soon";
    const auto data = one_finding("::1", 8443, "::1", f);
    const std::string out = format_summary(data);
    EXPECT_NE(out.find("[::1]:8443"), std::string::npos) << out;
    EXPECT_EQ(out.find(" ::1:8443"), std::string::npos) << out;
    EXPECT_EQ(host_port("::1", 8443), "[::1]:8443");
    EXPECT_EQ(host_port("a.test", 443), "a.test:443");
    EXPECT_EQ(target_text("2001:db8::1", 25, "", "smtp"), "smtp://[2001:db8::1]:25");
}

endpoint_row judged(std::vector<std::pair<std::string, std::string>> states) {
    endpoint_row e;
    e.host = "a.test";
    e.port = 443;
    for (auto& [program, state] : states) e.trust.push_back({program, state, "why", "", ""});
    return e;
}

TEST(format_summary, counts_per_program_the_endpoints_it_does_not_trust) {
    report_data data;
    data.endpoints.push_back(judged({{"system", "trusted"},
                                     {"mozilla", "untrusted"},
                                     {"chrome-constraints", "distrusted"},
                                     {"apple-constraints", "no-constraint"}}));
    data.endpoints.push_back(judged({{"system", "trusted"},
                                     {"mozilla", "distrusted"},
                                     {"chrome-constraints", "distrusted"},
                                     {"apple-constraints", "no-constraint"}}));
    data.endpoints.push_back(judged({{"system", "untrusted"},
                                     {"mozilla", "untrusted"},
                                     {"chrome-constraints", "no-constraint"},
                                     {"apple-constraints", "no-constraint"}}));
    data.endpoints.push_back(judged({}));  // failed to scan: not judged
    const std::string out = format_summary(data);
    EXPECT_NE(out.find("  root programs: system store 1 untrusted; Mozilla 2 untrusted, 1 distrusted; Chrome "
                       "constraints 2 distrusted (of 3 endpoints judged)\n"),
              std::string::npos)
        << out;
    EXPECT_EQ(out.find("Apple"), std::string::npos) << out;
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;  // no colour asked for
}

TEST(format_summary, no_program_line_when_every_program_trusts) {
    report_data data;
    data.endpoints.push_back(
        judged({{"system", "trusted"}, {"mozilla", "trusted"}, {"apple-constraints", "no-constraint"}}));
    EXPECT_EQ(format_summary(data).find("root programs"), std::string::npos);
}

TEST(format_program_table, one_line_per_program) {
    program_trust t;
    t.mozilla_store = "2026-04-09";
    t.verdicts = {{"system", "trusted", "anchored at R", "", ""},
                  {"mozilla", "untrusted", "removed \x1b[2J", "2025-04", "rule"},
                  {"chrome-constraints", "no-constraint", "the same long text every time", "", ""}};
    EXPECT_EQ(format_program_table(t),
              "  programs (Mozilla store 2026-04-09):\n"
              "    system store         trusted        anchored at R\n"
              "    Mozilla              untrusted      removed \\x1b[2J [2025-04]\n"
              "    Chrome constraints   no-constraint\n");
    EXPECT_EQ(program_label("apple-constraints"), "Apple constraints");
}

}  // namespace
}  // namespace tlsaudit::report
