#include "pipeline.hpp"

#include <tlsaudit/cert_cache.hpp>
#include <tlsaudit/report/chain_saver.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>
#include <tlsaudit/x509.hpp>

#include <mutex>
#include <variant>

namespace tlsaudit::app {
namespace {

std::vector<parsed_cert> parse_chain(x509::cert_cache& cache, const std::vector<bytes>& chain) {
    std::vector<parsed_cert> certs;
    certs.reserve(chain.size());
    for (const auto& der : chain) certs.push_back(cache.parse(der));
    return certs;
}

}  // namespace

scan_summary run_pipeline(std::istream& input, const pipeline_options& options) {
    x509::cert_cache parsed_certs;  // each distinct certificate parsed once
    report::ndjson_writer ndjson(options.ndjson);
    std::optional<report::chain_saver> saver;
    if (options.save_chains) saver.emplace(*options.save_chains);

    targets::reader reader(input, options.parse);
    scan_summary summary;
    std::mutex summary_mutex;

    // Called serially by the scanner: input errors are written here, in input order.
    auto next = [&]() -> std::optional<target> {
        for (;;) {
            auto item = reader.next();
            if (auto* t = std::get_if<target>(&item)) {
                ++summary.targets;
                return std::move(*t);
            }
            if (auto* e = std::get_if<input_error>(&item)) {
                ndjson.write(*e);
                ++summary.input_errors;
                continue;
            }
            return std::nullopt;
        }
    };
    auto sink = [&](scan_result&& r) {
        endpoint_result result;
        result.ep = std::move(r.ep);
        result.cap = std::move(r.cap);
        result.certs = parse_chain(parsed_certs, result.cap.chain);
        if (saver) saver->save(result.cap.chain);
        ndjson.write(result);
        std::lock_guard lock(summary_mutex);
        ++summary.endpoints;
        if (result.cap.error) ++summary.errors[result.cap.error->code];
        else ++summary.handshakes_ok;
    };
    net::run_scan(options.net, next, sink);
    return summary;
}

}  // namespace tlsaudit::app
