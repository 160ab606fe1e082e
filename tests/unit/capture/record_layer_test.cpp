// The record reader and the handshake reassembler on plain bytes: every split point,
// several units in one read, the bounds.

#include "capture/handshake_reassembler.hpp"
#include "capture/record_reader.hpp"
#include "capture/tls_constants.hpp"
#include "wire_support.hpp"

#include <gtest/gtest.h>

namespace tlsaudit::capture_engine {
namespace {

using detail::handshake_message;
using detail::handshake_reassembler;
using detail::record_reader;
using testing::concat;
using testing::from_hex;
using testing::handshake;
using testing::record;

struct seen_record {
    std::uint8_t type;
    std::uint16_t version;
    bytes payload;
    bool operator==(const seen_record&) const = default;
};

// Feeds `stream` to `reader` in pieces ending at `cuts`, keeping what `keep` makes of
// each unit (record or message) next() hands out as `ready`; returns them and the last result.
template <typename Reader, typename Unit, typename Seen, typename Result>
std::pair<std::vector<Seen>, Result> read_in_pieces(Reader& reader, std::span<const unsigned char> stream,
                                                    std::vector<std::size_t> cuts, Seen (*keep)(const Unit&),
                                                    Result ready) {
    std::vector<Seen> out;
    Result last = Result::need_more;
    std::size_t at = 0;
    cuts.push_back(stream.size());
    for (const auto cut : cuts) {
        reader.feed(stream.subspan(at, cut - at));
        at = cut;
        Unit unit;
        while ((last = reader.next(unit)) == ready) out.push_back(keep(unit));
        if (last != Result::need_more) break;
    }
    return {out, last};
}

seen_record keep_record(const detail::record& r) {
    return {r.type, r.version, bytes(r.payload.begin(), r.payload.end())};
}

std::pair<std::vector<seen_record>, record_reader::result> read_records(std::span<const unsigned char> stream,
                                                                        std::vector<std::size_t> cuts) {
    record_reader reader;
    return read_in_pieces(reader, stream, std::move(cuts), &keep_record, record_reader::result::record);
}

const bytes three_records =
    concat({record(22, from_hex("0102030405")), record(20, from_hex("01")), record(23, bytes(300, 0xab))});
const std::vector<seen_record> three_expected{
    {22, 0x0303, from_hex("0102030405")}, {20, 0x0303, from_hex("01")}, {23, 0x0303, bytes(300, 0xab)}};

TEST(capture_records, whole_stream_in_one_read) {
    const auto [records, last] = read_records(three_records, {});
    EXPECT_EQ(records, three_expected);
    EXPECT_EQ(last, record_reader::result::need_more);
}

TEST(capture_records, every_single_split_point) {
    for (std::size_t cut = 0; cut <= three_records.size(); ++cut) {
        const auto [records, last] = read_records(three_records, {cut});
        EXPECT_EQ(records, three_expected) << "split at " << cut;
        EXPECT_EQ(last, record_reader::result::need_more);
    }
}

TEST(capture_records, byte_by_byte) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < three_records.size(); ++i) cuts.push_back(i);
    const auto [records, last] = read_records(three_records, cuts);
    EXPECT_EQ(records, three_expected);
}

TEST(capture_records, every_pair_of_split_points_on_a_short_stream) {
    const bytes stream = concat({record(22, from_hex("aa")), record(21, from_hex("0228"))});
    for (std::size_t a = 0; a <= stream.size(); ++a)
        for (std::size_t b = a; b <= stream.size(); ++b) {
            const auto [records, last] = read_records(stream, {a, b});
            ASSERT_EQ(records.size(), 2u) << a << "," << b;
            EXPECT_EQ(records[1].payload, from_hex("0228"));
        }
}

TEST(capture_records, first_record_that_is_not_tls) {
    const bytes http = from_hex("485454502f312e3120343030");  // "HTTP/1.1 400"
    for (std::size_t cut = 0; cut <= http.size(); ++cut) {
        const auto [records, last] = read_records(http, {cut});
        EXPECT_TRUE(records.empty());
        EXPECT_EQ(last, record_reader::result::not_tls);
    }
    record_reader reader;
    reader.feed(http);
    detail::record r;
    EXPECT_EQ(reader.next(r), record_reader::result::not_tls);
    EXPECT_EQ(bytes(reader.first_bytes().begin(), reader.first_bytes().end()), from_hex("485454502f"));
    EXPECT_EQ(reader.next(r), record_reader::result::not_tls) << "stays failed";
}

TEST(capture_records, tls_type_with_a_wrong_version_is_not_tls_first_but_malformed_later) {
    EXPECT_EQ(read_records(from_hex("1604010001ff"), {}).second, record_reader::result::not_tls);
    const bytes later = concat({record(22, from_hex("aa")), from_hex("1604010001ff")});
    EXPECT_EQ(read_records(later, {}).second, record_reader::result::malformed);
}

TEST(capture_records, sslv2_server_hello) {
    EXPECT_EQ(read_records(from_hex("8329040001"), {}).second, record_reader::result::sslv2);
}

TEST(capture_records, record_longer_than_any_version_allows) {
    bytes big = record(23, bytes(detail::max_record_payload, 0));
    EXPECT_EQ(read_records(big, {}).first.size(), 1u);
    big = from_hex("1703034801");  // 18433 bytes announced
    const auto [records, last] = read_records(big, {});
    EXPECT_EQ(last, record_reader::result::malformed);
}

TEST(capture_records, buffers_at_most_one_record) {
    record_reader reader;
    const bytes stream = record(22, bytes(1000, 1));
    reader.feed(std::span(stream).first(600));
    detail::record r;
    EXPECT_EQ(reader.next(r), record_reader::result::need_more);
    EXPECT_EQ(reader.buffered(), 600u);
    reader.feed(std::span(stream).subspan(600));
    EXPECT_EQ(reader.next(r), record_reader::result::record);
    EXPECT_EQ(r.payload.size(), 1000u);
    EXPECT_EQ(reader.next(r), record_reader::result::need_more);
    EXPECT_EQ(reader.buffered(), 0u);
}

// Handshake reassembly.

struct seen_message {
    std::uint8_t type;
    bytes body;
    bool operator==(const seen_message&) const = default;
};

seen_message keep_message(const handshake_message& m) {
    EXPECT_EQ(m.whole.size(), m.body.size() + 4);
    return {m.type, bytes(m.body.begin(), m.body.end())};
}

std::pair<std::vector<seen_message>, handshake_reassembler::result> reassemble(std::span<const unsigned char> stream,
                                                                               std::vector<std::size_t> cuts,
                                                                               std::size_t limit = 1 << 20) {
    handshake_reassembler r(limit);
    return read_in_pieces(r, stream, std::move(cuts), &keep_message, handshake_reassembler::result::message);
}

const bytes three_messages = concat({handshake(2, bytes(70, 2)), handshake(11, bytes(900, 11)), handshake(14, {})});
const std::vector<seen_message> three_messages_expected{{2, bytes(70, 2)}, {11, bytes(900, 11)}, {14, {}}};

TEST(capture_handshake, several_messages_in_one_record) {
    EXPECT_EQ(reassemble(three_messages, {}).first, three_messages_expected);
}

TEST(capture_handshake, every_split_point) {
    for (std::size_t cut = 0; cut <= three_messages.size(); ++cut)
        EXPECT_EQ(reassemble(three_messages, {cut}).first, three_messages_expected) << "split at " << cut;
}

TEST(capture_handshake, byte_by_byte) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < three_messages.size(); ++i) cuts.push_back(i);
    EXPECT_EQ(reassemble(three_messages, cuts).first, three_messages_expected);
}

TEST(capture_handshake, refuses_an_oversized_message_from_its_header) {
    const bytes header = from_hex("0b100001");  // Certificate, 1 MiB + 1
    for (std::size_t cut = 0; cut <= header.size(); ++cut) {
        handshake_reassembler r(1 << 20);
        const auto [messages, last] = reassemble(header, {cut});
        EXPECT_EQ(last, handshake_reassembler::result::too_large) << cut;
    }
    handshake_reassembler r(1 << 20);
    r.feed(header);
    handshake_message m;
    EXPECT_EQ(r.next(m), handshake_reassembler::result::too_large);
    EXPECT_EQ(r.pending_type(), 11);
    EXPECT_EQ(reassemble(from_hex("0b100000"), {}).second, handshake_reassembler::result::need_more);
}

TEST(capture_handshake, boundary_after_a_message_that_ends_its_record) {
    handshake_reassembler r(1 << 20);
    const bytes two = concat({handshake(2, bytes(5, 1)), handshake(8, bytes(2, 0))});
    r.feed(two);
    handshake_message m;
    ASSERT_EQ(r.next(m), handshake_reassembler::result::message);
    EXPECT_FALSE(r.at_boundary()) << "EncryptedExtensions follows in the same record";
    ASSERT_EQ(r.next(m), handshake_reassembler::result::message);
    EXPECT_TRUE(r.at_boundary());
    const bytes split = handshake(2, bytes(5, 1));
    r.feed(std::span(split).first(3));
    EXPECT_EQ(r.next(m), handshake_reassembler::result::need_more);
    EXPECT_FALSE(r.at_boundary());
    r.feed(std::span(split).subspan(3));
    ASSERT_EQ(r.next(m), handshake_reassembler::result::message);
    EXPECT_TRUE(r.at_boundary());
}

}  // namespace
}  // namespace tlsaudit::capture_engine
