#include "help_groups.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace tlsaudit::app {
namespace {

// CLI11's Formatter::make_groups is not virtual, so make_help is rebuilt around an
// ordered version of it; the other parts are CLI11's own.
class grouped_formatter : public CLI::Formatter {
public:
    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
        if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
        std::ostringstream out;
        out << make_description(app) << make_usage(app, name) << make_positionals(app) << ordered_groups(app)
            << make_subcommands(app, mode) << '\n'
            << make_footer(app);
        return out.str();
    }

    // A flag that clears its setting ("--no-dedupe{false}", "!--no-system-trust") is listed
    // by its name alone: CLI11 writes the value it stores after it.
    std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
        auto name = CLI::Formatter::make_option_name(opt, is_positional);
        for (const std::string value : {"{false}", "{true}"})
            for (auto at = name.find(value); at != std::string::npos; at = name.find(value))
                name.erase(at, value.size());
        return name;
    }

private:
    std::string ordered_groups(const CLI::App* app) const {
        std::vector<std::string> groups(help_group::ordered.begin(), help_group::ordered.end());
        for (const auto& g : app->get_groups())
            if (!g.empty() && std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
        std::string out;
        for (const auto& g : groups) {
            const auto options =
                app->get_options([&g](const CLI::Option* o) { return o->get_group() == g && o->nonpositional(); });
            if (options.empty()) continue;
            out += make_group(g, false, options);
        }
        return out;
    }
};

}  // namespace

void use_grouped_help(CLI::App& cmd) { cmd.formatter(std::make_shared<grouped_formatter>()); }

}  // namespace tlsaudit::app
