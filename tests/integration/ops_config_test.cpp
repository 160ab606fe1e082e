// --config FILE through the real binary: precedence, the committed sample, errors.

#include "ops_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

class config_file : public ops_dir {
protected:
    // The options of the scan-start record of a scan of an empty target list (nothing
    // is contacted), run with `args` (and --fail-on-errors none: scanning nothing passes),
    // through `launcher` (e.g. taskset) when one is given.
    // `revocation`: leave out --no-revocation (the args say how revocation is set).
    json::object effective_options(const std::string& args, const std::string& launcher = "", bool revocation = false) {
        const auto out = (dir_ / "scan.ndjson").string();
        std::filesystem::remove(out);
        const auto r =
            run_command(fmt::format("{} '{}' {} --ndjson '{}' -q {}--no-geoip --fail-on-errors none", launcher,
                                    TLSAUDIT_BINARY, args, out, revocation ? "" : "--no-revocation "));
        EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
        const auto lines = lines_of(read_file(out));
        if (lines.empty()) return {};
        auto start = json::parse(lines.front()).as_object();
        EXPECT_EQ(start.at("type"), "scan-start");
        return start.at("options").as_object();
    }
    std::string empty_ = write("empty.txt", "");
};

TEST_F(config_file, command_line_wins_over_the_file_and_the_file_over_defaults) {
    const auto config = write("audit.toml",
                              "# scheduled audit\n"
                              "concurrency = 7          # overridden below\n"
                              "retries = 3\n"
                              "port = [8443,\n        9443]   # a list over two lines\n"
                              "ipv4-only = true\n"
                              "dns-timeout = 2.5\n"
                              "fail-on = 'medium'\n");
    auto o = effective_options(fmt::format("scan --config '{}' '{}' --concurrency 9", config, empty_));
    EXPECT_EQ(o.at("concurrency"), 9);  // command line
    EXPECT_EQ(o.at("retries"), 3);      // file
    EXPECT_EQ(json::serialize(o.at("ports")), "[8443,9443]");
    EXPECT_EQ(o.at("ipv4_only"), true);
    EXPECT_EQ(o.at("dns_timeout_ms"), 2500);
    EXPECT_EQ(o.at("fail_on"), "medium");
    EXPECT_GE(o.at("threads").as_int64(), 1);        // default: the usable CPUs
    EXPECT_EQ(o.at("handshake_timeout_ms"), 10000);  // default

    // A list on the command line replaces the file's list; --config may precede `scan`.
    o = effective_options(fmt::format("--config '{}' scan '{}' --port 1 --retries 0", config, empty_));
    EXPECT_EQ(json::serialize(o.at("ports")), "[1]");
    EXPECT_EQ(o.at("retries"), 0);
    EXPECT_EQ(o.at("concurrency"), 7);

    // The command line wins over a key of the file its option excludes: --shard over the
    // file's `shards` (it was "--shard excludes --shards", exit 2), --shards over `shard`.
    const auto shards = write("shards.toml", "shards = 4\n");
    EXPECT_EQ(effective_options(fmt::format("scan --config '{}' '{}' --shard 1/4", shards, empty_)).at("shard"), "1/4");
    const auto shard = write("shard.toml", "shard = \"1/4\"\n");
    EXPECT_EQ(
        effective_options(fmt::format("scan --config '{}' '{}' --shards 4", shard, empty_), "JOB_COMPLETION_INDEX=2")
            .at("shard"),
        "2/4");
    EXPECT_EQ(run_tlsaudit(fmt::format("scan '{}' --shard 1/4 --shards 4 --dry-run", empty_)).exit_code, 2);

    // --no-revocation and the options of how to check: the command line wins over the file
    // (a file's no-revocation silently undid --revocation hard), both at once are refused.
    const auto off = write("off.toml", "no-revocation = true\n");
    EXPECT_EQ(effective_options(fmt::format("scan --config '{}' '{}' --revocation hard", off, empty_), "", true)
                  .at("revocation")
                  .at("mode"),
              "hard");
    const auto hard = write("hard.toml", "revocation = \"hard\"\nrevocation-timeout = 2\n");
    EXPECT_TRUE(effective_options(fmt::format("scan --config '{}' '{}' --no-revocation", hard, empty_), "", true)
                    .at("revocation")
                    .is_null());
    const auto both = run_tlsaudit(fmt::format("scan '{}' --no-revocation --revocation-timeout 2 --dry-run", empty_));
    EXPECT_EQ(both.exit_code, 2);
    EXPECT_NE(both.err.find("--no-revocation excludes --revocation-timeout"), std::string::npos) << both.err;

    // Without the file, the defaults.
    o = effective_options(fmt::format("scan '{}'", empty_));
    EXPECT_EQ(o.at("concurrency"), 1000);
    EXPECT_EQ(o.at("retries"), 1);
    EXPECT_EQ(o.at("ipv4_only"), false);
}

TEST_F(config_file, the_default_thread_count_is_the_cpus_the_process_may_use) {
    // One CPU in the affinity mask (the first this test may use: a cpuset may leave out
    // CPU 0): one scan thread, and the record says so.
    cpu_set_t set;
    CPU_ZERO(&set);
    ASSERT_EQ(::sched_getaffinity(0, sizeof set, &set), 0);
    int first = 0;
    while (first < CPU_SETSIZE && !CPU_ISSET(first, &set)) ++first;
    ASSERT_LT(first, CPU_SETSIZE);
    const auto one_cpu = fmt::format("taskset -c {}", first);
    EXPECT_EQ(effective_options(fmt::format("scan '{}'", empty_), one_cpu).at("threads"), 1);
    EXPECT_EQ(effective_options(fmt::format("scan '{}' --threads 3", empty_), one_cpu).at("threads"), 3);
    // Never more threads than handshakes in flight: the record says what runs.
    EXPECT_EQ(effective_options(fmt::format("scan '{}' --threads 3 -c 2", empty_), one_cpu).at("threads"), 2);
    const auto all = effective_options(fmt::format("scan '{}'", empty_)).at("threads").as_int64();
    EXPECT_GE(all, 1);
    EXPECT_LE(all, static_cast<std::int64_t>(std::thread::hardware_concurrency()));
}

// A cgroup of the test's own in the kernel's CPU controller: cgroup v1's cpu hierarchy, or
// cgroup v2 with the cpu controller enabled for the root's children. Only root can make
// one; none() when this machine does not let the test.
class cpu_cgroup {
public:
    cpu_cgroup() {
        const auto name = "tlsaudit-test-" + std::to_string(::getpid());
        std::error_code ec;
        if (std::filesystem::exists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", ec)) {
            dir_ = std::filesystem::path("/sys/fs/cgroup/cpu") / name;
            v2_ = false;
        } else if (read_file("/sys/fs/cgroup/cgroup.subtree_control").find("cpu") != std::string::npos) {
            dir_ = std::filesystem::path("/sys/fs/cgroup") / name;
            v2_ = true;
        }
        if (!dir_.empty() && !std::filesystem::create_directory(dir_, ec)) dir_.clear();
        // Made, but usable only if it has the quota file and a process may be moved into it
        // (in a delegated or namespaced hierarchy, even root may not): the launcher runs `true`.
        const auto usable = [this, &ec] {
            const auto quota_file = dir_ / (v2_ ? "cpu.max" : "cpu.cfs_quota_us");
            return std::filesystem::exists(quota_file, ec) &&
                   std::system((launcher() + " true 2>/dev/null").c_str()) == 0;
        };
        if (!dir_.empty() && !usable()) {
            ::rmdir(dir_.c_str());
            dir_.clear();
        }
    }
    ~cpu_cgroup() {
        if (!dir_.empty()) ::rmdir(dir_.c_str());
    }
    cpu_cgroup(const cpu_cgroup&) = delete;
    cpu_cgroup& operator=(const cpu_cgroup&) = delete;

    bool none() const { return dir_.empty(); }
    // Allows `quota` microseconds of CPU time per 100 ms.
    void set_quota(long quota) const {
        if (v2_) {
            std::ofstream(dir_ / "cpu.max") << quota << " 100000\n";
        } else {
            std::ofstream(dir_ / "cpu.cfs_period_us") << "100000\n";
            std::ofstream(dir_ / "cpu.cfs_quota_us") << quota << "\n";
        }
    }
    // A launcher that moves the shell into the cgroup, then runs the command in its place.
    std::string launcher() const {
        return fmt::format("sh -c 'echo $$ > \"{}/cgroup.procs\" && exec \"$0\" \"$@\"'", dir_.string());
    }

private:
    std::filesystem::path dir_;
    bool v2_ = false;
};

TEST_F(config_file, the_default_thread_count_follows_the_cgroup_cpu_quota) {
    const cpu_cgroup group;
    if (group.none()) GTEST_SKIP() << "this machine does not let the test make a cgroup with a CPU quota (root only)";
    group.set_quota(100000);
    EXPECT_EQ(effective_options(fmt::format("scan '{}'", empty_), group.launcher()).at("threads"), 1);
    group.set_quota(150000);  // one and a half CPUs: two threads can use them
    const auto threads = effective_options(fmt::format("scan '{}'", empty_), group.launcher()).at("threads").as_int64();
    cpu_set_t set;
    CPU_ZERO(&set);
    ASSERT_EQ(::sched_getaffinity(0, sizeof set, &set), 0);
    EXPECT_EQ(threads, std::min<std::int64_t>(2, CPU_COUNT(&set)));
}

TEST_F(config_file, flags_and_the_target_list_come_from_the_file_unless_given) {
    const auto list = write("list.txt", "a.example.com\n");
    const auto other = write("other.txt", "b.example.com:8443\n");
    const auto config = write("f.toml", fmt::format("targets = \"{}\"\nipv6-only = false\nport = 444\n", list));
    auto r = run_tlsaudit(fmt::format("scan --config '{}' --dry-run -q", config));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "a.example.com:444\n");
    r = run_tlsaudit(fmt::format("scan --config '{}' '{}' --dry-run -q", config, other));
    EXPECT_EQ(r.out, "b.example.com:8443\n");
    // A flag the file sets false and the command line sets: the command line wins.
    const auto o = effective_options(fmt::format("scan --config '{}' '{}' -6", config, empty_));
    EXPECT_EQ(o.at("ipv6_only"), true);
}

TEST_F(config_file, fetch_policy_comes_from_the_file) {
    const auto config = write("fetch.toml",
                              "fetch-allow = [\"10.20.0.0/16\", \"ocsp.corp.example:8080\"]\n"
                              "fetch-allow-private = true\n"
                              "fetch-max-destinations = 40\n");
    const auto o = effective_options(fmt::format("scan --config '{}' '{}'", config, empty_));
    EXPECT_EQ(json::serialize(o.at("fetch_allow")), R"(["10.20.0.0/16","ocsp.corp.example:8080"])");
    EXPECT_EQ(o.at("fetch_allow_private"), true);
    EXPECT_EQ(o.at("fetch_max_destinations"), 40);
    const auto bad = write("bad.toml", "fetch-allow = [\"10.0.0.0/33\"]\n");
    EXPECT_EQ(run_tlsaudit(fmt::format("scan --config '{}' '{}' -q", bad, empty_)).exit_code, 2);
}

// A repeatable option given twice before the target list and after it keeps both values.
TEST_F(config_file, a_repeatable_option_given_twice_keeps_both_values) {
    const auto o =
        effective_options(fmt::format("scan --fetch-allow 10.0.0.0/8 '{}' --fetch-allow 127.0.0.1 -p 443", empty_));
    EXPECT_EQ(json::serialize(o.at("fetch_allow")), R"(["10.0.0.0/8","127.0.0.1"])");
}

// A comma-list option takes a TOML array of its items as well as the string.
TEST_F(config_file, comma_lists_come_as_strings_or_arrays) {
    const auto config = write("lists.toml", "probes = [\"modern\", \"ecdsa\"]\n");
    const auto o = effective_options(fmt::format("scan --config '{}' '{}'", config, empty_));
    EXPECT_EQ(json::serialize(o.at("probes")), R"(["modern","ecdsa"])");
    // A port listed twice is one port.
    const auto ports = effective_options(fmt::format("scan '{}' --port 443,443,8443,443", empty_));
    EXPECT_EQ(json::serialize(ports.at("ports")), "[443,8443]");
    // An empty item is skipped (CLI11 splits the list; docs/cli/scan.md says so).
    const auto gaps = effective_options(fmt::format("scan '{}' --port 443,,8443,", empty_));
    EXPECT_EQ(json::serialize(gaps.at("ports")), "[443,8443]");
    const auto dry_run = [&](const std::string& text) {
        return run_tlsaudit(fmt::format("scan --config '{}' '{}' --dry-run", write("l.toml", text), empty_)).exit_code;
    };
    EXPECT_EQ(dry_run("revocation-order = [\"crl\", \"ocsp\"]\n"), 0);
    EXPECT_EQ(dry_run("revocation-order = [\"crl\", \"dns\"]\n"), 2);
    EXPECT_EQ(dry_run("probes = [\"modern\", \"\"]\n"), 2);
}

TEST_F(config_file, the_committed_sample_loads) {
    const std::string sample = TLSAUDIT_SOURCE_DIR "/samples/tlsaudit.toml";
    ASSERT_TRUE(std::filesystem::exists(sample));
    const auto list = write("list.txt", "www.example.com\n");
    const auto r = run_tlsaudit(fmt::format("scan --config '{}' '{}' --dry-run -q", sample, list));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "www.example.com:443\nwww.example.com:8443\n");  // the sample's ports
    // The sample's report paths are for a real host: point them here.
    const auto o =
        effective_options(fmt::format("scan --config '{0}' '{1}' --json '{2}/r.json' --html '{2}/r.html' "
                                      "--sarif '{2}/r.sarif'",
                                      sample, empty_, dir_.string()));
    EXPECT_EQ(o.at("concurrency"), 500);
    EXPECT_EQ(o.at("fail_on"), "high");
    EXPECT_EQ(o.at("fetch_max_destinations"), 256);
}

TEST_F(config_file, malformed_files_and_unknown_keys_are_usage_errors) {
    struct bad_case {
        const char* text;
        std::string message;
    };
    const bad_case cases[] = {
        {"concurency = 5\n",
         "f.toml:1: unknown key concurency: not an option of tlsaudit scan (did you mean concurrency?)"},
        {"# c\n\nport = [443,\n  8443\n", "f.toml:4: Error while parsing array: encountered end-of-file"},
        {"retries = 1\nndjson = \"x.ndjson\n", "f.toml:2: Error while parsing string: unescaped control characters"},
        {"[scan]\nconcurrency = 5\n", "f.toml:1: tables ([section]) are not supported"},
        {"\nconcurrency 5\n", "f.toml:2: Error while parsing key-value pair: expected '=', saw '5'"},
        {"retries = 1\nretries = 2\n",
         "f.toml:2: Error while parsing key-value pair: cannot redefine existing integer 'retries'"},
        {"ndjson = out.ndjson\n", "f.toml:1: Error while parsing value: could not determine value type"},
        {"scan.concurrency = 5\n", "f.toml:1: dotted keys are not supported"},
        {"concurrency = 5 6\n",
         "f.toml:1: Error while parsing key-value pair: expected a comment or whitespace, saw '6'"},
        {"port = [[443]]\n", "f.toml:1: nested arrays are not supported"},
        {"config = \"other.toml\"\n", "f.toml:1: unknown key config"},
        {"xyzzy = 1\n", "f.toml:1: unknown key xyzzy: not an option of tlsaudit scan (keys are long option names"},
        {"concurrency = 0\n", "--concurrency"},  // CLI11's own validation of the value
        {"\nverify-handshake = \"maybe\"\n",
         "--verify-handshake = maybe (" + dir_.string() + "/f.toml:2)"},  // a flag's value, traced too
        {"profile = \"firefox\"\n", "--profile: expected browser or openssl (" + dir_.string() + "/f.toml:1)"},
        {"baseline = \"\"\n", "--baseline: an empty value"},
        // Two options in conflict, both from the file: each traced to its line.
        {"shard = \"1/2\"\n\nshards = 2\n", "--shard excludes --shards (--shard at " + dir_.string() +
                                                "/f.toml:1, --shards at " + dir_.string() + "/f.toml:3)"},
    };
    for (const auto& c : cases) {
        const auto config = write("f.toml", c.text);
        const auto r = run_tlsaudit(fmt::format("scan --config '{}' '{}' --dry-run", config, empty_));
        EXPECT_EQ(r.exit_code, 2) << c.text;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << c.text << "\n" << r.err;
        EXPECT_EQ(r.out, "") << c.text;
    }
}

TEST_F(config_file, only_for_scan_and_only_existing_files) {
    const auto config = write("f.toml", "concurrency = 5\n");
    auto r = run_tlsaudit(fmt::format("--config '{}' report '{}'", config, empty_));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("a config file holds scan options; use it with tlsaudit scan"), std::string::npos) << r.err;
    r = run_tlsaudit(fmt::format("report --config '{}' '{}'", config, empty_));
    EXPECT_EQ(r.exit_code, 2);
    r = run_tlsaudit(fmt::format("scan --config '{}/missing.toml' '{}' --dry-run", dir_.string(), empty_));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("missing.toml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tlsaudit::testing
