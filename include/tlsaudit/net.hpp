#pragma once
// Resolution, connection and TLS handshake (scanner/net): targets -> scan_results.
// The only public entry point is blocking; Asio stays inside the module.

#include <tlsaudit/model.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tlsaudit::net {

struct scan_config {
    std::size_t concurrency = 1000;  // handshakes in flight, all threads together
    std::size_t threads = 0;         // 0: usable_cpus()
    std::chrono::milliseconds dns_timeout{5000};
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds handshake_timeout{10000};
    std::chrono::milliseconds starttls_timeout{10000};  // the whole STARTTLS exchange (targets with starttls)
    double rate = 0;                                    // new connections per second, all threads; 0: unlimited
    std::size_t per_host_concurrency = 0;               // connections in flight to one IP address; 0: unlimited
    int retries = 1;                                    // extra connection attempts after a failed connect
    bool ipv4_only = false;
    bool ipv6_only = false;
    std::string resolver;  // "IP", "IP:port" or "[v6]:port"; empty: system resolver config
    std::vector<std::string> alpn{"h2", "http/1.1"};
    // Probe profiles, in order (docs/engines.md): "modern", "rsa", "ecdsa",
    // "tls12", "no-sni". Each is one connection; the probes after the first run only when
    // the first received a chain, and each distinct chain is kept with the probes that
    // received it (capture::probes, capture::other_chains).
    std::vector<std::string> probes{"modern", "rsa"};
    // "capture": tlsaudit's own client, which reads the server's flight and stops, and hands
    // what it cannot read to OpenSSL's; "openssl": OpenSSL's libssl for every probe.
    std::string engine = "capture";
    // Capture engine: check the TLS 1.3 CertificateVerify signature against the leaf's key.
    bool verify_handshake = false;
    // Interruption: once *stop is true no new target is taken; endpoints still in flight
    // after `stop_grace` are cancelled and not delivered to the sink (a DNS query in
    // flight is awaited up to dns_timeout). nullptr: runs to the end.
    const std::atomic<bool>* stop = nullptr;
    std::chrono::milliseconds stop_grace{2000};
    // Back-pressure from the sink (results waiting downstream, e.g. for revocation): while
    // it returns false no worker takes a new target; each waits on a timer, checking again
    // every 1 to 50 ms, so the endpoints in flight on its thread go on. A sink that blocked
    // instead would hold up every handshake of the thread calling it (their timings grow,
    // their deadlines pass). Called from the scan threads, concurrently; the last call before a
    // target is taken holds the source's lock, so one "ready" lets in one target. Empty:
    // always ready.
    std::function<bool()> sink_ready;
};

// Hands out the next target, or nullopt when there are none left. Called from scan
// threads, never concurrently (run_scan serialises calls).
using target_source = std::function<std::optional<target>()>;

// Receives each result as soon as it is known: one per resolved address, or one with an
// empty address when resolution failed. Called concurrently from several scan threads.
// The results of one target are delivered by one worker, one after another; each
// carries endpoint::addresses, the number of results its target yields.
using result_sink = std::function<void(scan_result&&)>;

// Scans until `next` is exhausted and every result was delivered.
// Throws std::invalid_argument for a bad config (e.g. unparsable resolver) and
// std::runtime_error when the environment fails (c-ares or OpenSSL initialisation);
// per-target failures are never thrown, they are results. What `next` or `sink` throws
// ends the scan: no further target is taken (after `sink` threw, no further result is
// delivered either), and run_scan rethrows the first such exception once every thread
// has stopped.
void run_scan(const scan_config& config, const target_source& next, const result_sink& sink);

// The CPUs this process may use: those of its affinity mask (taskset, cpusets), capped by
// its cgroup's CPU quota rounded up (cgroup v2 cpu.max or v1 cpu.cfs_quota_us, as
// `docker --cpus` and CI runners set it); at least 1. The default number of scan threads.
std::size_t usable_cpus();

// The scan threads run_scan starts for `config`: config.threads, or usable_cpus() when it is
// 0, and never more than config.concurrency (a thread without a worker would idle).
std::size_t scan_threads(const scan_config& config);

// Every probe name, in the order probes run.
const std::vector<std::string>& probe_names();

// Parses a --probes list ("modern,rsa", "all"): the probes named, once each, in the order
// of probe_names() whatever the order given. Throws std::invalid_argument naming an
// unknown probe, or for an empty name ("modern,,rsa", "").
std::vector<std::string> parse_probe_list(const std::string& list);

// Validates a resolver address ("IP", "IP:port", "[v6]:port"); returns an error message or "".
std::string check_resolver_address(const std::string& resolver);

}  // namespace tlsaudit::net
