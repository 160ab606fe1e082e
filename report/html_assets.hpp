#pragma once
// The HTML report's template, stylesheet and script, compiled in from report/assets/
// (html_assets.cpp is generated at configure time).

#include <string_view>

namespace tlsaudit::report::detail {

extern const std::string_view html_template;  // holds the /*@TLSAUDIT_CSS@*/, _JS and _DATA markers
extern const std::string_view html_css;
extern const std::string_view html_js;

}  // namespace tlsaudit::report::detail
