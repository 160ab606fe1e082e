#include "handshake_messages.hpp"

#include <cstddef>
#include <cstdint>

namespace tlsaudit::net::detail {
namespace {

// Reads big-endian integers from a span, refusing to run past its end.
class cursor {
public:
    explicit cursor(std::span<const unsigned char> data) : data_(data) {}

    bool read(std::size_t width, std::size_t& value) {
        if (remaining() < width) return false;
        value = 0;
        for (std::size_t i = 0; i < width; ++i) value = (value << 8) | data_[pos_ + i];
        pos_ += width;
        return true;
    }
    bool take(std::size_t n, std::span<const unsigned char>& out) {
        if (remaining() < n) return false;
        out = data_.subspan(pos_, n);
        pos_ += n;
        return true;
    }
    std::size_t remaining() const { return data_.size() - pos_; }

private:
    std::span<const unsigned char> data_;
    std::size_t pos_ = 0;
};

constexpr unsigned char certificate_type = 11;

}  // namespace

std::optional<std::vector<bytes>> parse_certificate_message(std::span<const unsigned char> msg,
                                                            bool tls13) {
    cursor in(msg);
    std::size_t type = 0;
    std::size_t body_len = 0;
    if (!in.read(1, type) || type != certificate_type || !in.read(3, body_len) ||
        body_len != in.remaining())
        return std::nullopt;
    if (tls13) {
        std::size_t context_len = 0;
        std::span<const unsigned char> context;
        if (!in.read(1, context_len) || !in.take(context_len, context)) return std::nullopt;
    }
    std::size_t list_len = 0;
    if (!in.read(3, list_len) || list_len != in.remaining()) return std::nullopt;

    std::vector<bytes> chain;
    while (in.remaining() > 0) {
        std::size_t cert_len = 0;
        std::span<const unsigned char> cert;
        if (!in.read(3, cert_len) || cert_len == 0 || !in.take(cert_len, cert)) return std::nullopt;
        chain.emplace_back(cert.begin(), cert.end());
        if (tls13) {
            std::size_t ext_len = 0;
            std::span<const unsigned char> extensions;
            if (!in.read(2, ext_len) || !in.take(ext_len, extensions)) return std::nullopt;
        }
    }
    return chain;
}

}  // namespace tlsaudit::net::detail
