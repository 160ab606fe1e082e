// Reading NDJSON back and merging shards (report/ndjson_reader.hpp).

#include "report_fixture.hpp"

#include <tlsaudit/report/json_report.hpp>
#include <tlsaudit/report/ndjson_reader.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace tlsaudit::report {
namespace {

using namespace tlsaudit::report::testing;

report_data read_streams(const std::vector<std::string>& streams) {
    report_data data;
    int n = 0;
    for (const auto& text : streams) {
        std::istringstream in(text);
        read_ndjson_stream(in, "shard" + std::to_string(n++), data);
    }
    finish_merge(data);
    return data;
}

std::string json_of(const report_data& data) {
    std::ostringstream out;
    write_json_report(data, out);
    const auto text = out.str();
    // Compare everything after the scan metadata (sources and times differ by design).
    return text.substr(text.find("\"policy\""));
}

TEST(ndjson_reader, reads_every_record_type) {
    const auto data = read_streams(
        {scan_start_line("2026-11-24T04:00:00Z") + "\n" +
         endpoint_line("a.test", 443, "127.0.0.2", "[" + finding("cert-expired", "critical", sha('A')) + "]") + "\n" +
         error_line("b.test", 443, "127.0.0.3", "refused") + "\n" +
         R"({"schema_version":1,"type":"input-error","line":7,"input":"x:0","error":"bad port"})"
         "\n" +
         name_line("a.test", 443, "[" + finding("inconsistent-deployment", "high") + "]") + "\n" +
         R"({"schema_version":1,"type":"from-the-future","x":1})"
         "\n\n" +
         scan_end_line("2026-11-24T04:05:00Z") + "\n"});
    ASSERT_EQ(data.endpoints.size(), 2u);
    EXPECT_EQ(data.endpoints[0].host, "a.test");
    EXPECT_EQ(data.endpoints[0].status, "critical");
    ASSERT_EQ(data.endpoints[0].chain.size(), 1u);
    EXPECT_EQ(data.endpoints[0].chain[0].key, "EC 256 prime256v1");
    // schema_version 1 wrote certificate fingerprints in upper case: read back in lower case.
    EXPECT_EQ(data.endpoints[0].chain[0].sha256, sha('a'));
    ASSERT_EQ(data.endpoints[0].findings.size(), 1u);
    EXPECT_EQ(data.endpoints[0].findings[0].cert_sha256, sha('a'));
    EXPECT_EQ(data.endpoints[1].status, "error");
    EXPECT_EQ(data.endpoints[1].error_code, "refused");
    ASSERT_EQ(data.names.size(), 1u);
    EXPECT_EQ(data.names[0].status, "high");
    ASSERT_EQ(data.input_errors.size(), 1u);
    EXPECT_EQ(data.input_errors[0].line, 7);
    EXPECT_EQ(data.meta.tool_version, "9.9.9");
    EXPECT_EQ(data.meta.started_at, "2026-11-24T04:00:00Z");
    EXPECT_EQ(data.meta.finished_at, "2026-11-24T04:05:00Z");
    EXPECT_EQ(data.meta.rules_version, "test-1");
    const auto c = count(data);
    EXPECT_EQ(c.findings, 2u);
    EXPECT_EQ(c.by_severity[static_cast<int>(severity::critical)], 1u);
    EXPECT_EQ(c.by_error.at("refused"), 1u);
}

TEST(ndjson_reader, shards_merge_to_the_unsharded_report) {
    const std::vector<std::string> lines{
        endpoint_line("c.test", 443, "127.0.0.4", "[]"),
        endpoint_line("a.test", 443, "127.0.0.2", "[" + finding("weak-key", "medium", sha('A')) + "]"),
        error_line("b.test", 8443, "127.0.0.3", "timeout-handshake"),
        endpoint_line("a.test", 443, "127.0.0.1", "[]"),
        name_line("a.test", 443, "[" + finding("inconsistent-deployment", "high") + "]"),
    };
    std::string all = scan_start_line("2026-11-24T04:00:00Z") + "\n";
    for (const auto& l : lines) all += l + "\n";
    const std::string shard1 = scan_start_line("2026-11-24T04:01:00Z") + "\n" + lines[1] + "\n" + lines[3] + "\n" +
                               lines[4] + "\n" + scan_end_line("2026-11-24T04:09:00Z") + "\n";
    const std::string shard2 = scan_start_line("2026-11-24T04:00:30Z") + "\n" + lines[2] + "\n" + lines[0] + "\n";
    const auto one = read_streams({all});
    const auto merged = read_streams({shard2, shard1});
    EXPECT_EQ(json_of(one), json_of(merged));
    EXPECT_EQ(merged.meta.shards, 2u);
    EXPECT_EQ(merged.meta.started_at, "2026-11-24T04:00:30Z");
    EXPECT_EQ(merged.meta.finished_at, "2026-11-24T04:09:00Z");
    ASSERT_EQ(merged.endpoints.size(), 4u);
    EXPECT_EQ(merged.endpoints[0].address, "127.0.0.1");  // sorted by host, port, sni, address
    EXPECT_EQ(merged.endpoints[3].host, "c.test");
}

TEST(ndjson_reader, a_shard_read_twice_counts_once) {
    const std::string shard =
        endpoint_line("a.test", 443, "127.0.0.2", "[]") + "\n" +
        name_line("a.test", 443, "[" + finding("inconsistent-deployment", "high") + "]") + "\n" +
        R"({"schema_version":2,"type":"input-error","line":3,"input":"a.test:0","error":"port '0' is out of range"})"
        "\n"
        R"({"schema_version":2,"type":"input-error","line":4,"input":"a.test:0","error":"port '0' is out of range"})"
        "\n";
    const auto twice = read_streams({shard, shard});
    EXPECT_EQ(twice.endpoints.size(), 1u);
    EXPECT_EQ(twice.names.size(), 1u);
    EXPECT_EQ(twice.input_errors.size(), 2u);  // the same text on two lines is two errors
}

// A re-run after the fix: the name is consistent now and writes no record, so the first
// run's inconsistent-deployment must not survive the merge; another name's stays.
TEST(ndjson_reader, a_rerun_that_scanned_a_name_again_drops_its_old_name_record) {
    const std::string first = endpoint_line("a.test", 443, "127.0.0.1", "[]") + "\n" +
                              endpoint_line("a.test", 443, "127.0.0.2", "[]") + "\n" +
                              name_line("a.test", 443, "[" + finding("inconsistent-deployment", "high") + "]") + "\n" +
                              endpoint_line("b.test", 443, "127.0.0.3", "[]") + "\n" +
                              name_line("b.test", 443, "[" + finding("inconsistent-deployment", "high") + "]") + "\n";
    const std::string rerun =
        endpoint_line("a.test", 443, "127.0.0.1", "[]") + "\n" + endpoint_line("a.test", 443, "127.0.0.2", "[]") + "\n";
    const auto merged = read_streams({first, rerun});
    ASSERT_EQ(merged.names.size(), 1u);
    EXPECT_EQ(merged.names[0].host, "b.test");
    // Still inconsistent in the re-run: its own name record is kept.
    const auto again = read_streams({first, first});
    EXPECT_EQ(again.names.size(), 2u);
}

// The same record of a.test's target, scanned through STARTTLS (smtp) instead.
std::string through_smtp(std::string record) {
    const std::string sni = "\"sni\":\"a.test\"";
    return record.replace(record.find(sni), sni.size(), sni + ",\"starttls\":\"smtp\"");
}

TEST(ndjson_reader, direct_tls_and_starttls_on_one_port_are_two_endpoints) {
    const std::string direct = endpoint_line("a.test", 25, "127.0.0.2", "[]");
    const auto data = read_streams({direct + "\n" + through_smtp(direct) + "\n"});
    ASSERT_EQ(data.endpoints.size(), 2u);
    EXPECT_EQ(data.endpoints[0].starttls, "");
    EXPECT_EQ(data.endpoints[1].starttls, "smtp");
}

// The same for names: a name scanned directly and through STARTTLS on one port is two names,
// each reported under its own target, not one that swallowed the other.
TEST(ndjson_reader, direct_tls_and_starttls_on_one_port_are_two_names) {
    const std::string direct = name_line("a.test", 25, "[" + finding("inconsistent-deployment", "high") + "]");
    const auto data = read_streams({through_smtp(direct) + "\n" + direct + "\n"});
    ASSERT_EQ(data.names.size(), 2u);
    EXPECT_EQ(data.names[0].starttls, "");
    EXPECT_EQ(data.names[1].starttls, "smtp");
    std::ostringstream out;
    write_json_report(data, out);
    const auto report = boost::json::parse(out.str());
    const auto& names = report.at("names").as_array();
    ASSERT_EQ(names.size(), 2u);
    EXPECT_TRUE(names[0].at("target").at("starttls").is_null());
    EXPECT_EQ(names[1].at("target").at("starttls"), "smtp");
    EXPECT_EQ(report.at("summary").at("findings"), 2);
}

TEST(ndjson_reader, malformed_input_names_file_and_line) {
    try {
        read_streams({endpoint_line("a.test", 443, "127.0.0.2", "[]") + "\n{not json\n"});
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("shard0:2:"), std::string::npos) << e.what();
    }
    EXPECT_THROW(read_streams({"[1,2]\n"}), std::runtime_error);
    EXPECT_THROW(read_streams({R"({"schema_version":99,"type":"endpoint"})"
                               "\n"}),
                 std::runtime_error);
    EXPECT_THROW(read_ndjson({"/nonexistent/tlsaudit.ndjson"}), std::runtime_error);
}

// A record that lost what every record, or every endpoint record, carries is refused, not
// read as a clean endpoint (host "", port 0, no error, no findings) that passes a CI gate.
TEST(ndjson_reader, records_without_what_they_must_carry_are_refused) {
    const std::string good = endpoint_line("a.test", 443, "127.0.0.2", "[]");
    auto without = [&](const std::string& part, const std::string& instead = "") {
        std::string line = good;
        const auto at = line.find(part);
        EXPECT_NE(at, std::string::npos) << part;
        return line.replace(at, part.size(), instead);
    };
    const std::pair<std::string, std::string> cases[] = {
        {R"({"schema_version":2,"type":"endpoint"})", "an endpoint record without target.host"},
        {R"({"type":"endpoint"})", "no schema_version"},
        {without(R"("schema_version":1)", R"("schema_version":"1")"), "no schema_version"},
        {without(R"("type":"endpoint",)"), "no type"},
        {without(R"("port":443)", R"("port":0)"), "an endpoint record without a target.port (1-65535)"},
        {without(R"("address":"127.0.0.2",)"), "an endpoint record without an address"},
        {without(R"("error":null)", R"("error":"refused")"),
         "an endpoint record whose error is neither null nor an object with a code"},
        {without(R"("findings":[])", R"("findings":"oops")"), "findings that are not an array"},
        {without(R"("findings":[])", R"("findings":[5])"), "a finding without an id and a severity"},
        {without(R"("findings":[])", R"("findings":[{"id":"self-signed","severity":"HIGH"}])"),
         "a finding without an id and a severity"},
        {without(R"("findings":[])", R"("findings":[{"id":"self-signed"}])"), "a finding without an id and a severity"},
        {name_line("a.test", 443, R"([{"id":"inconsistent-deployment","severity":"bogus"}])"),
         "a finding without an id and a severity"},
        {without(R"("chain":[)", R"("chain":5,"x":[)"), "an endpoint record without a chain (an array)"},
    };
    for (const auto& [line, why] : cases) {
        try {
            read_streams({line + "\n"});
            ADD_FAILURE() << "read: " << line;
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find("shard0:1: not a tlsaudit record: " + why), std::string::npos)
                << e.what();
        }
    }
    // A name that did not resolve has no address: null, as the scan writes it.
    std::string unresolved = error_line("c.test", 443, "", "dns");
    unresolved.replace(unresolved.find(R"("address":"")"), 12, R"("address":null)");
    EXPECT_EQ(read_streams({unresolved + "\n"}).endpoints.size(), 1u);
    // The good line, and an error record without findings (schema_version 1), still read.
    EXPECT_EQ(read_streams({good + "\n" + error_line("b.test", 443, "127.0.0.3", "refused") + "\n"}).endpoints.size(),
              2u);
}

TEST(ndjson_reader, geo_and_per_certificate_revocation_are_kept) {
    auto line = endpoint_line("a.test", 443, "127.0.0.2", "[]");
    line.replace(line.find("\"status\""), 0,
                 R"("geo":{"country":"DE","asn":64496,"organisation":"Lab Net","class":"loopback"},)");
    line.replace(line.find("\"der\""), 0,
                 R"("revocation":{"state":"revoked","source":"ocsp","reason":"keyCompromise"},)");
    const auto data = read_streams({line + "\n"});
    ASSERT_EQ(data.endpoints.size(), 1u);
    const auto& e = data.endpoints[0];
    EXPECT_TRUE(e.has_geo);
    EXPECT_EQ(e.country, "DE");
    EXPECT_EQ(e.asn, 64496);
    EXPECT_EQ(e.organisation, "Lab Net");
    EXPECT_EQ(e.chain.at(0).revocation, "revoked");
    const auto text = json_of(data);
    EXPECT_NE(text.find(R"("geo":{"country":"DE","asn":64496,"organisation":"Lab Net","class":"loopback"})"),
              std::string::npos)
        << text;
}

TEST(ndjson_reader, findings_are_ordered_worst_first) {
    const auto data = read_streams(
        {endpoint_line("a.test", 443, "127.0.0.2",
                       "[" + finding("chain-misordered", "low") + "," + finding("cert-expired", "critical") + "," +
                           finding("weak-key", "medium") + "]") +
         "\n"});
    ASSERT_EQ(data.endpoints[0].findings.size(), 3u);
    EXPECT_EQ(data.endpoints[0].findings[0].id, "cert-expired");
    EXPECT_EQ(data.endpoints[0].findings[2].id, "chain-misordered");
}

}  // namespace
}  // namespace tlsaudit::report
