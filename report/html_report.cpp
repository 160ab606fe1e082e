#include "html_assets.hpp"

#include <tlsaudit/report/html_report.hpp>
#include <tlsaudit/report/json_report.hpp>
#include <tlsaudit/report/terminal.hpp>

#include "text/xml_text.hpp"

#include <array>
#include <streambuf>

namespace tlsaudit::report {
namespace {

// Forwards to `out`, writing '<' as the JSON escape \u003c. JSON has '<' only inside
// strings, so the document stays the same JSON value.
class lt_escaping_buf : public std::streambuf {
public:
    explicit lt_escaping_buf(std::ostream& out) : out_(out) {}

protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        put(traits_type::to_char_type(c));
        return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        std::streamsize start = 0;
        for (std::streamsize i = 0; i < n; ++i) {
            if (s[i] != '<') continue;
            out_.write(s + start, i - start);
            out_ << "\\u003c";
            start = i + 1;
        }
        out_.write(s + start, n - start);
        return n;
    }

private:
    void put(char c) {
        if (c == '<') out_ << "\\u003c";
        else out_.put(c);
    }
    std::ostream& out_;
};

constexpr std::string_view css_marker = "/*@TLSAUDIT_CSS@*/";
constexpr std::string_view js_marker = "/*@TLSAUDIT_JS@*/";
constexpr std::string_view data_marker = "/*@TLSAUDIT_DATA@*/";
constexpr std::string_view summary_marker = "/*@TLSAUDIT_SUMMARY@*/";

// The terminal summary (server strings made visible, then escaped for HTML), for viewers
// that run no JavaScript: the verdict, every kind of finding with its fix and places.
std::string static_summary(const report_data& data) {
    summary_options options;
    options.max_findings = 200;
    options.places = 10;
    return text::xml_escape(format_summary(data, options));
}

}  // namespace

void write_html_report(const report_data& data, std::ostream& out) {
    const std::string_view t = detail::html_template;
    const auto css = t.find(css_marker), summary = t.find(summary_marker), json = t.find(data_marker),
               js = t.find(js_marker);
    out << t.substr(0, css) << detail::html_css;
    out << t.substr(css + css_marker.size(), summary - css - css_marker.size()) << static_summary(data);
    out << t.substr(summary + summary_marker.size(), json - summary - summary_marker.size());
    {
        lt_escaping_buf buf(out);
        std::ostream escaped(&buf);
        write_json_report(data, escaped);
        escaped.flush();
    }
    out << t.substr(json + data_marker.size(), js - json - data_marker.size()) << detail::html_js;
    out << t.substr(js + js_marker.size());
}

std::string_view html_stylesheet() { return detail::html_css; }

}  // namespace tlsaudit::report
