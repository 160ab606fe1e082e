#pragma once
// Lab chains as the files a real TLS server is configured with, and the command lines
// of the servers the capture tests start (openssl s_server, gnutls-serv, NSS selfserv).

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/model.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::capture_engine::testing {

// A fresh temporary directory named after `name` and the process, removed on destruction.
class scratch_dir {
public:
    explicit scratch_dir(const std::string& name);
    ~scratch_dir();
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

void write_file(const std::filesystem::path& p, std::string_view text);
void write_file(const std::filesystem::path& p, const bytes& data);

// A chain and key in PEM files, as a server is configured with them.
struct identity {
    std::string leaf, key, chain, fullchain;  // file paths
    std::vector<bytes> served;                // what the server must send, leaf first
    lab::credential issuer;                   // signs the leaf's OCSP responses
};
identity write_identity(const std::filesystem::path& dir, const std::string& name, const lab::hierarchy& h);

// A lab hierarchy for "localhost" with `intermediates` CAs; distinct key_index values give distinct keys.
lab::hierarchy make_pki(lab::key_kind kind, std::size_t key_index = 0, int intermediates = 1,
                        std::string name = "tlsaudit capture");
// An Ed25519 leaf under an EC intermediate.
lab::hierarchy make_ed25519_pki();

// openssl s_server on 127.0.0.1:{port} serving `id`, with `extra` options.
std::vector<std::string> s_server(const identity& id, std::vector<std::string> extra = {});
// gnutls-serv on {port} serving `id` with `priority`, no client certificate request.
std::vector<std::string> gnutls_serv(const identity& id, const std::string& priority,
                                     std::vector<std::string> extra = {});

// NSS selfserv on {port} serving every identity of `ids` (one certificate per key type; the
// client's signature algorithms pick one), TLS `versions` ("tls1.2:tls1.3"). Its database is
// made in `dir` (certutil, pk12util): each leaf with its key and intermediates, nicknamed
// "id0", "id1"... in the order given, which is selfserv's order of preference.
std::vector<std::string> nss_selfserv(const std::filesystem::path& dir, const std::vector<identity>& ids,
                                      const std::string& versions, std::vector<std::string> extra = {});

}  // namespace tlsaudit::capture_engine::testing
