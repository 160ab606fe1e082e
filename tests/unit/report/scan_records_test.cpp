// The records that open and close a scan (report/scan_records.hpp): their exact text,
// and that the reader takes the report's metadata from them.

#include "report_fixture.hpp"

#include <tlsaudit/report/json_report.hpp>
#include <tlsaudit/report/scan_records.hpp>
#include <tlsaudit/report/terminal.hpp>

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

namespace tlsaudit::report {
namespace {

using namespace std::chrono_literals;
using testing::read_text;

time_point at(std::chrono::sys_days day, std::chrono::seconds time) { return day + time; }

scan_start sample_start() {
    scan_start s;
    s.tool_version = "1.2.3";
    s.started_at = at(std::chrono::year{2026} / 11 / 24, 4h);
    s.input = "targets.txt";
    s.trust.ca_files = {"corp.pem"};
    s.trust.ca_dirs = {"/etc/corp-ca"};
    s.trust.lab_roots = 2;
    auto& o = s.settings;
    o.ports = {443, 8443};
    o.concurrency = 200;
    o.threads = 4;
    o.rate = 2.5;
    o.retries = 1;
    o.ipv4_only = true;
    o.dns_timeout = 5000ms;
    o.connect_timeout = 2500ms;
    o.handshake_timeout = 10000ms;
    o.starttls_timeout = 7000ms;
    o.per_host_concurrency = 3;
    o.dedupe = false;
    o.fail_on = "high";
    o.fail_on_errors = "10%:dns";
    o.baseline = "last.json";
    o.expiry_warn_days = 30;
    o.fetch_allow = {"10.20.0.0/16", "ocsp.corp.example:8080"};
    o.fetch_max_destinations = 256;
    o.probes = {"modern", "rsa"};
    o.tls_engine = "capture";
    o.profile = "browser";
    o.evaluated_at = s.started_at;
    o.shard = "1/4";
    o.revocation = scan_settings::revocation_checks{false, "leaf", {"ocsp", "crl"}, 5000ms, 20u << 20};
    return s;
}

TEST(scan_records, scan_start_text) {
    EXPECT_EQ(
        boost::json::serialize(to_json(sample_start())),
        R"({"schema_version":2,"type":"scan-start","tool":"tlsaudit","version":"1.2.3",)"
        R"("started_at":"2026-11-24T04:00:00Z","input":"targets.txt",)"
        R"("trust_store":"system + ca-file corp.pem + ca-dir /etc/corp-ca + 2 lab roots",)"
        R"("options":{"ports":[443,8443],"concurrency":200,"threads":4,"rate":2.5E0,"retries":1,)"
        R"("ipv4_only":true,"ipv6_only":false,"resolver":null,"dns_timeout_ms":5000,)"
        R"("connect_timeout_ms":2500,"handshake_timeout_ms":10000,"starttls_timeout_ms":7000,)"
        R"("per_host_concurrency":3,"dedupe":false,"allow_large_cidr":false,"fail_on":"high","fail_on_new":false,)"
        R"("fail_on_errors":"10%:dns","baseline":"last.json","rules":null,"at":null,"expiry_warn_days":30,)"
        R"("fetch_allow":["10.20.0.0/16","ocsp.corp.example:8080"],"fetch_allow_private":false,)"
        R"("fetch_max_destinations":256,"probes":["modern","rsa"],"tls_engine":"capture",)"
        R"("verify_handshake":false,"profile":"browser","evaluated_at":"2026-11-24T04:00:00Z",)"
        R"("fetch_missing":false,"starttls":null,"shard":"1/4",)"
        R"("revocation":{"mode":"soft","depth":"leaf","order":["ocsp","crl"],"timeout_ms":5000,)"
        R"("crl_max_bytes":20971520}}})");
}

TEST(scan_records, scan_start_optional_settings_and_trust) {
    auto s = sample_start();
    s.trust = trust_sources{false, {}, {"/ca"}, 0};
    s.settings.resolver = "127.0.0.1:5353";
    s.settings.rules = "rules.json";
    s.settings.at = "2021-01-20";
    s.settings.baseline.clear();
    const auto record = to_json(s);
    EXPECT_EQ(record.at("trust_store").as_string(), "ca-dir /ca");
    const auto& o = record.at("options").as_object();
    EXPECT_EQ(o.at("resolver").as_string(), "127.0.0.1:5353");
    EXPECT_EQ(o.at("rules").as_string(), "rules.json");
    EXPECT_EQ(o.at("at").as_string(), "2021-01-20");
    EXPECT_TRUE(o.at("baseline").is_null());
    s.settings.revocation.reset();  // --no-revocation
    EXPECT_TRUE(to_json(s).at("options").at("revocation").is_null());
}

TEST(scan_records, scan_start_text_from_the_command_line_is_valid_utf8) {
    auto s = sample_start();
    s.input = "targets-\xff.txt";
    s.trust.ca_files = {"bad-\xc3.pem"};
    const auto record = to_json(s);
    EXPECT_EQ(record.at("input").as_string(), "targets-\xEF\xBF\xBD.txt");
    EXPECT_NE(std::string(record.at("trust_store").as_string()).find("bad-\xEF\xBF\xBD.pem"), std::string::npos);
    // Every option typed as text: a path or a name in another encoding is still UTF-8 here.
    s.settings.rules = "r\xff.json";
    s.settings.baseline = "b\xfe.json";
    s.settings.resolver = "\xc3";
    s.settings.starttls = "smtp\xff";
    const auto options = to_json(s).at("options");
    EXPECT_EQ(options.at("rules").as_string(), "r\xEF\xBF\xBD.json");
    EXPECT_EQ(options.at("baseline").as_string(), "b\xEF\xBF\xBD.json");
    EXPECT_EQ(options.at("resolver").as_string(), "\xEF\xBF\xBD");
    EXPECT_EQ(options.at("starttls").as_string(), "smtp\xEF\xBF\xBD");
}

TEST(scan_records, scan_end_text) {
    scan_end e;
    e.finished_at = at(std::chrono::year{2026} / 11 / 24, 4h + 1min);
    e.targets = 10;
    e.endpoints = 12;
    e.input_errors = 1;
    e.complete = false;
    e.resumed_targets = 3;
    e.fetch_destinations = 2;
    e.fetch_bytes = 5'000'000'000;
    e.fetch_refused = 1;
    EXPECT_EQ(boost::json::serialize(to_json(e)),
              R"({"schema_version":2,"type":"scan-end","finished_at":"2026-11-24T04:01:00Z","targets":10,)"
              R"("endpoints":12,"input_errors":1,"complete":false,"resumed_targets":3,)"
              R"("fetches":{"destinations":2,"bytes":5000000000,"refused":1},)"
              R"("stopped_at_line":0,"target_lines_unread":null})");
}

TEST(scan_records, fetch_counts_are_summed_over_scan_ends_and_reach_the_json_summary) {
    scan_end e;
    e.finished_at = at(std::chrono::year{2026} / 11 / 24, 4h + 1min);
    e.fetch_destinations = 2;
    e.fetch_bytes = 5'000'000'000;  // beyond int
    e.fetch_refused = 1;
    const auto line = boost::json::serialize(to_json(e)) + "\n";
    const auto data = read_text(line + line);
    EXPECT_TRUE(data.meta.has_fetches);
    EXPECT_EQ(data.meta.fetch_destinations, 4u);
    EXPECT_EQ(data.meta.fetch_bytes, 10'000'000'000u);
    EXPECT_EQ(data.meta.fetch_refused, 2u);
    std::ostringstream out;
    write_json_report(data, out);
    EXPECT_NE(out.str().find(R"("fetches":{"destinations":4,"bytes":10000000000,"refused":2})"), std::string::npos);
    // An older scan-end without the counts: no fetches in the summary.
    const auto old = read_text(R"({"schema_version":1,"type":"scan-end","finished_at":"2026-11-24T04:05:00Z"})"
                               "\n");
    EXPECT_FALSE(old.meta.has_fetches);
    std::ostringstream old_out;
    write_json_report(old, old_out);
    EXPECT_EQ(old_out.str().find("\"fetches\""), std::string::npos);
}

// A resume that changed settings says which in its scan-end record; the reader unites them
// over every scan-end (shards, or resumes merged), and the JSON report and the terminal
// summary name them.
TEST(scan_records, settings_changed_on_resume_reach_the_reports) {
    scan_end e;
    e.finished_at = at(std::chrono::year{2026} / 11 / 24, 4h + 1min);
    e.settings_changed_on_resume = {"probes", "profile"};
    const auto first = boost::json::serialize(to_json(e));
    EXPECT_NE(first.find(R"("settings_changed_on_resume":["probes","profile"])"), std::string::npos) << first;
    e.settings_changed_on_resume = {"ports", "probes"};
    const auto data = read_text(first + "\n" + boost::json::serialize(to_json(e)) + "\n");
    EXPECT_EQ(data.meta.settings_changed_on_resume, (std::set<std::string>{"ports", "probes", "profile"}));
    std::ostringstream out;
    write_json_report(data, out);
    EXPECT_NE(out.str().find(R"("settings_changed_on_resume":["ports","probes","profile"])"), std::string::npos);
    EXPECT_NE(format_summary(data).find("MIXED SETTINGS: a resume changed ports, probes, profile;"), std::string::npos)
        << format_summary(data);
}

TEST(scan_records, the_reader_takes_the_report_metadata_from_them) {
    scan_end e;
    e.finished_at = at(std::chrono::year{2026} / 11 / 24, 4h + 1min);
    auto whole = sample_start();
    whole.settings.shard.clear();
    const auto text = boost::json::serialize(to_json(whole)) + "\n" + boost::json::serialize(to_json(e)) + "\n";
    const auto data = read_text(text);
    EXPECT_EQ(data.meta.tool_version, "1.2.3");
    EXPECT_EQ(data.meta.started_at, "2026-11-24T04:00:00Z");
    EXPECT_EQ(data.meta.finished_at, "2026-11-24T04:01:00Z");
    EXPECT_EQ(data.meta.input, "targets.txt");
    EXPECT_EQ(data.meta.trust_store, "system + ca-file corp.pem + ca-dir /etc/corp-ca + 2 lab roots");
    EXPECT_EQ(data.meta.options.at("concurrency").to_number<int>(), 200);
    EXPECT_TRUE(data.meta.complete());

    e.complete = false;
    EXPECT_FALSE(read_text(boost::json::serialize(to_json(whole)) + "\n" + boost::json::serialize(to_json(e)) + "\n")
                     .meta.complete());
}

// An interrupted scan's scan-end says where it stopped in the target list; the reports word
// it, with the lines left when they were counted (a regular file), without when not (a pipe).
TEST(scan_records, an_interrupted_scan_says_where_it_stopped) {
    scan_end e;
    e.finished_at = at(std::chrono::year{2026} / 11 / 24, 4h + 1min);
    e.complete = false;
    e.stopped.line = 1234;
    e.stopped.unread = 8766;
    auto whole = sample_start();
    whole.settings.shard.clear();
    const auto start = boost::json::serialize(to_json(whole)) + "\n";
    const auto counted = boost::json::serialize(to_json(e));
    EXPECT_NE(counted.find(R"("stopped_at_line":1234,"target_lines_unread":8766)"), std::string::npos) << counted;
    EXPECT_EQ(read_text(start + counted + "\n").meta.incomplete_reason(),
              "interrupted after line 1234 of the target list was read: 8766 lines with targets after it not read");
    e.stopped.unread.reset();
    const auto piped = boost::json::serialize(to_json(e));
    EXPECT_NE(piped.find(R"("target_lines_unread":null)"), std::string::npos) << piped;
    EXPECT_EQ(read_text(start + piped + "\n").meta.incomplete_reason(),
              "interrupted after line 1234 of the target list was read");
    e.stopped.unread = 0;
    EXPECT_EQ(
        read_text(start + boost::json::serialize(to_json(e)) + "\n").meta.incomplete_reason(),
        "interrupted once the whole target list (1234 lines) was read: endpoints still in flight then are missing");
    // Two interrupted scans merged: no one stop point names the report.
    EXPECT_EQ(read_text(start + counted + "\n" + start + piped + "\n").meta.incomplete_reason(),
              "interrupted before every target was scanned");
    // A complete scan's scan-end has neither key.
    e.complete = true;
    EXPECT_EQ(boost::json::serialize(to_json(e)).find("stopped_at_line"), std::string::npos);
}

// A sharded run is complete when every shard is read: `report` of three of four shards
// said PASS, complete.
TEST(scan_records, a_missing_shard_makes_the_run_incomplete) {
    scan_end e;
    e.finished_at = at(std::chrono::year{2026} / 11 / 24, 4h + 1min);
    auto shard = [&](const char* which) {
        auto s = sample_start();
        s.settings.shard = which;
        return boost::json::serialize(to_json(s)) + "\n" + boost::json::serialize(to_json(e)) + "\n";
    };
    const auto three = read_text(shard("0/4") + shard("1/4") + shard("3/4") + shard("1/4"));
    EXPECT_FALSE(three.meta.complete());
    EXPECT_EQ(three.meta.incomplete_reason(), "1 shard of the run is missing (2/4)");
    EXPECT_TRUE(three.meta.options.at("shard").is_null()) << "no one shard names the merged report";
    const auto all = read_text(shard("2/4") + shard("0/4") + shard("1/4") + shard("3/4"));
    EXPECT_TRUE(all.meta.complete()) << all.meta.incomplete_reason();
    const auto one = read_text(shard("1/4"));
    EXPECT_EQ(one.meta.incomplete_reason(), "3 shards of the run are missing (0/4, 2/4, 3/4)");
    EXPECT_EQ(one.meta.options.at("shard").as_string(), "1/4");
    // Files of other runs say so, rather than which shards are missing.
    const auto splits = read_text(shard("0/4") + shard("1/3"));
    EXPECT_EQ(splits.meta.incomplete_reason(), "the files hold shards of 2 different splits (of 3, of 4), not one run");
    // No resume mends that: the terminal says what does (it advised --resume).
    EXPECT_NE(format_summary(splits).find("(report the files of one run together)"), std::string::npos)
        << format_summary(splits);
    EXPECT_NE(format_summary(one).find("(report every shard's NDJSON together)"), std::string::npos);
    // Shards of runs apart, as history import groups them: an index read twice, or a stale
    // file from a run days before (a pod that never started), are not one complete run.
    const auto twice = read_text(shard("0/2") + shard("1/2") + shard("0/2"));
    EXPECT_EQ(twice.meta.incomplete_reason(),
              "the files hold shard 0/2 twice, from two runs or a retried shard; history import tells them apart");
    const auto dated = [&](const char* which, int day) {
        auto st = sample_start();
        st.settings.shard = which;
        st.started_at = at(std::chrono::year{2026} / 11 / day, 4h);
        auto en = e;
        en.finished_at = at(std::chrono::year{2026} / 11 / day, 5h);
        return boost::json::serialize(to_json(st)) + "\n" + boost::json::serialize(to_json(en)) + "\n";
    };
    const auto stale = read_text(dated("0/2", 18) + dated("1/2", 24));
    EXPECT_EQ(stale.meta.incomplete_reason(),
              "the files hold shards of runs more than 12 hours apart (shard 0/2 started 2026-11-18T04:00:00Z, "
              "shard 1/2 2026-11-24T04:00:00Z), not one run");
    EXPECT_TRUE(read_text(dated("0/2", 24) + dated("1/2", 24)).meta.complete());
    const auto beside = read_text(shard("") + shard("1/4"));
    EXPECT_EQ(beside.meta.incomplete_reason(),
              "the files hold a whole scan beside shards of a split in 4, not one run");
}

}  // namespace
}  // namespace tlsaudit::report
