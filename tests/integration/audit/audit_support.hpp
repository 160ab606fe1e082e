#pragma once
// Helpers for the end-to-end audit tests: lab chains written as PEM files, `check`
// run in-process, the real binary run as a child, finding ids.

#include "audit_runtime.hpp"
#include "check_command.hpp"

#include <tlsaudit/lab/pki.hpp>

#include <boost/json/object.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace tlsaudit::testing {

// A fresh directory under the system temp dir, removed with everything in it.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path write_pem(const std::string& name, const std::vector<bytes>& chain) const;
    std::filesystem::path write_text(const std::string& name, const std::string& text) const;

private:
    std::filesystem::path path_;
};

// What the real binary did: its exit code, stdout and stderr.
struct run_result {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string slurp(const std::filesystem::path& p);

// Runs `TLSAUDIT_BIN args` (a constant of the test, through /bin/sh), stderr kept in `dir`.
run_result run(const std::string& args, const temp_dir& dir);

// The JSON objects of an NDJSON text, one per non-empty line.
std::vector<boost::json::object> records(const std::string& ndjson);
// The finding ids of an endpoint record, in order.
std::vector<std::string> finding_ids(const boost::json::object& record);

time_point at(const char* text);
time_point now();

std::vector<std::string> ids(const std::vector<finding>& findings);
const finding* find(const std::vector<finding>& findings, const std::string& id);

// Audits `chain` as `tlsaudit check` does, with the lab root(s) trusted in addition to
// the system store.
app::checked_chain check(const std::vector<bytes>& chain, const std::string& host, time_point when,
                         const std::vector<bytes>& extra_roots = {}, app::audit_settings settings = {});

// The shared lab hierarchy used by most cases (RSA-2048, one intermediate).
const lab::hierarchy& lab_pki();

// A leaf issued by lab_pki()'s intermediate.
lab::credential lab_leaf(lab::cert_spec spec, std::size_t key_index = 60);

}  // namespace tlsaudit::testing
