#pragma once
// Splits the bytes a server sends into TLS records, whatever the read boundaries. A
// record that arrived whole in one feed() is returned as a view of that input, with no
// copy; only a record split across reads is assembled in a buffer, bounded by the
// largest record any version may send.

#include <tlsaudit/model.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace tlsaudit::capture_engine::detail {

struct record {
    std::uint8_t type = 0;
    std::uint16_t version = 0;
    std::span<const unsigned char> header;  // the 5 bytes (AEAD additional data)
    std::span<const unsigned char> payload;
};

class record_reader {
public:
    enum class result {
        record,     // `out` holds the next record
        need_more,  // everything fed so far is consumed or buffered
        not_tls,    // the first record's header is not TLS (first_bytes() says what it was)
        sslv2,      // the server answered with an SSL 2.0 record
        malformed,  // a later header is not TLS, or a record is longer than any version allows
    };

    // Makes `data` the input of the next() calls. The previous input must have been drained
    // (next() returned need_more); `data` must stay valid until then.
    void feed(std::span<const unsigned char> data) noexcept { input_ = data; }
    // The next complete record. Views returned stay valid until the next call to next()
    // or feed(). After not_tls, sslv2 or malformed the reader is stuck on that answer.
    result next(record& out);

    // Up to five bytes the server sent first (the not_tls diagnostic).
    std::span<const unsigned char> first_bytes() const noexcept { return {first_, first_size_}; }
    // Bytes of an unfinished record held back, waiting for the rest.
    std::size_t buffered() const noexcept { return partial_.size(); }

private:
    result check_header(std::span<const unsigned char> header);
    void remember_first(std::span<const unsigned char> data) noexcept;

    std::span<const unsigned char> input_;
    bytes partial_;
    bool partial_returned_ = false;
    bool first_checked_ = false;
    result stuck_ = result::need_more;
    unsigned char first_[5] = {};
    std::size_t first_size_ = 0;
};

}  // namespace tlsaudit::capture_engine::detail
