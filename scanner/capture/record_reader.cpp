#include "record_reader.hpp"

#include "tls_constants.hpp"
#include "wire.hpp"

#include <algorithm>

namespace tlsaudit::capture_engine::detail {
namespace {

std::size_t payload_length(std::span<const unsigned char> header) noexcept {
    return (std::size_t{header[3]} << 8) | header[4];
}

bool is_tls_type(unsigned char type) noexcept {
    return type >= content_type::change_cipher_spec && type <= content_type::heartbeat;
}

// An SSL 2.0 record header has the high bit set (2-byte length); a SERVER-HELLO (4)
// follows it.
bool looks_like_sslv2(std::span<const unsigned char> header) noexcept {
    return (header[0] & 0x80) != 0 && header[2] == 4;
}

}  // namespace

void record_reader::remember_first(std::span<const unsigned char> data) noexcept {
    const auto n = std::min(data.size(), sizeof first_ - first_size_);
    std::copy_n(data.begin(), n, first_ + first_size_);
    first_size_ += n;
}

record_reader::result record_reader::check_header(std::span<const unsigned char> header) {
    const bool first = !first_checked_;
    first_checked_ = true;
    if (first && (!is_tls_type(header[0]) || header[1] != 3))
        return stuck_ = looks_like_sslv2(header) ? result::sslv2 : result::not_tls;
    if (header[1] != 3 || payload_length(header) > max_record_payload) return stuck_ = result::malformed;
    return result::record;
}

record_reader::result record_reader::next(record& out) {
    if (stuck_ != result::need_more) return stuck_;
    if (partial_returned_) {
        partial_.clear();
        partial_returned_ = false;
    }
    if (first_size_ < sizeof first_) remember_first(input_);

    std::span<const unsigned char> whole;
    if (partial_.empty() && input_.size() >= record_header_size) {
        if (const auto r = check_header(input_.first(record_header_size)); r != result::record) return r;
        const std::size_t total = record_header_size + payload_length(input_);
        if (input_.size() >= total) {
            whole = input_.first(total);
            input_ = input_.subspan(total);
        }
    }
    if (whole.empty()) {
        // Assemble in partial_: first the header, then (once it is checked) the payload.
        const bool header_was_complete = partial_.size() >= record_header_size;
        if (!fill_to(partial_, input_, record_header_size)) return result::need_more;
        if (!header_was_complete) {
            if (const auto r = check_header(partial_); r != result::record) return r;
        }
        if (!fill_to(partial_, input_, record_header_size + payload_length(partial_))) return result::need_more;
        whole = partial_;
        partial_returned_ = true;
    }
    out.type = whole[0];
    out.version = static_cast<std::uint16_t>((whole[1] << 8) | whole[2]);
    out.header = whole.first(record_header_size);
    out.payload = whole.subspan(record_header_size);
    return result::record;
}

}  // namespace tlsaudit::capture_engine::detail
