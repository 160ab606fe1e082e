#include "server_setup.hpp"

#include "loopback.hpp"

#include <tlsaudit/lab/key.hpp>

#include <openssl/evp.h>

#include <fstream>
#include <unistd.h>

namespace tlsaudit::capture_engine::testing {

namespace fs = std::filesystem;

scratch_dir::scratch_dir(const std::string& name)
    : path_(fs::temp_directory_path() / ("tlsaudit-capture-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
}

scratch_dir::~scratch_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void write_file(const fs::path& p, std::string_view text) {
    std::ofstream out(p, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void write_file(const fs::path& p, const bytes& data) {
    write_file(p, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

identity write_identity(const fs::path& dir, const std::string& name, const lab::hierarchy& h) {
    identity id;
    id.leaf = (dir / (name + "-leaf.pem")).string();
    id.key = (dir / (name + "-key.pem")).string();
    id.chain = (dir / (name + "-chain.pem")).string();
    id.fullchain = (dir / (name + "-fullchain.pem")).string();
    std::string chain_pem;
    for (auto it = h.intermediates.rbegin(); it != h.intermediates.rend(); ++it) chain_pem += it->pem();
    write_file(id.leaf, h.leaf.pem());
    write_file(id.key, h.leaf.k.to_pem());
    write_file(id.chain, chain_pem);
    write_file(id.fullchain, h.leaf.pem() + chain_pem);
    id.served = h.served_chain();
    id.issuer = h.intermediates.empty() ? h.root : h.intermediates.back();
    return id;
}

lab::hierarchy make_pki(lab::key_kind kind, std::size_t key_index, int intermediates, std::string name) {
    return lab::make_hierarchy({.kind = kind,
                                .intermediates = intermediates,
                                .leaf_dns_names = {"localhost"},
                                .name = std::move(name),
                                .key_index = key_index});
}

lab::hierarchy make_ed25519_pki() {
    auto h = make_pki(lab::key_kind::ec_p256, 40);
    lab::key ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    h.leaf = lab::issue(h.intermediates.back(), lab::leaf_spec("localhost"), ed);
    return h;
}

std::vector<std::string> s_server(const identity& id, std::vector<std::string> extra) {
    std::vector<std::string> args{"openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert",
                                  id.leaf,   "-key",     id.key,    "-cert_chain",      id.chain};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::vector<std::string> gnutls_serv(const identity& id, const std::string& priority, std::vector<std::string> extra) {
    std::vector<std::string> args{"gnutls-serv",   "-p",   "{port}", "--x509certfile", id.fullchain,
                                  "--x509keyfile", id.key, "-a",     "--priority",     priority};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::vector<std::string> nss_selfserv(const fs::path& dir, const std::vector<identity>& ids,
                                      const std::string& versions, std::vector<std::string> extra) {
    std::string db_name = "nssdb";  // one database per list of identities: earlier arguments stay valid
    for (const auto& id : ids) db_name += "-" + fs::path(id.leaf).stem().string();
    const fs::path db = dir / db_name;
    fs::remove_all(db);
    fs::create_directories(db);
    const std::string where = "sql:" + db.string();
    const fs::path log = dir / "nss-tools.log";
    run_tool({"certutil", "-N", "-d", where, "--empty-password"}, log);
    std::vector<std::string> args{"selfserv", "-d", where, "-p", "{port}", "-V", versions};
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::string nickname = "id" + std::to_string(i);
        const std::string p12 = (dir / (nickname + ".p12")).string();
        run_tool({"openssl", "pkcs12", "-export", "-in", ids[i].leaf, "-inkey", ids[i].key, "-certfile", ids[i].chain,
                  "-name", nickname, "-passout", "pass:", "-out", p12},
                 log);
        run_tool({"pk12util", "-i", p12, "-d", where, "-W", ""}, log);
        args.insert(args.end(), {"-n", nickname});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

}  // namespace tlsaudit::capture_engine::testing
