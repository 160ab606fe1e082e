#pragma once
// JSON form of scan records (report/). Built with Boost.JSON, never by string
// concatenation; every string is made valid UTF-8 first (invalid bytes become U+FFFD),
// so a record stays valid JSON whatever a server or an input line contains.

#include <tlsaudit/result.hpp>

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace tlsaudit::report {

// Version of the NDJSON record layout; bumped on any incompatible change.
inline constexpr int ndjson_schema_version = 2;

// Every node of the record is allocated from `sp` (e.g. a monotonic_resource that a
// writer reuses for each record).
// `v` serialized with DEL, C1 controls and the invisible characters written as \u escapes
// (text::json_escape_invisible): what every JSON document and record is written as.
std::string serialize_visible(const boost::json::value& v);

boost::json::object to_json(const endpoint_result& result, boost::json::storage_ptr sp = {});
boost::json::object to_json(const input_error& error);
// A name whose addresses disagree ("type":"name", after the endpoint records).
boost::json::object to_json(const name_result& name);
boost::json::object to_json(const cert_info& cert, boost::json::storage_ptr sp = {});
// {"country": "DE"|null, "asn": 64496|null, "organisation": "..."|null, "class": "loopback"|null}
// (docs/geoip.md); the endpoint record's "geo", null when not enriched.
boost::json::object to_json(const geo_info& geo, boost::json::storage_ptr sp = {});

}  // namespace tlsaudit::report
