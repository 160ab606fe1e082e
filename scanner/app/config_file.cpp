#include "config_file.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <istream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tlsaudit::app {
namespace {

constexpr std::size_t max_config_bytes = 1 << 20;

// A strict reader of the TOML subset described in config_file.hpp. Throws
// CLI::ConfigError("FILE:LINE: ...").
class toml_reader {
public:
    toml_reader(std::string text, std::string file) : text_(std::move(text)), file_(std::move(file)) {}

    struct entry {
        std::string key;
        std::vector<std::string> values;
        std::size_t line = 0;
    };

    std::vector<entry> read() {
        std::vector<entry> entries;
        if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
        for (;;) {
            skip_blank_lines();
            if (at_end()) return entries;
            if (peek() == '[') fail("tables ([section]) are not supported: write the scan options as top-level keys");
            entry e;
            e.line = line_;
            e.key = read_key();
            skip_spaces();
            if (at_end() || peek() != '=') fail("expected `" + e.key + " = VALUE`");
            ++pos_;
            skip_spaces();
            read_value(e.key, e.values);
            skip_spaces();
            skip_comment();
            if (!at_end() && peek() != '\n')
                fail(fmt::format("unexpected '{}' after the value of {}", printable(peek()), e.key));
            entries.push_back(std::move(e));
        }
    }

    [[noreturn]] void fail(const std::string& message, std::size_t line = 0) const {
        throw CLI::ConfigError(fmt::format("{}:{}: {}", file_, line == 0 ? line_ : line, message));
    }

private:
    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return text_[pos_]; }

    static std::string printable(char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u >= 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
    }

    void skip_spaces() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\r')) ++pos_;
    }
    void skip_comment() {
        if (!at_end() && peek() == '#')
            while (!at_end() && peek() != '\n') ++pos_;
    }
    void newline() {
        ++pos_;
        ++line_;
    }
    void skip_blank_lines() {
        for (;;) {
            skip_spaces();
            skip_comment();
            if (at_end() || peek() != '\n') return;
            newline();
        }
    }
    // Inside arrays: spaces, comments and line breaks.
    void skip_whitespace() { skip_blank_lines(); }

    std::string read_key() {
        const std::size_t start = pos_;
        while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '-' || peek() == '_')) ++pos_;
        std::string key = text_.substr(start, pos_ - start);
        if (!at_end() && peek() == '.' && !key.empty()) fail("dotted keys are not supported: `" + key + ".` ...");
        if (key.empty()) {
            if (peek() == '"' || peek() == '\'') fail("quoted keys are not supported: write the option name bare");
            fail("expected `KEY = VALUE`, found '" + printable(peek()) + "'");
        }
        return key;
    }

    void read_value(const std::string& key, std::vector<std::string>& out) {
        if (at_end() || peek() == '\n' || peek() == '#') fail("missing value for " + key);
        if (peek() != '[') {
            out.push_back(read_scalar(key));
            return;
        }
        const std::size_t opened = line_;
        ++pos_;
        for (;;) {
            skip_whitespace();
            if (at_end()) fail("the array of " + key + " opened on line " + std::to_string(opened) + " is not closed", opened);
            if (peek() == ']') break;
            if (peek() == '[') fail("nested arrays are not supported (" + key + ")");
            out.push_back(read_scalar(key));
            skip_whitespace();
            if (at_end()) fail("the array of " + key + " opened on line " + std::to_string(opened) + " is not closed", opened);
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() != ']') fail(fmt::format("expected ',' or ']' in the array of {}, found '{}'", key, printable(peek())));
        }
        ++pos_;
        if (out.empty()) fail("the array of " + key + " is empty");
    }

    std::string read_scalar(const std::string& key) {
        const char c = peek();
        if (c == '"') return read_basic_string(key);
        if (c == '\'') return read_literal_string(key);
        const std::size_t start = pos_;
        while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '.' || peek() == '+' ||
                             peek() == '-' || peek() == '_'))
            ++pos_;
        const std::string word = text_.substr(start, pos_ - start);
        if (word == "true" || word == "false") return word;
        if (is_number(word)) {
            std::string digits;
            std::copy_if(word.begin(), word.end(), std::back_inserter(digits), [](char d) { return d != '_'; });
            return digits;
        }
        fail("the value of " + key + " must be a \"quoted string\", a number, true/false or an [array]" +
             (word.empty() ? std::string() : ", not " + word));
    }

    static bool is_number(const std::string& w) {
        std::size_t i = (!w.empty() && (w[0] == '+' || w[0] == '-')) ? 1 : 0;
        bool digits = false, dot = false, exponent = false;
        for (; i < w.size(); ++i) {
            const char c = w[i];
            if (std::isdigit(static_cast<unsigned char>(c))) digits = true;
            else if (c == '_' && digits) continue;
            else if (c == '.' && digits && !dot && !exponent) dot = true;
            else if ((c == 'e' || c == 'E') && digits && !exponent) {
                exponent = true;
                digits = false;
                if (i + 1 < w.size() && (w[i + 1] == '+' || w[i + 1] == '-')) ++i;
            } else return false;
        }
        return digits;
    }

    std::string read_literal_string(const std::string& key) {
        const std::size_t start = ++pos_;
        while (!at_end() && peek() != '\'' && peek() != '\n') ++pos_;
        if (at_end() || peek() != '\'') fail("unterminated string in the value of " + key);
        return text_.substr(start, pos_++ - start);
    }

    std::string read_basic_string(const std::string& key) {
        std::string out;
        ++pos_;
        for (;;) {
            if (at_end() || peek() == '\n') fail("unterminated string in the value of " + key);
            const char c = text_[pos_++];
            if (c == '"') return out;
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (at_end()) fail("unterminated string in the value of " + key);
            switch (const char e = text_[pos_++]) {
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case 'n': out.push_back('\n'); break;
            case 't': out.push_back('\t'); break;
            case 'r': out.push_back('\r'); break;
            default: fail(fmt::format("unsupported escape \\{} in the value of {}", printable(e), key));
            }
        }
    }

    std::string text_;
    std::string file_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
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
        if (!scan_.parsed()) throw CLI::ConfigError("--config " + file + ": a config file holds scan options; use it with tlsaudit scan");
        std::string text;
        text.resize(max_config_bytes + 1);
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_config_bytes) throw CLI::ConfigError(file + ": larger than 1 MiB, not a config file");
        toml_reader reader(std::move(text), file);
        std::map<std::string, std::size_t> seen;
        std::vector<CLI::ConfigItem> result;
        for (auto& e : reader.read()) {
            if (const auto [it, fresh] = seen.emplace(e.key, e.line); !fresh)
                reader.fail(e.key + " is already set on line " + std::to_string(it->second), e.line);
            check_key(reader, e.key, e.line);
            CLI::ConfigItem item;
            item.parents = {scan_.get_name()};
            item.name = e.key;
            item.inputs = std::move(e.values);
            result.push_back(std::move(item));
        }
        return result;
    }

private:
    void check_key(const toml_reader& reader, const std::string& key, std::size_t line) const {
        const CLI::Option* option = key == "targets" ? scan_.get_option_no_throw("targets")
                                    : key == "help"  ? nullptr
                                                     : scan_.get_option_no_throw("--" + key);
        if (option != nullptr && option->get_configurable()) return;
        if (option != nullptr) reader.fail(key + " cannot be set in a config file", line);
        std::string best;
        std::size_t best_distance = 3;  // suggest only close names
        for (const CLI::Option* o : scan_.get_options()) {
            for (const auto& name : o->get_lnames()) {
                const auto d = edit_distance(key, name);
                if (d < best_distance && name != "help") {
                    best_distance = d;
                    best = name;
                }
            }
        }
        reader.fail("unknown key " + key + ": not an option of tlsaudit scan" +
                        (best.empty() ? std::string(" (keys are long option names without --; see tlsaudit scan --help)")
                                      : " (did you mean " + best + "?)"),
                    line);
    }

    const CLI::App& scan_;
    const CLI::Option& config_;
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

}  // namespace tlsaudit::app
