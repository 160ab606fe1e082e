// run_scan: a thread per usable CPU (cpu_limit.hpp), each with its own io_context and c-ares
// channel, running a fixed number of worker coroutines that pull the next target from the
// shared source.

#include "dns/resolver.hpp"
#include "host_slots.hpp"
#include "ip/address.hpp"
#include "stop_watch.hpp"
#include "tls_client.hpp"

#include <tlsaudit/net.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <variant>

namespace tlsaudit::net {
namespace {

using clock = std::chrono::steady_clock;

time_point utc_now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

// The first exception recorded of several threads', rethrown once they are all done.
class first_error {
public:
    void record(std::exception_ptr e) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = std::move(e);
        recorded_.store(true);
    }
    bool recorded() const { return recorded_.load(); }
    void rethrow() const {
        if (error_) std::rethrow_exception(error_);
    }

private:
    std::mutex mutex_;
    std::exception_ptr error_;
    std::atomic<bool> recorded_{false};
};

// One address of a name, for any worker to scan: the addresses of a name go out to the idle
// workers, within --concurrency, not one after another in the worker that resolved it (a name
// of 200 silent addresses held one worker for 200 handshake timeouts).
struct address_job {
    std::shared_ptr<const target> tgt;
    std::string address;
    std::size_t count = 0;  // the name's addresses
    std::optional<double> dns_ms;
};

using work = std::variant<target, address_job>;

struct shared_state {
    const scan_config& config;
    const target_source& next;
    const result_sink& sink;
    detail::client_set clients;
    detail::rate_limiter limiter;
    detail::endpoint_limits limits;
    detail::host_slots hosts;  // --per-host-concurrency
    std::mutex next_mutex;     // serialises the source: taken once per target, not per handshake
    detail::stop_state stop;
    // The first exception of the source (a target list that cannot be read) or the sink
    // (records that cannot be written): no target is taken after it, and run_scan rethrows
    // it once the threads are done. Neither may escape a worker: raced against the cut
    // (worker()), a failed worker would wait for a cut that never comes. After a source
    // failure the endpoints in flight are still delivered; after a sink failure, not.
    first_error failure;
    std::atomic<bool> sink_failed{false};
    // Under next_mutex: the addresses names left for any worker, taken before the next
    // target; the targets taken and not yet resolved, whose addresses may still come; whether
    // the source has ended.
    std::deque<address_job> shared_addresses;
    std::size_t resolving = 0;
    bool source_ended = false;

    // The next work (an address another worker's name left, else the next target), or
    // nullopt: then `done` says whether the scan takes no more; if not, the sink has no room
    // yet, or the list has ended while a name is being resolved (its addresses may come).
    // The sink is asked under the lock that takes the work, so that two threads never both
    // take on one "ready".
    std::optional<work> take(bool& done) {
        std::lock_guard lock(next_mutex);
        done = stop.stopping() || failure.recorded();
        if (done || (config.sink_ready && !config.sink_ready())) return std::nullopt;
        if (!shared_addresses.empty()) {
            work job = std::move(shared_addresses.front());
            shared_addresses.pop_front();
            return job;
        }
        try {
            auto t = source_ended ? std::nullopt : next();
            if (!t) {
                source_ended = true;
                done = resolving == 0;
                return std::nullopt;
            }
            ++resolving;
            return work(std::move(*t));
        } catch (...) {
            failure.record(std::current_exception());
            done = true;
            return std::nullopt;
        }
    }

    // A target taken is resolved: `jobs` are its addresses for any worker (none when it has
    // one, or failed to resolve).
    void resolved(std::vector<address_job>&& jobs) {
        std::lock_guard lock(next_mutex);
        --resolving;
        for (auto& job : jobs) shared_addresses.push_back(std::move(job));
    }

    // After the grace of an interrupted scan (stop_watch.hpp), or once the sink failed,
    // nothing more is delivered.
    void deliver(const target& t, std::string address, std::size_t addresses, capture&& cap) {
        if (stop.cut.load() || sink_failed.load()) return;
        try {
            sink(scan_result{endpoint{t, std::move(address), addresses}, std::move(cap)});
        } catch (...) {
            sink_failed.store(true);
            failure.record(std::current_exception());
        }
    }
};

int address_family(const scan_config& config) {
    if (config.ipv4_only) return AF_INET;
    if (config.ipv6_only) return AF_INET6;
    return AF_UNSPEC;
}

bool family_allowed(const scan_config& config, const std::string& address) {
    boost::system::error_code ec;
    auto parsed = asio::ip::make_address(address, ec);
    if (ec) return false;
    return !(config.ipv4_only && parsed.is_v6()) && !(config.ipv6_only && parsed.is_v4());
}

// 0.0.0.0 or :: in an answer (a DNS sinkhole's, a blocking hosts entry's) names no host: a
// connection to it reaches this machine, whose certificate would be recorded for the name.
// (The target parser refuses them as literals.)
bool unspecified_address(const std::string& address) {
    boost::system::error_code ec;
    const auto parsed = asio::ip::make_address(address, ec);
    return !ec && parsed.is_unspecified();
}

capture unspecified_answer(const std::string& address) {
    capture cap;
    cap.scanned_at = utc_now();
    cap.error = scan_error{"dns", error_codes::excluded,
                           "the name resolved to the unspecified address " + address +
                               ", which names no host (a DNS sinkhole or blocking entry?): not scanned, as a "
                               "connection to it reaches this machine"};
    return cap;
}

// One address of target `t`: its endpoint record, whatever happens.
asio::awaitable<void> scan_address(shared_state& s, address_job job, const target& t) {
    if (unspecified_address(job.address)) {
        capture cap = unspecified_answer(job.address);
        cap.timings.dns_ms = job.dns_ms;
        s.deliver(t, std::move(job.address), job.count, std::move(cap));
        co_return;
    }
    const time_point endpoint_started_at = utc_now();
    capture cap;
    try {
        const auto slot = co_await s.hosts.acquire(job.address);
        cap = co_await detail::scan_endpoint(s.clients, job.address, t, s.limits, s.limiter);
    } catch (const std::exception& e) {
        // Ends this address only: the target's other addresses are still scanned, so every
        // one of its address_count endpoints is delivered.
        cap = capture{};
        cap.error = scan_error{"scan", error_codes::internal, e.what()};
    }
    if (cap.scanned_at == time_point{}) cap.scanned_at = endpoint_started_at;  // scan_endpoint threw
    cap.timings.dns_ms = job.dns_ms;
    s.deliver(t, std::move(job.address), job.count, std::move(cap));
}

// Tells the shared state once that a target is resolved, on every path out of scan_target.
class resolution_guard {
public:
    explicit resolution_guard(shared_state& s) : s_(s) {}
    ~resolution_guard() { done({}); }
    resolution_guard(const resolution_guard&) = delete;
    resolution_guard& operator=(const resolution_guard&) = delete;
    void done(std::vector<address_job>&& jobs) {
        if (std::exchange(told_, true)) return;
        s_.resolved(std::move(jobs));
    }

private:
    shared_state& s_;
    bool told_ = false;
};

asio::awaitable<void> scan_target(shared_state& s, dns::resolver& resolver, const target& t) {
    resolution_guard resolution(s);
    std::vector<std::string> addresses;
    std::optional<double> dns_ms;
    const time_point started_at = utc_now();
    if (t.host_is_ip) {
        if (!family_allowed(s.config, t.host)) {
            capture cap;
            cap.scanned_at = started_at;
            cap.error = scan_error{"dns", error_codes::excluded, "address family excluded by --ipv4-only/--ipv6-only"};
            s.deliver(t, t.host, 1, std::move(cap));
            co_return;
        }
        addresses.push_back(t.host);
    } else {
        const auto started = clock::now();
        auto answer = co_await resolver.resolve(t.host, address_family(s.config));
        dns_ms = std::chrono::duration<double, std::milli>(clock::now() - started).count();
        if (!answer.error.empty()) {
            capture cap;
            cap.scanned_at = started_at;
            cap.timings.dns_ms = dns_ms;
            cap.error = scan_error{"dns", error_codes::dns, answer.error};
            s.deliver(t, "", 1, std::move(cap));
            co_return;
        }
        addresses = std::move(answer.addresses);
    }
    // The first address here; the others for whichever workers are free (this one too, once
    // done with its own).
    std::vector<address_job> jobs;
    if (addresses.size() > 1) {
        const auto shared = std::make_shared<const target>(t);
        for (std::size_t i = 1; i < addresses.size(); ++i)
            jobs.push_back({shared, std::move(addresses[i]), addresses.size(), dns_ms});
    }
    resolution.done(std::move(jobs));
    // A named job, not a temporary in the co_await: g++ 12 destroyed such a temporary twice
    // ("free(): invalid pointer").
    address_job first{nullptr, std::move(addresses.front()), addresses.size(), dns_ms};
    co_await scan_address(s, std::move(first), t);
}

// A pause that grows from 1 to 50 ms over the waits in a row (`waiting`, 0 before the first).
asio::awaitable<void> pause(std::chrono::milliseconds& waiting) {
    waiting = std::clamp(waiting * 2, std::chrono::milliseconds(1), std::chrono::milliseconds(50));
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(waiting);
    co_await timer.async_wait(asio::use_awaitable);
}

// Until the sink is ready for another target (scan_config::sink_ready), the scan stops or
// fails: a timer, polled with a growing pause, so that the thread goes on with the rest.
asio::awaitable<void> wait_for_sink(shared_state& s) {
    const auto& ready = s.config.sink_ready;
    auto waiting = std::chrono::milliseconds(0);
    while (ready && !ready() && !s.stop.stopping() && !s.failure.recorded()) co_await pause(waiting);
}

asio::awaitable<void> scan_targets(shared_state& s, dns::resolver& resolver) {
    auto waiting = std::chrono::milliseconds(0);
    for (;;) {
        co_await wait_for_sink(s);
        bool done = false;
        auto w = s.take(done);
        if (done) break;
        if (!w) {
            // The sink has no room (another thread took it first), or a name being resolved
            // may still share its addresses: wait a little, not in a loop of takes.
            co_await pause(waiting);
            continue;
        }
        waiting = std::chrono::milliseconds(0);
        if (auto* job = std::get_if<address_job>(&*w)) {
            const auto tgt = job->tgt;
            co_await scan_address(s, std::move(*job), *tgt);
            continue;
        }
        const target& t = std::get<target>(*w);
        try {
            co_await scan_target(s, resolver, t);
        } catch (const std::exception& e) {
            // A bug or resource exhaustion before any address was scanned ends this target
            // only; the scan goes on. (The cut's cancellation lands here too; deliver drops it.)
            capture cap;
            cap.scanned_at = utc_now();
            cap.error = scan_error{"scan", error_codes::internal, e.what()};
            s.deliver(t, "", 1, std::move(cap));
        }
    }
}

// The worker races its whole run, not each target, against the cut: a wait on the
// thread's one `cut` timer per target cost a walk of all the timer's waiters at every
// cancellation, O(workers) per target.
asio::awaitable<void> worker(shared_state& s, dns::resolver& resolver, detail::stop_watch* watch) {
    using namespace asio::experimental::awaitable_operators;
    if (watch) {
        co_await (scan_targets(s, resolver) || watch->cut().async_wait(asio::as_tuple(asio::use_awaitable)));
        watch->worker_done();
    } else {
        co_await scan_targets(s, resolver);
    }
}

void run_thread(shared_state& s, std::size_t workers) {
    asio::io_context io(1);
    dns::resolver resolver(io.get_executor(), dns::resolver_options{s.config.dns_timeout, s.config.resolver});
    std::optional<detail::stop_watch> watch;
    auto rethrow = [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    };
    if (s.stop.stop) {
        watch.emplace(io.get_executor(), s.stop, workers);
        asio::co_spawn(io, watch->run(), rethrow);
    }
    for (std::size_t i = 0; i < workers; ++i)
        asio::co_spawn(io, worker(s, resolver, watch ? &*watch : nullptr), rethrow);
    io.run();
}

}  // namespace

std::string check_resolver_address(const std::string& resolver) {
    if (resolver.empty()) return {};
    std::string host = resolver;
    std::optional<std::string> port;  // after a ':'
    const bool bracketed = host.front() == '[';
    if (bracketed) {
        auto close = host.find(']');
        if (close == std::string::npos) return "missing ']' in resolver address";
        if (close + 1 >= host.size()) return "a bracketed address takes a port: [addr]:53, or the address alone";
        if (host[close + 1] != ':') return "expected ':port' after ']'";
        port = host.substr(close + 2);
        host = host.substr(1, close - 1);
    } else if (std::count(host.begin(), host.end(), ':') == 1) {
        port = host.substr(host.find(':') + 1);
        host = host.substr(0, host.find(':'));
    }
    if (port && port->empty()) return "missing port after ':'";
    // c-ares refuses a zone (fe80::1%eth0) once the scan has begun: say so before.
    if (host.find('%') != std::string::npos) return "IPv6 zone identifiers are not supported: '" + host + "'";
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) return "'" + host + "' is not an IP address";
    if (bracketed && !address.is_v6()) return "only an IPv6 address goes in brackets: " + host + ":port";
    // "::1:5353" is the IPv4-compatible address ::0.1.20.249 (deprecated, never routed), asked
    // on port 53: almost certainly port 5353 of ::1, as in a target list.
    if (!bracketed && address.is_v6()) {
        const auto parsed = ip::parse_ipv6(host);
        if (parsed && ip::classify(*parsed) == "ipv4-compatible") {
            const auto last = host.rfind(':');
            std::string message =
                "'" + host + "' is the IPv4-compatible address " + address.to_string() + " (never routed)";
            boost::system::error_code prefix_ec;
            static_cast<void>(asio::ip::make_address(host.substr(0, last), prefix_ec));
            if (!prefix_ec) message += "; for a port write [" + host.substr(0, last) + "]:" + host.substr(last + 1);
            return message;
        }
    }
    if (port) {
        if (port->size() > 5 || !std::all_of(port->begin(), port->end(), ::isdigit)) return "bad port '" + *port + "'";
        const int value = std::stoi(*port);
        if (value < 1 || value > 65535) return "port out of range: " + *port;
    }
    return {};
}

std::size_t scan_threads(const scan_config& config) {
    return std::min(config.threads != 0 ? config.threads : usable_cpus(), config.concurrency);
}

void run_scan(const scan_config& config, const target_source& next, const result_sink& sink) {
    if (auto problem = check_resolver_address(config.resolver); !problem.empty())
        throw std::invalid_argument("--resolver: " + problem);
    if (config.concurrency == 0) throw std::invalid_argument("concurrency must be at least 1");
    if (config.engine != "capture" && config.engine != "openssl")
        throw std::invalid_argument("unknown TLS engine '" + config.engine + "' (capture, openssl)");
    shared_state s{config,
                   next,
                   sink,
                   detail::client_set{detail::make_client_context(config.alpn),
                                      detail::make_probe_clients(config.probes, config.alpn),
                                      config.engine == "capture", config.verify_handshake},
                   detail::rate_limiter(config.rate),
                   detail::endpoint_limits{config.connect_timeout, config.handshake_timeout, config.retries,
                                           config.starttls_timeout},
                   detail::host_slots(config.per_host_concurrency),
                   {},
                   {},
                   {},
                   {},
                   {}};
    s.stop.stop = config.stop;
    s.stop.grace = config.stop_grace;
    const std::size_t threads = scan_threads(config);

    std::vector<std::thread> pool;
    first_error thread_failure;  // a thread that could not run (c-ares, OpenSSL set-up)
    for (std::size_t i = 0; i < threads; ++i) {
        const std::size_t workers = config.concurrency / threads + (i < config.concurrency % threads ? 1 : 0);
        pool.emplace_back([&, workers] {
            try {
                run_thread(s, workers);
            } catch (...) {
                thread_failure.record(std::current_exception());
            }
        });
    }
    for (auto& t : pool) t.join();
    thread_failure.rethrow();
    s.failure.rethrow();
}

}  // namespace tlsaudit::net
