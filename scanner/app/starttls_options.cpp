#include "starttls_options.hpp"

#include "help_groups.hpp"
#include "text/ascii.hpp"

#include <tlsaudit/starttls.hpp>

#include "number_checks.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <map>
#include <string>

namespace tlsaudit::app {

void add_starttls_options(CLI::App& cmd, targets::parse_options& parse, starttls_settings& settings) {
    std::map<std::string, std::string> names{{"auto", "auto"}, {"postgresql", "postgres"}};
    std::string known = "auto";
    for (const auto& p : starttls::protocols) {
        names.emplace(std::string(p.name), std::string(p.name));
        known += ", " + std::string(p.name);
    }
    cmd.add_option("--starttls", parse.starttls,
                   "Speak PROTO before TLS on lines without a URL scheme (smtp, imap, pop3, ftp, xmpp, postgres, "
                   "ldap), or 'auto' by port")
        ->option_text("PROTO")
        ->transform(CLI::Validator(
            [names, known](std::string& value) {
                if (const auto it = names.find(text::ascii_lower(value)); it != names.end()) {
                    value = it->second;
                    return std::string();
                }
                return "unknown protocol '" + value + "' (" + known + ")";
            },
            "PROTO"))
        ->group(help_group::tls);
    cmd.add_option("--starttls-timeout", settings.timeout_s, "Seconds for the STARTTLS exchange")
        ->capture_default_str()
        ->check(number_in(0.01, 600.0))
        ->group(help_group::network);
    settings.port_option = cmd.get_option("--port");
}

void apply_starttls_options(const starttls_settings& settings, targets::parse_options& parse, net::scan_config& net) {
    net.starttls_timeout = std::chrono::milliseconds(static_cast<long long>(settings.timeout_s * 1000.0));
    const auto protocol = starttls::find_protocol(parse.starttls);
    if (protocol && settings.port_option && settings.port_option->count() == 0) parse.ports = {protocol->port};
}

}  // namespace tlsaudit::app
