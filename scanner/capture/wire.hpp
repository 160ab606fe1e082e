#pragma once
// Big-endian reading and writing of TLS wire structures.

#include <tlsaudit/model.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tlsaudit::capture_engine::detail {

// Reads integers and length-prefixed vectors from a span. The first read past the end
// marks the reader failed; from then on every read returns zero or an empty span, so a
// parser may read a whole structure and check ok() once.
class reader {
public:
    explicit reader(std::span<const unsigned char> data) noexcept : data_(data) {}

    std::uint8_t u8() noexcept { return static_cast<std::uint8_t>(read_int(1)); }
    std::uint16_t u16() noexcept { return static_cast<std::uint16_t>(read_int(2)); }
    std::uint32_t u24() noexcept { return read_int(3); }
    std::span<const unsigned char> take(std::size_t n) noexcept {
        if (!ok_ || data_.size() - pos_ < n) return fail();
        const auto out = data_.subspan(pos_, n);
        pos_ += n;
        return out;
    }
    // A vector with a 1-, 2- or 3-byte length prefix.
    std::span<const unsigned char> vec8() noexcept { return take(u8()); }
    std::span<const unsigned char> vec16() noexcept { return take(u16()); }
    std::span<const unsigned char> vec24() noexcept { return take(u24()); }

    bool ok() const noexcept { return ok_; }
    bool empty() const noexcept { return pos_ == data_.size(); }
    // ok and every byte consumed: a structure with no trailing garbage.
    bool done() const noexcept { return ok_ && empty(); }

private:
    std::uint32_t read_int(std::size_t width) noexcept {
        const auto b = take(width);
        std::uint32_t v = 0;
        for (const unsigned char c : b) v = (v << 8) | c;
        return v;
    }
    std::span<const unsigned char> fail() noexcept {
        ok_ = false;
        pos_ = data_.size();
        return {};
    }

    std::span<const unsigned char> data_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

inline void put_u8(bytes& out, unsigned v) { out.push_back(static_cast<unsigned char>(v)); }
inline void put_u16(bytes& out, unsigned v) {
    out.push_back(static_cast<unsigned char>(v >> 8));
    out.push_back(static_cast<unsigned char>(v));
}
inline void put_u24(bytes& out, std::size_t v) {
    out.push_back(static_cast<unsigned char>(v >> 16));
    out.push_back(static_cast<unsigned char>(v >> 8));
    out.push_back(static_cast<unsigned char>(v));
}
inline void put(bytes& out, std::span<const unsigned char> data) { out.insert(out.end(), data.begin(), data.end()); }

// Moves bytes from the front of `input` to the end of `buffer` until the buffer holds
// `want` bytes or the input runs out; true when it holds `want`. For units (records,
// handshake messages) that arrive split across reads.
inline bool fill_to(bytes& buffer, std::span<const unsigned char>& input, std::size_t want) {
    const std::size_t n = std::min(want > buffer.size() ? want - buffer.size() : 0, input.size());
    buffer.insert(buffer.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(n));
    input = input.subspan(n);
    return buffer.size() >= want;
}

// A length prefix written before its content is known: open() reserves it, close()
// fills in the size of everything appended since.
class length_prefix {
public:
    length_prefix(bytes& out, std::size_t width) : out_(out), at_(out.size()), width_(width) {
        out.resize(out.size() + width);
    }
    void close() noexcept {
        const std::size_t n = out_.size() - at_ - width_;
        for (std::size_t i = 0; i < width_; ++i)
            out_[at_ + i] = static_cast<unsigned char>(n >> (8 * (width_ - 1 - i)));
    }

private:
    bytes& out_;
    std::size_t at_;
    std::size_t width_;
};

}  // namespace tlsaudit::capture_engine::detail
