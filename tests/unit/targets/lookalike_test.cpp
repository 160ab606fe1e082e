// Look-alike host names (script_mix.hpp): a label mixing Latin, Greek and Cyrillic
// letters is an input error naming the scripts; single-script and CJK + Latin labels,
// and A-labels written as such, are accepted.

#include "script_mix.hpp"
#include "test_support.hpp"

namespace tlsaudit::targets {
namespace {

const input_error* error_of(const std::vector<item>& items) {
    return items.size() == 1 ? std::get_if<input_error>(&items[0]) : nullptr;
}

TEST(lookalike, latin_with_a_cyrillic_letter_is_refused) {
    // "аpple.example" with U+0430 CYRILLIC SMALL LETTER A: libidn2 converts it.
    const auto items = parse_line("\xD0\xB0pple.example", 3, {});
    const auto* e = error_of(items);
    ASSERT_NE(e, nullptr);
    EXPECT_NE(e->message.find("mixes Latin and Cyrillic letters"), std::string::npos) << e->message;
    EXPECT_NE(e->message.find("A-label"), std::string::npos) << e->message;
}

TEST(lookalike, greek_omicron_in_a_latin_label_is_refused) {
    const auto items = parse_line("g\xCE\xBFogle.example:8443", 1, {});  // U+03BF; kept alive for e
    const auto* e = error_of(items);
    ASSERT_NE(e, nullptr);
    EXPECT_NE(e->message.find("Latin and Greek"), std::string::npos) << e->message;
}

TEST(lookalike, single_script_and_cjk_labels_are_accepted) {
    for (const char* name : {"b\xC3\xBC"
                             "cher.example",                                              // Latin with ü
                             "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBC\xD0\xB5\xD1\x80.example",  // all Cyrillic
                             "\xE4\xBE\x8B"
                             "abc.example"}) {  // Han + Latin
        const auto items = parse_line(name, 1, {});
        ASSERT_EQ(items.size(), 1u) << name;
        EXPECT_TRUE(std::holds_alternative<target>(items[0]))
            << name << ": " << std::get<input_error>(items[0]).message;
    }
}

TEST(lookalike, the_a_label_is_accepted_as_written) {
    // The punycode of the mixed label: a deliberate choice, scanned as named.
    const auto items = parse_line("xn--pple-43d.example", 1, {});
    ASSERT_EQ(items.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<target>(items[0]));
    EXPECT_EQ(std::get<target>(items[0]).host, "xn--pple-43d.example");
}

TEST(lookalike, mixed_scripts_names_the_scripts) {
    EXPECT_EQ(detail::mixed_scripts("abc"), std::nullopt);
    EXPECT_EQ(detail::mixed_scripts("a\xD0\xB0\xCE\xB1"), "Latin and Greek and Cyrillic");
    EXPECT_EQ(detail::mixed_scripts("\xFF"), std::nullopt);
}

}  // namespace
}  // namespace tlsaudit::targets
