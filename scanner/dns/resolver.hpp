#pragma once
// c-ares driven by an Asio executor: many queries in flight on one thread, no hidden
// getaddrinfo thread (whose lookups cannot be abandoned: a silent name server held every
// fetch behind it). One resolver per io_context; not thread-safe. Private to the build
// (included as "dns/resolver.hpp").

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tlsaudit::dns {

struct answer {
    std::vector<std::string> addresses;  // textual, de-duplicated, in resolver order
    std::string error;                   // empty on success
    bool expired = false;                // resolve()'s `until` came first (error: "timeout")
};

struct resolver_options {
    std::chrono::milliseconds timeout{5000};       // whole query, all tries together
    std::string server;                            // "IP[:port]" / "[v6]:port"; empty: system config
    std::string timeout_option = "--dns-timeout";  // named when a query runs out of time
};

class resolver {
public:
    // Throws std::runtime_error when c-ares cannot be initialised and std::invalid_argument
    // when `options.server` is not an address.
    resolver(boost::asio::any_io_executor executor, const resolver_options& options);
    ~resolver();
    resolver(const resolver&) = delete;
    resolver& operator=(const resolver&) = delete;

    // Every address of `host` for `family` (AF_INET, AF_INET6 or AF_UNSPEC for both), by
    // `until` at the latest when given (then answer::expired is set; the query itself
    // ends within the options' timeout). Never throws for lookup failures: they come back
    // in answer::error.
    boost::asio::awaitable<answer> resolve(const std::string& host, int family,
                                           std::optional<std::chrono::steady_clock::time_point> until = {});

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace tlsaudit::dns
