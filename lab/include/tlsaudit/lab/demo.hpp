#pragma once
// The built-in demo lab: about twenty loopback endpoints covering the cases tlsaudit is
// for (the real retired GlobalSign RSA DV SSL CA 2018 intermediate, its 2020 replacement,
// a real Entrust intermediate, expired, self-signed, misordered, weak, a load-balanced
// name whose nodes serve different chains, and broken servers). Behind `tlsaudit demo`,
// the end-to-end tests and the benchmarks. Needs no file and no network: everything is
// generated at start or compiled in, and every server listens on 127.0.0.0/8.

#include <tlsaudit/lab/dns_server.hpp>
#include <tlsaudit/lab/tls_server.hpp>
#include <tlsaudit/model.hpp>

#include <memory>
#include <string>
#include <vector>

namespace tlsaudit::lab {

// What one address of a demo endpoint serves.
struct demo_node {
    std::string address;
    std::vector<bytes> chain;  // the exact served chain; empty when the server fails
};

struct demo_endpoint {
    std::string id;           // short stable name, e.g. "globalsign-dv-2018"
    std::string description;  // one line for people
    std::string target_line;  // the line of the target list that scans it
    std::vector<demo_node> nodes;
    std::string expected_error;  // error code the scan should report ("" for none)
};

class demo_lab {
public:
    // Starts every server and the DNS responder; throws what server_pool::start throws.
    demo_lab();
    ~demo_lab();
    demo_lab(const demo_lab&) = delete;
    demo_lab& operator=(const demo_lab&) = delete;

    const std::vector<demo_endpoint>& endpoints() const { return endpoints_; }
    // DER of the self-signed lab roots behind the generated chains (in no system store):
    // trusting them audits the demo the way a real deployment's chains would be.
    const std::vector<bytes>& root_certs() const { return roots_; }
    // One target line per endpoint, newline-terminated.
    std::string targets_text() const;
    // "127.0.0.1:<port>" of the lab's DNS responder (names under demo.test).
    std::string resolver() const;
    // Number of scan records a full scan yields (one per node).
    std::size_t expected_records() const;

private:
    std::unique_ptr<server_pool> servers_;
    std::unique_ptr<dns_server> dns_;
    std::vector<closed_port> closed_;  // held for the lab's life: they refuse connections
    std::vector<demo_endpoint> endpoints_;
    std::vector<bytes> roots_;
};

}  // namespace tlsaudit::lab
