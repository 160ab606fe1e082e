#include "x509/asn1_text.hpp"

#include "ossl/ptr.hpp"
#include "text/hex.hpp"
#include "text/utf8.hpp"

#include <openssl/objects.h>

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace tlsaudit::x509::detail {

namespace {

std::span<const unsigned char> string_bytes(const ASN1_STRING* value) {
    const unsigned char* data = ASN1_STRING_get0_data(value);
    const int length = ASN1_STRING_length(value);
    if (data == nullptr || length <= 0) {
        return {};
    }
    return {data, static_cast<std::size_t>(length)};
}

// Big-endian code units of `width` bytes; a partial unit at the end is U+FFFD.
std::string decode_wide(std::span<const unsigned char> bytes, std::size_t width) {
    std::string out;
    std::size_t pos = 0;
    for (; pos + width <= bytes.size(); pos += width) {
        char32_t unit = 0;
        for (std::size_t i = 0; i < width; ++i) {
            unit = (unit << 8) | bytes[pos + i];
        }
        if (width == 2 && unit >= 0xD800 && unit <= 0xDBFF && pos + 4 <= bytes.size()) {
            // UTF-16 surrogate pair (BMPString is formally UCS-2, but senders use UTF-16).
            const char32_t low = static_cast<char32_t>((bytes[pos + 2] << 8) | bytes[pos + 3]);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                text::append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                pos += width;
                continue;
            }
        }
        text::append_utf8(out, unit);  // lone surrogates and out-of-range values -> U+FFFD
    }
    if (pos != bytes.size()) {
        out.append(text::utf8_replacement);
    }
    return out;
}

std::string print_name(const X509_NAME* name, unsigned long flags) {
    ossl::bio_ptr bio{BIO_new(BIO_s_mem())};
    if (!bio) {
        return {};
    }
    if (X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) {
        return {};
    }
    char* data = nullptr;
    // BIO_get_mem_data is a macro with a C cast; this is the call it makes.
    const long length = BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, &data);
    if (length <= 0 || data == nullptr) {
        return {};
    }
    return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

std::string asn1_string_to_utf8(const ASN1_STRING* value) {
    if (value == nullptr) {
        return {};
    }
    const std::span<const unsigned char> bytes = string_bytes(value);
    switch (ASN1_STRING_type(value)) {
    case V_ASN1_BMPSTRING: return decode_wide(bytes, 2);
    case V_ASN1_UNIVERSALSTRING: return decode_wide(bytes, 4);
    case V_ASN1_T61STRING: {
        std::string out;
        for (const unsigned char byte : bytes) {
            text::append_utf8(out, byte);
        }
        return out;
    }
    default: return text::sanitize_utf8(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    }
}

std::string name_to_rfc2253(const X509_NAME* name) {
    if (name == nullptr) {
        return {};
    }
    // Without ESC_MSB, OpenSSL converts every value to UTF-8 and leaves bytes
    // >= 0x80 unescaped; RFC 2253 special characters and controls stay escaped.
    constexpr unsigned long text_flags = XN_FLAG_RFC2253 & ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB);
    std::string printed = print_name(name, text_flags);
    if (printed.empty() && X509_NAME_entry_count(name) > 0) {
        printed = print_name(name, text_flags | ASN1_STRFLGS_DUMP_ALL);
    }
    // UTF8String values are copied as they are, so they may hold invalid UTF-8.
    return text::sanitize_utf8(printed);
}

std::string last_common_name(const X509_NAME* name) {
    if (name == nullptr) {
        return {};
    }
    int found = -1;
    for (int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1); index >= 0;
         index = X509_NAME_get_index_by_NID(name, NID_commonName, index)) {
        found = index;
    }
    if (found < 0) {
        return {};
    }
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, found);
    return entry == nullptr ? std::string{} : asn1_string_to_utf8(X509_NAME_ENTRY_get_data(entry));
}

std::string asn1_integer_to_hex(const ASN1_INTEGER* value) {
    if (value == nullptr) {
        return {};
    }
    std::span<const unsigned char> magnitude = string_bytes(value);
    while (magnitude.size() > 1 && magnitude.front() == 0) {
        magnitude = magnitude.subspan(1);
    }
    std::string out = ASN1_STRING_type(value) == V_ASN1_NEG_INTEGER ? "-" : "";
    out += magnitude.empty() ? std::string{"00"} : text::to_hex(magnitude);
    return out;
}

std::string object_to_oid_text(const ASN1_OBJECT* object) {
    if (object == nullptr) {
        return {};
    }
    std::array<char, 128> buffer{};
    const int length = OBJ_obj2txt(buffer.data(), static_cast<int>(buffer.size()), object, 1);
    if (length <= 0) {
        return {};
    }
    return std::string(buffer.data());  // truncated (still NUL-terminated) if longer
}

}  // namespace tlsaudit::x509::detail
