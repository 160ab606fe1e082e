#include "audit_support.hpp"

#include "ossl/encoding.hpp"

#include <boost/json/parse.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

namespace tlsaudit::testing {

temp_dir::temp_dir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("tlsaudit-audit-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path temp_dir::write_pem(const std::string& name, const std::vector<bytes>& chain) const {
    std::string text;
    for (const auto& der : chain) text += ossl::der_to_pem(der);
    return write_text(name, text);
}

std::filesystem::path temp_dir::write_text(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

run_result run(const std::string& args, const temp_dir& dir) {
    const auto err = dir.path() / "stderr.txt";
    const std::string command = std::string(TLSAUDIT_BIN) + " " + args + " 2>" + err.string();
    run_result r;
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return r;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) r.out.append(buffer, n);
    const int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = slurp(err);
    return r;
}

std::vector<boost::json::object> records(const std::string& ndjson) {
    std::vector<boost::json::object> out;
    std::istringstream in(ndjson);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(boost::json::parse(line).as_object());
    return out;
}

std::vector<std::string> finding_ids(const boost::json::object& record) {
    std::vector<std::string> out;
    for (const auto& f : record.at("findings").as_array()) out.emplace_back(f.at("id").as_string());
    return out;
}

time_point at(const char* text) {
    const auto t = audit::parse_time(text);
    if (!t) throw std::invalid_argument(text);
    return *t;
}

time_point now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::vector<std::string> ids(const std::vector<finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings) out.push_back(f.id);
    return out;
}

const finding* find(const std::vector<finding>& findings, const std::string& id) {
    for (const auto& f : findings)
        if (f.id == id) return &f;
    return nullptr;
}

app::checked_chain check(const std::vector<bytes>& chain, const std::string& host, time_point when,
                         const std::vector<bytes>& extra_roots, app::audit_settings settings) {
    settings.extra_roots.insert(settings.extra_roots.end(), extra_roots.begin(), extra_roots.end());
    app::audit_runtime runtime(settings, when);
    return app::audit_saved_chain(chain, host, "test", runtime);
}

const lab::hierarchy& lab_pki() {
    static const lab::hierarchy h = [] {
        lab::hierarchy_options o;
        o.kind = lab::key_kind::rsa_2048;
        o.leaf_dns_names = {"good.lab.test"};
        o.name = "tlsaudit audit lab";
        o.key_index = 50;
        return lab::make_hierarchy(o);
    }();
    return h;
}

lab::credential lab_leaf(lab::cert_spec spec, std::size_t key_index) {
    return lab::issue(lab_pki().intermediates.back(), spec, lab::lab_key(lab::key_kind::ec_p256, key_index));
}

}  // namespace tlsaudit::testing
