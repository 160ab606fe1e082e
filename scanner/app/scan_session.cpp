#include "scan_session.hpp"

#include "aia_fetch.hpp"

#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/x509.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <variant>

namespace tlsaudit::app {
namespace {

std::vector<parsed_cert> parse_chain(x509::cert_cache& cache, const std::vector<bytes>& chain) {
    std::vector<parsed_cert> certs;
    certs.reserve(chain.size());
    for (const auto& der : chain) certs.push_back(cache.parse(der));
    return certs;
}

// The issuers the served chain lacks, from the built path: the leaf's (an intermediate
// from the store or fetched) and, with depth::all, every other one (the root above the
// last served intermediate).
void add_path_issuers(const chain_verdict& verdict, revocation::depth depth, revocation::request& request) {
    for (std::size_t d = 1; d < verdict.path.size(); ++d) {
        if (depth == revocation::depth::leaf && d > 1) break;
        if (verdict.path[d].served_position < 0) request.path_issuers.push_back(verdict.path[d].der);
    }
}

// One evaluation time for the whole run: identical chains share one validation.
time_point run_start() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

// Once the scan is stopped no download starts: the chases still running end without their
// issuers, and their endpoints are dropped (scan_session::chase).
issuer_fetcher aia_fetcher(const audit_settings& audit, std::shared_ptr<revocation::fetch_budget> budget,
                           const std::string& resolver, const std::atomic<bool>* stop) {
    if (!audit.fetch_missing) return {};
    aia_fetch_limits limits;
    limits.resolver = resolver;
    limits.policy = audit.fetch;
    limits.budget = std::move(budget);
    auto fetch = make_issuer_fetcher(limits);
    if (!stop) return fetch;
    return [fetch = std::move(fetch), stop](const std::string& url, std::string& why) -> std::optional<bytes> {
        if (stop->load()) {
            why = "the scan was interrupted";
            return std::nullopt;
        }
        return fetch(url, why);
    };
}

// --fetch-missing: endpoints whose chains lack an issuer are audited on these threads, as
// many at once, each download bounded by aia_fetch_limits.
constexpr std::size_t chase_threads = 4;

// Room in a queue behind the scan threads (revocation checks, chases). The scan takes no
// new target while half of it is used (ready()): the endpoints in flight then (at most
// --concurrency, each with a chain per probe that found one) fill the other half, so a
// scan thread should never meet a full queue, which would block it with its handshakes.
std::size_t queue_room(std::size_t at_least, std::size_t concurrency) { return std::max(at_least, 8 * concurrency); }

}  // namespace

// An endpoint whose chains are out for revocation checking.
struct scan_session::pending_endpoint {
    explicit pending_endpoint(endpoint_result&& r) : result(std::move(r)), remaining(1 + result.other_chains.size()) {}
    endpoint_result result;
    std::atomic<std::size_t> remaining;  // chains still waiting for their answer
};

scan_session::scan_session(std::istream& input, const pipeline_options& options)
    : options_(options),
      input_(input),
      fetches_(std::make_shared<revocation::fetch_budget>(options.audit.fetch.max_destinations)),
      auditor_(options.audit, options.started_at == time_point{} ? run_start() : options.started_at,
               aia_fetcher(options.audit, fetches_, options.net.resolver, options.net.stop)),
      reader_(input, options.parse) {
    const resume_state* resume = options.resume;
    ndjson_.emplace(options.ndjson, options.ndjson_copy, resume != nullptr, options.record_observer);
    if (options.start_record && !(resume && resume->has_scan_start)) {
        // The rules catalogue in force, known once the auditor has read it: a scan that
        // scans nothing still names it (the reports read it from the endpoint records too).
        auto start = *options.start_record;
        start["rules_version"] = auditor_.rules().version;
        ndjson_->write(start);
    }
    if (resume) seed_deployments();
    if (options.save_chains) saver_.emplace(*options.save_chains);
    geo_.emplace(options.geo, print_geo_notice);
    // Revocation needs network I/O: the checker runs it on its own thread and writes the
    // record from its callback, so scan threads never wait on OCSP/CRL servers.
    if (!options.revocation.disabled) {
        revocation::options checker = options.revocation.checker;
        checker.fetch = options.audit.fetch;
        checker.resolver = options.net.resolver;
        checker.budget = fetches_;
        checker.max_pending = queue_room(checker.max_pending, options.net.concurrency);
        revocation_room_ = checker.max_pending;
        revocation_.emplace(std::move(checker));
    }
    if (options.audit.fetch_missing) {
        chase_room_ = queue_room(256, options.net.concurrency);
        chases_.emplace(chase_threads, chase_room_);
    }
}

bool scan_session::ready() const {
    // A chase that failed to write: the next target is taken, and next_target() throws.
    if (chases_ && chases_->failed()) return true;
    return (!revocation_ || revocation_->pending() < revocation_room_ / 2) &&
           (!chases_ || chases_->pending() < chase_room_ / 2);
}

// Chases still queued are dropped, not run: the scan failed or was not finished.
scan_session::~scan_session() { abandoned_.store(true); }

// The deployment check needs every endpoint of a name: the ones recorded before the
// resume go in first, parsed again from their DER. Their targets are complete, so their
// names are judged here (the resume dropped the old name records).
void scan_session::seed_deployments() {
    for_each_kept_endpoint(options_.resume->file, [this](endpoint&& ep, std::vector<bytes>&& chain) {
        endpoint_result result;
        result.ep = std::move(ep);
        result.cap.chain = std::move(chain);
        result.certs = parse_chain(parsed_certs_, result.cap.chain);
        if (auto name = auditor_.track(result)) {
            ndjson_->write(report::to_json(*name));
            ++summary_.inconsistent_names;
        }
    });
}

std::optional<target> scan_session::next_target() {
    // A record a chase thread could not write ends the scan now, as one a scan thread
    // could not write does, not after every queued chase (run_scan rethrows it).
    if (chases_) chases_->rethrow_failure();
    for (;;) {
        // A stopped scan takes no more targets; without this check a long run of bad lines
        // would be read to its end first (each one an input-error record).
        if (options_.net.stop && options_.net.stop->load()) return std::nullopt;
        auto item = reader_.next();
        if (auto* t = std::get_if<target>(&item)) {
            if (!targets::in_shard(*t, options_.shard)) continue;
            ++summary_.targets;
            if (options_.resume && options_.resume->done.contains(t->key())) {
                ++summary_.resumed_targets;
                continue;
            }
            if (options_.progress) options_.progress->target_started();
            return std::move(*t);
        }
        if (auto* e = std::get_if<input_error>(&item)) {
            if (!targets::in_shard(*e, options_.shard)) continue;  // shard 0 reports them
            ndjson_->write(*e);
            ++summary_.input_errors;
            continue;
        }
        return std::nullopt;
    }
}

void scan_session::add_result(scan_result&& r) {
    endpoint_result result = examine(std::move(r));
    if (chases_ && auditor_.will_fetch(result)) {
        // Each download may take seconds: the scan thread goes back to its handshakes.
        chases_->post([this, held = std::make_shared<endpoint_result>(std::move(result))] { chase(std::move(*held)); });
        return;
    }
    judge(std::move(result));
}

bool scan_session::stopping() const { return options_.net.stop && options_.net.stop->load(); }

// An endpoint whose chain lacks an issuer, on a chase thread. After a stop it is dropped,
// as the scan engine drops the endpoints it cuts: its verdict would rest on downloads that
// were not made, and --resume scans its target again.
void scan_session::chase(endpoint_result&& result) {
    if (stopping() || abandoned_.load() || chases_->failed()) {
        chases_dropped_.fetch_add(1);
        return;
    }
    judge(std::move(result), true);
}

void scan_session::judge(endpoint_result&& result, bool chased) {
    // Findings before the record is written; each chain is validated and audited alone.
    std::vector<std::shared_ptr<const chain_verdict>> verdicts{auditor_.audit(result)};
    for (auto& other : result.other_chains) verdicts.push_back(auditor_.audit(other));
    if (chased && stopping()) {  // its downloads may have been refused by the stop
        chases_dropped_.fetch_add(1);
        return;
    }
    if (auto name = auditor_.track(result)) {
        // The target's last address is in: its name record is written now, so nothing
        // is held per name until the end of the scan.
        ndjson_->write(report::to_json(*name));
        std::lock_guard lock(summary_mutex_);
        ++summary_.inconsistent_names;
    }
    if (!revocation_ || result.cap.error || result.cap.chain.empty()) {
        audit::merge_other_chains(result, auditor_.rules());
        write(result);
        return;
    }
    check_revocation(std::move(result), verdicts);
}

// Parsed certificates, GeoIP data and the other chains the probes were served.
endpoint_result scan_session::examine(scan_result&& r) {
    endpoint_result result;
    result.ep = std::move(r.ep);
    result.cap = std::move(r.cap);
    result.certs = parse_chain(parsed_certs_, result.cap.chain);
    geo_->enrich(result);
    if (saver_) saver_->save(result.cap.chain);
    for (const auto& served : result.cap.other_chains) {
        auto& other = result.other_chains.emplace_back(audit::other_chain_result(result, served));
        other.certs = parse_chain(parsed_certs_, other.cap.chain);
        if (saver_) saver_->save(other.cap.chain);
    }
    audit::refuse_undecodable_chains(result);
    return result;
}

// Every chain is checked; the record is written when the last answer is in.
void scan_session::check_revocation(endpoint_result&& result,
                                    const std::vector<std::shared_ptr<const chain_verdict>>& verdicts) {
    auto held = std::make_shared<pending_endpoint>(std::move(result));
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
        endpoint_result& chain = i == 0 ? held->result : held->result.other_chains[i - 1];
        revocation::request request{chain.cap.chain,
                                    chain.cap.stapled_ocsp,
                                    {},
                                    x509::chain_identity(chain.cap.chain, chain.certs),
                                    chain.certs};
        if (verdicts[i]) add_path_issuers(*verdicts[i], options_.revocation.checker.depth, request);
        revocation_->check(std::move(request), [this, held, &chain](revocation::chain_status status) {
            auditor_.add_revocation(chain, std::move(status), options_.revocation.hard);
            if (held->remaining.fetch_sub(1) != 1) return;
            audit::merge_other_chains(held->result, auditor_.rules());
            write(held->result);
        });
    }
}

void scan_session::write(const endpoint_result& result) {
    ndjson_->write(result);
    if (options_.progress) options_.progress->endpoint_done(result.cap.error.has_value());
    std::lock_guard lock(summary_mutex_);
    ++summary_.statuses[audit::status_of(result)];
    ++summary_.endpoints;
    if (result.cap.error) ++summary_.errors[result.cap.error->code];
    else ++summary_.handshakes_ok;
}

scan_summary scan_session::finish() {
    {
        std::lock_guard lock(summary_mutex_);
        if (const auto* resume = options_.resume) {
            // The kept records count as this run's do, so that these lines and the report agree.
            summary_.endpoints += resume->kept_endpoints;
            for (const auto& [code, n] : resume->kept_errors) {
                if (code.empty()) summary_.handshakes_ok += n;
                else summary_.errors[code] += n;
            }
            for (const auto& [status, n] : resume->kept_statuses) summary_.statuses[status] += n;
        }
    }
    // The stop as run_scan saw it: a signal that comes later, once every endpoint is in,
    // interrupts only the chases it drops.
    summary_.interrupted = stopping();
    if (summary_.interrupted) {
        summary_.stopped.line = reader_.lines_read();
        try {  // a read error leaves the count unknown, not the reports unwritten
            if (options_.input_is_regular_file) summary_.stopped.unread = targets::count_target_lines(input_);
        } catch (const std::runtime_error&) {}
    }
    if (chases_) chases_->drain();  // before the checker's: a chase hands its chains on to it
    if (revocation_) revocation_->drain();
    if (chases_dropped_.load() > 0) summary_.interrupted = true;
    // Names whose endpoints did not all arrive (none in a finished scan).
    const auto names = auditor_.finish();
    for (const auto& name : names) ndjson_->write(report::to_json(name));
    ndjson_.reset();
    summary_.inconsistent_names += names.size();
    summary_.validations = auditor_.validations();
    summary_.rules_version = auditor_.rules().version;
    summary_.fetch_destinations = fetches_->destinations();
    summary_.fetch_bytes = fetches_->bytes();
    summary_.fetch_refused = fetches_->refusals();
    return summary_;
}

}  // namespace tlsaudit::app
