#pragma once
// c-ares driven by an Asio executor: many queries in flight on one thread, no hidden
// getaddrinfo thread. One resolver per io_context; not thread-safe.

#include "asio_fwd.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace tlsaudit::net::detail {

struct dns_answer {
    std::vector<std::string> addresses;  // textual, de-duplicated, in resolver order
    std::string error;                   // empty on success
};

struct resolver_options {
    std::chrono::milliseconds timeout{5000};  // whole query, all tries together
    std::string server;                       // "IP[:port]" / "[v6]:port"; empty: system config
};

class dns_resolver {
public:
    // Throws std::runtime_error when c-ares cannot be initialised and std::invalid_argument
    // when `options.server` is not an address.
    dns_resolver(asio::any_io_executor executor, const resolver_options& options);
    ~dns_resolver();
    dns_resolver(const dns_resolver&) = delete;
    dns_resolver& operator=(const dns_resolver&) = delete;

    // Every address of `host` for `family` (AF_INET, AF_INET6 or AF_UNSPEC for both).
    // Never throws for lookup failures: they come back in dns_answer::error.
    asio::awaitable<dns_answer> resolve(const std::string& host, int family);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace tlsaudit::net::detail
