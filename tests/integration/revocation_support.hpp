#pragma once
// Helpers for the revocation integration tests: a lab CA with a real loopback OCSP
// responder and CRL HTTP server, leaves pointing at them, and a bounded synchronous
// wrapper around revocation::checker.

#include <tlsaudit/lab/http_server.hpp>
#include <tlsaudit/lab/ocsp_responder.hpp>
#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/revocation_data.hpp>
#include <tlsaudit/revocation.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <vector>

namespace tlsaudit::testing {

struct revocation_lab {
    lab::hierarchy h =
        lab::make_hierarchy({.kind = lab::key_kind::ec_p256, .leaf_dns_names = {"ca.lab.test"}, .key_index = 70});
    const lab::credential& ca() const { return h.intermediates.back(); }
    lab::ocsp_responder responder{ca()};
    lab::http_server crl_server;
    std::string crl_path = "/ca.crl";

    // A leaf under ca() pointing at the responder and/or the CRL server.
    lab::credential leaf(bool with_ocsp, bool with_crl, bytes serial = {}, std::string name = "leaf.lab.test") const {
        lab::cert_spec spec = lab::leaf_spec(std::move(name));
        spec.serial = std::move(serial);
        if (with_ocsp) spec.ocsp_url = responder.url();
        if (with_crl) spec.crl_url = crl_server.url(crl_path);
        return lab::issue(ca(), spec, lab::lab_key(lab::key_kind::ec_p256, 79));
    }

    revocation::request request_for(const lab::credential& leaf, bytes stapled = {}) const {
        return revocation::request{{leaf.der, ca().der}, std::move(stapled), {}, {}};
    }

    // The responder and the CRL server listen on loopback at ephemeral ports, which the
    // default fetch policy refuses (as it should for a certificate's URLs): the tests
    // allow exactly these two destinations, as a user would with --fetch-allow.
    std::vector<std::string> fetch_allow() const { return {host_port(responder.url()), host_port(crl_server.url())}; }

    // The same on a tlsaudit command line.
    std::string fetch_allow_args() const {
        std::string args;
        for (const auto& entry : fetch_allow()) args += " --fetch-allow " + entry;
        return args;
    }

    // "127.0.0.1:<port>" of an http://127.0.0.1:<port>/... URL.
    static std::string host_port(const std::string& url) {
        const auto start = url.find("://") + 3;
        return url.substr(start, url.find('/', start) - start);
    }

    // Serves a CRL listing `revoked` (serial -> entry) at crl_path.
    void publish_crl(lab::crl_options options) {
        lab::http_reply reply;
        reply.content_type = "application/pkix-crl";
        reply.body = lab::make_crl(ca(), options);
        crl_server.route(crl_path, std::move(reply));
    }
};

inline lab::crl_options crl_listing(const bytes& serial, int reason = 1) {
    lab::crl_options options;
    options.revoked.push_back({serial, lab::revocation_entry{lab::cert_state::revoked, reason, {}}});
    return options;
}

// check() and wait for the callback, at most `limit`.
inline revocation::chain_status check_now(revocation::checker& c, revocation::request req,
                                          std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::promise<revocation::chain_status> promise;
    auto future = promise.get_future();
    c.check(std::move(req), [&promise](revocation::chain_status s) { promise.set_value(std::move(s)); });
    if (future.wait_for(limit) != std::future_status::ready) throw std::runtime_error("revocation check hung");
    return future.get();
}

// Tests that are not about timeouts get a deadline no loaded CI machine reaches: under
// ASan with both cores busy, 2 s was once too short for the one CRL download.
// Fetches may reach `lab`'s two servers only.
inline revocation::options quick_options(const revocation_lab& lab) {
    revocation::options o;
    o.request_timeout = std::chrono::seconds(15);
    o.fetch.allow = lab.fetch_allow();
    return o;
}

}  // namespace tlsaudit::testing
