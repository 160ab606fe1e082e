#pragma once
// Hostile lab endpoints for the integration tests: a long but well-formed chain, and
// the expected classification of every hostile behaviour.

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

namespace tlsaudit::testing {

// A TLS endpoint serving leaf + (count - 1) distinct intermediates under one lab root,
// each intermediate padded with a 400-byte private extension so the Certificate
// message is well over OpenSSL's default 100 KiB max_cert_list.
inline lab::server_config long_chain_config(std::size_t count, const std::string& dns_name) {
    using lab::key_kind;
    const lab::credential root =
        lab::make_self_signed(lab::ca_spec("tlsaudit long chain Root CA"), lab::lab_key(key_kind::ec_p256, 900));
    std::vector<lab::credential> cas{root};
    for (std::size_t i = 1; i < count; ++i) {
        lab::cert_spec spec = lab::ca_spec(fmt::format("tlsaudit long chain CA {}", i));
        // 1.3.6.1.4.1.32473 is the documentation enterprise number (RFC 5612).
        lab::raw_extension pad;
        pad.oid = "1.3.6.1.4.1.32473.1";
        pad.value = bytes{0x04, 0x82, 0x01, 0x90};  // OCTET STRING, 400 bytes
        pad.value.resize(pad.value.size() + 400, static_cast<unsigned char>(i));
        spec.extra_extensions.push_back(std::move(pad));
        cas.push_back(lab::issue(cas.back(), spec, lab::lab_key(key_kind::ec_p256, 900 + i)));
    }
    const lab::credential leaf =
        lab::issue(cas.back(), lab::leaf_spec(dns_name), lab::lab_key(key_kind::ec_p256, 900 + count));
    lab::server_config config;
    config.chain.push_back(leaf.der);
    for (std::size_t i = cas.size() - 1; i >= 1; --i) config.chain.push_back(cas[i].der);
    config.leaf_key = leaf.k;
    return config;
}

struct hostile_case {
    lab::behaviour b;
    const char* code;  // error_codes value the scan must give
};

// Every hostile behaviour of the lab and its classification.
inline const std::vector<hostile_case>& hostile_cases() {
    static const std::vector<hostile_case> cases{
        {lab::behaviour::silent, "timeout-handshake"}, {lab::behaviour::accept_no_read, "timeout-handshake"},
        {lab::behaviour::drip, "timeout-handshake"},   {lab::behaviour::record, "timeout-handshake"},
        {lab::behaviour::reset_after_hello, "reset"},  {lab::behaviour::reset_mid_handshake, "reset"},
        {lab::behaviour::close_after_hello, "closed"}, {lab::behaviour::http, "not-tls"},
        {lab::behaviour::garbage, "not-tls"},          {lab::behaviour::alert, "tls-alert"},
        {lab::behaviour::bad_der, "bad-certificate"},  {lab::behaviour::huge_certificate, "chain-too-large"},
    };
    return cases;
}

}  // namespace tlsaudit::testing
