// Fuzz target: NDJSON records read back (report/ndjson_reader) and every report rendered
// from them, as `tlsaudit report FILE...` does. The records may come from anywhere: an
// edited file, a disk that filled up, another tool. The first two bytes (big-endian) cut the
// rest into two shards at a point of their choosing, so merging is fuzzed too. Checks the documented
// contract: a malformed input is a std::runtime_error (anything else escapes and
// crashes), and from anything read the JSON and SARIF reports are valid JSON, the HTML
// report's embedded data cannot close its <script> element, and no writer crashes.

#include "fuzz_support.hpp"

#include <tlsaudit/report/csv_report.hpp>
#include <tlsaudit/report/html_report.hpp>
#include <tlsaudit/report/json_report.hpp>
#include <tlsaudit/report/junit_report.hpp>
#include <tlsaudit/report/ndjson_reader.hpp>
#include <tlsaudit/report/prometheus_report.hpp>
#include <tlsaudit/report/sarif_report.hpp>
#include <tlsaudit/report/terminal.hpp>

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using namespace tlsaudit;
using tlsaudit::fuzz::require;

bool parses_as_json(const std::string& text) {
    boost::system::error_code ec;
    boost::json::parse(text, ec);
    return !ec;
}

// The report's data sits in <script type="application/json">...</script> with every '<'
// written as \u003c: inside it, no '<' at all.
bool html_data_is_closed_once(const std::string& html) {
    const std::string open = "<script type=\"application/json\"";
    const auto start = html.find(open);
    if (start == std::string::npos) return false;
    const auto body = html.find('>', start);
    const auto end = html.find("</script>", body);
    return body != std::string::npos && end != std::string::npos &&
           html.find('<', body + 1) == end;  // the first '<' after the opening tag closes it
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
    const std::size_t cut = (std::size_t{data[0]} << 8 | data[1]) % (text.size() + 1);

    report::report_data records;
    try {
        for (const auto& [name, part] : {std::pair{"a.ndjson", text.substr(0, cut)}, {"b.ndjson", text.substr(cut)}}) {
            std::istringstream in{std::string(part)};
            report::read_ndjson_stream(in, name, records);
        }
    } catch (const std::runtime_error&) {
        return 0;  // refused with a message naming the file and line: the documented outcome
    }
    report::finish_merge(records);
    report::settle_verdicts(records);

    std::ostringstream json, sarif, html, csv, junit, prometheus;
    report::write_json_report(records, json);
    require(parses_as_json(json.str()), "the JSON report is not valid JSON");
    report::write_sarif_report(records, sarif);
    require(parses_as_json(sarif.str()), "the SARIF report is not valid JSON");
    report::write_html_report(records, html);
    require(html_data_is_closed_once(html.str()), "the HTML report's data block can be closed early");
    report::write_csv_report(records, csv);
    report::write_junit_report(records, junit);
    report::write_prometheus_report(records, prometheus);
    (void)report::format_summary(records);
    return 0;
}
