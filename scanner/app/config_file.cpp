#include "config_file.hpp"

#include "text/ascii.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tlsaudit::app {
namespace {

constexpr std::size_t max_config_bytes = 1 << 20;

// The text of one file, for refusals in the form "FILE:LINE: what is wrong".
class config_source {
public:
    config_source(std::string text, std::string file) : text_(std::move(text)), file_(std::move(file)) {}

    const std::string& text() const { return text_; }

    [[noreturn]] void fail(std::size_t line, const std::string& message) const {
        throw CLI::ConfigError(fmt::format("{}:{}: {}", file_, line, message));
    }

    // The byte at a position toml++ reports. toml++ keeps no record of how a key was
    // written ("port", 'port' or port) or whether a table came from a [header] or a
    // dotted key, but keys and headers follow ASCII blanks only on their line, so their
    // column is a byte offset into it.
    char at(const toml::source_position& where) const {
        std::size_t offset = text_.starts_with("\xEF\xBB\xBF") ? 3 : 0;
        for (std::size_t line = 1; line < where.line && offset != std::string::npos; ++line) {
            offset = text_.find('\n', offset);
            if (offset != std::string::npos) ++offset;
        }
        if (offset == std::string::npos) return '\0';
        offset += where.column - 1;
        return offset < text_.size() ? text_[offset] : '\0';
    }

private:
    std::string text_;
    std::string file_;
};

// A scalar as CLI11 reads it from the command line; nullopt for a type no option takes.
std::optional<std::string> option_text(const toml::node& value) {
    if (const auto* s = value.as_string()) return s->get();
    if (const auto* b = value.as_boolean()) return b->get() ? "true" : "false";
    if (const auto* i = value.as_integer()) return std::to_string(i->get());
    if (const auto* f = value.as_floating_point(); f != nullptr && std::isfinite(f->get())) {
        // Still a float ("2.0", not "2"), so that an integer option refuses it as it
        // would on the command line.
        auto text = fmt::format("{}", f->get());
        if (text.find_first_of(".e") == std::string::npos) text += ".0";
        return text;
    }
    return std::nullopt;
}

std::string refused_type(const toml::node& value) {
    if (const auto* f = value.as_floating_point()) return fmt::format("{}", f->get());  // inf, nan
    if (value.is_table()) return "an inline table";
    if (value.is_date()) return "a date";
    if (value.is_time()) return "a time";
    return "a date-time";
}

std::string scalar(const config_source& source, const std::string& key, const toml::node& value) {
    if (auto text = option_text(value)) return std::move(*text);
    source.fail(value.source().begin.line,
                fmt::format("the value of {} must be a \"quoted string\", a number, true/false or an [array], not {}",
                            key, refused_type(value)));
}

// The command-line inputs of one top-level `key = value`.
std::vector<std::string> inputs_of(const config_source& source, const toml::key& key, const toml::node& value) {
    const std::size_t line = key.source().begin.line;
    const std::string name(key.str());
    if (const char c = source.at(key.source().begin); c == '"' || c == '\'')
        source.fail(line, "quoted keys are not supported: write the option name bare");
    const auto* table = value.as_table();
    const auto* array = value.as_array();
    if ((table != nullptr && !table->is_inline() && source.at(value.source().begin) == '[') ||
        (array != nullptr && array->is_array_of_tables() && !array->front().as_table()->is_inline()))
        source.fail(line, "tables ([section]) are not supported: write the scan options as top-level keys");
    if (table != nullptr && !table->is_inline())
        source.fail(line, "dotted keys are not supported: `" + name + ".` ...");
    if (array == nullptr) return {scalar(source, name, value)};
    if (array->empty()) source.fail(line, "the array of " + name + " is empty");
    std::vector<std::string> inputs;
    for (const auto& element : *array) {
        if (element.is_array())
            source.fail(element.source().begin.line, "nested arrays are not supported (" + name + ")");
        inputs.push_back(scalar(source, name, element));
    }
    return inputs;
}

// " (a text value needs quotes: fail-on = \"none\")" when line `line` of `text` gives a
// key a bare word (TOML reads `none` as a misspelt nan), else "".
std::string quote_hint(const std::string& text, std::size_t line) {
    std::size_t start = 0;
    for (std::size_t n = 1; n < line && start != std::string::npos; ++n) {
        start = text.find('\n', start);
        if (start != std::string::npos) ++start;
    }
    if (start == std::string::npos) return "";
    const std::string row = text.substr(start, text.find('\n', start) - start);
    const auto eq = row.find('=');
    if (eq == std::string::npos) return "";
    const auto key_end = row.find_last_not_of(" \t", eq - (eq > 0 ? 1 : 0));
    const auto value_start = row.find_first_not_of(" \t", eq + 1);
    if (key_end == std::string::npos || value_start == std::string::npos) return "";
    auto value = row.substr(value_start);
    value = value.substr(0, value.find_first_of(" \t#\r"));
    if (value.empty() || !std::isalpha(static_cast<unsigned char>(value.front())) || value == "true" ||
        value == "false" || value == "inf" || value == "nan")
        return "";
    const auto key = row.substr(0, key_end + 1);
    return fmt::format(" (a text value needs quotes: {} = \"{}\")", key.substr(key.find_first_not_of(" \t")), value);
}

// Reads the file into items for the `scan` subcommand, refusing unknown keys.
class scan_config_format : public CLI::Config {
public:
    scan_config_format(const CLI::App& scan, const CLI::Option& config) : scan_(scan), config_(config) {}

    std::string to_config(const CLI::App* app, bool defaults, bool descriptions, std::string prefix) const override {
        return CLI::ConfigTOML().to_config(app, defaults, descriptions, std::move(prefix));
    }

    std::vector<CLI::ConfigItem> from_config(std::istream& in) const override {
        const std::string file = config_.results().empty() ? std::string("config file") : config_.results().front();
        if (!scan_.parsed())
            throw CLI::ConfigError("--config " + file +
                                   ": a config file holds scan options; use it with tlsaudit scan");
        std::string text;
        text.resize(max_config_bytes + 1);
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_config_bytes) throw CLI::ConfigError(file + ": larger than 1 MiB, not a config file");
        const config_source source(std::move(text), file);
        toml::table document;
        try {
            document = toml::parse(std::string_view(source.text()), std::string_view(file));
        } catch (const toml::parse_error& e) {
            source.fail(e.source().begin.line,
                        std::string(e.description()) + quote_hint(source.text(), e.source().begin.line));
        }
        // toml++ sorts keys by name; refusals and CLI11 go in the order of the file.
        std::vector<std::pair<const toml::key*, const toml::node*>> entries;
        for (const auto& [key, value] : document) entries.emplace_back(&key, &value);
        std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            const auto& x = a.first->source().begin;
            const auto& y = b.first->source().begin;
            return std::pair(x.line, x.column) < std::pair(y.line, y.column);
        });
        // Every value is checked before any key, as the syntax comes before the meaning.
        std::vector<CLI::ConfigItem> result;
        for (const auto& [key, value] : entries) {
            CLI::ConfigItem item;
            item.parents = {scan_.get_name()};
            item.name = std::string(key->str());
            item.inputs = inputs_of(source, *key, *value);
            // Options that take one comma-separated list take a TOML array of its items too.
            if (item.inputs.size() > 1 && (item.name == "probes" || item.name == "revocation-order")) {
                std::string joined;
                for (const auto& part : item.inputs) joined += (joined.empty() ? "" : ",") + part;
                item.inputs = {joined};
            }
            result.push_back(std::move(item));
        }
        for (std::size_t i = 0; i < entries.size(); ++i)
            check_key(source, result[i].name, entries[i].first->source().begin.line);
        file_ = file;
        lines_.clear();
        for (std::size_t i = 0; i < entries.size(); ++i) lines_[result[i].name] = entries[i].first->source().begin.line;
        // The command line wins, also over a key whose option excludes one it gave (`shards`
        // in the file, --shard on the command line): that key is left out. (After the lines
        // are read: result no longer runs parallel to entries then.)
        std::erase_if(result, [this](const CLI::ConfigItem& item) { return excluded_by_command_line(item.name); });
        return result;
    }

    // The line of `key` in the file last read; 0 when it has none.
    std::size_t line_of(const std::string& key) const {
        const auto it = lines_.find(key);
        return it == lines_.end() ? 0 : it->second;
    }
    const std::string& file() const { return file_; }

private:
    bool excluded_by_command_line(const std::string& key) const {
        const CLI::Option* option = scan_.get_option_no_throw("--" + key);
        if (option == nullptr) return false;
        const auto& excludes = option->get_excludes();
        if (std::any_of(excludes.begin(), excludes.end(), [](const CLI::Option* o) { return o->count() > 0; }))
            return true;
        // Options that conflict by value (a flag may be set to false), judged after parsing
        // (scan_command, geo_options), not by CLI11: the command line wins here too.
        static constexpr std::pair<std::string_view, std::string_view> by_value[] = {
            {"ipv4-only", "ipv6-only"}, {"no-geoip", "geoip-db"}, {"no-geoip", "asn-db"}};
        return std::any_of(std::begin(by_value), std::end(by_value), [&](const auto& pair) {
            const std::string_view other = pair.first == key ? pair.second : pair.second == key ? pair.first : "";
            const CLI::Option* given = other.empty() ? nullptr : scan_.get_option_no_throw("--" + std::string(other));
            return given != nullptr && given->count() > 0;
        });
    }

    void check_key(const config_source& source, const std::string& key, std::size_t line) const {
        const CLI::Option* option = key == "targets" ? scan_.get_option_no_throw("targets")
                                    : key == "help"  ? nullptr
                                                     : scan_.get_option_no_throw("--" + key);
        if (option != nullptr && option->get_configurable()) return;
        if (option != nullptr) source.fail(line, key + " cannot be set in a config file");
        std::string best;
        std::size_t best_distance = 3;  // suggest only close names
        for (const CLI::Option* o : scan_.get_options()) {
            for (const auto& name : o->get_lnames()) {
                const auto d = text::edit_distance(key, name);
                if (d < best_distance && name != "help") {
                    best_distance = d;
                    best = name;
                }
            }
        }
        source.fail(
            line, "unknown key " + key + ": not an option of tlsaudit scan" +
                      (best.empty() ? std::string(" (keys are long option names without --; see tlsaudit scan --help)")
                                    : " (did you mean " + best + "?)"));
    }

    const CLI::App& scan_;
    const CLI::Option& config_;
    mutable std::string file_;                          // from_config is const in CLI11's interface
    mutable std::map<std::string, std::size_t> lines_;  // key -> line, for config_value_origin
};

}  // namespace

void setup_config_file(CLI::App& app, CLI::App& scan) {
    auto* option = app.set_config("--config", "",
                                  "Read tlsaudit scan's options from a TOML file (keys: long option names; "
                                  "command-line flags win): tlsaudit scan --config FILE ...");
    option->type_name("FILE");
    app.config_formatter(std::make_shared<scan_config_format>(scan, *option));
    scan.fallthrough();
}

namespace {

// Whether the command line gave --key (as "--key" or "--key=value").
bool typed(const std::string& key, int argc, const char* const* argv) {
    const std::string flag = "--" + key;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == flag || (arg.starts_with(flag) && arg.size() > flag.size() && arg[flag.size()] == '=')) return true;
    }
    return false;
}

}  // namespace

std::string config_value_origin(const CLI::App& app, std::string_view message, int argc, const char* const* argv) {
    const auto format = std::dynamic_pointer_cast<scan_config_format>(app.get_config_formatter());
    if (!format) return "";
    // Two options in conflict ("--shard excludes --shards", "--a requires --b"): each one the
    // file gave, with its line.
    for (const std::string_view relation : {" excludes ", " requires "}) {
        const auto at = message.find(relation);
        if (!message.starts_with("--") || at == std::string_view::npos) continue;
        std::string origins;
        for (auto option : {message.substr(0, at), message.substr(at + relation.size())}) {
            option = option.substr(0, option.find_first_of(" \n"));
            if (!option.starts_with("--")) continue;
            const std::string key(option.substr(2));
            if (const auto line = format->line_of(key); line != 0 && !typed(key, argc, argv))
                origins += fmt::format("{}{} at {}:{}", origins.empty() ? "" : ", ", option, format->file(), line);
        }
        return origins.empty() ? "" : " (" + origins + ")";
    }
    // "--key: why", or a flag's "Could not convert: --key = value".
    constexpr std::string_view convert = "Could not convert: ";
    if (message.starts_with(convert)) message.remove_prefix(convert.size());
    if (!message.starts_with("--")) return "";
    const auto colon = std::min(message.find(':'), message.find(" = "));
    if (colon == std::string_view::npos) return "";
    const std::string key(message.substr(2, colon - 2));
    const auto line = format->line_of(key);
    if (line == 0 || typed(key, argc, argv)) return "";
    return fmt::format(" ({}:{})", format->file(), line);
}

}  // namespace tlsaudit::app
