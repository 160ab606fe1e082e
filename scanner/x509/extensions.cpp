#include "x509/extensions.hpp"

#include "ossl/ptr.hpp"
#include "text/hex.hpp"
#include "x509/asn1_text.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tlsaudit::x509::detail {

namespace {

// X509_get_ext_d2i returns void*; the caller names the type the NID decodes to.
// Null when absent (crit -1), present more than once (crit -2) or undecodable.
template <typename Owner>
Owner decode_extension(const X509* cert, int nid) {
    int critical = 0;
    using value_type = typename Owner::element_type;
    return Owner{static_cast<value_type*>(X509_get_ext_d2i(cert, nid, &critical, nullptr))};
}

std::span<const unsigned char> octets(const ASN1_OCTET_STRING* value) {
    const unsigned char* data = ASN1_STRING_get0_data(value);
    const int length = ASN1_STRING_length(value);
    if (data == nullptr || length <= 0) {
        return {};
    }
    return {data, static_cast<std::size_t>(length)};
}

std::optional<std::string> ip_to_text(const ASN1_OCTET_STRING* address) {
    const std::span<const unsigned char> bytes = octets(address);
    int family = 0;
    if (bytes.size() == 4) {
        family = AF_INET;
    } else if (bytes.size() == 16) {
        family = AF_INET6;
    } else {
        return std::nullopt;
    }
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (inet_ntop(family, bytes.data(), text.data(), static_cast<socklen_t>(text.size())) == nullptr) {
        return std::nullopt;
    }
    return std::string(text.data());
}

void collect_uris(const GENERAL_NAMES* names, std::vector<std::string>& out) {
    if (names == nullptr) {
        return;
    }
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name != nullptr && name->type == GEN_URI) {
            out.push_back(asn1_string_to_utf8(name->d.uniformResourceIdentifier));
        }
    }
}

}  // namespace

void read_subject_alt_names(const X509* cert, cert_info& info) {
    const auto names = decode_extension<ossl::general_names_ptr>(cert, NID_subject_alt_name);
    if (!names) {
        return;
    }
    info.has_san = true;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name == nullptr) {
            continue;
        }
        if (name->type == GEN_DNS) {
            info.dns_names.push_back(asn1_string_to_utf8(name->d.dNSName));
        } else if (name->type == GEN_IPADD) {
            if (auto text = ip_to_text(name->d.iPAddress)) {
                info.ip_addresses.push_back(std::move(*text));
            }
        }
    }
}

void read_basic_constraints(const X509* cert, cert_info& info) {
    const auto constraints = decode_extension<ossl::basic_constraints_ptr>(cert, NID_basic_constraints);
    if (constraints) {
        info.is_ca = constraints->ca != 0;
    }
}

void read_key_identifiers(const X509* cert, cert_info& info) {
    if (const auto ski = decode_extension<ossl::asn1_octet_string_ptr>(cert, NID_subject_key_identifier)) {
        info.subject_key_id = text::to_hex(octets(ski.get()));
    }
    if (const auto aki = decode_extension<ossl::authority_keyid_ptr>(cert, NID_authority_key_identifier)) {
        if (aki->keyid != nullptr) {
            info.authority_key_id = text::to_hex(octets(aki->keyid));
        }
    }
}

void read_access_urls(const X509* cert, cert_info& info) {
    if (const auto access = decode_extension<ossl::authority_info_access_ptr>(cert, NID_info_access)) {
        for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(access.get()); ++i) {
            const ACCESS_DESCRIPTION* description = sk_ACCESS_DESCRIPTION_value(access.get(), i);
            if (description == nullptr || description->location == nullptr || description->location->type != GEN_URI) {
                continue;
            }
            const std::string uri = asn1_string_to_utf8(description->location->d.uniformResourceIdentifier);
            const int method = OBJ_obj2nid(description->method);
            if (method == NID_ad_OCSP) {
                info.ocsp_urls.push_back(uri);
            } else if (method == NID_ad_ca_issuers) {
                info.ca_issuer_urls.push_back(uri);
            }
        }
    }
    if (const auto points = decode_extension<ossl::crl_dist_points_ptr>(cert, NID_crl_distribution_points)) {
        for (int i = 0; i < sk_DIST_POINT_num(points.get()); ++i) {
            const DIST_POINT* point = sk_DIST_POINT_value(points.get(), i);
            // type 0: fullName; type 1 (nameRelativeToCRLIssuer) holds no URI.
            if (point != nullptr && point->distpoint != nullptr && point->distpoint->type == 0) {
                collect_uris(point->distpoint->name.fullname, info.crl_urls);
            }
        }
    }
}

void read_earliest_sct(const X509* cert, cert_info& info) {
    const auto scts = decode_extension<ossl::sct_list_ptr>(cert, NID_ct_precert_scts);
    if (!scts) {
        return;
    }
    // Milliseconds since the epoch (RFC 6962). One after the year 9999 is no time a log
    // could have given (and none a date can say): left out, as an SCT that does not decode is.
    constexpr std::uint64_t last_ms = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z
    std::optional<std::uint64_t> earliest_ms;
    for (int i = 0; i < sk_SCT_num(scts.get()); ++i) {
        const SCT* sct = sk_SCT_value(scts.get(), i);
        if (sct == nullptr) {
            continue;
        }
        const std::uint64_t ms = SCT_get_timestamp(sct);
        if (ms > last_ms) continue;
        earliest_ms = earliest_ms ? std::min(*earliest_ms, ms) : ms;
    }
    if (earliest_ms) {
        info.earliest_sct = std::chrono::sys_time<std::chrono::milliseconds>{
            std::chrono::milliseconds{static_cast<std::int64_t>(*earliest_ms)}};
    }
}

}  // namespace tlsaudit::x509::detail
