#include "resume.hpp"

#include "exit_codes.hpp"

#include "ossl/encoding.hpp"

#include <tlsaudit/report/output_file.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <unordered_map>

namespace tlsaudit::app {
namespace {

namespace json = boost::json;

std::optional<json::object> parse_record(const std::string& line) {
    boost::system::error_code ec;
    auto value = json::parse(line, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.get_object());
}

std::string type_of(const json::object& record) {
    const auto* t = record.if_contains("type");
    return t && t->is_string() ? std::string(t->get_string()) : std::string();
}

// The target of a record as target::key() spells it; "" without a usable target.
std::string key_of(const json::object& record) {
    const auto* t = record.if_contains("target");
    if (!t || !t->is_object()) return {};
    const auto& o = t->get_object();
    const auto* host = o.if_contains("host");
    const auto* port = o.if_contains("port");
    const auto* sni = o.if_contains("sni");
    if (!host || !host->is_string() || !port || !port->is_int64()) return {};
    target key;
    key.host = std::string(host->get_string());
    key.port = static_cast<std::uint16_t>(port->get_int64());
    if (sni && sni->is_string()) key.sni = std::string(sni->get_string());
    if (const auto* starttls = o.if_contains("starttls"); starttls && starttls->is_string())
        key.starttls = std::string(starttls->get_string());
    return key.key();
}

std::size_t addresses_of(const json::object& record) {
    const auto* n = record.if_contains("addresses");
    return n && n->is_int64() && n->get_int64() > 0 ? static_cast<std::size_t>(n->get_int64()) : 1;
}

struct progress_of_target {
    std::size_t records = 0;
    std::size_t expected = 1;
};

}  // namespace

resume_state prepare_resume(const std::filesystem::path& file) {
    resume_state state;
    state.file = file;
    std::unordered_map<std::string, progress_of_target> seen;
    {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw config_error("--resume: cannot read " + file.string() + ": " + std::strerror(errno));
        std::string line;
        std::size_t records = 0;
        while (std::getline(in, line)) {
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            const auto record = parse_record(line);
            if (!record) {
                ++state.damaged_lines;
                continue;
            }
            ++records;
            if (type_of(*record) != "endpoint") continue;
            const auto key = key_of(*record);
            if (key.empty()) continue;
            auto& p = seen[key];
            ++p.records;
            p.expected = addresses_of(*record);
        }
        if (in.bad()) throw config_error("--resume: cannot read " + file.string());
        if (records == 0 && state.damaged_lines > 0)
            throw config_error("--resume: " + file.string() + " holds no tlsaudit record");
    }
    for (const auto& [key, p] : seen)
        if (p.records == p.expected) state.done.insert(key);

    // Rewrite: temporary file beside it, then rename, so a crash here loses nothing.
    std::filesystem::path tmp;
    const int fd = report::create_exclusive(file, tmp);
    if (fd < 0) throw config_error("--resume: cannot rewrite " + file.string() + ": " + std::strerror(errno));
    std::FILE* out = ::fdopen(fd, "w");
    if (!out) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw config_error("--resume: cannot rewrite " + file.string());
    }
    bool ok = true;
    {
        std::ifstream in(file, std::ios::binary);
        std::string line;
        while (ok && std::getline(in, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.find_first_not_of(" \t") == std::string::npos) continue;
            const auto record = parse_record(line);
            if (!record) continue;
            const auto type = type_of(*record);
            bool keep = false;
            if (type == "scan-start") {
                keep = !state.has_scan_start;
                if (keep)
                    if (const auto* input = record->if_contains("input"); input && input->is_string())
                        state.recorded_input = std::string(input->get_string());
                state.has_scan_start = true;
            } else if (type == "endpoint") {
                keep = state.done.contains(key_of(*record));
                if (keep) ++state.kept_endpoints;
            }
            if (!keep) {
                ++state.dropped_records;
                continue;
            }
            ok = std::fwrite(line.data(), 1, line.size(), out) == line.size() && std::fputc('\n', out) != EOF;
        }
        ok = ok && !in.bad();
    }
    ok = std::fflush(out) == 0 && ok;
    ok = ok && ::fsync(::fileno(out)) == 0;
    ok = std::fclose(out) == 0 && ok;
    if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) {
        const int error = errno;
        ::unlink(tmp.c_str());
        throw config_error("--resume: cannot rewrite " + file.string() + ": " + std::strerror(error));
    }
    return state;
}

void for_each_kept_endpoint(const std::filesystem::path& file, const kept_endpoint_visitor& visit) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        const auto record = parse_record(line);
        if (!record || type_of(*record) != "endpoint") continue;
        if (const auto* error = record->if_contains("error"); error && !error->is_null()) continue;
        const auto* chain = record->if_contains("chain");
        const auto* t = record->if_contains("target");
        const auto* address = record->if_contains("address");
        if (!chain || !chain->is_array() || !t || !t->is_object() || !address || !address->is_string()) continue;
        std::vector<bytes> ders;
        for (const auto& c : chain->get_array()) {
            const auto* der = c.is_object() ? c.get_object().if_contains("der") : nullptr;
            if (!der || !der->is_string()) break;
            auto decoded = ossl::base64_decode(der->get_string());
            if (!decoded) break;
            ders.push_back(std::move(*decoded));
        }
        if (ders.empty()) continue;
        const auto& o = t->get_object();
        endpoint ep;
        ep.tgt.host = std::string(o.at("host").as_string());
        ep.tgt.port = static_cast<std::uint16_t>(o.at("port").to_number<int>());
        if (const auto* sni = o.if_contains("sni"); sni && sni->is_string()) ep.tgt.sni = std::string(sni->get_string());
        if (const auto* starttls = o.if_contains("starttls"); starttls && starttls->is_string())
            ep.tgt.starttls = std::string(starttls->get_string());
        if (const auto* input = o.if_contains("input"); input && input->is_string())
            ep.tgt.input = std::string(input->get_string());
        if (const auto* l = o.if_contains("line"); l && l->is_number()) ep.tgt.line_no = l->to_number<std::uint64_t>();
        ep.address = std::string(address->get_string());
        ep.address_count = addresses_of(*record);
        visit(std::move(ep), std::move(ders));
    }
}

}  // namespace tlsaudit::app
