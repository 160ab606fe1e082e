// Bad input, table-driven, through the real binary (docs/cli/scan.md, target lines): each case
// gets a precise message; a bad target line is an input-error record and the scan goes
// on; a bad rules file, an unusable --resume file or an unwritable output stops the run
// before any connection. "Before any connection" is proved by a loopback listener that
// never calls accept(): after the run, a non-blocking accept() finds the connection the
// kernel queued, if any was made.

#include "cli_support.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ostream>
#include <sstream>
#include <thread>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

// Listens on 127.0.0.1:ephemeral and never accepts while the binary runs.
class silent_listener {
public:
    silent_listener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 64) != 0)
            throw std::runtime_error("cannot listen on loopback");
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        ::fcntl(fd_, F_SETFL, O_NONBLOCK);
    }
    ~silent_listener() { ::close(fd_); }
    std::uint16_t port() const { return port_; }
    // Connections made so far (drains the queue).
    int connections() {
        int n = 0;
        for (int fd; (fd = ::accept(fd_, nullptr, nullptr)) >= 0; ++n) ::close(fd);
        return n;
    }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

struct bad_input_case {
    std::string name;
    std::string lines;  // before the good line; "{good}" is replaced by the listener target
    std::string args;   // extra arguments; "{dir}" is the test directory
    int exit_code = 0;
    std::string message;    // in an input-error record (exit 0) or on stderr
    bool good_line = true;  // the file also names the listener
};

std::ostream& operator<<(std::ostream& os, const bad_input_case& c) { return os << c.name; }

class bad_input : public ::testing::TestWithParam<bad_input_case> {
protected:
    std::filesystem::path dir_ =
        std::filesystem::temp_directory_path() / fmt::format("tlsaudit-bad-{}-{}", ::getpid(), GetParam().name);
    void SetUp() override {
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ / "bad-rules.json") << "{\"version\": \"x\", \"retired_intermediates\": [";
        std::ofstream(dir_ / "a-file") << "x";
        std::ofstream(dir_ / "other.ndjson") << "";
        std::filesystem::create_symlink(dir_ / "nowhere", dir_ / "dangling");
        std::filesystem::create_symlink(dir_ / "no-dir" / "r.json", dir_ / "into-no-dir");
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
};

std::string replace_all(std::string text, const std::string& what, const std::string& with) {
    for (std::size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += with.size())
        text.replace(at, what.size(), with);
    return text;
}

TEST_P(bad_input, precise_message_and_the_right_outcome) {
    const auto& c = GetParam();
    silent_listener listener;
    const std::string good = fmt::format("127.0.0.1:{}", listener.port());
    const int expected = (c.good_line ? 1 : 0) + static_cast<int>(c.lines.find("{good}") != std::string::npos);
    std::string text = replace_all(c.lines, "{good}", good);
    if (c.good_line) text += good + "\n";
    std::ofstream(dir_ / "targets.txt", std::ios::binary) << text;
    const bool resume = c.args.find("--resume") != std::string::npos;
    const auto r = run_tlsaudit(
        fmt::format("scan '{}' {} --no-revocation --no-geoip --fail-on none --fail-on-errors none "
                    "--handshake-timeout 0.2 --retries 0 {}",
                    (dir_ / "targets.txt").string(), resume ? "" : "--ndjson '" + (dir_ / "out.ndjson").string() + "'",
                    replace_all(c.args, "{dir}", dir_.string())));
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    const int connections = listener.connections();
    if (c.exit_code != 0) {
        EXPECT_EQ(connections, 0) << "stopped before any connection";
        EXPECT_NE(r.err.find(replace_all(c.message, "{dir}", dir_.string())), std::string::npos) << r.err;
        return;
    }
    EXPECT_EQ(connections, expected) << "the scan went on";
    std::size_t input_errors = 0, endpoints = 0;
    std::string messages;
    std::istringstream in(read_file(dir_ / "out.ndjson"));
    for (std::string line; std::getline(in, line);) {
        const auto record = json::parse(line).as_object();
        if (record.at("type") == "input-error") {
            ++input_errors;
            messages += std::string(record.at("error").as_string()) + "\n";
        }
        if (record.at("type") == "endpoint") ++endpoints;
    }
    EXPECT_EQ(endpoints, static_cast<std::size_t>(expected));
    if (c.message.empty()) {
        EXPECT_EQ(input_errors, 0u) << messages;
    } else {
        EXPECT_EQ(input_errors, 1u);
        EXPECT_NE(messages.find(c.message), std::string::npos) << messages;
    }
}

INSTANTIATE_TEST_SUITE_P(
    cases, bad_input,
    ::testing::Values(
        // Target lines: an input-error record each, the scan goes on.
        bad_input_case{"nul_byte", std::string("a\0b.example\n", 12), "", 0, "contains a NUL byte at offset 1"},
        bad_input_case{"line_of_100_kb", std::string(100 * 1024, 'a') + "\n", "", 0,
                       "line is 102400 bytes long; the limit is 4096"},
        bad_input_case{"invalid_utf8", "h\xFFst.example\n", "", 0, "line is not valid UTF-8"},
        bad_input_case{"lookalike_idn", "\xD0\xB0pple.example\n", "", 0, "mixes Latin and Cyrillic letters"},
        bad_input_case{"port_0", "host.example:0\n", "", 0, "port '0' is out of range (1-65535)"},
        bad_input_case{"port_65536", "host.example:65536\n", "", 0, "port '65536' is out of range (1-65535)"},
        bad_input_case{"crlf_line_ends_are_fine", "# comment\r\n\r\n{good}\r\n", "", 0, "", false},
        bad_input_case{"empty_file", "", "", 0, "", false},
        // Stop before any connection: exit 2 (configuration, or an output that cannot be written).
        bad_input_case{"malformed_rules", "", "--rules '{dir}/bad-rules.json'", 2, "rules: "},
        bad_input_case{"missing_rules", "", "--rules '{dir}/none.json'", 2, "rules: "},
        bad_input_case{"rules_is_a_directory", "", "--rules '{dir}'", 2, "it is a directory"},
        bad_input_case{"resume_missing_file", "", "--resume '{dir}/none.ndjson'", 2,
                       "--resume: cannot read {dir}/none.ndjson: No such file or directory"},
        bad_input_case{"resume_other_ndjson", "", "--resume '{dir}/other.ndjson' --ndjson '{dir}/x.ndjson'", 2,
                       "--ndjson must name it or be left out"},
        bad_input_case{"json_unwritable", "", "--json '{dir}/no/r.json'", 2, "--json {dir}/no/r.json: cannot write"},
        bad_input_case{"json_is_a_directory", "", "--json '{dir}'", 2, "is a directory"},
        // A link into a missing directory: the report is renamed to its target, not beside it.
        bad_input_case{"json_link_into_a_missing_directory", "", "--json '{dir}/into-no-dir'", 2,
                       "--json {dir}/into-no-dir: cannot write: No such file or directory"},
        bad_input_case{"html_unwritable", "", "--html '{dir}/no/r.html'", 2, "--html"},
        bad_input_case{"csv_unwritable", "", "--csv '{dir}/no/r.csv'", 2, "--csv"},
        bad_input_case{"junit_unwritable", "", "--junit '{dir}/no/j.xml'", 2, "--junit"},
        bad_input_case{"sarif_unwritable", "", "--sarif '{dir}/no/r.sarif'", 2, "--sarif"},
        bad_input_case{"db_in_a_missing_directory", "", "--db '{dir}/no/h.db'", 2,
                       "--db {dir}/no/h.db: cannot write: No such file or directory"},
        bad_input_case{"db_on_stdout", "", "--db -", 2, "--db -: the history is a database file"},
        bad_input_case{"save_chains_is_a_file", "", "--save-chains '{dir}/a-file'", 2, "not a directory"},
        bad_input_case{"save_chains_uncreatable", "", "--save-chains '{dir}/a-file/chains'", 2, "a-file/chains"},
        bad_input_case{"save_chains_dangling_link", "", "--save-chains '{dir}/dangling/chains'", 2,
                       "dangling is a symbolic link to nothing"}),
    [](const ::testing::TestParamInfo<bad_input_case>& param_info) { return param_info.param.name; });

// /dev/null as every output: written in place (a root run must not replace the device
// with a regular file), the records' end marker included; exit 0.
TEST(bad_output, device_outputs_are_written_in_place) {
    const auto r = run_tlsaudit(
        "scan - --ndjson /dev/null --json /dev/null --html /dev/null --csv /dev/null "
        "--no-revocation --no-geoip --fail-on none --fail-on-errors none -q",
        "127.0.0.1:1\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    struct stat st {};
    ASSERT_EQ(::stat("/dev/null", &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
}

// Two outputs naming one file would keep only the last written; an output naming an input
// (the target list, the records a report reads) would overwrite it. Refused before any
// connection, under any spelling of the path, and the input is left as it was.
TEST(bad_output, outputs_that_name_one_file_or_an_input_stop_before_any_connection) {
    silent_listener listener;
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("tlsaudit-same-{}", ::getpid());
    std::filesystem::create_directories(dir / "sub");
    std::filesystem::create_symlink("new.out", dir / "link.out");
    const auto targets = dir / "targets.txt";
    const std::string target_line = fmt::format("127.0.0.1:{}\n", listener.port());
    std::ofstream(targets) << target_line;
    const std::string scan = fmt::format("scan '{}' --no-revocation --no-geoip -q ", targets.string());
    const std::string scan_checking = fmt::format("scan '{}' --no-geoip -q ", targets.string());  // revocation on
    const struct {
        std::string args, message;
    } cases[] = {
        {scan + fmt::format("--ndjson '{0}/r.out' --json '{0}/sub/../r.out'", dir.string()),
         fmt::format("--ndjson and --json name one file, {}/sub/../r.out", dir.string())},
        {scan + fmt::format("--html '{0}/r.html' --csv '{0}/./r.html'", dir.string()),
         "--html and --csv name one file"},
        {scan + fmt::format("--json '{}'", targets.string()),
         fmt::format("--json {0} would overwrite the target list {0}", targets.string())},
        {fmt::format("report '{0}' --json '{0}'", targets.string()), "would overwrite input"},
        {scan + "--ndjson - --json -", "--ndjson and --json both write to standard output"},
        // A link to a file that does not exist yet names that file.
        {scan + fmt::format("--ndjson '{0}/link.out' --csv '{0}/new.out'", dir.string()),
         "--ndjson and --csv name one file"},
        // Directories too, existing ones included: the chains would land among the cache's files.
        {scan_checking + fmt::format("--save-chains '{0}/sub' --revocation-cache '{0}/./sub/'", dir.string()),
         fmt::format("--save-chains and --revocation-cache name one directory, {}/./sub/", dir.string())},
        {scan_checking + fmt::format("--save-chains '{0}/new' --revocation-cache '{0}/new'", dir.string()),
         "--save-chains and --revocation-cache name one file"},
    };
    for (const auto& c : cases) {
        const auto r = run_tlsaudit(c.args);
        EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    }
    // The target list on standard input, redirected from the file an output names (the
    // inner shell's redirection: run_command gives the outer one its own stdin).
    const auto from_stdin =
        run_command(fmt::format("sh -c \"'{}' scan - --no-revocation --no-geoip -q --ndjson '{}' <'{}'\"",
                                TLSAUDIT_BINARY, targets.string(), targets.string()));
    EXPECT_EQ(from_stdin.exit_code, 2) << from_stdin.err;
    EXPECT_NE(from_stdin.err.find("would overwrite the target list (standard input)"), std::string::npos)
        << from_stdin.err;
    EXPECT_EQ(listener.connections(), 0);
    EXPECT_EQ(read_file(targets), target_line);
    std::filesystem::remove_all(dir);
}

// Records to a device or a FIFO, reports to a file: the reports are built from a copy, not
// read back from where the records went (from /dev/null they said nothing was scanned;
// a FIFO blocked), and a FIFO's reader gets every record, scan-end last.
TEST(bad_output, reports_of_records_sent_to_a_device_or_a_fifo_hold_every_endpoint) {
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("tlsaudit-fifo-{}", ::getpid());
    std::filesystem::create_directories(dir);
    const std::string common = " --no-revocation --no-geoip --fail-on-errors none -q";
    const auto endpoints_in = [](const std::filesystem::path& report) {
        return boost::json::parse(read_file(report)).at("endpoints").as_array().size();
    };
    const auto to_null = run_tlsaudit(
        fmt::format("scan - --ndjson /dev/null --json '{}'{}", (dir / "null.json").string(), common), "127.0.0.1:1\n");
    EXPECT_EQ(to_null.exit_code, 0) << to_null.err;
    EXPECT_EQ(endpoints_in(dir / "null.json"), 1u);

    const auto fifo = dir / "records";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::string received;
    std::thread reader([&] { received = read_file(fifo); });  // to the writer's last close
    const auto to_fifo = run_tlsaudit(
        fmt::format("scan - --ndjson '{}' --json '{}'{}", fifo.string(), (dir / "fifo.json").string(), common),
        "127.0.0.1:1\n");
    reader.join();
    EXPECT_EQ(to_fifo.exit_code, 0) << to_fifo.err;
    EXPECT_EQ(endpoints_in(dir / "fifo.json"), 1u);
    EXPECT_NE(received.find("\"type\":\"endpoint\""), std::string::npos) << received;
    EXPECT_NE(received.rfind("{\"schema_version\":2,\"type\":\"scan-end\""), std::string::npos) << received;
    std::filesystem::remove_all(dir);
}

// --ndjson is opened before the first connection too (the fixture always passes one).
TEST(bad_output, unwritable_ndjson_stops_before_any_connection) {
    silent_listener listener;
    const auto r = run_tlsaudit("scan - --ndjson /nonexistent-dir/out.ndjson --no-revocation --no-geoip",
                                fmt::format("127.0.0.1:{}\n", listener.port()));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--ndjson /nonexistent-dir/out.ndjson: cannot write: No such file or directory"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(listener.connections(), 0);
}

}  // namespace
}  // namespace tlsaudit::testing
