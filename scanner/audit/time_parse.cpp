// parse_time: the RFC 3339 subset --at and the rules file accept (text::parse_rfc3339,
// shared with the report writers that read the times back).

#include <tlsaudit/rules.hpp>

#include "text/time_text.hpp"

namespace tlsaudit::audit {

std::optional<time_point> parse_time(std::string_view text) { return text::parse_rfc3339(text); }

}  // namespace tlsaudit::audit
