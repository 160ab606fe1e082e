// The trend as JSON (history/schema/tlsaudit-trend.schema.json).

#include <tlsaudit/history/trend.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>

namespace tlsaudit::history {
namespace {

namespace json = boost::json;

// Days to one decimal: what a reader compares, free of binary fractions.
double days(double d) { return std::round(d * 10.0) / 10.0; }

json::object to_json(const trend_finding& f) {
    const auto or_null = [](const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); };
    return {{"host", f.host},
            {"port", f.port},
            {"sni", or_null(f.sni)},
            {"starttls", or_null(f.starttls)},
            {"id", f.id},
            {"cert_sha256", f.cert_sha256},
            {"severity", to_string(f.level)},
            {"rule", f.rule},
            {"message", f.message},
            {"first_seen", f.first_seen},
            {"last_seen", f.last_seen},
            {"fixed_at", f.fixed_at ? json::value(*f.fixed_at) : json::value(nullptr)},
            {"state", f.fixed_at ? "fixed" : "open"},
            {"days_open", days(f.days_open)}};
}

}  // namespace

void write_trend_json(const trend_data& trend, std::ostream& out) {
    json::array scans;
    for (const auto& s : trend.scans) {
        json::object by_id;
        for (const auto& [id, n] : s.by_id) by_id[id] = n;
        json::object replace;
        for (const auto& [rule, counts] : s.replace_by_expiry) {
            json::object buckets;
            for (std::size_t b = 0; b < expiry_buckets; ++b) buckets[expiry_bucket_keys[b]] = counts[b];
            replace[rule] = std::move(buckets);
        }
        scans.push_back(json::object{{"id", s.id},
                                     {"started_at", s.started_at},
                                     {"complete", s.complete},
                                     {"endpoints", s.endpoints},
                                     {"findings", s.findings},
                                     {"by_id", std::move(by_id)},
                                     {"replace_by_expiry", std::move(replace)}});
    }
    json::object fix;
    for (auto level : {severity::critical, severity::high, severity::medium, severity::low, severity::info}) {
        const auto& t = trend.by_severity[static_cast<std::size_t>(level)];
        fix[to_string(level)] =
            json::object{{"fixed", t.fixed}, {"mean_days", days(t.mean_days)}, {"p90_days", days(t.p90_days)}};
    }
    const json::value doc = json::object{
        {"format", "tlsaudit-trend"},
        {"schema_version", trend_schema_version},
        {"database", trend.database},
        {"since", trend.since},
        {"generated_at", trend.generated_at},
        {"scans", std::move(scans)},
        {"latest",
         json::object{{"scan_id", trend.latest_complete ? json::value(*trend.latest_complete) : json::value(nullptr)},
                      {"new", trend.new_in_latest},
                      {"fixed", trend.fixed_in_latest}}},
        {"time_to_fix", std::move(fix)},
    };
    // The findings one by one after the rest (a large history tracks millions): the
    // document is never held whole in memory. The object's closing brace is written last.
    const auto head = json::serialize(doc);
    out.write(head.data(), static_cast<std::streamsize>(head.size() - 1));
    out << ",\"findings\":[";
    for (std::size_t i = 0; i < trend.findings.size(); ++i) {
        if (i) out << ',';
        out << json::serialize(to_json(trend.findings[i]));
    }
    out << "]}\n";
}

}  // namespace tlsaudit::history
