#include "address.hpp"
#include "mmdb.hpp"
#include "text/ascii.hpp"

#include <tlsaudit/geo.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>

namespace tlsaudit::geo {
namespace {

bool serves(database_kind have, database_kind want) { return have == want || have == database_kind::country_and_asn; }

// "de" -> "DE"; anything but two ASCII letters -> "".
std::string country_code(const std::optional<std::string>& code) {
    if (!code || code->size() != 2) return {};
    std::string out;
    for (unsigned char c : *code) {
        if (!std::isalpha(c) || c > 0x7F) return {};
        out.push_back(static_cast<char>(std::toupper(c)));
    }
    return out;
}

// "AS15169" or "15169" -> 15169.
std::optional<std::uint32_t> parse_asn(std::string_view text) {
    if (text.size() > 2 && (text[0] == 'A' || text[0] == 'a') && (text[1] == 'S' || text[1] == 's'))
        text.remove_prefix(2);
    if (text.empty() || text.size() > 10) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

}  // namespace

std::string_view to_string(database_kind kind) noexcept {
    switch (kind) {
    case database_kind::country: return "country";
    case database_kind::asn: return "ASN";
    case database_kind::country_and_asn: return "country and ASN";
    }
    return "?";
}

std::optional<database_kind> kind_of_type(std::string_view database_type) {
    const auto t = text::ascii_lower(database_type);
    const auto has = [&](std::string_view word) { return t.find(word) != std::string::npos; };
    if (has("enterprise")) return database_kind::country_and_asn;
    if (has("country") || has("city")) return database_kind::country;
    if (has("asn") || has("isp")) return database_kind::asn;
    return std::nullopt;
}

struct database::impl {
    std::filesystem::path path;
    detail::mmdb_ptr db;
    database_kind kind{};
    std::string type;
    detail::record_check records;
};

database::database(const std::filesystem::path& file, std::optional<database_kind> expected)
    : impl_(std::make_unique<impl>()) {
    impl_->path = file;
    impl_->db = detail::open_mmdb(file);
    const auto& meta = impl_->db->metadata;
    impl_->type = meta.database_type ? meta.database_type : "";
    const auto kind = kind_of_type(impl_->type);
    if (!kind)
        detail::fail(file, fmt::format("database_type \"{}\" is neither a country nor an ASN database "
                                       "(expected e.g. GeoLite2-Country, DBIP-Country-Lite, GeoLite2-ASN)",
                                       impl_->type));
    impl_->kind = *kind;
    if (expected && !serves(*kind, *expected))
        detail::fail(file, fmt::format("it is {} {} database (database_type \"{}\"), not {} {} database",
                                       *kind == database_kind::asn ? "an" : "a", to_string(*kind), impl_->type,
                                       *expected == database_kind::asn ? "an" : "a", to_string(*expected)));
    detail::verify_mmdb(*impl_->db, file);
}

database::~database() = default;
database::database(database&&) noexcept = default;
database& database::operator=(database&&) noexcept = default;

const std::filesystem::path& database::path() const noexcept { return impl_->path; }
database_kind database::kind() const noexcept { return impl_->kind; }
const std::string& database::type() const noexcept { return impl_->type; }
std::uint64_t database::build_epoch() const noexcept { return impl_->db->metadata.build_epoch; }

std::optional<record> database::lookup(std::string_view address) const {
    const auto ip = detail::parse_ip(address);
    if (!ip) throw std::invalid_argument(fmt::format("not an IP address: \"{}\"", address));
    const auto sa = detail::to_sockaddr(*ip);
    int status = MMDB_SUCCESS;
    const auto found = MMDB_lookup_sockaddr(impl_->db.get(), reinterpret_cast<const sockaddr*>(&sa), &status);
    if (status == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) return std::nullopt;
    if (status != MMDB_SUCCESS) detail::fail(impl_->path, std::string("corrupt: ") + MMDB_strerror(status));
    if (!found.found_entry) return std::nullopt;

    const auto& file = impl_->path;
    const auto entry = found.entry;
    impl_->records.verify(*impl_->db, entry.offset, file);
    record r;
    if (serves(impl_->kind, database_kind::country)) {
        r.country = country_code(detail::get_string(entry, {"country", "iso_code"}, file));
        if (r.country.empty())
            r.country = country_code(detail::get_string(entry, {"registered_country", "iso_code"}, file));
        if (r.country.empty()) r.country = country_code(detail::get_string(entry, {"country_code"}, file));
    }
    if (serves(impl_->kind, database_kind::asn)) {
        // GeoIP2-Enterprise keeps them under "traits".
        if (const auto n = detail::get_unsigned(entry, {"autonomous_system_number"}, file);
            n && *n <= std::numeric_limits<std::uint32_t>::max())
            r.asn = static_cast<std::uint32_t>(*n);
        else if (const auto t = detail::get_unsigned(entry, {"traits", "autonomous_system_number"}, file);
                 t && *t <= std::numeric_limits<std::uint32_t>::max())
            r.asn = static_cast<std::uint32_t>(*t);
        else if (const auto a = detail::get_unsigned(entry, {"asn"}, file);
                 a && *a <= std::numeric_limits<std::uint32_t>::max())
            r.asn = static_cast<std::uint32_t>(*a);
        else if (const auto s = detail::get_string(entry, {"asn"}, file)) r.asn = parse_asn(*s);
        for (const char* key : {"autonomous_system_organization", "as_name", "organization", "isp"}) {
            if (auto org = detail::get_string(entry, {key}, file); org && !org->empty()) {
                r.organisation = std::move(*org);
                break;
            }
        }
        for (const char* key : {"autonomous_system_organization", "organization", "isp"}) {
            if (!r.organisation.empty()) break;
            if (auto org = detail::get_string(entry, {"traits", key}, file); org && !org->empty())
                r.organisation = std::move(*org);
        }
    }
    return r;
}

}  // namespace tlsaudit::geo
