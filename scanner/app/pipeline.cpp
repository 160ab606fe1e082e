#include "pipeline.hpp"

#include "aia_fetch.hpp"

#include <tlsaudit/cert_cache.hpp>
#include <tlsaudit/report/chain_saver.hpp>
#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>
#include <tlsaudit/x509.hpp>

#include <atomic>
#include <chrono>
#include <memory>
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

// The deployment check needs every endpoint of a name: the ones recorded before the
// resume go in first, parsed again from their DER. Their targets are complete, so their
// names are judged here (the resume dropped the old name records).
std::vector<name_result> seed_deployments(const resume_state& resume, x509::cert_cache& cache,
                                          audit_runtime& auditor) {
    std::vector<name_result> names;
    for_each_kept_endpoint(resume.file, [&](endpoint&& ep, std::vector<bytes>&& chain) {
        endpoint_result result;
        result.ep = std::move(ep);
        result.cap.chain = std::move(chain);
        result.certs = parse_chain(cache, result.cap.chain);
        if (auto name = auditor.track(result)) names.push_back(std::move(*name));
    });
    return names;
}

// An endpoint whose chains are out for revocation checking.
struct pending_endpoint {
    explicit pending_endpoint(endpoint_result&& r) : result(std::move(r)), remaining(1 + result.other_chains.size()) {}
    endpoint_result result;
    std::atomic<std::size_t> remaining;  // chains still waiting for their answer
};

}  // namespace

scan_summary run_pipeline(std::istream& input, const pipeline_options& options) {
    // Configuration errors surface before any output is opened or connection made. One
    // evaluation time for the whole run: identical chains share one validation.
    const auto started = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    x509::cert_cache parsed_certs;  // each distinct certificate parsed once
    audit_runtime auditor(options.audit, started,
                          options.audit.fetch_missing ? make_issuer_fetcher() : issuer_fetcher{});
    const resume_state* resume = options.resume;
    std::size_t seeded_names = 0;
    std::optional<report::ndjson_writer> ndjson_owner(std::in_place, options.ndjson, options.ndjson_copy,
                                                      resume != nullptr);
    report::ndjson_writer& ndjson = *ndjson_owner;
    if (options.start_record && !(resume && resume->has_scan_start)) ndjson.write(*options.start_record);
    if (resume) {
        for (const auto& name : seed_deployments(*resume, parsed_certs, auditor)) {
            ndjson.write(report::to_json(name));
            ++seeded_names;
        }
    }
    std::optional<report::chain_saver> saver;
    if (options.save_chains) saver.emplace(*options.save_chains);
    const geo::enricher geo_enricher(options.geo, print_geo_notice);  // opened once; problems are notices

    targets::reader reader(input, options.parse);
    scan_summary summary;
    summary.inconsistent_names = seeded_names;
    std::mutex summary_mutex;

    // Called serially by the scanner: input errors are written here, in input order.
    auto next = [&]() -> std::optional<target> {
        for (;;) {
            auto item = reader.next();
            if (auto* t = std::get_if<target>(&item)) {
                if (!targets::in_shard(*t, options.shard)) continue;
                ++summary.targets;
                if (resume && resume->done.contains(t->key())) {
                    ++summary.resumed_targets;
                    continue;
                }
                if (options.progress) options.progress->target_started();
                return std::move(*t);
            }
            if (auto* e = std::get_if<input_error>(&item)) {
                if (!targets::in_shard(*e, options.shard)) continue;  // shard 0 reports them
                ndjson.write(*e);
                ++summary.input_errors;
                continue;
            }
            return std::nullopt;
        }
    };
    auto write = [&](const endpoint_result& result) {
        ndjson.write(result);
        if (options.progress) options.progress->endpoint_done(result.cap.error.has_value());
        std::lock_guard lock(summary_mutex);
        ++summary.statuses[audit::status_of(result)];
        ++summary.endpoints;
        if (result.cap.error) ++summary.errors[result.cap.error->code];
        else ++summary.handshakes_ok;
    };
    // Revocation needs network I/O: the checker runs it on its own thread and writes the
    // record from its callback, so scan threads never wait on OCSP/CRL servers. Declared
    // after everything its callbacks use, so it drains before they go.
    std::optional<revocation::checker> revocation_checker;
    if (!options.revocation.disabled) revocation_checker.emplace(options.revocation.checker);
    const bool hard = options.revocation.hard;
    auto sink = [&](scan_result&& r) {
        endpoint_result result;
        result.ep = std::move(r.ep);
        result.cap = std::move(r.cap);
        result.certs = parse_chain(parsed_certs, result.cap.chain);
        geo_enricher.enrich(result);
        if (saver) saver->save(result.cap.chain);
        for (const auto& served : result.cap.other_chains) {
            auto& other = result.other_chains.emplace_back(audit::other_chain_result(result, served));
            other.certs = parse_chain(parsed_certs, other.cap.chain);
            if (saver) saver->save(other.cap.chain);
        }
        // Findings before the record is written; each chain is validated and audited alone.
        std::vector<std::shared_ptr<const chain_verdict>> verdicts{auditor.audit(result)};
        for (auto& other : result.other_chains) verdicts.push_back(auditor.audit(other));
        if (auto name = auditor.track(result)) {
            // The target's last address is in: its name record is written now, so nothing
            // is held per name until the end of the scan.
            ndjson.write(report::to_json(*name));
            std::lock_guard lock(summary_mutex);
            ++summary.inconsistent_names;
        }
        if (!revocation_checker || result.cap.error || result.cap.chain.empty()) {
            audit::merge_other_chains(result, auditor.rules());
            write(result);
            return;
        }
        // Every chain is checked; the record is written when the last answer is in.
        auto held = std::make_shared<pending_endpoint>(std::move(result));
        for (std::size_t i = 0; i < verdicts.size(); ++i) {
            endpoint_result& chain = i == 0 ? held->result : held->result.other_chains[i - 1];
            revocation::request request{chain.cap.chain, chain.cap.stapled_ocsp, std::nullopt};
            if (verdicts[i] && verdicts[i]->path.size() > 1) request.leaf_issuer = verdicts[i]->path[1].der;
            revocation_checker->check(std::move(request), [held, &chain, hard, &write, &auditor](
                                                              revocation::chain_status status) {
                auditor.add_revocation(chain, std::move(status), hard);
                if (held->remaining.fetch_sub(1) != 1) return;
                audit::merge_other_chains(held->result, auditor.rules());
                write(held->result);
            });
        }
    };
    net::run_scan(options.net, next, sink);
    summary.interrupted = options.net.stop && options.net.stop->load();
    if (resume) summary.endpoints += resume->kept_endpoints;
    if (revocation_checker) revocation_checker->drain();

    // Names whose endpoints did not all arrive (none in a finished scan).
    const auto names = auditor.finish();
    for (const auto& name : names) ndjson.write(report::to_json(name));
    ndjson_owner.reset();
    summary.inconsistent_names += names.size();
    summary.validations = auditor.validations();
    summary.rules_version = auditor.rules().version;
    return summary;
}

}  // namespace tlsaudit::app
