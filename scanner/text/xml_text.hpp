#pragma once
// XML escaping: the JUnit report (report/) and the XMPP stream header (scanner/net).
// Private to the build (included as "text/xml_text.hpp").

#include <string>
#include <string_view>

namespace tlsaudit::text {

// `text` escaped for XML 1.0 character data and attribute values (& < > " '); code
// points XML 1.0 does not allow (C0 controls other than TAB, LF, CR; U+FFFE/U+FFFF)
// become U+FFFD. `text` must be valid UTF-8 (report_data strings and host names are).
std::string xml_escape(std::string_view text);

}  // namespace tlsaudit::text
