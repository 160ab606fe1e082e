#include <tlsaudit/shard.hpp>

#include <string>

namespace tlsaudit::targets {

namespace {

constexpr const char* index_variable = "JOB_COMPLETION_INDEX";

// Decimal digits only (no sign, no spaces), at most 19 of them so the value fits.
std::optional<std::uint64_t> parse_decimal(std::string_view text) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

shard_parse failure(std::string message) { return {std::nullopt, std::move(message)}; }

std::string range_text(std::uint64_t count) {
    return count == 1 ? std::string("the only shard is 0") : "shards are numbered 0 to " + std::to_string(count - 1);
}

}  // namespace

std::uint64_t fnv1a_64(std::string_view data) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : data) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::uint64_t shard_hash(std::string_view key) {
    std::uint64_t h = fnv1a_64(key);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

std::uint64_t shard_of(const target& t, std::uint64_t count) { return shard_hash(t.key()) % count; }

bool in_shard(const target& t, const shard& s) { return s.count <= 1 || shard_of(t, s.count) == s.index; }

bool in_shard(const input_error&, const shard& s) { return s.index == 0; }

shard_parse parse_shard(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return failure("'" + std::string(text) + "' is not I/N (shard index I of N shards, e.g. 0/4)");
    const auto index = parse_decimal(text.substr(0, slash));
    const auto count = parse_decimal(text.substr(slash + 1));
    if (!index || !count)
        return failure("'" + std::string(text) + "' is not I/N: I and N must be whole decimal numbers, e.g. 0/4");
    if (*count == 0 || *count > max_shards)
        return failure("shard count " + std::to_string(*count) + " is out of range (1 to " +
                       std::to_string(max_shards) + ")");
    if (*index >= *count)
        return failure("shard index " + std::to_string(*index) + " is not below the shard count " +
                       std::to_string(*count) + " (" + range_text(*count) + ")");
    return {shard{*index, *count}, {}};
}

std::string shard_text(const shard& s) {
    return s.count > 1 ? std::to_string(s.index) + "/" + std::to_string(s.count) : std::string();
}

shard_parse shard_from_index(std::uint64_t count, const char* index_value) {
    const std::string prefix = "--shards " + std::to_string(count) + ": ";
    if (count == 0 || count > max_shards)
        return failure(prefix + "shard count is out of range (1 to " + std::to_string(max_shards) + ")");
    if (index_value == nullptr)
        return failure(prefix + index_variable +
                       " is not set (a Kubernetes Indexed Job sets it to the pod's index; elsewhere use --shard I/N)");
    const std::string_view text(index_value);
    const auto index = parse_decimal(text);
    if (!index)
        return failure(prefix + index_variable + "='" + std::string(text.substr(0, 40)) +
                       "' is not a shard index (a whole decimal number)");
    if (*index >= count)
        return failure(prefix + index_variable + "=" + std::to_string(*index) + " is not below the shard count (" +
                       range_text(count) + ")");
    return {shard{*index, count}, {}};
}

std::string target_line(const target& t, bool direct_scheme) {
    const bool v6 = t.host_is_ip && t.host.find(':') != std::string::npos;
    // The scheme picks STARTTLS, or direct TLS where a --starttls option would not.
    std::string line = !t.starttls.empty() ? t.starttls + "://" : direct_scheme ? "https://" : "";
    line += v6 ? "[" + t.host + "]" : t.host;
    line += ':';
    line += std::to_string(t.port);
    if (!t.sni.empty() && t.sni != t.host) line += " sni=" + t.sni;
    return line;
}

}  // namespace tlsaudit::targets
