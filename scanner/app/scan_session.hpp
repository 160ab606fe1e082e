#pragma once
// One run of the scan pipeline (pipeline.hpp): what net::run_scan's target source and
// result sink share. It reads the targets, audits each result, hands its chains to the
// revocation checker and writes the records to the NDJSON stream while counting them
// for the summary.
//
// Use: construct, pass next_target and add_result to net::run_scan, then call finish
// once. Destroying a session that was not finished (run_scan threw) waits for the
// chases and revocation checks in flight, dropping their errors, and closes the stream.

#include "blocking_jobs.hpp"
#include "pipeline.hpp"

#include <tlsaudit/cert_cache.hpp>
#include <tlsaudit/report/chain_saver.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>

#include <atomic>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace tlsaudit::app {

class scan_session {
public:
    // In this order: loads the audit configuration (throws config_error for a bad rules
    // file, trust options or --at, before anything is opened); opens the NDJSON stream
    // (std::runtime_error when it cannot be opened or written), writes the scan-start
    // record and, on --resume, the name records of the endpoints already recorded; opens
    // the chain saver, the GeoIP databases (problems are notices on stderr) and the
    // revocation checker. `input` and `options` must outlive the session.
    scan_session(std::istream& input, const pipeline_options& options);
    ~scan_session();
    scan_session(const scan_session&) = delete;
    scan_session& operator=(const scan_session&) = delete;

    // The next target of this shard that is still to be scanned, or nullopt at the end
    // of the input. Input errors are written as they are read, so they stay in input
    // order. Not thread-safe (run_scan serialises the calls).
    std::optional<target> next_target();

    // Parses, enriches and audits one result and writes its record: at once, or, when
    // revocation is checked, when the last of its chains has its answer (from the
    // checker's thread, or at once when no chain has anything to ask). With
    // --fetch-missing, a result whose chain lacks an issuer is audited on a chase thread
    // (blocking_jobs.hpp) and goes on from there; after a stop, one not finished is dropped
    // (finish() then reports the scan interrupted). Writes the name record when this was its
    // target's last address and the addresses disagree. Thread-safe. Throws
    // std::runtime_error when the stream cannot be written (from a chase thread: from
    // finish()).
    void add_result(scan_result&& r);

    // Whether the queues behind the scan (revocation checks, chases) have room for the
    // results of another target: net::scan_config::sink_ready. Thread-safe.
    bool ready() const;

    // After run_scan: waits for the chases and the revocation answers, writes the name records of
    // targets whose endpoints did not all arrive, closes the stream and returns the
    // counts. Call once.
    scan_summary finish();

private:
    struct pending_endpoint;

    void seed_deployments();
    endpoint_result examine(scan_result&& r);
    void judge(endpoint_result&& result, bool chased = false);
    void chase(endpoint_result&& result);
    bool stopping() const;
    void check_revocation(endpoint_result&& result, const std::vector<std::shared_ptr<const chain_verdict>>& verdicts);
    void write(const endpoint_result& result);

    const pipeline_options& options_;
    std::istream& input_;
    scan_summary summary_;
    // Guards the counts that scan threads and revocation callbacks update; next_target's
    // own counts need none (run_scan serialises it).
    std::mutex summary_mutex_;
    x509::cert_cache parsed_certs_;  // each distinct certificate parsed once
    // Destinations and bytes of every certificate-chosen fetch (revocation and AIA).
    std::shared_ptr<revocation::fetch_budget> fetches_;
    audit_runtime auditor_;
    std::optional<report::ndjson_writer> ndjson_;
    std::optional<report::chain_saver> saver_;
    std::optional<geo::enricher> geo_;
    targets::reader reader_;
    std::size_t revocation_room_ = 0, chase_room_ = 0;  // the queues' max_pending
    std::atomic<std::size_t> chases_dropped_{0};        // by a stop (chase())
    std::atomic<bool> abandoned_{false};                // set by the destructor (chase())
    // Destroyed before what their callbacks and jobs use; the chases first, as they hand
    // chains on to the checker.
    std::optional<revocation::checker> revocation_;
    std::optional<blocking_jobs> chases_;
};

}  // namespace tlsaudit::app
