#pragma once
// Cuts handshake records into handshake messages: a message may span records, and a
// record may hold several. A message that lies whole in one record is returned as a view
// of it, with no copy; only a message split across records is assembled, and its length
// is checked against the limit from its header, before any of its body is buffered.

#include <tlsaudit/model.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace tlsaudit::capture_engine::detail {

struct handshake_message {
    std::uint8_t type = 0;
    std::span<const unsigned char> whole;  // header and body, as hashed into the transcript
    std::span<const unsigned char> body;
};

class handshake_reassembler {
public:
    enum class result {
        message,    // `out` holds the next message
        need_more,  // the fragment is consumed; a message may be waiting for its rest
        too_large,  // a header announced a body over the limit (pending_type() says which)
    };

    explicit handshake_reassembler(std::size_t max_body) noexcept : max_body_(max_body) {}

    // The content of the next handshake record. The previous one must have been drained
    // (next() returned need_more); `fragment` must stay valid until then.
    void feed(std::span<const unsigned char> fragment) noexcept { input_ = fragment; }
    // The next complete message; views stay valid until the next call to next() or feed().
    result next(handshake_message& out);

    // No part of a message is waiting: the records so far ended on a message boundary
    // (TLS 1.3 forbids a message to span a key change).
    bool at_boundary() const noexcept { return (partial_.empty() || partial_returned_) && input_.empty(); }
    // Type of the message being assembled, or of the one refused as too large.
    std::uint8_t pending_type() const noexcept { return pending_type_; }

private:
    std::span<const unsigned char> input_;
    bytes partial_;
    bool partial_returned_ = false;
    std::size_t max_body_;
    std::uint8_t pending_type_ = 0;
    bool too_large_ = false;
};

}  // namespace tlsaudit::capture_engine::detail
