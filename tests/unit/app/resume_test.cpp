// --resume planning (scanner/app/resume.hpp): which targets an interrupted stream holds
// complete, what the rewrite keeps and drops, and what the resumed run feeds back to the
// deployment check. Records are made by report's own writer (to_json), as a scan
// writes them.

#include "test_support.hpp"

#include "exit_codes.hpp"
#include "resume.hpp"

#include <tlsaudit/report/json_records.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tlsaudit::app::testing {
namespace {

std::string endpoint_record(const std::string& host, const std::string& address, std::size_t addresses,
                            bool served = true) {
    endpoint_result r;
    r.ep.tgt.host = host;
    r.ep.tgt.port = 443;
    r.ep.tgt.sni = host;
    r.ep.tgt.input = host;
    r.ep.tgt.line_no = 1;
    r.ep.address = address;
    r.ep.address_count = addresses;
    if (served) {
        r.cap.chain = {bytes{0x30, static_cast<unsigned char>(address.back())}};
        r.certs.resize(1);
    } else {
        r.cap.error = scan_error{"connect", "refused", "refused"};
    }
    return boost::json::serialize(report::to_json(r));
}

std::string scan_start(const std::string& input) {
    return R"({"schema_version":1,"type":"scan-start","tool":"tlsaudit","input":")" + input + R"("})";
}

class resume : public scratch_dir {};

TEST_F(resume, keeps_complete_targets_and_the_first_scan_start) {
    const auto a1 = endpoint_record("a.test", "127.0.0.1", 2);
    const auto a2 = endpoint_record("a.test", "127.0.0.2", 2, false);
    const auto b1 = endpoint_record("b.test", "127.0.0.3", 2);  // its second address never came
    const auto c1 = endpoint_record("c.test", "127.0.0.4", 1);
    const auto file = write(
        "scan.ndjson", scan_start("targets.txt") + "\n" + a1 + "\n" + b1 + "\n" +
                           R"({"schema_version":1,"type":"input-error","line":3,"input":"x:0","error":"bad port"})" +
                           "\n\n" + a2 + "\r\n" + c1 + "\n" + scan_start("other.txt") + "\n" +
                           R"({"schema_version":1,"type":"scan-end","complete":false})" + "\n" +
                           R"({"schema_version":1,"type":"name","target":{"host":"a.test","port":443}})" + "\n" +
                           R"({"schema_version":1,"type":"endpoint","target":{"host":"d.te)");
    const auto state = prepare_resume(file, "");
    EXPECT_EQ(state.file, file);
    EXPECT_EQ(state.done, (std::unordered_set<std::string>{"a.test|443|a.test|", "c.test|443|c.test|"}));
    EXPECT_EQ(state.kept_endpoints, 3u);
    EXPECT_EQ(state.dropped_records, 5u) << "b's endpoint, input-error, second scan-start, scan-end, name";
    EXPECT_EQ(state.damaged_lines, 1u);
    EXPECT_TRUE(state.has_scan_start);
    EXPECT_EQ(state.recorded_input, "targets.txt");
    EXPECT_EQ(read(file), scan_start("targets.txt") + "\n" + a1 + "\n" + a2 + "\n" + c1 + "\n");
}

TEST_F(resume, records_of_older_writers_count_as_one_address_each) {
    auto record = endpoint_record("a.test", "127.0.0.1", 1);
    record.erase(record.find(R"("addresses":1,)"), std::string(R"("addresses":1,)").size());
    ASSERT_EQ(record.find("addresses"), std::string::npos);
    const auto state = prepare_resume(write("scan.ndjson", record + "\n"), "");
    EXPECT_EQ(state.done.size(), 1u);
    EXPECT_FALSE(state.has_scan_start);
}

TEST_F(resume, the_kept_endpoints_that_served_a_chain_are_fed_back) {
    const auto file = write("scan.ndjson", endpoint_record("a.test", "127.0.0.1", 2) + "\n" +
                                               endpoint_record("a.test", "127.0.0.2", 2, false) + "\n");
    const auto state = prepare_resume(file, "");
    std::vector<std::pair<endpoint, std::vector<bytes>>> fed;
    for_each_kept_endpoint(
        state.file, [&fed](endpoint&& ep, std::vector<bytes>&& chain) { fed.emplace_back(std::move(ep), chain); });
    ASSERT_EQ(fed.size(), 1u) << "the failed endpoint served nothing";
    EXPECT_EQ(fed[0].first.tgt.key(), "a.test|443|a.test|");
    EXPECT_EQ(fed[0].first.address, "127.0.0.1");
    EXPECT_EQ(fed[0].first.address_count, 2u);
    EXPECT_EQ(fed[0].second, (std::vector<bytes>{bytes{0x30, '1'}}));
}

TEST_F(resume, unusable_files_are_configuration_errors) {
    const auto missing = (dir_ / "none.ndjson").string();
    try {
        prepare_resume(missing, "");
        FAIL() << "accepted";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()), "--resume: cannot read " + missing + ": No such file or directory");
    }
    const auto garbage = write("garbage.ndjson", "not json\n{\"cut\n");
    try {
        prepare_resume(garbage, "");
        FAIL() << "accepted";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()), "--resume: " + garbage + " holds no tlsaudit record");
    }
    EXPECT_EQ(read(garbage), "not json\n{\"cut\n") << "left as it was";
    // JSON, but not a scan: the JSON report, a SARIF log, a stray object. Each was taken as
    // a scan of nothing and replaced by one.
    for (const auto* text : {R"({"report_schema_version":3,"endpoints":[]})", R"({"version":"2.1.0","runs":[]})",
                             R"({"a":1})", R"({"type":"endpoint"})", R"({"schema_version":2,"type":"report"})"}) {
        const auto other = write("other.json", std::string(text) + "\n");
        try {
            prepare_resume(other, "");
            ADD_FAILURE() << "accepted " << text;
        } catch (const config_error& e) {
            EXPECT_EQ(std::string(e.what()), "--resume: " + other + " holds no tlsaudit record") << text;
        }
        EXPECT_EQ(read(other), std::string(text) + "\n") << "left as it was";
    }
}

// A scan killed while it wrote its first record leaves only that record's beginning: that
// is a scan with nothing done, resumed as an empty file is. A line cut short that does not
// begin as a tlsaudit record proves nothing and is still refused.
TEST_F(resume, a_file_holding_only_a_cut_first_record_starts_over) {
    const auto cut = scan_start("t.txt").substr(0, 40);
    ASSERT_TRUE(cut.starts_with(R"({"schema_version":)"));
    const auto file = write("cut.ndjson", cut);
    const auto state = prepare_resume(file, "");
    EXPECT_TRUE(state.done.empty());
    EXPECT_EQ(state.damaged_lines, 1u);
    EXPECT_FALSE(state.has_scan_start);
    EXPECT_EQ(read(file), "") << "the cut record is dropped by the rewrite";
    for (const auto* text : {R"({"schema_version":2,"type":"scan-start")"
                             "\n",
                             "hello", R"({"report_schema_version":3,)"}) {
        const auto other = write("other.ndjson", text);
        EXPECT_THROW(prepare_resume(other, ""), config_error) << text;
        EXPECT_EQ(read(other), text) << "left as it was";
    }
}

// Carried on as another shard (or as the whole list), a shard's file would gain another
// shard's targets: refused before the file is touched. A file from before scan-start
// named its shard is taken as it is.
TEST_F(resume, a_file_of_another_shard_is_refused_untouched) {
    const auto a1 = endpoint_record("a.test", "127.0.0.1", 1);
    const auto start = [](const char* shard) {
        return std::string(
                   R"({"schema_version":2,"type":"scan-start","tool":"tlsaudit","input":"t.txt","options":{"shard":)") +
               shard + "}}";
    };
    const auto text = start(R"("1/3")") + "\n" + a1 + "\n";
    const auto file = write("shard.ndjson", text);
    for (const char* other : {"2/3", ""}) {
        try {
            prepare_resume(file, other);
            ADD_FAILURE() << "accepted " << other;
        } catch (const config_error& e) {
            EXPECT_EQ(std::string(e.what()), "--resume " + file + " holds shard 1/3, and this run would scan " +
                                                 (*other ? "shard 2/3" : std::string("the whole list")) +
                                                 ": give --shard 1/3");
        }
        EXPECT_EQ(read(file), text) << "left as it was";
    }
    EXPECT_EQ(prepare_resume(file, "1/3").done.size(), 1u);
    const auto whole = write("whole.ndjson", start("null") + "\n" + a1 + "\n");
    EXPECT_THROW(prepare_resume(whole, "0/2"), config_error);
    EXPECT_EQ(prepare_resume(whole, "").done.size(), 1u);
    const auto old = write("old.ndjson", scan_start("t.txt") + "\n" + a1 + "\n");
    EXPECT_EQ(prepare_resume(old, "0/2").done.size(), 1u);
}

// Carrying a scan on with other settings is allowed, and said: the kept targets were
// scanned with the old ones. Keys an older scan-start lacks are not compared.
TEST_F(resume, the_settings_that_changed_are_named) {
    const auto a1 = endpoint_record("a.test", "127.0.0.1", 1);
    const auto file =
        write("scan.ndjson", std::string(R"({"schema_version":2,"type":"scan-start","tool":"tlsaudit",)") +
                                 R"("trust_store":"system","options":{"ports":[443],"probes":["modern","rsa"],)" +
                                 R"("profile":"browser","expiry_warn_days":30,"shard":null,"concurrency":10}})" + "\n" +
                                 a1 + "\n");
    const auto state = prepare_resume(file, "");
    const auto now = boost::json::parse(R"({"trust_store":"system","options":{"ports":[443],"probes":["modern"],)"
                                        R"("profile":"openssl","expiry_warn_days":30,"concurrency":50,)"
                                        R"("tls_engine":"openssl"}})")
                         .as_object();
    EXPECT_EQ(changed_settings(state, now), (std::vector<std::string>{"probes", "profile"}))
        << "concurrency does not change what is seen; tls_engine was not recorded";
    // Judging settings count too: the expiry warning and the trust store.
    const auto judged = boost::json::parse(R"({"trust_store":"ca-file ca.pem","options":{"ports":[443],)"
                                           R"("probes":["modern","rsa"],"profile":"browser","expiry_warn_days":5}})")
                            .as_object();
    EXPECT_EQ(changed_settings(state, judged), (std::vector<std::string>{"expiry_warn_days", "trust_store"}));
    boost::json::object same{{"trust_store", "system"}, {"options", state.recorded_options}};
    EXPECT_TRUE(changed_settings(state, same).empty());
}

// --no-dedupe scans a repeated target once per listing: two full sets of its records make
// it complete (resuming a complete file rescans nothing); one and a half do not.
TEST_F(resume, a_repeated_target_under_no_dedupe_is_complete_with_whole_sets) {
    const auto start = std::string(R"({"schema_version":2,"type":"scan-start","tool":"tlsaudit","options":{}})");
    const auto one = endpoint_record("a.test", "127.0.0.1", 1);
    const auto twice = write("twice.ndjson", start + "\n" + one + "\n" + one + "\n");
    EXPECT_TRUE(prepare_resume(twice, "").done.contains("a.test|443|a.test|"));
    const auto b1 = endpoint_record("b.test", "127.0.0.1", 2), b2 = endpoint_record("b.test", "127.0.0.2", 2);
    const auto partial = write("partial.ndjson", start + "\n" + b1 + "\n" + b2 + "\n" + b1 + "\n");
    EXPECT_TRUE(prepare_resume(partial, "").done.empty());
}

TEST_F(resume, an_empty_file_resumes_nothing) {
    const auto state = prepare_resume(write("scan.ndjson", ""), "");
    EXPECT_TRUE(state.done.empty());
    EXPECT_EQ(state.dropped_records, 0u);
    EXPECT_EQ(read(state.file), "");
}

}  // namespace
}  // namespace tlsaudit::app::testing
