// Fuzz target: the capture client's record reader and handshake reassembler
// (scanner/capture). Byte 0 says how many of the next bytes are read sizes (n % 16); each
// of those gives one read of 1-256 bytes, the last read takes the rest. The records, and
// the handshake messages cut from the handshake records, must be the same as when the
// whole stream is read at once, and every view must lie inside what it was cut from.

#include "capture/handshake_reassembler.hpp"
#include "capture/record_reader.hpp"
#include "capture/tls_constants.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

using namespace tlsaudit;
using capture_engine::detail::handshake_message;
using capture_engine::detail::handshake_reassembler;
using capture_engine::detail::record_reader;

struct cut_result {
    std::vector<bytes> records;   // type byte + payload
    std::vector<bytes> messages;  // whole handshake messages
    record_reader::result end = record_reader::result::need_more;
    bool too_large = false;
};

cut_result cut(std::span<const std::uint8_t> stream, const std::vector<std::size_t>& reads) {
    cut_result out;
    record_reader reader;
    handshake_reassembler messages(capture_engine::detail::max_handshake_message);
    std::size_t at = 0;
    for (std::size_t i = 0; i <= reads.size() && out.end == record_reader::result::need_more; ++i) {
        const std::size_t n = i < reads.size() ? std::min(reads[i], stream.size() - at) : stream.size() - at;
        reader.feed(stream.subspan(at, n));
        at += n;
        capture_engine::detail::record r;
        while ((out.end = reader.next(r)) == record_reader::result::record) {
            fuzz::require(r.header.size() == 5 && r.payload.size() <= capture_engine::detail::max_record_payload,
                          "record bounds");
            fuzz::require(r.header[0] == r.type, "header and type agree");
            bytes rec{r.type};
            rec.insert(rec.end(), r.payload.begin(), r.payload.end());
            out.records.push_back(std::move(rec));
            if (r.type != capture_engine::detail::content_type::handshake || out.too_large) continue;
            messages.feed(r.payload);
            handshake_message m;
            handshake_reassembler::result res;
            while ((res = messages.next(m)) == handshake_reassembler::result::message) {
                fuzz::require(m.whole.size() == m.body.size() + 4 && m.whole[0] == m.type, "message bounds");
                out.messages.emplace_back(m.whole.begin(), m.whole.end());
            }
            out.too_large = res == handshake_reassembler::result::too_large;
        }
        fuzz::require(reader.buffered() <= 5 + capture_engine::detail::max_record_payload, "bounded record buffer");
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t count = std::min<std::size_t>(data[0] % 16, size - 1);
    std::vector<std::size_t> reads;
    for (std::size_t i = 0; i < count; ++i) reads.push_back(std::size_t{data[1 + i]} + 1);
    const std::span<const std::uint8_t> stream(data + 1 + count, size - 1 - count);

    const auto whole = cut(stream, {});
    const auto pieces = cut(stream, reads);
    fuzz::require(whole.records == pieces.records, "records do not depend on read sizes");
    fuzz::require(whole.messages == pieces.messages, "messages do not depend on read sizes");
    fuzz::require(whole.end == pieces.end && whole.too_large == pieces.too_large, "same ending");
    return 0;
}
