#include <tlsaudit/lab/demo.hpp>

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/lab/revocation_data.hpp>

#include <openssl/ocsp.h>

#include <fmt/format.h>

#include <stdexcept>
#include <system_error>

namespace tlsaudit::lab {
namespace {

using std::chrono::days;

std::string sni_line(std::uint16_t port, const std::string& name) {
    return fmt::format("127.0.0.1:{} sni={}", port, name);
}

// A lab leaf that names a real public intermediate as its issuer, served with it.
std::vector<bytes> chain_under_real(const std::string& stem, const std::string& name, std::size_t key_index,
                                    key_kind leaf_kind = key_kind::ec_p256) {
    return {leaf_under_real(stem, name, key_index, leaf_kind).der, real_cert(stem).front()};
}

class builder {
public:
    builder(server_pool& servers, dns_server& dns, std::vector<closed_port>& closed, std::vector<demo_endpoint>& out)
        : servers_(servers), dns_(dns), closed_(closed), out_(out) {}

    // A TLS endpoint on 127.0.0.1 whose leaf key is `leaf_key`.
    void tls(std::string id, std::string description, const std::string& name, server_config config) {
        const auto chain = config.chain;
        const std::uint16_t port = servers_.start(std::move(config));
        out_.push_back({std::move(id), std::move(description), sni_line(port, name), {{"127.0.0.1", chain}}, ""});
    }

    void hierarchy_endpoint(std::string id, std::string description, const std::string& name, const hierarchy& h,
                            std::vector<bytes> chain, server_config config = {}) {
        config.chain = std::move(chain);
        config.leaf_key = h.leaf.k;
        tls(std::move(id), std::move(description), name, std::move(config));
    }

    void broken(std::string id, std::string description, behaviour b, std::string expected_error) {
        server_config config;
        config.b = b;
        const std::uint16_t port = servers_.start(std::move(config));
        std::string line = sni_line(port, id + ".demo.test");
        out_.push_back(
            {std::move(id), std::move(description), std::move(line), {{"127.0.0.1", {}}}, std::move(expected_error)});
    }

    void refused() {
        const std::uint16_t port = closed_.emplace_back().port();
        out_.push_back({"refused",
                        "nothing listens on this port",
                        sni_line(port, "refused.demo.test"),
                        {{"127.0.0.1", {}}},
                        "refused"});
    }

    // One name, three addresses: two nodes were redeployed with the 2020 intermediate,
    // one still serves the retired 2018 chain.
    void fleet() {
        const std::string name = "shop.demo.test";
        const std::vector<std::string> addresses{"127.0.0.1", "127.0.0.2", "127.0.0.3"};
        server_config old_node;
        old_node.chain = chain_under_real("globalsign-rsa-dv-ssl-ca-2018", name, 20);
        old_node.leaf_key = lab_key(key_kind::ec_p256, 20);
        server_config new_node;
        new_node.chain = chain_under_real("globalsign-gcc-r3-dv-tls-ca-2020", name, 21);
        new_node.leaf_key = lab_key(key_kind::ec_p256, 21);

        for (int attempt = 0;; ++attempt) {
            try {
                const std::uint16_t port = servers_.start(with_bind(new_node, addresses[0], 0));
                servers_.start(with_bind(new_node, addresses[1], port));
                servers_.start(with_bind(old_node, addresses[2], port));
                dns_.add(name, addresses);
                out_.push_back(
                    {"fleet",
                     "one name, three addresses; one node still serves the 2018 chain",
                     fmt::format("{}:{}", name, port),
                     {{addresses[0], new_node.chain}, {addresses[1], new_node.chain}, {addresses[2], old_node.chain}},
                     ""});
                return;
            } catch (const std::system_error&) {
                if (attempt >= 20) throw;  // the port was taken on another address: pick a new one
            }
        }
    }

private:
    static server_config with_bind(server_config c, const std::string& address, std::uint16_t port) {
        c.bind_address = address;
        c.port = port;
        return c;
    }

    server_pool& servers_;
    dns_server& dns_;
    std::vector<closed_port>& closed_;
    std::vector<demo_endpoint>& out_;
};

}  // namespace

demo_lab::demo_lab() : servers_(std::make_unique<server_pool>(1)), dns_(std::make_unique<dns_server>()) {
    builder b(*servers_, *dns_, closed_, endpoints_);
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());

    const auto rsa = make_hierarchy({.kind = key_kind::rsa_2048, .leaf_dns_names = {"rsa.demo.test"}});
    b.hierarchy_endpoint("rsa", "RSA-2048 chain, TLS 1.0-1.3", "rsa.demo.test", rsa, rsa.served_chain());
    const auto ec = make_hierarchy({.kind = key_kind::ec_p256, .leaf_dns_names = {"ecdsa.demo.test"}});
    b.hierarchy_endpoint("ecdsa", "ECDSA P-256 chain", "ecdsa.demo.test", ec, ec.served_chain());

    server_config tls12;
    tls12.max_version = TLS1_2_VERSION;
    b.hierarchy_endpoint("tls12-only", "TLS 1.2 at most", "rsa.demo.test", rsa, rsa.served_chain(), tls12);
    server_config tls13;
    tls13.min_version = TLS1_3_VERSION;
    b.hierarchy_endpoint("tls13-only", "TLS 1.3 only", "ecdsa.demo.test", ec, ec.served_chain(), tls13);

    const auto deep = make_hierarchy(
        {.kind = key_kind::ec_p256, .intermediates = 3, .leaf_dns_names = {"deep.demo.test"}, .key_index = 10});
    auto five = deep.served_chain();
    five.push_back(deep.root.der);
    b.hierarchy_endpoint("five-cert-chain", "leaf, three intermediates and the root", "deep.demo.test", deep, five);

    server_config stapled;
    // A well-formed "tryLater" response: capture does not judge what is stapled.
    stapled.stapled_ocsp = make_ocsp_error_response(OCSP_RESPONSE_STATUS_TRYLATER);
    b.hierarchy_endpoint("stapled-ocsp", "staples an OCSP response", "ecdsa.demo.test", ec, ec.served_chain(), stapled);

    auto real_endpoint = [&](std::string id, std::string description, const std::string& stem, const std::string& name,
                             std::size_t key_index) {
        server_config c;
        c.chain = chain_under_real(stem, name, key_index);
        c.leaf_key = lab_key(key_kind::ec_p256, key_index);
        b.tls(std::move(id), std::move(description), name, std::move(c));
    };
    real_endpoint("globalsign-dv-2018", "leaf under the real, retired GlobalSign RSA DV SSL CA 2018",
                  "globalsign-rsa-dv-ssl-ca-2018", "old.demo.test", 22);
    real_endpoint("globalsign-gcc-2020", "leaf under the real GlobalSign GCC R3 DV TLS CA 2020",
                  "globalsign-gcc-r3-dv-tls-ca-2020", "new.demo.test", 23);
    real_endpoint("entrust-l1k", "leaf under the real Entrust Certification Authority - L1K", "entrust-ca-l1k",
                  "entrust.demo.test", 24);

    // The half-finished migration: a new ECDSA certificate under the 2020 intermediate was
    // added, the RSA one under the retired 2018 intermediate was left configured beside it.
    // Modern clients get the first; RSA-only clients still get the 2018 chain.
    server_config dual;
    dual.chain = chain_under_real("globalsign-gcc-r3-dv-tls-ca-2020", "dual.demo.test", 27);
    dual.leaf_key = lab_key(key_kind::ec_p256, 27);
    dual.extra_chains.push_back(
        {chain_under_real("globalsign-rsa-dv-ssl-ca-2018", "dual.demo.test", 28, key_kind::rsa_2048),
         lab_key(key_kind::rsa_2048, 28)});
    b.tls("dual-cert", "ECDSA chain under the 2020 intermediate; RSA chain under the retired 2018 one",
          "dual.demo.test", dual);

    auto expired_spec = leaf_spec("expired.demo.test");
    expired_spec.not_before = now - days(400);
    expired_spec.not_after = now - days(10);
    const auto expired = issue(rsa.intermediates.back(), expired_spec, lab_key(key_kind::ec_p256, 25));
    server_config expired_config;
    expired_config.chain = {expired.der, rsa.intermediates.back().der};
    expired_config.leaf_key = expired.k;
    b.tls("expired", "leaf expired ten days ago", "expired.demo.test", expired_config);

    const auto self = make_self_signed(leaf_spec("self.demo.test"), lab_key(key_kind::ec_p256, 26));
    b.tls("self-signed", "self-signed leaf", "self.demo.test", server_config{.chain = {self.der}, .leaf_key = self.k});

    b.tls("wrong-host", "serves rsa.demo.test's certificate to www.demo.test", "www.demo.test",
          server_config{.chain = rsa.served_chain(), .leaf_key = rsa.leaf.k});

    b.hierarchy_endpoint(
        "misordered", "intermediates served in the wrong order", "deep.demo.test", deep,
        {deep.leaf.der, deep.intermediates[0].der, deep.intermediates[2].der, deep.intermediates[1].der});

    const auto weak = make_hierarchy(
        {.kind = key_kind::rsa_1024, .leaf_dns_names = {"weak.demo.test"}, .key_index = 30, .digest = "sha1"});
    b.hierarchy_endpoint("weak", "RSA-1024 keys signed with SHA-1", "weak.demo.test", weak, weak.served_chain());
    roots_ = {rsa.root.der, ec.root.der, deep.root.der, weak.root.der};

    b.fleet();
    b.refused();
    b.broken("silent", "accepts, never answers the ClientHello", behaviour::silent, "timeout-handshake");
    b.broken("http", "speaks plain HTTP", behaviour::http, "not-tls");
    b.broken("alert", "answers with a fatal handshake_failure alert", behaviour::alert, "tls-alert");
    b.broken("bad-der", "serves a certificate that is not valid DER", behaviour::bad_der, "bad-certificate");
    b.broken("huge-cert", "sends a 1 MiB certificate", behaviour::huge_certificate, "chain-too-large");
}

demo_lab::~demo_lab() = default;

std::string demo_lab::targets_text() const {
    std::string text = "# tlsaudit demo lab: every address is on 127.0.0.0/8\n";
    for (const auto& e : endpoints_) text += e.target_line + "\n";
    return text;
}

std::string demo_lab::resolver() const { return fmt::format("{}:{}", dns_->address(), dns_->port()); }

std::size_t demo_lab::expected_records() const {
    std::size_t n = 0;
    for (const auto& e : endpoints_) n += e.nodes.size();
    return n;
}

}  // namespace tlsaudit::lab
