#include "probes.hpp"

#include "key_share.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace tlsaudit::capture_engine {
namespace detail {
namespace {

// Suites with OpenSSL's names. TLS 1.2 suites need not be implementable here: the
// certificate arrives before any key exchange.
constexpr std::array<std::pair<std::uint16_t, std::string_view>, 62> suite_names{{
    {0x1301, "TLS_AES_128_GCM_SHA256"},
    {0x1302, "TLS_AES_256_GCM_SHA384"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
    {0xc02b, "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {0xc02c, "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {0xcca9, "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {0xc023, "ECDHE-ECDSA-AES128-SHA256"},
    {0xc024, "ECDHE-ECDSA-AES256-SHA384"},
    {0xc009, "ECDHE-ECDSA-AES128-SHA"},
    {0xc00a, "ECDHE-ECDSA-AES256-SHA"},
    {0xc02f, "ECDHE-RSA-AES128-GCM-SHA256"},
    {0xc030, "ECDHE-RSA-AES256-GCM-SHA384"},
    {0xcca8, "ECDHE-RSA-CHACHA20-POLY1305"},
    {0xc027, "ECDHE-RSA-AES128-SHA256"},
    {0xc028, "ECDHE-RSA-AES256-SHA384"},
    {0xc013, "ECDHE-RSA-AES128-SHA"},
    {0xc014, "ECDHE-RSA-AES256-SHA"},
    {0x009e, "DHE-RSA-AES128-GCM-SHA256"},
    {0x009f, "DHE-RSA-AES256-GCM-SHA384"},
    {0xccaa, "DHE-RSA-CHACHA20-POLY1305"},
    {0x0067, "DHE-RSA-AES128-SHA256"},
    {0x006b, "DHE-RSA-AES256-SHA256"},
    {0x0033, "DHE-RSA-AES128-SHA"},
    {0x0039, "DHE-RSA-AES256-SHA"},
    {0x009c, "AES128-GCM-SHA256"},
    {0x009d, "AES256-GCM-SHA384"},
    {0x003c, "AES128-SHA256"},
    {0x003d, "AES256-SHA256"},
    {0x002f, "AES128-SHA"},
    {0x0035, "AES256-SHA"},
    // What libssl's `ALL` also offers, for servers limited to it.
    {0xc0ac, "ECDHE-ECDSA-AES128-CCM"},
    {0xc0ad, "ECDHE-ECDSA-AES256-CCM"},
    {0xc0ae, "ECDHE-ECDSA-AES128-CCM8"},
    {0xc0af, "ECDHE-ECDSA-AES256-CCM8"},
    {0xc05c, "ECDHE-ECDSA-ARIA128-GCM-SHA256"},
    {0xc05d, "ECDHE-ECDSA-ARIA256-GCM-SHA384"},
    {0xc072, "ECDHE-ECDSA-CAMELLIA128-SHA256"},
    {0xc073, "ECDHE-ECDSA-CAMELLIA256-SHA384"},
    {0xc060, "ECDHE-ARIA128-GCM-SHA256"},
    {0xc061, "ECDHE-ARIA256-GCM-SHA384"},
    {0xc076, "ECDHE-RSA-CAMELLIA128-SHA256"},
    {0xc077, "ECDHE-RSA-CAMELLIA256-SHA384"},
    {0xc09e, "DHE-RSA-AES128-CCM"},
    {0xc09f, "DHE-RSA-AES256-CCM"},
    {0xc0a2, "DHE-RSA-AES128-CCM8"},
    {0xc0a3, "DHE-RSA-AES256-CCM8"},
    {0xc052, "DHE-RSA-ARIA128-GCM-SHA256"},
    {0xc053, "DHE-RSA-ARIA256-GCM-SHA384"},
    {0x00be, "DHE-RSA-CAMELLIA128-SHA256"},
    {0x00c4, "DHE-RSA-CAMELLIA256-SHA256"},
    {0x0045, "DHE-RSA-CAMELLIA128-SHA"},
    {0x0088, "DHE-RSA-CAMELLIA256-SHA"},
    {0xc09c, "AES128-CCM"},
    {0xc09d, "AES256-CCM"},
    {0xc0a0, "AES128-CCM8"},
    {0xc0a1, "AES256-CCM8"},
    {0xc050, "ARIA128-GCM-SHA256"},
    {0xc051, "ARIA256-GCM-SHA384"},
    {0x00ba, "CAMELLIA128-SHA256"},
    {0x00c0, "CAMELLIA256-SHA256"},
    {0x0041, "CAMELLIA128-SHA"},
    {0x0084, "CAMELLIA256-SHA"},
}};

constexpr std::array<std::uint16_t, 17> modern_suites{
    0x1301, 0x1302, 0x1303,                          // TLS 1.3
    0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,  // ECDHE AEAD
    0xc009, 0xc013, 0xc00a, 0xc014,                  // ECDHE CBC
    0x009c, 0x009d, 0x002f, 0x0035,                  // RSA key exchange
};
// The TLS 1.2-only probes offer every RSA- or ECDSA-authenticated suite libssl's `ALL`
// holds (CCM, CCM8, ARIA and Camellia included): nothing of them is ever computed, and a
// server limited to one of them still shows its certificate.
constexpr std::array<std::uint16_t, 44> rsa_suites{
    0xc02f, 0xc030, 0xcca8, 0xc027, 0xc028, 0xc013, 0xc014, 0xc060, 0xc061, 0xc076, 0xc077,  // ECDHE_RSA
    0x009e, 0x009f, 0xccaa, 0xc09e, 0xc09f, 0xc0a2, 0xc0a3, 0x0067, 0x006b, 0x0033, 0x0039,  // DHE_RSA
    0xc052, 0xc053, 0x00be, 0x00c4, 0x0045, 0x0088,                                          //
    0x009c, 0x009d, 0xc09c, 0xc09d, 0xc0a0, 0xc0a1, 0x003c, 0x003d, 0x002f, 0x0035,          // RSA key exchange
    0xc050, 0xc051, 0x00ba, 0x00c0, 0x0041, 0x0084,                                          //
};
constexpr std::array<std::uint16_t, 15> ecdsa_suites{0xc02b, 0xc02c, 0xcca9, 0xc023, 0xc024, 0xc009, 0xc00a, 0xc0ac,
                                                     0xc0ad, 0xc0ae, 0xc0af, 0xc05c, 0xc05d, 0xc072, 0xc073};
constexpr auto tls12_suites = [] {
    std::array<std::uint16_t, ecdsa_suites.size() + rsa_suites.size()> all{};
    std::copy(ecdsa_suites.begin(), ecdsa_suites.end(), all.begin());
    std::copy(rsa_suites.begin(), rsa_suites.end(), all.begin() + ecdsa_suites.size());
    return all;
}();

// OpenSSL's default order, which OpenSSL-based clients (curl, the usual agents) send: every
// ECDSA scheme before any RSA one (as browsers order them too), EdDSA next, then RSA-PSS for
// RSA-PSS keys before RSA-PSS for RSA keys, PKCS#1, SHA-1 last. A server with an RSA
// certificate and an ECDSA, EdDSA or RSA-PSS-key one that follows the client's order
// (OpenSSL's servers) sends this probe the other one, and the rsa probe the RSA one.
constexpr std::array<std::uint16_t, 16> modern_sigalgs{
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b,
    0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201,
};
// TLS 1.2 alone also allows SHA-224.
constexpr std::array<std::uint16_t, 18> tls12_sigalgs{
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804,
    0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0203, 0x0201,
};
constexpr std::array<std::uint16_t, 11> rsa_sigalgs{
    0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0301, 0x0201,
};
constexpr std::array<std::uint16_t, 5> ecdsa_sigalgs{0x0403, 0x0503, 0x0603, 0x0303, 0x0203};

// The modern probe also lists TLS 1.1 and 1.0: old servers answer it with their chain, as
// they answer libssl (their flights are plaintext like TLS 1.2's).
constexpr std::array<std::uint16_t, 4> versions13{0x0304, 0x0303, 0x0302, 0x0301};
constexpr std::array<std::uint16_t, 3> versions12{0x0303, 0x0302, 0x0301};

// A probe that may negotiate TLS 1.3 lists only the groups it computes (a HelloRetryRequest
// may ask for any of them); the TLS 1.2-only probes compute nothing and list the
// finite-field groups too, so a server limited to one of them still shows its chain.
constexpr std::array<std::uint16_t, 5> groups13{group::x25519, group::secp256r1, group::secp384r1, group::secp521r1,
                                                group::x448};
constexpr std::array<std::uint16_t, 10> groups12{group::x25519,    group::secp256r1, group::secp384r1, group::secp521r1,
                                                 group::x448,      group::ffdhe2048, group::ffdhe3072, group::ffdhe4096,
                                                 group::ffdhe6144, group::ffdhe8192};

constexpr probe_profile modern{true, true, modern_suites, modern_sigalgs, versions13, groups13};
constexpr probe_profile rsa{false, true, rsa_suites, rsa_sigalgs, versions12, groups12};
constexpr probe_profile ecdsa{false, true, ecdsa_suites, ecdsa_sigalgs, versions12, groups12};
constexpr probe_profile tls12{false, true, tls12_suites, tls12_sigalgs, versions12, groups12};
constexpr probe_profile no_sni{true, false, modern_suites, modern_sigalgs, versions13, groups13};

}  // namespace

const probe_profile& profile_of(probe p) noexcept {
    switch (p) {
    case probe::rsa: return rsa;
    case probe::ecdsa: return ecdsa;
    case probe::tls12: return tls12;
    case probe::no_sni: return no_sni;
    case probe::modern: break;
    }
    return modern;
}

bool offers_suite(const probe_profile& profile, std::uint16_t suite) noexcept {
    return std::find(profile.cipher_suites.begin(), profile.cipher_suites.end(), suite) != profile.cipher_suites.end();
}

std::string_view cipher_name(std::uint16_t suite) noexcept {
    for (const auto& [id, name] : suite_names)
        if (id == suite) return name;
    return {};
}

bool tls12_only_suite(std::uint16_t suite) noexcept {
    const auto name = cipher_name(suite);
    return name.ends_with("SHA256") || name.ends_with("SHA384") || name.ends_with("POLY1305") ||
           name.ends_with("CCM") || name.ends_with("CCM8");
}

bool ephemeral_key_exchange(std::uint16_t suite) noexcept {
    const auto name = cipher_name(suite);
    return name.starts_with("ECDHE-") || name.starts_with("DHE-");
}

}  // namespace detail

namespace {
constexpr std::array<std::pair<probe, std::string_view>, 5> probe_names{{
    {probe::modern, "modern"},
    {probe::rsa, "rsa"},
    {probe::ecdsa, "ecdsa"},
    {probe::tls12, "tls12"},
    {probe::no_sni, "no-sni"},
}};
}  // namespace

std::string_view probe_name(probe p) noexcept {
    for (const auto& [value, name] : probe_names)
        if (value == p) return name;
    return "modern";
}

std::optional<probe> parse_probe(std::string_view name) noexcept {
    for (const auto& [value, name_of] : probe_names)
        if (name_of == name) return value;
    return std::nullopt;
}

}  // namespace tlsaudit::capture_engine
