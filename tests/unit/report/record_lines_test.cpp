// Reading records one at a time (report/ndjson_reader.hpp: ndjson_lines, target_of,
// served_chain_of) and rewriting a stream in place (ndjson_writer.hpp: rewrite_ndjson),
// as --resume does with an interrupted scan's file.

#include "report_fixture.hpp"

#include "../../support/scratch_dir.hpp"

#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/ndjson_reader.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <system_error>

namespace tlsaudit::report {
namespace {

using namespace tlsaudit::report::testing;

boost::json::object parsed(const std::string& line) { return boost::json::parse(line).as_object(); }

TEST(ndjson_lines, skips_blank_lines_and_numbers_from_one) {
    std::istringstream in("{\"type\":\"a\"}\r\n\n \t\r\n{\"type\":\"b\"}\n{\"type\":\"c\"}");
    ndjson_lines lines(in);
    auto a = lines.next();
    ASSERT_TRUE(a && a->record);
    EXPECT_EQ(a->number, 1u);
    EXPECT_EQ(a->text, "{\"type\":\"a\"}") << "the CR goes";
    EXPECT_EQ(record_type(*a->record), "a");
    auto b = lines.next();
    ASSERT_TRUE(b);
    EXPECT_EQ(b->number, 4u);
    auto c = lines.next();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->number, 5u) << "a last line without a line break";
    EXPECT_FALSE(lines.next());
    EXPECT_FALSE(lines.bad());
}

// Every record larger than the reader's first block: the memory of each parse was released
// but the next block requested doubled each time, and the 30th or so could not be had.
TEST(ndjson_lines, reads_any_number_of_records_larger_than_its_first_block) {
    std::string record = "{\"type\":\"endpoint\",\"sans\":[";
    for (int i = 0; i < 2000; ++i) record += (i ? ",\"" : "\"") + std::string(20, 'a') + "\"";
    record += "]}\n";
    ASSERT_GT(record.size(), 40'000u);
    std::string text;
    for (int i = 0; i < 200; ++i) text += record;
    std::istringstream in(text);
    ndjson_lines lines(in);
    std::size_t read = 0;
    while (const auto line = lines.next()) {
        ASSERT_TRUE(line->record) << line->number << ": " << line->error;
        EXPECT_EQ(line->record->at("sans").as_array().size(), 2000u);
        ++read;
    }
    EXPECT_EQ(read, 200u);
}

TEST(ndjson_lines, damaged_lines_come_back_without_a_record) {
    std::istringstream in("{\"type\":\"endpoint\",\"tar\n[1,2]\n{\"type\":\"ok\"}\n");
    ndjson_lines lines(in);
    const auto cut = lines.next();
    ASSERT_TRUE(cut);
    EXPECT_FALSE(cut->record);
    EXPECT_EQ(cut->error.rfind("invalid JSON: ", 0), 0u) << cut->error;
    const auto array = lines.next();
    ASSERT_TRUE(array);
    EXPECT_FALSE(array->record);
    EXPECT_EQ(array->error, "expected a JSON object");
    const auto ok = lines.next();
    ASSERT_TRUE(ok && ok->record);
    EXPECT_EQ(ok->number, 3u);
}

TEST(record_fields, target_and_address_count_as_written) {
    const auto record = parsed(endpoint_line("a.test", 8443, "127.0.0.2", "[]"));
    const auto t = target_of(record);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->host, "a.test");
    EXPECT_EQ(t->port, 8443);
    EXPECT_EQ(t->sni, "a.test");
    EXPECT_EQ(t->starttls, "");
    EXPECT_EQ(t->input, "a.test:8443");
    EXPECT_EQ(t->line_no, 1u);
    EXPECT_EQ(address_count_of(record), 1u) << "no \"addresses\": an older writer's record";
    EXPECT_EQ(address_count_of(parsed(R"({"addresses":3})")), 3u);
    EXPECT_EQ(address_count_of(parsed(R"({"addresses":0})")), 1u);
    EXPECT_EQ(record_type(parsed(R"({"type":7})")), "");
}

TEST(record_fields, no_target_without_host_and_integer_port) {
    EXPECT_FALSE(target_of(parsed(R"({"type":"endpoint"})")));
    EXPECT_FALSE(target_of(parsed(R"({"target":{"host":"a.test"}})")));
    EXPECT_FALSE(target_of(parsed(R"({"target":{"host":"a.test","port":"443"}})")));
    EXPECT_FALSE(target_of(parsed(R"({"target":{"host":null,"port":443}})")));
    EXPECT_FALSE(target_of(parsed(R"({"target":{"host":"a.test","port":70000}})")));
    EXPECT_TRUE(target_of(parsed(R"({"target":{"host":"a.test","port":443}})")));
}

endpoint_result served_result() {
    endpoint_result r;
    r.ep.tgt.host = "mail.test";
    r.ep.tgt.port = 25;
    r.ep.tgt.sni = "mail.test";
    r.ep.tgt.starttls = "smtp";
    r.ep.tgt.input = "smtp://mail.test";
    r.ep.tgt.line_no = 9;
    r.ep.address = "127.0.0.7";
    r.ep.address_count = 2;
    r.cap.chain = {bytes{0x30, 0x01, 0x02}, bytes{0x30, 0x03}};
    r.certs.resize(2);
    return r;
}

TEST(record_fields, an_endpoint_record_reads_back_as_written) {
    const auto record = parsed(boost::json::serialize(to_json(served_result())));
    const auto served = served_chain_of(record);
    ASSERT_TRUE(served);
    const auto expected = served_result();
    EXPECT_EQ(served->ep.tgt.key(), expected.ep.tgt.key());
    EXPECT_EQ(served->ep.tgt.input, expected.ep.tgt.input);
    EXPECT_EQ(served->ep.tgt.line_no, 9u);
    EXPECT_EQ(served->ep.address, "127.0.0.7");
    EXPECT_EQ(served->ep.address_count, 2u);
    EXPECT_EQ(served->chain, expected.cap.chain);
    // The in-memory record (unsigned integers, before any text) reads the same.
    ASSERT_TRUE(served_chain_of(to_json(served_result())));
    EXPECT_EQ(served_chain_of(to_json(served_result()))->ep.address_count, 2u);
}

TEST(record_fields, only_endpoints_that_served_a_chain) {
    EXPECT_FALSE(served_chain_of(parsed(error_line("a.test", 443, "127.0.0.2", "refused"))));
    EXPECT_FALSE(served_chain_of(parsed(name_line("a.test", 443, "[]"))));
    auto no_chain = served_result();
    no_chain.cap.chain.clear();
    EXPECT_FALSE(served_chain_of(to_json(no_chain)));
    auto record = parsed(boost::json::serialize(to_json(served_result())));
    record["chain"].as_array()[1].as_object()["der"] = "not base64!";
    const auto cut = served_chain_of(record);
    ASSERT_TRUE(cut);
    EXPECT_EQ(cut->chain.size(), 1u) << "up to the first certificate that does not decode";
    record["chain"].as_array()[0].as_object()["der"] = nullptr;
    EXPECT_FALSE(served_chain_of(record));
}

using rewrite = tlsaudit::testing::scratch_dir;

TEST_F(rewrite, keeps_the_accepted_records_as_written) {
    const auto path = dir_ / "s.ndjson";
    std::ofstream(path) << "{\"n\":1,\"keep\":true}\r\n\n{\"n\":2}\n{\"n\":3,\"keep\":true}\n{\"n\":4,\"kee";
    std::vector<int> seen;
    rewrite_ndjson(path, [&seen](const boost::json::object& record) {
        seen.push_back(record.at("n").to_number<int>());
        return record.contains("keep");
    });
    EXPECT_EQ(read(path), "{\"n\":1,\"keep\":true}\n{\"n\":3,\"keep\":true}\n");
    EXPECT_EQ(seen, (std::vector<int>{1, 2, 3})) << "every record once, in order; damaged lines never";
    EXPECT_EQ(entries(), 1u) << "no temporary file left";
}

TEST_F(rewrite, a_failure_leaves_the_file_as_it_was) {
    const auto path = dir_ / "s.ndjson";
    std::ofstream(path) << "{\"n\":1}\n{\"n\":2}\n";
    EXPECT_THROW(rewrite_ndjson(path, [](const boost::json::object&) -> bool { throw std::runtime_error("boom"); }),
                 std::runtime_error);
    EXPECT_EQ(read(path), "{\"n\":1}\n{\"n\":2}\n");
    EXPECT_EQ(entries(), 1u);
}

TEST_F(rewrite, a_missing_file_is_a_system_error_naming_it) {
    try {
        rewrite_ndjson(dir_ / "none.ndjson", [](const boost::json::object&) { return true; });
        FAIL() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
        EXPECT_NE(std::string(e.what()).find("cannot read " + (dir_ / "none.ndjson").string()), std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace tlsaudit::report
