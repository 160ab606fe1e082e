#pragma once
// A minimal authoritative DNS responder over UDP on loopback, for resolver tests and
// the demo: answers A/AAAA from names added at run time (see dns_message.hpp for the
// exact answers). It runs its own io_context on one thread. No TCP: keep record sets
// small enough for 512 bytes.

#include <tlsaudit/lab/dns_message.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::lab {

class dns_server {
public:
    // Binds UDP <bind_address>:0 and starts serving before returning (readiness by the
    // bound port). Throws std::invalid_argument for a non-loopback address,
    // std::system_error when the bind fails.
    explicit dns_server(const std::string& bind_address = "127.0.0.1");
    ~dns_server();  // stop()
    dns_server(const dns_server&) = delete;
    dns_server& operator=(const dns_server&) = delete;

    // Names are case-insensitive; add() appends to what the name already has and is
    // safe while serving. Throws std::invalid_argument for a bad address.
    void add(std::string_view name, const std::vector<std::string>& addresses);
    // Makes `name` answer SERVFAIL / REFUSED, or not at all (drop).
    void add_failure(std::string_view name, dns_failure failure);
    void clear();

    std::uint16_t port() const noexcept;
    std::string address() const;  // the bound address, e.g. "127.0.0.1"

    // Datagrams received (well-formed or not), and well-formed queries for one name.
    std::uint64_t query_count() const noexcept;
    std::uint64_t query_count(std::string_view name) const;

    // Closes the socket and joins the thread; idempotent.
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace tlsaudit::lab
