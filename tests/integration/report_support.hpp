#pragma once
// Shared by the report integration tests: a small loopback lab (a trusted chain, a
// certificate whose subject holds XSS payloads, a name mismatch, a refused port, a bad
// input line), scanned once per test binary run, and helpers to run the validators.

#include "cli_support.hpp"

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace tlsaudit::testing {

inline const std::string xss_subject_cn = "<script>alert(1)</script><img src=x onerror=alert(1)>";

// Runs a shell command; returns its exit code and stdout (stderr goes to the test log).
inline run_result run_shell(const std::string& command) {
    const auto out =
        std::filesystem::temp_directory_path() / fmt::format("tlsaudit-shell-{}-{}", ::getpid(), std::rand());
    const int status = std::system((command + " >'" + out.string() + "'").c_str());
    run_result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    std::filesystem::remove(out);
    return r;
}

class report_lab {
public:
    report_lab() : dir_(std::filesystem::temp_directory_path() / fmt::format("tlsaudit-report-lab-{}", ::getpid())) {
        std::filesystem::create_directories(dir_);
        const auto h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"good.report.test"});
        std::ofstream(dir_ / "root.pem") << h.root.pem();
        lab::server_config good;
        good.chain = h.served_chain();
        good.leaf_key = h.leaf.k;
        const auto good_port = servers_.start(good);

        auto spec = lab::leaf_spec("xss.report.test");
        spec.common_name = xss_subject_cn;
        spec.organization = "<!--</script><b>bold</b>";
        const auto key = lab::lab_key(lab::key_kind::ec_p256, 40);
        const auto xss = lab::issue(h.intermediates.back(), spec, key);
        lab::server_config hostile;
        hostile.chain = {xss.der, h.intermediates.back().der};
        hostile.leaf_key = xss.k;
        const auto xss_port = servers_.start(hostile);

        lines_ = {fmt::format("127.0.0.1:{} sni=good.report.test", good_port),
                  fmt::format("127.0.0.1:{} sni=xss.report.test", xss_port),
                  fmt::format("127.0.0.1:{} sni=wrong.report.test", good_port), "127.0.0.1:1", "not a target"};
        write_targets("targets.txt", {0, 1, 2, 3, 4});
    }
    ~report_lab() { std::filesystem::remove_all(dir_); }

    // Writes the given lines of the lab's target list to `name` in the lab directory.
    std::filesystem::path write_targets(const std::string& name, const std::vector<int>& which) const {
        std::ofstream out(dir_ / name);
        for (int i : which) out << lines_[static_cast<std::size_t>(i)] << "\n";
        return dir_ / name;
    }

    // The scan options every report test uses: trust the lab root, no revocation.
    std::string scan_args() const {
        return fmt::format("--ca-file '{}' --no-revocation --concurrency 8 --connect-timeout 2 --handshake-timeout 3",
                           (dir_ / "root.pem").string());
    }

    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    lab::server_pool servers_;
    std::vector<std::string> lines_;
};

// The validators installed by scripts/report-test-tools.sh (ctest fixture).
inline std::string tools_dir() { return REPORT_TOOLS_DIR; }

inline run_result validate_json(const std::filesystem::path& file) {
    return run_shell(fmt::format("node '{}/validate.js' json '{}' '{}'", tools_dir(), file.string(), REPORT_SCHEMA));
}

inline run_result validate_sarif(const std::filesystem::path& file) {
    return run_shell(fmt::format("node '{}/validate.js' sarif '{}'", tools_dir(), file.string()));
}

inline run_result read_junit(const std::filesystem::path& file) {
    return run_shell(fmt::format("/usr/bin/python3 '{}/junit_check.py' '{}'", tools_dir(), file.string()));
}

}  // namespace tlsaudit::testing
