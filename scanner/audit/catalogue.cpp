// Rules catalogue: JSON -> catalogue, with errors that name the field.

#include <tlsaudit/finding_catalogue.hpp>
#include <tlsaudit/rules.hpp>

#include "audit/default_rules.hpp"
#include "text/ascii.hpp"

#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <unordered_map>
#include <unordered_set>

namespace tlsaudit::audit {
namespace {

namespace json = boost::json;

// Line and column (1-based) of byte `offset` in `text`.
std::string line_column(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return std::to_string(line) + ":" + std::to_string(column);
}

class reader {
public:
    explicit reader(std::string_view source) : source_(source) {}

    [[noreturn]] void fail(const std::string& path, const std::string& why) const {
        throw rules_error(std::string(source_) + ": " + path + ": " + why);
    }

    const json::object& object(const json::value& v, const std::string& path,
                               std::initializer_list<std::string_view> allowed) const {
        if (!v.is_object()) fail(path, "expected an object");
        for (const auto& [key, ignored] : v.get_object()) {
            if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end())
                fail(path.empty() ? std::string(key) : path + "." + std::string(key), "unknown field");
        }
        return v.get_object();
    }

    std::string string(const json::value& v, const std::string& path) const {
        if (!v.is_string()) fail(path, "expected a string");
        return std::string(v.get_string());
    }

    std::string required_string(const json::object& o, std::string_view key, const std::string& path) const {
        const auto* v = o.if_contains(key);
        if (v == nullptr) fail(join(path, key), "missing");
        std::string s = string(*v, join(path, key));
        if (s.empty()) fail(join(path, key), "must not be empty");
        return s;
    }

    std::vector<std::string> strings(const json::object& o, std::string_view key, const std::string& path) const {
        std::vector<std::string> out;
        const auto* v = o.if_contains(key);
        if (v == nullptr) return out;
        const std::string here = join(path, key);
        if (!v->is_array()) fail(here, "expected an array of strings");
        for (std::size_t i = 0; i < v->get_array().size(); ++i)
            out.push_back(string(v->get_array()[i], here + "[" + std::to_string(i) + "]"));
        return out;
    }

    severity level(const json::value& v, const std::string& path) const {
        const auto s = parse_severity(string(v, path));
        if (!s) fail(path, "expected one of info, low, medium, high, critical");
        return *s;
    }

    static std::string join(const std::string& path, std::string_view key) {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    }

private:
    std::string_view source_;
};

std::vector<std::string> hex_list(const reader& r, const json::object& o, std::string_view key,
                                  const std::string& path) {
    auto values = r.strings(o, key, path);
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::string& v = values[i];
        v.erase(std::remove(v.begin(), v.end(), ':'), v.end());  // "AB:CD:..." is accepted too
        const bool hex =
            v.size() == 64 && std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
        if (!hex) r.fail(reader::join(path, key) + "[" + std::to_string(i) + "]", "expected 64 hex digits (SHA-256)");
        v = text::ascii_lower(v);
    }
    return values;
}

// Why `id` is no key of "severities", with the finding id it most likely meant.
std::string unknown_finding_id(std::string_view id) {
    std::string_view nearest;
    std::size_t best = 4;  // suggest only close ids
    for (const auto& kind : finding_kinds) {
        if (const auto d = text::edit_distance(id, kind.id); d < best) {
            best = d;
            nearest = kind.id;
        }
    }
    return "not a finding id (severities take the ids of docs/findings.md, e.g. deprecated-intermediate; a rule's "
           "own level is its \"severity\")" +
           (nearest.empty() ? std::string() : "; did you mean " + std::string(nearest) + "?");
}

rule_kind parse_kind(const reader& r, const std::string& text, const std::string& path) {
    for (auto k : {rule_kind::retired_intermediate, rule_kind::distrusted_ca, rule_kind::discontinued_issuer,
                   rule_kind::root_removal})
        if (to_string(k) == text) return k;
    r.fail(path, "unknown kind '" + text +
                     "' (expected retired-intermediate, distrusted-ca, discontinued-issuer or root-removal)");
}

// "2023-11-13" or "2025-04": how the sources date a removal.
bool is_since_date(const std::string& text) {
    const auto digits = [&](std::size_t from, std::size_t n) {
        return std::all_of(text.begin() + static_cast<long>(from), text.begin() + static_cast<long>(from + n),
                           [](unsigned char c) { return std::isdigit(c) != 0; });
    };
    if (text.size() != 7 && text.size() != 10) return false;
    if (!digits(0, 4) || text[4] != '-' || !digits(5, 2)) return false;
    // A month is a real one ("2099-13" would never be reached: the removal would apply at once).
    if (text.size() == 7) return parse_time(text + "-01").has_value();
    return text[7] == '-' && digits(8, 2) && parse_time(text).has_value();
}

distrust_program parse_program(const reader& r, const json::value& v, const std::string& path) {
    const auto& o = r.object(v, path, {"program", "after", "basis", "since"});
    distrust_program p;
    p.name = r.required_string(o, "program", path);
    const std::string basis = r.required_string(o, "basis", path);
    if (basis == "earliest-sct") p.basis = distrust_basis::earliest_sct;
    else if (basis == "not-before") p.basis = distrust_basis::not_before;
    else if (basis == "blocklist") p.basis = distrust_basis::blocklist;
    else if (basis == "removed") p.basis = distrust_basis::removed;
    else r.fail(reader::join(path, "basis"), "expected earliest-sct, not-before, blocklist or removed");
    p.use_sct = p.basis == distrust_basis::earliest_sct;
    const bool dated = p.basis == distrust_basis::earliest_sct || p.basis == distrust_basis::not_before;
    if (dated) {
        const std::string after = r.required_string(o, "after", path);
        const auto t = parse_time(after);
        if (!t) r.fail(reader::join(path, "after"), "'" + after + "' is not an RFC 3339 date or date-time");
        p.after = *t;
    } else if (o.if_contains("after") != nullptr) {
        r.fail(reader::join(path, "after"), "a " + basis + " entry applies whatever the date: use \"since\"");
    }
    if (const auto* since = o.if_contains("since")) {
        p.since = r.string(*since, reader::join(path, "since"));
        if (!is_since_date(p.since)) r.fail(reader::join(path, "since"), "expected YYYY-MM-DD or YYYY-MM");
    }
    return p;
}

rule parse_rule(const reader& r, const json::value& v, const std::string& path) {
    const auto& o =
        r.object(v, path,
                 {"id", "kind", "severity", "name_only_severity", "match", "distrust", "message", "remediation",
                  "remediation_beside", "remediation_alternative_path", "retired_on", "sources", "checked"});
    rule out;
    out.id = r.required_string(o, "id", path);
    out.kind = parse_kind(r, r.required_string(o, "kind", path), reader::join(path, "kind"));
    if (const auto* s = o.if_contains("severity")) out.level = r.level(*s, reader::join(path, "severity"));
    if (const auto* s = o.if_contains("name_only_severity"))
        out.name_only_level = r.level(*s, reader::join(path, "name_only_severity"));
    out.message = r.required_string(o, "message", path);
    out.remediation = r.required_string(o, "remediation", path);
    if (const auto* beside = o.if_contains("remediation_beside"))
        out.remediation_beside = r.string(*beside, reader::join(path, "remediation_beside"));
    if (const auto* alternative = o.if_contains("remediation_alternative_path"))
        out.remediation_alternative = r.string(*alternative, reader::join(path, "remediation_alternative_path"));
    if ((!out.remediation_beside.empty() || !out.remediation_alternative.empty()) &&
        out.kind != rule_kind::retired_intermediate)
        r.fail(path, "remediation_beside and remediation_alternative_path belong to retired-intermediate rules");
    if (const auto* retired = o.if_contains("retired_on")) {
        const std::string here = reader::join(path, "retired_on");
        if (out.kind != rule_kind::retired_intermediate) r.fail(here, "belongs to retired-intermediate rules");
        const auto text = r.string(*retired, here);
        out.retired_on = text.size() == 10 ? parse_time(text) : std::nullopt;
        if (!out.retired_on) r.fail(here, "expected a date YYYY-MM-DD");
    }
    out.sources = r.strings(o, "sources", path);
    if (const auto* checked = o.if_contains("checked")) {
        out.checked = r.string(*checked, reader::join(path, "checked"));
        if (out.checked.size() != 10 || !parse_time(out.checked))
            r.fail(reader::join(path, "checked"), "expected a date YYYY-MM-DD");
    }

    const auto* match = o.if_contains("match");
    const std::string match_path = reader::join(path, "match");
    if (match == nullptr) r.fail(match_path, "missing");
    const auto& m = r.object(*match, match_path, {"sha256", "spki_sha256", "subject_cn"});
    out.match.sha256 = hex_list(r, m, "sha256", match_path);
    out.match.spki_sha256 = hex_list(r, m, "spki_sha256", match_path);
    out.match.subject_cn = r.strings(m, "subject_cn", match_path);
    if (out.match.sha256.empty() && out.match.spki_sha256.empty())
        r.fail(match_path, "needs at least one sha256 or spki_sha256 (a name alone identifies nothing)");

    const auto* distrust = o.if_contains("distrust");
    if (out.kind == rule_kind::distrusted_ca || out.kind == rule_kind::root_removal) {
        const std::string here = reader::join(path, "distrust");
        if (distrust == nullptr || !distrust->is_array() || distrust->get_array().empty())
            r.fail(here, "a " + std::string(to_string(out.kind)) +
                             " rule needs a non-empty array of {program, basis, after or since}");
        for (std::size_t i = 0; i < distrust->get_array().size(); ++i)
            out.programs.push_back(parse_program(r, distrust->get_array()[i], here + "[" + std::to_string(i) + "]"));
    } else if (distrust != nullptr) {
        r.fail(reader::join(path, "distrust"), "only distrusted-ca and root-removal rules have a distrust list");
    }
    if (out.kind == rule_kind::root_removal) {
        for (std::size_t i = 0; i < out.programs.size(); ++i)
            if (out.programs[i].basis != distrust_basis::removed)
                r.fail(reader::join(path, "distrust") + "[" + std::to_string(i) + "].basis",
                       "a root-removal rule lists only \"removed\" entries");
    }
    return out;
}

std::vector<validity_limit> parse_limits(const reader& r, const json::value& v) {
    if (!v.is_array()) r.fail("validity_limits", "expected an array of {from, max_days, source}");
    std::vector<validity_limit> out;
    for (std::size_t i = 0; i < v.get_array().size(); ++i) {
        const std::string path = "validity_limits[" + std::to_string(i) + "]";
        const auto& o = r.object(v.get_array()[i], path, {"from", "max_days", "source"});
        validity_limit limit;
        const std::string from = r.required_string(o, "from", path);
        const auto t = parse_time(from);
        if (!t) r.fail(reader::join(path, "from"), "'" + from + "' is not an RFC 3339 date or date-time");
        limit.from = *t;
        const auto* days = o.if_contains("max_days");
        if (days == nullptr || !days->is_int64() || days->get_int64() < 1 || days->get_int64() > 100000)
            r.fail(reader::join(path, "max_days"), "expected a whole number of days, 1 to 100000");
        limit.max_days = static_cast<int>(days->get_int64());
        limit.source = r.required_string(o, "source", path);
        if (!out.empty() && limit.from <= out.back().from)
            r.fail(reader::join(path, "from"), "limits must be in ascending order of date");
        out.push_back(std::move(limit));
    }
    return out;
}

}  // namespace

std::string_view to_string(rule_kind kind) {
    switch (kind) {
    case rule_kind::retired_intermediate: return "retired-intermediate";
    case rule_kind::distrusted_ca: return "distrusted-ca";
    case rule_kind::discontinued_issuer: return "discontinued-issuer";
    case rule_kind::root_removal: return "root-removal";
    }
    return "retired-intermediate";
}

severity effective_level(const catalogue& c, const rule& r) {
    const known_finding id = finding_of(r.kind);
    return c.level_of(id.id(), r.kind == rule_kind::root_removal ? id.default_level() : r.level);
}

std::string distrust_program::root_program() const {
    const auto end = name.find(' ');
    return text::ascii_lower(name.substr(0, end));
}

bool cert_match::matches_key(const cert_info& cert) const {
    return std::find(sha256.begin(), sha256.end(), cert.sha256) != sha256.end() ||
           std::find(spki_sha256.begin(), spki_sha256.end(), cert.spki_sha256) != spki_sha256.end();
}

bool cert_match::matches_name(const cert_info& cert) const {
    return !cert.subject_cn.empty() &&
           std::find(subject_cn.begin(), subject_cn.end(), cert.subject_cn) != subject_cn.end();
}

severity catalogue::level_of(std::string_view finding_id, severity built_in) const {
    const auto it = severities.find(finding_id);
    return it == severities.end() ? built_in : it->second;
}

catalogue parse_catalogue(std::string_view json_text, std::string_view source) {
    const reader r(source);
    boost::system::error_code ec;
    json::parse_options parse_opts;
    parse_opts.allow_comments = true;
    parse_opts.allow_trailing_commas = false;
    // A byte order mark is not JSON, but editors write one (target lists accept it too).
    const std::string_view text = json_text.starts_with("\xEF\xBB\xBF") ? json_text.substr(3) : json_text;
    json::stream_parser parser({}, parse_opts);
    const std::size_t used = parser.write_some(text.data(), text.size(), ec);
    // write_some stops after one whole value: what is left must be nothing but blanks.
    if (const auto rest = text.find_first_not_of(" \t\r\n", used);
        !ec && parser.done() && rest != std::string_view::npos)
        throw rules_error(std::string(source) + ":" + line_column(text, rest) +
                          ": invalid JSON: more after the end of the document");
    if (!ec) parser.finish(ec);
    if (ec) throw rules_error(std::string(source) + ":" + line_column(text, used) + ": invalid JSON: " + ec.message());
    const json::value doc = parser.release();

    const auto& o = r.object(doc, "", {"version", "extends", "severities", "validity_limits", "rules"});
    catalogue out;
    bool extend = false;
    if (const auto* e = o.if_contains("extends")) {
        if (r.string(*e, "extends") != "default") r.fail("extends", "only \"default\" can be extended");
        extend = true;
        out = default_catalogue();
    }
    out.version = r.required_string(o, "version", "");
    if (const auto* s = o.if_contains("severities"); s != nullptr) {
        if (!s->is_object()) r.fail("severities", "expected an object");
        for (const auto& [id, level] : s->get_object()) {
            // A misspelt id would silently change nothing: refused, with the nearest id.
            if (find_finding_kind(id) == nullptr) r.fail("severities." + std::string(id), unknown_finding_id(id));
            out.severities[std::string(id)] = r.level(level, "severities." + std::string(id));
        }
    }
    if (const auto* limits = o.if_contains("validity_limits")) out.validity_limits = parse_limits(r, *limits);
    const auto* rules = o.if_contains("rules");
    if (rules == nullptr && !extend) r.fail("rules", "missing");
    if (rules != nullptr) {
        if (!rules->is_array()) r.fail("rules", "expected an array");
        std::unordered_set<std::string> seen;                // this file's ids
        std::unordered_map<std::string, std::size_t> index;  // out.rules by id (the default's, when extending)
        for (std::size_t i = 0; i < out.rules.size(); ++i) index.emplace(out.rules[i].id, i);
        for (std::size_t i = 0; i < rules->get_array().size(); ++i) {
            const std::string path = "rules[" + std::to_string(i) + "]";
            rule parsed = parse_rule(r, rules->get_array()[i], path);
            if (!seen.insert(parsed.id).second) r.fail(path + ".id", "duplicate rule id '" + parsed.id + "'");
            if (const auto same = index.find(parsed.id); same != index.end()) {
                out.rules[same->second] = std::move(parsed);
            } else {
                index.emplace(parsed.id, out.rules.size());
                out.rules.push_back(std::move(parsed));
            }
        }
    }
    return out;
}

catalogue load_catalogue(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw std::runtime_error("cannot read rules file " + path.string() + ": it is a directory");
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read rules file " + path.string() +
                                 (errno != 0 ? std::string(": ") + std::strerror(errno) : std::string()));
    // Read to one byte over the bound (/dev/zero, a wrong file): the default catalogue is
    // 40 KiB, a rules file of a hundred thousand fingerprints about 10 MiB.
    constexpr std::size_t max_rules_bytes = std::size_t{64} << 20;
    std::string text;
    char chunk[65536];
    while (text.size() <= max_rules_bytes && in.read(chunk, sizeof chunk).gcount() > 0)
        text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (in.bad()) throw std::runtime_error("cannot read rules file " + path.string());
    if (text.size() > max_rules_bytes)
        throw std::runtime_error("rules file " + path.string() + " is larger than 64 MiB: not a rules file");
    return parse_catalogue(text, path.string());
}

const catalogue& default_catalogue() {
    // A broken compiled-in catalogue is a build defect: the unit tests parse it.
    static const catalogue rules = parse_catalogue(detail::default_rules_json(), "default rules");
    return rules;
}

}  // namespace tlsaudit::audit
