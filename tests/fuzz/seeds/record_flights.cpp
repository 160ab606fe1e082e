// Writes the seeds of the capture client's fuzz targets (corpus/tls_*) from real servers
// on loopback: openssl s_server and gnutls-serv with a small lab chain. TLS 1.3 flights are
// recorded with the fixed-key harness (fixed_entropy seed 1, the modern probe, SNI
// "localhost", ALPN h2 and http/1.1: what tls_client13_fuzz.cpp replays), so they decrypt
// again when replayed; each is checked to replay to `done` before it is written. Also
// writes the handshake messages of a TLS 1.2 flight and of RFC 8448 for tls_messages, and a
// few hand-made answers (alerts, not TLS, SSL 2.0 and 3.0). A run makes new keys: replace
// all of corpus/tls_* at once.
//   build/dev/tests/fuzz/tlsaudit_fuzz_capture_seeds tests/fuzz

#include "capture/handshake_reassembler.hpp"
#include "capture/record_reader.hpp"
#include "capture/testing.hpp"
#include "capture/tls_constants.hpp"
#include "loopback.hpp"
#include "rfc8448.hpp"
#include "server_setup.hpp"
#include "wire_support.hpp"

#include <tlsaudit/lab/revocation_data.hpp>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace {

using namespace tlsaudit;
using namespace tlsaudit::capture_engine;
namespace fs = std::filesystem;

const hello_template& modern_hello() {
    static const auto t = hello_template::make(probe::modern, {"h2", "http/1.1"});
    return t;
}
const hello_template& tls12_hello() {
    static const auto t = hello_template::make(probe::tls12, {"h2", "http/1.1"});
    return t;
}

void write_seed(const fs::path& dir, const std::string& name, std::uint8_t first, std::span<const unsigned char> rest) {
    fs::create_directories(dir);
    bytes data{first};
    data.insert(data.end(), rest.begin(), rest.end());
    testing::write_file(dir / name, data);
    std::printf("%s/%s: %zu bytes\n", dir.filename().c_str(), name.c_str(), data.size());
}

// The handshake messages of a plaintext (TLS 1.2) flight.
std::vector<bytes> plaintext_messages(std::span<const unsigned char> stream) {
    detail::record_reader records;
    detail::handshake_reassembler messages(detail::max_handshake_message);
    records.feed(stream);
    detail::record r;
    std::vector<bytes> out;
    while (records.next(r) == detail::record_reader::result::record) {
        if (r.type != detail::content_type::handshake) continue;
        messages.feed(r.payload);
        detail::handshake_message m;
        while (messages.next(m) == detail::handshake_reassembler::result::message)
            out.emplace_back(m.whole.begin(), m.whole.end());
    }
    return out;
}

struct recorder {
    fs::path corpus;
    testing::scratch_dir dir{"seeds"};
    testing::identity id = testing::write_identity(dir.path(), "ec", testing::make_pki(lab::key_kind::ec_p256));
    std::string ocsp_file = [this] {
        const auto path = (dir.path() / "ocsp.der").string();
        testing::write_file(path, lab::make_ocsp_response_for(id.issuer, id.served.front(), {}));
        return path;
    }();

    bytes run(const std::vector<std::string>& server_args, const hello_template& hello, bool fixed) {
        testing::server_process server(server_args, dir.path());
        detail::fixed_entropy entropy(1);
        const auto r = testing::drive(hello, {.sni = "localhost"}, server.port(), fixed ? &entropy : nullptr);
        if (r.st != status::done || r.f.chain != id.served)
            throw std::runtime_error("recording failed: " + (r.error ? r.error->detail : r.fallback) +
                                     r.transport_error + "\n" + server.output());
        return r.received;
    }

    void tls13(const std::string& name, const std::vector<std::string>& server_args) {
        const bytes flight = run(server_args, modern_hello(), true);
        // Replayed the way tls_client13_fuzz.cpp replays it, it must decrypt and finish.
        detail::fixed_entropy entropy(1);
        client replay(modern_hello(), {.sni = "localhost"}, entropy);
        replay.consumed_output(replay.pending_output().size());
        if (replay.receive(flight) != status::done) throw std::runtime_error(name + " does not replay");
        write_seed(corpus / "tls_client13", name, 0x00, flight);
        if (name == "openssl-tls13") {
            write_seed(corpus / "tls_client13", name + "-verify-split", 0x01 | (4 << 1), flight);
            write_seed(corpus / "tls_records", name, 0x00, flight);
        }
    }

    void tls12(const std::string& name, const std::vector<std::string>& server_args) {
        const bytes flight = run(server_args, tls12_hello(), false);
        write_seed(corpus / "tls_client12", name, 0x00, flight);
        if (name == "openssl-tls12-ocsp") {
            write_seed(corpus / "tls_client12", name + "-modern-split", 0x01 | (3 << 1), flight);
            const bytes reads{3, 2, 7, 1, 200, 5};
            bytes with_reads{static_cast<unsigned char>(reads.size())};
            with_reads.insert(with_reads.end(), reads.begin(), reads.end());
            with_reads.insert(with_reads.end(), flight.begin(), flight.end());
            write_seed(corpus / "tls_records", name + "-reads", with_reads.front(), std::span(with_reads).subspan(1));
            for (const auto& m : plaintext_messages(flight)) {
                const auto body = std::span(m).subspan(4);
                switch (m[0]) {
                case 2: write_seed(corpus / "tls_messages", "server-hello-tls12", 0, body); break;
                case 11: write_seed(corpus / "tls_messages", "certificate-tls12", 2, body); break;
                case 22: write_seed(corpus / "tls_messages", "certificate-status", 4, body); break;
                default: break;
                }
            }
        }
    }

    void by_hand() {
        using testing::from_hex;
        namespace rfc = testing::rfc8448;
        const auto body = [](const char* hex) {
            const bytes m = from_hex(hex);
            return bytes(m.begin() + 4, m.end());
        };
        write_seed(corpus / "tls_messages", "rfc8448-server-hello", 0, body(rfc::server_hello));
        write_seed(corpus / "tls_messages", "rfc8448-encrypted-extensions", 1, body(rfc::encrypted_extensions));
        write_seed(corpus / "tls_messages", "rfc8448-certificate", 3, body(rfc::certificate));
        write_seed(corpus / "tls_messages", "rfc8448-certificate-verify", 5, body(rfc::certificate_verify));
        write_seed(corpus / "tls_client12", "fatal-alert", 0x00, from_hex("15030300020228"));
        write_seed(corpus / "tls_client12", "not-tls", 0x20, from_hex("485454502f312e3120343030"));
        write_seed(corpus / "tls_client12", "sslv2", 0x00, from_hex("8329040001"));
        write_seed(corpus / "tls_client12", "ccs-then-eof", 0x21, from_hex("140303000101140303000101"));
        write_seed(
            corpus / "tls_records", "rfc8448-records", 0x00,
            testing::concat({testing::record(22, from_hex(rfc::server_hello)), from_hex(rfc::protected_flight)}));
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <tests/fuzz directory>\n", argv[0]);
        return 2;
    }
    try {
        recorder r;
        r.corpus = fs::path(argv[1]) / "corpus";
        for (const char* name : {"tls_client13", "tls_client12", "tls_records", "tls_messages"})
            fs::remove_all(r.corpus / name);
        const auto& id = r.id;
        r.tls13("openssl-tls13", testing::s_server(id));
        r.tls13("openssl-aes256", testing::s_server(id, {"-ciphersuites", "TLS_AES_256_GCM_SHA384"}));
        r.tls13("openssl-chacha20", testing::s_server(id, {"-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"}));
        r.tls13("openssl-hrr-p256", testing::s_server(id, {"-groups", "P-256"}));
        r.tls13("openssl-hrr-cookie", testing::s_server(id, {"-stateless"}));
        r.tls13("openssl-ocsp", testing::s_server(id, {"-status_file", r.ocsp_file}));
        r.tls13("openssl-padding", testing::s_server(id, {"-record_padding", "512"}));
        r.tls13("openssl-fragments", testing::s_server(id, {"-max_send_frag", "512"}));
        r.tls13("openssl-certificate-request", testing::s_server(id, {"-verify", "1", "-no_middlebox"}));
        r.tls13("gnutls-tls13", testing::gnutls_serv(id, "NORMAL"));
        r.tls12("openssl-tls12-ocsp", testing::s_server(id, {"-tls1_2", "-status_file", r.ocsp_file}));
        r.tls12("openssl-tls12-request", testing::s_server(id, {"-tls1_2", "-verify", "1", "-max_send_frag", "512"}));
        r.tls12("gnutls-tls12", testing::gnutls_serv(id, "NORMAL:-VERS-TLS1.3"));
        r.by_hand();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
