// --shard / --shards and --dry-run through the real binary.

#include "ops_support.hpp"

#include <tlsaudit/lab/tls_server.hpp>

#include <boost/json/parse.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <map>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

// 10,000 lines: names, name:port, IPv4 and IPv6 literals, URLs, SNI overrides, one /24
// CIDR block, duplicates and a few bad lines. With --port 443,8443 lines without a port
// give two targets each.
std::string ten_thousand_lines() {
    std::string text = "# inventory\n203.0.113.0/24\n";
    for (int i = 0; i < 9998; ++i) {
        switch (i % 8) {
        case 0: text += fmt::format("host{}.example.com\n", i); break;
        case 1: text += fmt::format("api{}.example.net:{}\n", i, 1024 + i); break;
        case 2: text += fmt::format("192.0.2.{}\n", i % 256); break;  // repeats: deduplicated
        case 3: text += fmt::format("[2001:db8::{:x}]:443\n", i); break;
        case 4: text += fmt::format("https://www{}.example.org/login\n", i); break;
        case 5: text += fmt::format("198.51.100.{}:8443 sni=svc{}.example.com\n", i % 256, i); break;
        case 6: text += fmt::format("2001:db8:1::{:x}\n", i); break;
        default:
            text += i % 800 == 7 ? fmt::format("bad{}.example.com:0\n", i) : fmt::format("mail{}.example.com:993\n", i);
        }
    }
    return text;
}

std::size_t count_lines_in(const std::string& text) { return lines_of(text).size(); }

TEST_F(ops_dir, every_target_is_in_exactly_one_shard_for_n_1_to_16) {
    const std::string list = ten_thousand_lines();
    ASSERT_EQ(count_lines_in(list), 10'000u);
    const auto file = write("targets.txt", list);
    const auto all = run_tlsaudit(fmt::format("scan '{}' --port 443,8443 --dry-run", file));
    ASSERT_EQ(all.exit_code, 0) << all.err;
    const auto expected = lines_of(all.out);
    const std::multiset<std::string> want(expected.begin(), expected.end());
    ASSERT_GT(want.size(), 10'000u);
    ASSERT_EQ(std::set<std::string>(expected.begin(), expected.end()).size(), expected.size()) << "duplicates";
    const auto errors_all = lines_of(all.err);
    ASSERT_EQ(errors_all.size(), 14u) << all.err;  // 13 bad lines + the count line

    for (int n = 1; n <= 16; ++n) {
        std::multiset<std::string> seen;
        for (int i = 0; i < n; ++i) {
            const auto r = run_tlsaudit(fmt::format("scan '{}' --port 443,8443 --dry-run --shard {}/{}", file, i, n));
            ASSERT_EQ(r.exit_code, 0) << r.err;
            for (auto& line : lines_of(r.out)) seen.insert(std::move(line));
            // Input errors are reported by shard 0 only.
            const bool has_errors = r.err.find("is out of range (1-65535)") != std::string::npos;
            EXPECT_EQ(has_errors, i == 0) << i << "/" << n;
        }
        ASSERT_EQ(seen, want) << "N=" << n;
    }
}

TEST_F(ops_dir, shards_reads_the_index_from_job_completion_index) {
    const auto file = write("targets.txt", ten_thousand_lines());
    std::multiset<std::string> seen;
    for (int i = 0; i < 5; ++i) {
        const auto by_flag = run_tlsaudit(fmt::format("scan '{}' --dry-run -q --shard {}/5", file, i));
        const scoped_env env("JOB_COMPLETION_INDEX", std::to_string(i));
        const auto by_env = run_tlsaudit(fmt::format("scan '{}' --dry-run -q --shards 5", file));
        ASSERT_EQ(by_env.exit_code, 0) << by_env.err;
        EXPECT_EQ(by_env.out, by_flag.out) << i;
        for (auto& line : lines_of(by_env.out)) seen.insert(std::move(line));
    }
    const auto all = lines_of(run_tlsaudit(fmt::format("scan '{}' --dry-run -q", file)).out);
    EXPECT_EQ(seen, std::multiset<std::string>(all.begin(), all.end()));
}

TEST_F(ops_dir, bad_shard_settings_are_usage_errors) {
    const auto file = write("targets.txt", "example.com\n");
    auto expect_usage = [&](const std::string& args, const std::string& message) {
        const auto r = run_tlsaudit(fmt::format("scan '{}' --dry-run {}", file, args));
        EXPECT_EQ(r.exit_code, 2) << args;
        EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
        EXPECT_EQ(r.out, "") << args;
    };
    expect_usage("--shard 4/4", "shard index 4 is not below the shard count 4 (shards are numbered 0 to 3)");
    expect_usage("--shard 0/0", "shard count 0 is out of range");
    expect_usage("--shard 1-4", "'1-4' is not I/N");
    expect_usage("--shard 0/2 --shards 2", "excludes");
    {
        const scoped_env env("JOB_COMPLETION_INDEX", std::nullopt);
        expect_usage("--shards 3", "--shards 3: JOB_COMPLETION_INDEX is not set");
    }
    {
        const scoped_env env("JOB_COMPLETION_INDEX", "3");
        expect_usage("--shards 3", "JOB_COMPLETION_INDEX=3 is not below the shard count (shards are numbered 0 to 2)");
    }
    {
        const scoped_env env("JOB_COMPLETION_INDEX", "one");
        expect_usage("--shards 3", "JOB_COMPLETION_INDEX='one' is not a shard index");
    }
}

TEST_F(ops_dir, dry_run_prints_round_tripping_lines_and_errors_with_line_numbers) {
    const auto file = write("targets.txt",
                            "Example.COM.\n192.0.2.0/31:8443\n[2001:DB8::1]\n192.0.2.9 sni=www.example.com\n"
                            "https://bücher.example/x\nexample.com:0\nexample.com\n");
    const auto r = run_tlsaudit(fmt::format("scan '{}' --dry-run", file));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "example.com:443\n192.0.2.0:8443\n192.0.2.1:8443\n[2001:db8::1]:443\n192.0.2.9:443 sni=www.example.com\n"
              "xn--bcher-kva.example:443\n");
    EXPECT_NE(r.err.find("tlsaudit: line 6: port '0' is out of range (1-65535): example.com:0\n"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("dry run: 6 targets, 1 input error;"), std::string::npos) << r.err;
    // The output is itself a target list that gives the same targets.
    const auto again = run_tlsaudit("scan - --dry-run -q", r.out);
    EXPECT_EQ(again.out, r.out);
}

// Holds a listening TCP socket and a UDP socket on 127.0.0.1: a connection or a DNS query
// from the binary would be waiting on them when the test looks.
struct loopback_trap {
    int tcp = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    std::uint16_t tcp_port = 0, udp_port = 0;
    loopback_trap() {
        tcp_port = bind_loopback(tcp);
        EXPECT_EQ(::listen(tcp, 16), 0);
        udp_port = bind_loopback(udp);
    }
    ~loopback_trap() {
        ::close(tcp);
        ::close(udp);
    }
    static std::uint16_t bind_loopback(int fd) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        return ntohs(a.sin_port);
    }
    bool accepted_nothing() const {
        const int c = ::accept(tcp, nullptr, nullptr);
        if (c >= 0) ::close(c);
        return c < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    bool received_nothing() const {
        char b[512];
        return ::recv(udp, b, sizeof b, 0) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
};

TEST_F(ops_dir, dry_run_connects_nowhere_and_loads_nothing) {
    loopback_trap trap;
    const auto file = write("targets.txt", fmt::format("127.0.0.1:{0}\nlab.test:{0}\n[::1]:{0}\n", trap.tcp_port));
    // Options that a real scan would need (a resolver, GeoIP databases, an output
    // directory, a rules file and a CA file that do not parse) all point at things that do
    // not exist, would fail to load or would be contacted.
    const auto rules = write("rules.json", "not a rules file");
    const auto ca = write("ca.pem", "not a certificate");
    const auto r = run_tlsaudit(fmt::format(
        "scan '{}' --dry-run --resolver 127.0.0.1:{} --geoip-db '{}/none.mmdb' --ndjson '{}/no/such/dir/x.ndjson' "
        "--html '{}/no/such/dir/r.html' --revocation hard --rules '{}' --ca-file '{}'",
        file, trap.udp_port, dir_.string(), dir_.string(), dir_.string(), rules, ca));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, fmt::format("127.0.0.1:{0}\nlab.test:{0}\n[::1]:{0}\n", trap.tcp_port));
    EXPECT_TRUE(trap.accepted_nothing());
    EXPECT_TRUE(trap.received_nothing());
    EXPECT_FALSE(std::filesystem::exists(dir_ / "no"));
}

// The pipeline scans exactly what the dry run lists: closed loopback ports (held by the
// test, so nothing else can listen there) give one refused endpoint record per target of
// the shard, and the input error only in shard 0.
TEST_F(ops_dir, a_sharded_scan_scans_what_its_dry_run_lists) {
    std::vector<lab::closed_port> closed(30);
    std::string list = "127.0.0.1:0\n";
    for (const auto& c : closed) list += fmt::format("127.0.0.1:{}\n", c.port());
    const auto file = write("targets.txt", list);
    std::set<std::string> scanned_all;
    for (int i = 0; i < 3; ++i) {
        const auto out = (dir_ / fmt::format("shard-{}.ndjson", i)).string();
        const auto r = run_tlsaudit(
            fmt::format("scan '{}' --shard {}/3 --ndjson '{}' -q --no-revocation --no-geoip "
                        "--connect-timeout 2 --handshake-timeout 2 --retries 0 --fail-on none --fail-on-errors none",
                        file, i, out));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const auto dry = lines_of(run_tlsaudit(fmt::format("scan '{}' --shard {}/3 --dry-run -q", file, i)).out);
        std::set<std::string> scanned;
        int input_errors = 0;
        for (const auto& line : lines_of(read_file(out))) {
            const auto record = json::parse(line).as_object();
            if (record.at("type") == "input-error") ++input_errors;
            if (record.at("type") != "endpoint") continue;
            EXPECT_EQ(record.at("error").at("code"), "refused") << line;
            const auto& t = record.at("target").as_object();
            scanned.insert(fmt::format("{}:{}", std::string(t.at("host").as_string()), t.at("port").as_int64()));
        }
        EXPECT_EQ(scanned, std::set<std::string>(dry.begin(), dry.end())) << i;
        EXPECT_EQ(input_errors, i == 0 ? 1 : 0) << i;
        scanned_all.insert(scanned.begin(), scanned.end());
    }
    EXPECT_EQ(scanned_all.size(), 30u);
    // Each shard says which it is; a report of two of the three is incomplete (it said
    // complete and passed), and all three together are complete.
    const auto shard = [&](int i) { return (dir_ / fmt::format("shard-{}.ndjson", i)).string(); };
    const auto two =
        run_tlsaudit(fmt::format("report '{}' '{}' --fail-on none --fail-on-errors 100% --json -", shard(0), shard(2)));
    EXPECT_EQ(two.exit_code, 4) << two.err;
    EXPECT_EQ(json::parse(two.out).at("scan").at("complete"), false);
    EXPECT_NE(two.err.find("INCOMPLETE: the scan did not finish (1 shard of the run is missing (1/3))"),
              std::string::npos)
        << two.err;
    const auto three = run_tlsaudit(fmt::format("report '{}' '{}' '{}' --fail-on none --fail-on-errors 100% --json -",
                                                shard(2), shard(0), shard(1)));
    EXPECT_EQ(three.exit_code, 0) << three.err;
    EXPECT_EQ(json::parse(three.out).at("scan").at("complete"), true);
    // Carried on as another shard, shard 1's file is refused before it is touched.
    const auto before = read_file(shard(1));
    const auto other = run_tlsaudit(fmt::format("scan '{}' --shard 2/3 --resume '{}' -q", file, shard(1)));
    EXPECT_EQ(other.exit_code, 2) << other.err;
    EXPECT_NE(other.err.find("holds shard 1/3, and this run would scan shard 2/3: give --shard 1/3"), std::string::npos)
        << other.err;
    EXPECT_EQ(read_file(shard(1)), before);
}

}  // namespace
}  // namespace tlsaudit::testing
