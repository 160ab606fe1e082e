// STARTTLS selection: URL schemes, options.starttls with a protocol name, and "auto".

#include "test_support.hpp"

#include <stdexcept>

namespace tlsaudit::targets {
namespace {

using test::read_all;
using test::targets_of;

target only_target(std::string_view line, const parse_options& opts = {}) {
    const auto items = parse_line(line, 1, opts);
    EXPECT_EQ(items.size(), 1u) << line;
    const auto* t = items.empty() ? nullptr : std::get_if<target>(&items[0]);
    if (!t) {
        ADD_FAILURE() << line << ": "
                      << (items.empty() || !std::holds_alternative<input_error>(items[0])
                              ? std::string("no target")
                              : std::get<input_error>(items[0]).message);
        return {};
    }
    return *t;
}

struct scheme_case {
    std::string line;
    std::string protocol;
    std::uint16_t port;
};

class starttls_scheme : public ::testing::TestWithParam<scheme_case> {};

TEST_P(starttls_scheme, sets_protocol_and_port) {
    const scheme_case& c = GetParam();
    const target t = only_target(c.line);
    EXPECT_EQ(t.starttls, c.protocol);
    EXPECT_EQ(t.port, c.port);
    EXPECT_EQ(t.host, "mail.example.com");
    EXPECT_EQ(t.sni, "mail.example.com");
}

INSTANTIATE_TEST_SUITE_P(schemes, starttls_scheme,
                         ::testing::Values(scheme_case{"smtp://mail.example.com", "smtp", 25},
                                           scheme_case{"smtp://mail.example.com:587", "smtp", 587},
                                           scheme_case{"SMTP://Mail.Example.com:25/", "smtp", 25},
                                           scheme_case{"imap://mail.example.com", "imap", 143},
                                           scheme_case{"pop3://mail.example.com", "pop3", 110},
                                           scheme_case{"ftp://mail.example.com/pub/?x#y", "ftp", 21},
                                           scheme_case{"xmpp://mail.example.com", "xmpp", 5222},
                                           scheme_case{"postgres://mail.example.com", "postgres", 5432},
                                           scheme_case{"postgresql://mail.example.com:6432", "postgres", 6432},
                                           scheme_case{"ldap://mail.example.com", "ldap", 389},
                                           scheme_case{"https://mail.example.com", "", 443}));

TEST(starttls_scheme_rules, ip_hosts_and_user_info) {
    const target v6 = only_target("imap://[2001:db8::1]");
    EXPECT_EQ(v6.host, "2001:db8::1");
    EXPECT_EQ(v6.port, 143);
    EXPECT_EQ(v6.starttls, "imap");
    EXPECT_TRUE(v6.sni.empty());
    const auto items = parse_line("ldap://user@ldap.example.com", 1, {});
    ASSERT_EQ(items.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<input_error>(items[0]));
}

TEST(starttls_option, protocol_applies_to_lines_without_scheme) {
    parse_options opts;
    opts.starttls = "pop3";
    opts.ports = {110, 995};
    const auto ts = targets_of(parse_line("mail.example.com", 1, opts));
    ASSERT_EQ(ts.size(), 2u);
    EXPECT_EQ(ts[0].starttls, "pop3");
    EXPECT_EQ(ts[0].port, 110);
    EXPECT_EQ(ts[1].starttls, "pop3");
    EXPECT_EQ(ts[1].port, 995);
    EXPECT_EQ(only_target("192.0.2.1:2525", opts).starttls, "pop3");
    // "postgresql" is accepted as the protocol's other name.
    opts.starttls = "postgresql";
    EXPECT_EQ(only_target("db.example.com:5432", opts).starttls, "postgres");
}

TEST(starttls_option, scheme_on_the_line_wins) {
    parse_options opts;
    opts.starttls = "smtp";
    EXPECT_EQ(only_target("https://www.example.com", opts).starttls, "");
    EXPECT_EQ(only_target("imap://mail.example.com", opts).starttls, "imap");
    // Its port too: an https:// URL without one is port 443, not the STARTTLS protocol's or --port's.
    opts.ports = {25};
    EXPECT_EQ(only_target("https://www.example.com", opts).port, 443);
    opts.ports = {587, 8443};
    EXPECT_EQ(targets_of(parse_line("https://www.example.com/", 1, opts)).size(), 1u);
    EXPECT_EQ(only_target("https://www.example.com/", opts).port, 443);
    opts.starttls = "auto";
    EXPECT_EQ(only_target("https://www.example.com:25", opts).starttls, "");
    EXPECT_EQ(only_target("ldap://dir.example.com:8443", opts).starttls, "ldap");
}

TEST(starttls_option, auto_chooses_by_port) {
    parse_options opts;
    opts.starttls = "auto";
    opts.ports = {25, 587, 143, 110, 21, 5222, 5432, 389, 443, 993};
    const auto ts = targets_of(parse_line("mail.example.com", 1, opts));
    const std::vector<std::string> expected{"smtp", "smtp", "imap", "pop3", "ftp", "xmpp", "postgres", "ldap", "", ""};
    ASSERT_EQ(ts.size(), expected.size());
    for (std::size_t i = 0; i < ts.size(); ++i) EXPECT_EQ(ts[i].starttls, expected[i]) << ts[i].port;
    EXPECT_EQ(only_target("192.0.2.7:25", opts).starttls, "smtp");
    opts.ports = {443};
    EXPECT_EQ(only_target("192.0.2.7", opts).starttls, "");
}

TEST(starttls_option, auto_applies_to_each_cidr_address) {
    parse_options opts;
    opts.starttls = "auto";
    const auto ts = targets_of(parse_line("192.0.2.0/31:587", 1, opts));
    ASSERT_EQ(ts.size(), 2u);
    for (const auto& t : ts) EXPECT_EQ(t.starttls, "smtp");
}

TEST(starttls_option, direct_and_starttls_are_distinct_targets) {
    const auto items = read_all("mail.example.com:25\nsmtp://mail.example.com\nsmtp://mail.example.com:25\n");
    const auto ts = targets_of(items);
    ASSERT_EQ(ts.size(), 2u);
    EXPECT_EQ(ts[0].starttls, "");
    EXPECT_EQ(ts[1].starttls, "smtp");
    EXPECT_NE(ts[0].key(), ts[1].key());
}

TEST(starttls_option, unknown_protocol_throws) {
    parse_options opts;
    opts.starttls = "gopher";
    EXPECT_THROW(parse_line("example.com", 1, opts), std::invalid_argument);
    opts.starttls = "SMTP";  // names are lower case
    EXPECT_THROW(parse_line("example.com", 1, opts), std::invalid_argument);
}

}  // namespace
}  // namespace tlsaudit::targets
