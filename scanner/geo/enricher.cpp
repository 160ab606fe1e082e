#include "address.hpp"
#include "lookup_cache.hpp"

#include <tlsaudit/geo.hpp>

#include <fmt/format.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <system_error>

namespace tlsaudit::geo {
namespace {

// Where one database comes from, in the documented search order.
struct source {
    std::filesystem::path path;
    std::string origin;  // "--geoip-db", "$TLSAUDIT_GEOIP_DB", "installed default"
    bool named = false;  // given by the user (flag or environment), not the default
};

struct kind_names {
    const char* flag;
    const char* env;
    const char* file;  // in default_dir
    const char* data;  // what is missing without it
};
constexpr kind_names country_names{"--geoip-db", "TLSAUDIT_GEOIP_DB", "country.mmdb", "country"};
constexpr kind_names asn_names{"--asn-db", "TLSAUDIT_ASN_DB", "asn.mmdb", "ASN and organisation"};

std::filesystem::path installed_dir(const options& opts) {
    if (opts.default_dir) return *opts.default_dir;
    if (opts.use_environment) {
        if (const char* env = std::getenv("TLSAUDIT_GEOIP_DIR"); env && *env) return env;
    }
    return default_database_dir;
}

std::optional<source> locate(const std::optional<std::filesystem::path>& flag, const kind_names& names,
                             const options& opts) {
    if (flag) return source{*flag, names.flag, true};
    if (opts.use_environment) {
        if (const char* env = std::getenv(names.env); env && *env)
            return source{env, fmt::format("${}", names.env), true};
    }
    const auto installed = installed_dir(opts) / names.file;
    std::error_code ec;
    if (std::filesystem::exists(installed, ec)) return source{installed, "installed default", false};
    return std::nullopt;
}

}  // namespace

struct enricher::impl {
    std::shared_ptr<const database> country;
    std::shared_ptr<const database> asn;  // may be the same database as `country`
    std::atomic<bool> country_ok{false};
    std::atomic<bool> asn_ok{false};
    detail::lookup_cache cache;
    notice_sink notices;
    std::mutex notice_mutex;
    mutable std::atomic<std::uint64_t> lookups{0};
    mutable std::atomic<std::uint64_t> cache_hits{0};

    impl(std::size_t capacity, notice_sink sink) : cache(capacity), notices(std::move(sink)) {}

    void notice(const std::string& line) {
        if (!notices) return;
        std::lock_guard lock(notice_mutex);
        notices(line);
    }

    std::shared_ptr<const database> open(const source& src, database_kind kind, const kind_names& names) {
        try {
            return std::make_shared<const database>(src.path, kind);
        } catch (const database_error& e) {
            notice(
                fmt::format("error: cannot use the GeoIP {} database {} (from {}); the scan goes on without "
                            "{} data",
                            to_string(kind), e.what(), src.origin, names.data));
        }
        return nullptr;
    }

    // A database that failed mid-scan is reported once and left out from then on.
    void drop(std::atomic<bool>& ok, const database_error& e, const kind_names& names) {
        if (!ok.exchange(false)) return;
        cache.clear();
        notice(fmt::format("error: GeoIP database {}; the rest of the scan goes on without {} data", e.what(),
                           names.data));
    }
};

enricher::enricher(const options& opts, notice_sink notices)
    : impl_(std::make_unique<impl>(opts.cache_capacity, std::move(notices))) {
    if (!opts.enabled) return;
    const auto country_src = locate(opts.country_db, country_names, opts);
    const auto asn_src = locate(opts.asn_db, asn_names, opts);
    if (!country_src && !asn_src) {
        impl_->notice(
            fmt::format("no GeoIP database found ({} or ${} or {}; {} or ${} or {}): the scan goes on "
                        "without country and ASN data (scripts/install-geoip.sh installs the defaults)",
                        country_names.flag, country_names.env, (installed_dir(opts) / country_names.file).string(),
                        asn_names.flag, asn_names.env, (installed_dir(opts) / asn_names.file).string()));
        return;
    }
    if (country_src) impl_->country = impl_->open(*country_src, database_kind::country, country_names);
    const bool country_serves_asn = impl_->country && impl_->country->kind() == database_kind::country_and_asn;
    if (asn_src && (asn_src->named || !country_serves_asn))
        impl_->asn = impl_->open(*asn_src, database_kind::asn, asn_names);
    else if (country_serves_asn) impl_->asn = impl_->country;
    if (!country_src)
        impl_->notice(fmt::format("no GeoIP country database found ({} or ${} or {}): records carry no country",
                                  country_names.flag, country_names.env,
                                  (installed_dir(opts) / country_names.file).string()));
    if (!asn_src && !country_serves_asn)
        impl_->notice(fmt::format("no ASN database found ({} or ${} or {}): records carry no ASN or organisation",
                                  asn_names.flag, asn_names.env, (installed_dir(opts) / asn_names.file).string()));
    impl_->country_ok = impl_->country != nullptr;
    impl_->asn_ok = impl_->asn != nullptr;
}

enricher::~enricher() = default;

bool enricher::enabled() const noexcept { return impl_->country_ok || impl_->asn_ok; }

const database* enricher::country_database() const noexcept {
    return impl_->country_ok ? impl_->country.get() : nullptr;
}

const database* enricher::asn_database() const noexcept { return impl_->asn_ok ? impl_->asn.get() : nullptr; }

std::optional<geo_info> enricher::lookup(std::string_view address) const {
    if (!enabled()) return std::nullopt;
    const auto ip = detail::parse_ip(address);
    if (!ip) return std::nullopt;
    ++impl_->lookups;
    if (auto cached = impl_->cache.find(*ip)) {
        ++impl_->cache_hits;
        return cached;
    }
    geo_info info;
    info.address_class = std::string(detail::classify(*ip));
    if (impl_->country_ok) {
        try {
            if (const auto r = impl_->country->lookup(address)) info.country = r->country;
        } catch (const database_error& e) {
            impl_->drop(impl_->country_ok, e, country_names);
        }
    }
    if (impl_->asn_ok) {
        try {
            if (auto r = impl_->asn->lookup(address)) {
                info.asn = r->asn;
                info.organisation = std::move(r->organisation);
            }
        } catch (const database_error& e) {
            impl_->drop(impl_->asn_ok, e, asn_names);
        }
    }
    if (!enabled()) return std::nullopt;
    impl_->cache.insert(*ip, info);
    return info;
}

void enricher::enrich(endpoint_result& result) const {
    if (auto info = lookup(result.ep.address)) result.geo = std::move(*info);
}

statistics enricher::stats() const { return {impl_->lookups.load(), impl_->cache_hits.load()}; }

}  // namespace tlsaudit::geo
