#include "fake_server.hpp"

#include "capture/algorithms.hpp"
#include "capture/key_schedule.hpp"
#include "wire_support.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <stdexcept>

namespace tlsaudit::capture_engine::testing {
namespace {

std::uint32_t be(std::span<const unsigned char> s) {
    std::uint32_t v = 0;
    for (const auto c : s) v = (v << 8) | c;
    return v;
}

void require(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("fake server: ") + what);
}

}  // namespace

const bytes* client_hello_view::find(std::uint16_t type) const {
    for (const auto& [t, data] : extensions)
        if (t == type) return &data;
    return nullptr;
}

client_hello_view read_client_hello(std::span<const unsigned char> out) {
    client_hello_view ch;
    bytes payload;
    while (out.size() >= 5) {
        const std::size_t n = be(out.subspan(3, 2));
        require(out.size() >= 5 + n, "truncated record");
        if (out[0] == 22)
            payload.insert(payload.end(), out.begin() + 5, out.begin() + 5 + static_cast<std::ptrdiff_t>(n));
        else require(out[0] == 20, "not a handshake record");
        out = out.subspan(5 + n);
        if (payload.size() >= 4 && payload.size() >= 4 + be(std::span(payload).subspan(1, 3))) break;
    }
    require(payload.size() >= 4 && payload[0] == 1, "not a ClientHello");
    ch.message = payload;
    const auto m = std::span(ch.message);
    std::size_t at = 6;
    ch.random.assign(m.begin() + at, m.begin() + at + 32);
    at += 32;
    const std::size_t sid = m[at++];
    ch.session_id.assign(m.begin() + at, m.begin() + at + sid);
    at += sid;
    at += 2 + be(m.subspan(at, 2));
    at += 1 + m[at];
    at += 2;
    while (at + 4 <= m.size()) {
        const auto type = static_cast<std::uint16_t>(be(m.subspan(at, 2)));
        const std::size_t len = be(m.subspan(at + 2, 2));
        ch.extensions.emplace_back(type, bytes(m.begin() + at + 4, m.begin() + at + 4 + len));
        at += 4 + len;
    }
    if (const bytes* ks = ch.find(0x0033); ks && ks->size() >= 6) {
        ch.key_share_group = static_cast<std::uint16_t>(be(std::span(*ks).subspan(2, 2)));
        ch.key_share.assign(ks->begin() + 6, ks->end());
    }
    if (const bytes* c = ch.find(0x002c); c && c->size() >= 2) ch.cookie.assign(c->begin() + 2, c->end());
    return ch;
}

bytes tls13_server::hello_retry_request(const client_hello_view& ch, std::uint16_t group,
                                        std::span<const unsigned char> cookie) {
    bytes body = from_hex("0303 cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
    body.push_back(static_cast<unsigned char>(ch.session_id.size()));
    append(body, ch.session_id);
    put16(body, suite_);
    body.push_back(0);
    bytes ext = from_hex("002b 0002 0304");
    if (group != 0) {
        append(ext, from_hex("0033 0002"));
        put16(ext, group);
    }
    if (!cookie.empty()) {
        put16(ext, 0x002c);
        put16(ext, cookie.size() + 2);
        put16(ext, cookie.size());
        append(ext, cookie);
    }
    put16(body, ext.size());
    append(body, ext);
    const bytes message = handshake(2, body);
    transcript_.start_with_message_hash(detail::find_tls13_suite(suite_)->md, ch.message);
    transcript_.add(message);
    return record(22, message);
}

bytes tls13_server::server_hello(const client_hello_view& ch, std::optional<bytes> session_id) {
    const auto* suite = detail::find_tls13_suite(suite_);
    require(suite != nullptr, "suite");
    share_ = detail::key_share::generate(ch.key_share_group, nullptr);
    const auto shared = share_->derive(ch.key_share);
    require(shared.has_value(), "client key share");

    bytes body = from_hex("0303");
    bytes random(32);
    RAND_bytes(random.data(), 32);
    append(body, random);
    const bytes sid = session_id.value_or(ch.session_id);
    body.push_back(static_cast<unsigned char>(sid.size()));
    append(body, sid);
    put16(body, suite_);
    body.push_back(0);
    bytes ext = from_hex("002b 0002 0304 0033");
    put16(ext, 4 + share_->public_key().size());
    put16(ext, share_->group());
    put16(ext, share_->public_key().size());
    append(ext, share_->public_key());
    put16(body, ext.size());
    append(body, ext);
    const bytes message = handshake(2, body);

    // After a HelloRetryRequest the transcript holds message_hash(ClientHello1) and the
    // HelloRetryRequest already; `ch` is then ClientHello2.
    if (!transcript_.started()) transcript_.start(suite->md);
    transcript_.add(ch.message);
    transcript_.add(message);
    detail::key_schedule ks(suite->md);
    const auto hs = ks.handshake_secret(shared->view());
    const auto traffic = ks.derive_secret(hs.view(), "s hs traffic", transcript_.hash().view());
    const auto keys = ks.traffic(traffic.view(), suite->key_size);
    const auto client_traffic = ks.derive_secret(hs.view(), "c hs traffic", transcript_.hash().view());
    client_reader_.emplace(suite->cipher, ks.traffic(client_traffic.view(), suite->key_size));
    ctx_.reset(EVP_CIPHER_CTX_new());
    require(EVP_EncryptInit_ex2(ctx_.get(), suite->cipher, keys.key.data(), nullptr, nullptr) == 1, "AEAD");
    iv_ = keys.iv;
    return record(22, message);
}

std::optional<std::pair<std::uint8_t, bytes>> tls13_server::unprotect_client(std::span<const unsigned char> record) {
    if (!client_reader_ || record.size() < 5 || record[0] != 23) return std::nullopt;
    bytes plaintext;
    if (!client_reader_->open(record.first(5), record.subspan(5), plaintext)) return std::nullopt;
    const auto inner = detail::split_inner_plaintext(plaintext);
    if (!inner) return std::nullopt;
    return std::pair{inner->type, bytes(inner->content.begin(), inner->content.end())};
}

bytes tls13_server::protect(std::uint8_t type, std::span<const unsigned char> content, std::size_t padding) {
    bytes inner(content.begin(), content.end());
    inner.push_back(type);
    inner.resize(inner.size() + padding, 0);
    std::array<unsigned char, 12> nonce = iv_;
    for (std::size_t i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<unsigned char>(sequence_ >> (8 * i));
    ++sequence_;
    bytes out = from_hex("170303");
    put16(out, inner.size() + 16);
    int n = 0;
    bytes cipher(inner.size());
    std::array<unsigned char, 16> tag{};
    require(EVP_EncryptInit_ex2(ctx_.get(), nullptr, nullptr, nonce.data(), nullptr) == 1 &&
                EVP_EncryptUpdate(ctx_.get(), nullptr, &n, out.data(), 5) == 1 &&
                EVP_EncryptUpdate(ctx_.get(), cipher.data(), &n, inner.data(), static_cast<int>(inner.size())) == 1 &&
                EVP_EncryptFinal_ex(ctx_.get(), cipher.data() + n, &n) == 1 &&
                EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, 16, tag.data()) == 1,
            "seal");
    append(out, cipher);
    append(out, tag);
    return out;
}

bytes tls13_server::certificate_verify(EVP_PKEY* key, std::uint16_t scheme) {
    const auto hash = transcript_.hash();
    bytes content(64, 0x20);
    const std::string_view context = "TLS 1.3, server CertificateVerify";
    content.insert(content.end(), context.begin(), context.end());
    content.push_back(0);
    append(content, hash.view());
    const ossl::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    const bool pss = (scheme >> 8) == 0x08 && scheme != 0x0807 && scheme != 0x0808;
    const bool eddsa = scheme == 0x0807 || scheme == 0x0808;
    require(EVP_DigestSignInit(ctx.get(), &pctx, eddsa ? nullptr : detail::sha256(), nullptr, key) == 1, "sign init");
    if (pss) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    std::size_t n = 0;
    require(EVP_DigestSign(ctx.get(), nullptr, &n, content.data(), content.size()) == 1, "sign size");
    bytes sig(n);
    require(EVP_DigestSign(ctx.get(), sig.data(), &n, content.data(), content.size()) == 1, "sign");
    sig.resize(n);
    bytes body;
    put16(body, scheme);
    put16(body, sig.size());
    append(body, sig);
    return handshake(15, body);
}

}  // namespace tlsaudit::capture_engine::testing
