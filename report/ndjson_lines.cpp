#include "ossl/encoding.hpp"
#include <tlsaudit/report/ndjson_reader.hpp>

#include <boost/json/value.hpp>

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::report {
namespace {

namespace json = boost::json;

const json::string* string_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? &v->get_string() : nullptr;
}

// An integer of type T (as parsed, or as a writer's unsigned value), nullopt otherwise.
template <class T>
std::optional<T> integer_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !(v->is_int64() || v->is_uint64())) return std::nullopt;
    boost::system::error_code ec;
    const T n = v->to_number<T>(ec);
    if (ec) return std::nullopt;
    return n;
}

}  // namespace

ndjson_lines::ndjson_lines(std::istream& in) : in_(in) {}

std::optional<ndjson_line> ndjson_lines::next() {
    while (std::getline(in_, buffer_)) {
        ++number_;
        if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
        if (buffer_.find_first_not_of(" \t") == std::string::npos) continue;
        ndjson_line line;
        line.number = number_;
        line.text = buffer_;
        line.terminated = !in_.eof();
        value_ = nullptr;  // the last record goes before its memory does
        storage_.reset();
        storage_.emplace(first_block_.data(), first_block_.size());
        parser_.reset(&*storage_);
        boost::system::error_code ec;
        parser_.write(buffer_, ec);
        if (!ec) value_ = parser_.release();
        if (ec) line.error = "invalid JSON: " + ec.message();
        else if (!value_.is_object()) line.error = "expected a JSON object";
        else line.record = &value_.get_object();
        return line;
    }
    return std::nullopt;
}

std::string_view record_type(const json::object& record) {
    const auto* type = string_at(record, "type");
    return type ? std::string_view(*type) : std::string_view();
}

bool is_tlsaudit_record(const json::object& record) {
    static constexpr std::string_view types[] = {"scan-start", "endpoint", "name", "input-error", "scan-end"};
    return record.contains("schema_version") &&
           std::find(std::begin(types), std::end(types), record_type(record)) != std::end(types);
}

json::object result_settings(const json::object& options) {
    json::object settings = options;
    for (const char* key : {"shard", "evaluated_at", "threads", "concurrency", "rate", "per_host_concurrency",
                            "retries", "dns_timeout_ms", "connect_timeout_ms", "handshake_timeout_ms",
                            "starttls_timeout_ms", "fail_on", "fail_on_new", "fail_on_errors", "baseline"})
        settings.erase(key);
    return settings;
}

std::vector<std::string> settings_changed_on_resume_of(const json::object& record) {
    std::vector<std::string> keys;
    if (const auto* changed = record.if_contains("settings_changed_on_resume"); changed && changed->is_array())
        for (const auto& key : changed->get_array())
            if (key.is_string()) keys.emplace_back(key.get_string());
    return keys;
}

std::optional<target> target_of(const json::object& record) {
    const auto* t = record.if_contains("target");
    if (!t || !t->is_object()) return std::nullopt;
    const auto& o = t->get_object();
    const auto* host = string_at(o, "host");
    const auto port = integer_at<std::uint16_t>(o, "port");
    if (!host || !port) return std::nullopt;
    target out;
    out.host = std::string(*host);
    out.port = *port;
    if (const auto* sni = string_at(o, "sni")) out.sni = std::string(*sni);
    if (const auto* starttls = string_at(o, "starttls")) out.starttls = std::string(*starttls);
    if (const auto* input = string_at(o, "input")) out.input = std::string(*input);
    out.line_no = integer_at<std::uint64_t>(o, "line").value_or(0);
    return out;
}

std::size_t address_count_of(const json::object& record) {
    const auto n = integer_at<std::size_t>(record, "addresses");
    return n && *n > 0 ? *n : 1;
}

std::optional<recorded_chain> served_chain_of(const json::object& record) {
    if (record_type(record) != "endpoint") return std::nullopt;
    if (const auto* error = record.if_contains("error"); error && !error->is_null()) return std::nullopt;
    const auto* chain = record.if_contains("chain");
    const auto* address = string_at(record, "address");
    auto tgt = target_of(record);
    if (!chain || !chain->is_array() || !address || !tgt) return std::nullopt;
    recorded_chain out;
    for (const auto& c : chain->get_array()) {
        const auto* der = c.is_object() ? string_at(c.get_object(), "der") : nullptr;
        if (!der) break;
        auto decoded = ossl::base64_decode(*der);
        if (!decoded) break;
        out.chain.push_back(std::move(*decoded));
    }
    if (out.chain.empty()) return std::nullopt;
    out.ep.tgt = std::move(*tgt);
    out.ep.address = std::string(*address);
    out.ep.address_count = address_count_of(record);
    return out;
}

}  // namespace tlsaudit::report
