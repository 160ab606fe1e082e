#pragma once
// XML escaping shared by the JUnit writer (report/).

#include <string>
#include <string_view>

namespace tlsaudit::report {

// `text` escaped for XML 1.0 character data and attribute values (& < > " '); code
// points XML 1.0 does not allow (C0 controls other than TAB, LF, CR; U+FFFE/U+FFFF)
// become U+FFFD. `text` must be valid UTF-8 (report_data strings are).
std::string xml_escape(std::string_view text);

}  // namespace tlsaudit::report
