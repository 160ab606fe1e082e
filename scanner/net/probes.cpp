#include "probes.hpp"

#include <tlsaudit/net.hpp>

#include <algorithm>
#include <stdexcept>

namespace tlsaudit::net {

const std::vector<std::string>& probe_names() {
    static const std::vector<std::string> names{"modern", "rsa", "ecdsa", "tls12", "no-sni"};
    return names;
}

std::vector<std::string> parse_probe_list(const std::string& list) {
    std::vector<bool> named(probe_names().size(), false);
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        const std::string name = list.substr(start, comma - start);
        start = comma + 1;
        if (name.empty()) throw std::invalid_argument("an empty probe name in '" + list + "'");
        if (name == "all") {
            named.assign(named.size(), true);
            continue;
        }
        const auto at = std::find(probe_names().begin(), probe_names().end(), name);
        if (at == probe_names().end() || !capture_engine::parse_probe(name))
            throw std::invalid_argument("unknown probe '" + name + "' (modern, rsa, ecdsa, tls12, no-sni, all)");
        named[static_cast<std::size_t>(at - probe_names().begin())] = true;
    }
    // In the fixed order, whatever the order given: the first probe decides whether the
    // others run, and `rsa,modern` would leave a TLS 1.3-only server unscanned.
    std::vector<std::string> probes;
    for (std::size_t i = 0; i < named.size(); ++i)
        if (named[i]) probes.push_back(probe_names()[i]);
    return probes;
}

}  // namespace tlsaudit::net

namespace tlsaudit::net::detail {

std::vector<probe_client> make_probe_clients(const std::vector<std::string>& names,
                                             const std::vector<std::string>& alpn) {
    std::vector<probe_client> clients;
    for (const auto& name : names) {
        const auto kind = capture_engine::parse_probe(name);
        if (!kind) throw std::invalid_argument("unknown probe '" + name + "'");
        clients.push_back(probe_client{*kind, name, capture_engine::hello_template::make(*kind, alpn),
                                       capture_engine::hello_template::make(*kind, {})});
    }
    return clients;
}

bool apply_probe(SSL* ssl, capture_engine::probe kind) {
    // RSA certificates are chosen by RSA signature algorithms (TLS 1.3 and 1.2) and by
    // RSA-authenticated suites, ECDHE_RSA and plain RSA key exchange both (a server whose
    // only RSA suites are ECDHE_RSA must still be reached).
    // The capture engine's lists (scanner/capture/probes.cpp): "RSA-PSS" alone means the
    // rsae schemes, so the schemes of RSA-PSS keys are named.
    static constexpr const char* rsa_sigalgs =
        "RSA-PSS+SHA256:RSA-PSS+SHA384:RSA-PSS+SHA512:rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512:"
        "RSA+SHA256:RSA+SHA384:RSA+SHA512:RSA+SHA224:RSA+SHA1";
    static constexpr const char* ecdsa_sigalgs = "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ECDSA+SHA224:ECDSA+SHA1";
    switch (kind) {
    case capture_engine::probe::modern:
    case capture_engine::probe::no_sni: return true;
    case capture_engine::probe::tls12: return SSL_set_max_proto_version(ssl, TLS1_2_VERSION) == 1;
    case capture_engine::probe::rsa:
        return SSL_set_max_proto_version(ssl, TLS1_2_VERSION) == 1 && SSL_set1_sigalgs_list(ssl, rsa_sigalgs) == 1 &&
               SSL_set_cipher_list(ssl, "aRSA:@SECLEVEL=0") == 1;
    case capture_engine::probe::ecdsa:
        return SSL_set_max_proto_version(ssl, TLS1_2_VERSION) == 1 && SSL_set1_sigalgs_list(ssl, ecdsa_sigalgs) == 1 &&
               SSL_set_cipher_list(ssl, "aECDSA:@SECLEVEL=0") == 1;
    }
    return false;
}

}  // namespace tlsaudit::net::detail
