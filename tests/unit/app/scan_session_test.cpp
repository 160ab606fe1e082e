// scan_session (scanner/app/scan_session.hpp) without a network: the target source it
// gives net::run_scan (input order, input errors written, resumed targets skipped) and
// the sink (records written and counted), fed by hand as run_scan would.

#include "test_support.hpp"

#include "scan_session.hpp"

#include <boost/json/parse.hpp>

#include <sstream>

namespace tlsaudit::app::testing {
namespace {

class scan_session_test : public scratch_dir {
protected:
    scan_session_test() {
        options_.ndjson = (dir_ / "scan.ndjson").string();
        options_.start_record = boost::json::object{{"type", "scan-start"}};
        options_.audit.system_trust = false;  // nothing is validated here
        options_.geo.enabled = false;
        options_.revocation.disabled = true;
    }
    // The "type" of each record written, in order.
    std::vector<std::string> record_types() const {
        std::vector<std::string> types;
        std::istringstream lines(read(options_.ndjson));
        for (std::string line; std::getline(lines, line);)
            types.emplace_back(boost::json::parse(line).as_object().at("type").as_string());
        return types;
    }
    // The hosts of every target the session hands out, to the end of the input.
    static std::vector<std::string> remaining_hosts(scan_session& session) {
        std::vector<std::string> hosts;
        while (const auto t = session.next_target()) hosts.push_back(t->host);
        return hosts;
    }
    static scan_result refused(const target& t) {
        scan_result r;
        r.ep.tgt = t;
        r.ep.address = "127.0.0.1";
        r.cap.error = scan_error{"connect", error_codes::refused, "connection refused"};
        return r;
    }

    pipeline_options options_;
    std::istringstream input_{"a.example.com\nb.example.com:99999\nc.example.com\n"};
};

TEST_F(scan_session_test, targets_in_input_order_with_input_errors_written_as_read) {
    scan_session session(input_, options_);
    EXPECT_EQ(remaining_hosts(session), (std::vector<std::string>{"a.example.com", "c.example.com"}));
    const auto summary = session.finish();
    EXPECT_EQ(summary.targets, 2u);
    EXPECT_EQ(summary.input_errors, 1u);
    EXPECT_EQ(summary.endpoints, 0u);
    EXPECT_FALSE(summary.interrupted);
    EXPECT_EQ(record_types(), (std::vector<std::string>{"scan-start", "input-error"}));
}

TEST_F(scan_session_test, a_resumed_scan_skips_complete_targets_and_keeps_its_start_record) {
    resume_state resume;
    resume.file = write("scan.ndjson", "");
    resume.has_scan_start = true;
    resume.kept_endpoints = 2;
    target a;
    a.host = "a.example.com";
    a.port = 443;
    a.sni = "a.example.com";
    resume.done.insert(a.key());
    options_.resume = &resume;
    scan_session session(input_, options_);
    EXPECT_EQ(remaining_hosts(session), (std::vector<std::string>{"c.example.com"}));
    const auto summary = session.finish();
    EXPECT_EQ(summary.targets, 2u);
    EXPECT_EQ(summary.resumed_targets, 1u);
    EXPECT_EQ(summary.endpoints, 2u) << "the kept endpoints count";
    EXPECT_EQ(record_types(), (std::vector<std::string>{"input-error"}));
}

TEST_F(scan_session_test, results_are_written_and_counted) {
    scan_session session(input_, options_);
    const auto a = session.next_target();
    ASSERT_TRUE(a);
    session.add_result(refused(*a));
    const auto c = session.next_target();
    ASSERT_TRUE(c);
    session.add_result(refused(*c));
    EXPECT_FALSE(session.next_target());
    const auto summary = session.finish();
    EXPECT_EQ(summary.endpoints, 2u);
    EXPECT_EQ(summary.handshakes_ok, 0u);
    EXPECT_EQ(summary.errors, (std::map<std::string, std::size_t>{{error_codes::refused, 2}}));
    std::size_t counted = 0;
    for (const auto& [status, n] : summary.statuses) counted += n;
    EXPECT_EQ(counted, 2u);
    EXPECT_FALSE(summary.rules_version.empty());
    EXPECT_EQ(record_types(), (std::vector<std::string>{"scan-start", "endpoint", "input-error", "endpoint"}));
}

}  // namespace
}  // namespace tlsaudit::app::testing
