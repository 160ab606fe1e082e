// Writes the fixed inputs of the fuzz targets under the directory given (tests/fuzz):
//   fixtures/revocation/issuer.der, leaf.der, now.txt  the CA the OCSP/CRL targets judge for
//   corpus/ocsp/*.der   OCSP responses from the lab: good, revoked, unknown, delegated
//                       responder, byKey, without nextUpdate, stale, impostor, error statuses
//   corpus/crl/*        CRLs from the lab: listing the leaf (with reasons), empty, PEM,
//                       many entries, stale, without nextUpdate, wrong key
//   corpus/chain/*.der  served chains as concatenated DER: the real certificates of
//                       tests/data/real/ in their verified orders, and lab hierarchies
// Every run makes a new CA and keys, so the committed files are one consistent set:
// re-run the whole generator rather than a part of it. Usage:
//   cmake --build --preset dev --target tlsaudit_fuzz_seeds
//   build/dev/tests/fuzz/tlsaudit_fuzz_seeds tests/fuzz

#include <tlsaudit/lab/key.hpp>
#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/lab/revocation_data.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace tlsaudit;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

void write(const fs::path& p, const bytes& data) {
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!out) throw std::runtime_error("cannot write " + p.string());
}

bytes concat(const std::vector<bytes>& parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

bytes real(std::initializer_list<const char*> stems) {
    std::vector<bytes> parts;
    for (const char* s : stems)
        for (auto& der : lab::real_cert(s)) parts.push_back(std::move(der));
    return concat(parts);
}

void write_revocation(const fs::path& dir, time_point now) {
    const auto h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"revocation.test"});
    const lab::credential& ca = h.intermediates.back();
    write(dir / "fixtures/revocation/issuer.der", ca.der);
    write(dir / "fixtures/revocation/leaf.der", h.leaf.der);
    const std::string stamp = std::to_string(now.time_since_epoch().count());
    write(dir / "fixtures/revocation/now.txt", bytes(stamp.begin(), stamp.end()));

    const fs::path ocsp = dir / "corpus/ocsp";
    lab::ocsp_response_options base;
    base.this_update = now - 1h;
    base.next_update = now + 24h;
    const lab::revocation_entry good{};
    const lab::revocation_entry revoked{lab::cert_state::revoked, 1, now - 24h};
    const lab::revocation_entry revoked_no_reason{lab::cert_state::revoked, -1, now - 48h};
    const lab::revocation_entry unknown{lab::cert_state::unknown, -1, {}};
    write(ocsp / "good.der", lab::make_ocsp_response_for(ca, h.leaf.der, good, base));
    write(ocsp / "revoked-key-compromise.der", lab::make_ocsp_response_for(ca, h.leaf.der, revoked, base));
    write(ocsp / "revoked-no-reason.der", lab::make_ocsp_response_for(ca, h.leaf.der, revoked_no_reason, base));
    write(ocsp / "unknown.der", lab::make_ocsp_response_for(ca, h.leaf.der, unknown, base));
    write(ocsp / "other-serial.der", lab::make_ocsp_response(ca, bytes{0x01, 0x02, 0x03}, good, base));
    auto by_key = base;
    by_key.responder_id_by_key = true;
    write(ocsp / "responder-by-key.der", lab::make_ocsp_response_for(ca, h.leaf.der, good, by_key));
    auto no_next = base;
    no_next.omit_next_update = true;
    write(ocsp / "no-next-update.der", lab::make_ocsp_response_for(ca, h.leaf.der, good, no_next));
    auto stale = base;
    stale.this_update = now - 72h;
    stale.next_update = now - 48h;
    write(ocsp / "stale.der", lab::make_ocsp_response_for(ca, h.leaf.der, good, stale));
    auto delegated = base;
    delegated.signer =
        lab::issue(ca, lab::delegated_responder_spec("fuzz OCSP responder"), lab::lab_key(lab::key_kind::ec_p256, 91));
    delegated.include_signer_cert = true;
    write(ocsp / "delegated-responder.der", lab::make_ocsp_response_for(ca, h.leaf.der, good, delegated));
    auto impostor = base;
    impostor.signer = lab::make_impostor(ca, lab::lab_key(lab::key_kind::ec_p256, 90));
    impostor.include_signer_cert = true;
    write(ocsp / "impostor.der", lab::make_ocsp_response_for(ca, h.leaf.der, revoked, impostor));
    for (const int status : {1, 2, 3, 5, 6})
        write(ocsp / ("status-" + std::to_string(status) + ".der"), lab::make_ocsp_error_response(status));

    const fs::path crl = dir / "corpus/crl";
    const bytes serial = lab::serial_of(h.leaf.der);
    lab::crl_options c;
    c.this_update = now - 1h;
    c.next_update = now + 7 * 24h;
    write(crl / "empty.der", lab::make_crl(ca, c));
    auto listed = c;
    listed.revoked.push_back({serial, revoked});
    listed.revoked.push_back({bytes{0x42}, revoked_no_reason});
    write(crl / "leaf-revoked.der", lab::make_crl(ca, listed));
    auto remove = c;
    remove.revoked.push_back({serial, lab::revocation_entry{lab::cert_state::revoked, 8, now - 24h}});
    write(crl / "remove-from-crl.der", lab::make_crl(ca, remove));
    auto pem = listed;
    pem.pem = true;
    write(crl / "leaf-revoked.pem", lab::make_crl(ca, pem));
    auto many = listed;
    many.filler_entries = 40;
    write(crl / "many-entries.der", lab::make_crl(ca, many));
    auto crl_stale = listed;
    crl_stale.this_update = now - 30 * 24h;
    crl_stale.next_update = now - 20 * 24h;
    write(crl / "stale.der", lab::make_crl(ca, crl_stale));
    auto crl_no_next = listed;
    crl_no_next.omit_next_update = true;
    write(crl / "no-next-update.der", lab::make_crl(ca, crl_no_next));
    auto wrong_key = listed;
    wrong_key.signing_key = lab::lab_key(lab::key_kind::ec_p256, 90);
    write(crl / "wrong-key.der", lab::make_crl(ca, wrong_key));
}

void write_chains(const fs::path& dir) {
    const fs::path chain = dir / "corpus/chain";
    write(chain / "globalsign-dv-2018-served.der",
          real({"leaf-analysys-cn-globalsign-rsa-dv-2018-expired", "globalsign-rsa-dv-ssl-ca-2018"}));
    write(chain / "globalsign-dv-2018-with-root.der", real({"leaf-analysys-cn-globalsign-rsa-dv-2018-expired",
                                                            "globalsign-rsa-dv-ssl-ca-2018", "globalsign-root-ca-r3"}));
    write(chain / "globalsign-misordered.der",
          real({"globalsign-rsa-dv-ssl-ca-2018", "leaf-analysys-cn-globalsign-rsa-dv-2018-expired",
                "globalsign-gcc-r3-dv-tls-ca-2020"}));
    write(chain / "entrust-l1k.der", real({"entrust-ca-l1k", "entrust-root-ca-g2"}));
    write(chain / "entrust-l1k-xsigned.der",
          real({"entrust-ca-l1k-xsigned-by-entrust-net-2048", "entrust-net-ca-2048"}));
    write(chain / "entrust-l1m-xsigned-expired.der",
          real({"entrust-ca-l1m-xsigned-by-entrust-root-2006-expired", "entrust-root-ca-2006"}));
    write(chain / "entrust-g2-xsigned.der", real({"entrust-root-ca-g2-xsigned-by-entrust-root-2006"}));
    write(chain / "entrust-ec1.der", real({"entrust-root-ca-ec1"}));
    write(chain / "entrust-g4.der", real({"entrust-root-ca-g4"}));
    for (const auto kind : {lab::key_kind::ec_p256, lab::key_kind::rsa_2048}) {
        lab::hierarchy_options o;
        o.kind = kind;
        o.intermediates = 2;
        o.leaf_dns_names = {"www.analysys.cn", "*.example"};
        o.leaf_ip_addresses = {"127.0.0.1"};
        o.leaf_ocsp_url = "http://127.0.0.1:1/ocsp";
        o.leaf_crl_url = "http://127.0.0.1:1/crl";
        const auto h = lab::make_hierarchy(o);
        write(chain / ("lab-" + std::string(lab::to_string(kind)) + ".der"), concat(h.served_chain()));
    }
    lab::cert_spec weak = lab::leaf_spec("host.example");
    weak.digest = "sha1";
    const auto ss = lab::make_self_signed(weak, lab::lab_key(lab::key_kind::rsa_1024));
    write(chain / "lab-self-signed-weak.der", ss.der);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s TESTS_FUZZ_DIR\n", argv[0]);
        return 2;
    }
    const fs::path dir = argv[1];
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    write_revocation(dir, now);
    write_chains(dir);
    std::printf("seeds written under %s\n", dir.string().c_str());
    return 0;
}
