#pragma once
// GeoIP and ASN enrichment (scanner/geo): country, autonomous system and organisation
// of each endpoint's address from MaxMind DB (.mmdb) files read with libmaxminddb, and
// the RFC 6890 special-purpose class of the address. libmaxminddb stays inside the
// module: this header names only standard and model types.
//
// Error rule (docs/geoip.md): a database that cannot be used
// (missing, unreadable, corrupt, truncated, or of the wrong type) is an environment
// failure: `database` throws `database_error`. The `enricher`, which is what a scan
// uses, turns each such failure into one clear error line through its notice sink,
// leaves that database out and goes on: the scan runs, un-enriched by that database.

#include <tlsaudit/geo_info.hpp>
#include <tlsaudit/result.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tlsaudit::geo {

// What a database answers, from its metadata `database_type` (case-insensitive):
// "Enterprise" -> both; contains "Country" or "City" -> country (GeoLite2-Country,
// GeoIP2-City, DBIP-Country-Lite, ip-location-db "country ipvAll", ...); contains "ASN"
// or "ISP" -> asn (GeoLite2-ASN, DBIP-ASN-Lite, GeoIP2-ISP, ip-location-db-ASN, ...).
// Any other type is refused.
enum class database_kind { country, asn, country_and_asn };

std::string_view to_string(database_kind kind) noexcept;

// The kind a `database_type` string names; nullopt when it names neither.
std::optional<database_kind> kind_of_type(std::string_view database_type);

// A database could not be opened or used. what() is "<file>: <why>", e.g.
// "/x/asn.mmdb: it is a country database (database_type "GeoLite2-Country"), not an
// ASN database" or "/x/c.mmdb: not a MaxMind DB file, or truncated (...)".
struct database_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// What one database says about one address; fields it does not have are empty.
struct record {
    std::string country{};
    std::optional<std::uint32_t> asn{};
    std::string organisation{};
};

// One MaxMind DB file, memory-mapped (MMDB_MODE_MMAP) and opened once.
//
// Fields read: country from country.iso_code, else registered_country.iso_code, else
// country_code (ip-location-db); ASN from autonomous_system_number, else asn (a number
// or "AS123"); organisation from autonomous_system_organization, else as_name, else
// organization, else isp.
//
// Thread safety: lookup() may be called from any number of threads at once.
class database {
public:
    // Opens `file` and checks it: metadata, type (when `expected` is given, the
    // database must answer what is expected: a country-only database is refused where
    // an ASN one is expected and vice versa), and every node of the search tree, so a
    // truncated file or a damaged tree is refused here rather than mid-scan. Each data
    // record is decoded in full the first time a lookup lands on it (lookup() throws for
    // a damaged one): a scan reaches a few of the many records, and
    // decoding them all cost most of a run's fixed CPU. Cost: one pass over the tree
    // (about 30 million instructions, a few milliseconds, for the 1.2 million
    // nodes of the default ASN database). Throws database_error.
    explicit database(const std::filesystem::path& file, std::optional<database_kind> expected = std::nullopt);
    ~database();
    database(database&&) noexcept;
    database& operator=(database&&) noexcept;

    const std::filesystem::path& path() const noexcept;
    database_kind kind() const noexcept;
    const std::string& type() const noexcept;  // metadata database_type
    std::uint64_t build_epoch() const noexcept;

    // What the database says about `address` (IPv4 or IPv6 text; IPv4-mapped IPv6
    // addresses are looked up as IPv4). nullopt: the database does not cover it (or
    // is IPv4-only and the address is IPv6). Throws std::invalid_argument for text
    // that is not an IP address, database_error when the file's data turns out to be
    // corrupt.
    std::optional<record> lookup(std::string_view address) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// The special-purpose class of an address (IANA IPv4/IPv6 Special-Purpose Address
// Registries, RFC 6890 and its updates), most specific block first:
//   IPv4: "this-network" 0/8, "private" 10/8 172.16/12 192.168/16, "cgnat" 100.64/10,
//         "loopback" 127/8, "link-local" 169.254/16, "ietf-protocol" 192.0.0/24,
//         "documentation" 192.0.2/24 198.51.100/24 203.0.113/24, "6to4-relay"
//         192.88.99/24, "benchmarking" 198.18/15, "multicast" 224/4, "broadcast"
//         255.255.255.255, "reserved" 240/4
//   IPv6: "unspecified" ::, "loopback" ::1, "nat64" 64:ff9b::/96 64:ff9b:1::/48,
//         "discard" 100::/64, "teredo" 2001::/32, "benchmarking" 2001:2::/48,
//         "orchid" 2001:20::/28, "ietf-protocol" 2001::/23, "documentation"
//         2001:db8::/32 3fff::/20, "6to4" 2002::/16, "unique-local" fc00::/7,
//         "link-local" fe80::/10, "multicast" ff00::/8
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are classed as their IPv4 address.
// Returns "" for a global address, nullopt for text that is not an IP address.
std::optional<std::string_view> special_purpose_class(std::string_view address);

// Where databases come from. For each of the two kinds the first that is set wins:
// the explicit path (--geoip-db / --asn-db), then the environment variable
// (TLSAUDIT_GEOIP_DB / TLSAUDIT_ASN_DB, when non-empty), then the installed default
// DIR/country.mmdb and DIR/asn.mmdb (used only when present), where DIR is
// `options::default_dir`, else $TLSAUDIT_GEOIP_DIR when non-empty, else
// default_database_dir (where scripts/install-geoip.sh installs them).
// A country database that also answers ASN (an "Enterprise" one) serves both unless an
// ASN database is named (flag or environment).
inline constexpr const char* default_database_dir = "/usr/local/share/tlsaudit/geoip";

struct options {
    bool enabled = true;                                 // false: --no-geoip
    std::optional<std::filesystem::path> country_db{};   // --geoip-db
    std::optional<std::filesystem::path> asn_db{};       // --asn-db
    bool use_environment = true;                         // read the TLSAUDIT_GEOIP_* variables
    std::optional<std::filesystem::path> default_dir{};  // nullopt: see above
    std::size_t cache_capacity = 65536;                  // addresses remembered (LRU); 0: no cache
};

// One line of text for the user (the app prints it on stderr, prefixed "tlsaudit: ").
using notice_sink = std::function<void(const std::string&)>;

// Lookup counters since construction.
struct statistics {
    std::uint64_t lookups = 0;
    std::uint64_t cache_hits = 0;
};

// What a scan uses: the databases found per `options`, opened once, and a bounded,
// thread-safe per-address cache of answers.
//
// Never throws for a database problem (see the error rule above): each database that
// cannot be used gives one error line through `notices` and is left out; when no
// database is found at all (and none was named), one notice line says so. A database
// found corrupt during a lookup is reported once and left out from then on.
//
// Thread safety: lookup(), enrich() and stats() may be called from any thread.
class enricher {
public:
    explicit enricher(const options& opts, notice_sink notices = {});
    ~enricher();
    enricher(const enricher&) = delete;
    enricher& operator=(const enricher&) = delete;

    // True when at least one database is in use.
    bool enabled() const noexcept;
    // The databases in use (nullptr: none of that kind). A country_and_asn database
    // may be both.
    const database* country_database() const noexcept;
    const database* asn_database() const noexcept;

    // nullopt when no database is in use, or `address` is empty or not an IP address.
    // Otherwise the country, ASN and organisation the databases give (empty when they
    // do not cover the address) and the special-purpose class.
    std::optional<geo_info> lookup(std::string_view address) const;

    // Sets result.geo from lookup(result.ep.address).
    void enrich(endpoint_result& result) const;

    statistics stats() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace tlsaudit::geo
