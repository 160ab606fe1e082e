#include "handshake_reassembler.hpp"

#include "tls_constants.hpp"
#include "wire.hpp"

#include <algorithm>

namespace tlsaudit::capture_engine::detail {
namespace {

std::size_t body_length(std::span<const unsigned char> header) noexcept {
    return (std::size_t{header[1]} << 16) | (std::size_t{header[2]} << 8) | header[3];
}

}  // namespace

handshake_reassembler::result handshake_reassembler::next(handshake_message& out) {
    if (too_large_) return result::too_large;
    if (partial_returned_) {
        partial_.clear();
        partial_returned_ = false;
    }
    std::span<const unsigned char> whole;
    if (partial_.empty() && input_.size() >= handshake_header_size) {
        pending_type_ = input_[0];
        const std::size_t n = body_length(input_);
        if (n > max_body_) {
            too_large_ = true;
            return result::too_large;
        }
        if (input_.size() >= handshake_header_size + n) {
            whole = input_.first(handshake_header_size + n);
            input_ = input_.subspan(whole.size());
        }
    }
    if (whole.empty()) {
        if (partial_.size() < handshake_header_size) {
            if (!fill_to(partial_, input_, handshake_header_size)) return result::need_more;
            pending_type_ = partial_[0];
            if (body_length(partial_) > max_body_) {
                too_large_ = true;
                return result::too_large;
            }
        }
        if (!fill_to(partial_, input_, handshake_header_size + body_length(partial_))) return result::need_more;
        whole = partial_;
        partial_returned_ = true;
    }
    out.type = whole[0];
    out.whole = whole;
    out.body = whole.subspan(handshake_header_size);
    return result::message;
}

}  // namespace tlsaudit::capture_engine::detail
