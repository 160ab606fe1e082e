#include "expansion.hpp"

#include <tlsaudit/starttls.hpp>

#include <utility>

namespace tlsaudit::targets::detail {

expansion::expansion(line_plan plan) : plan_(std::move(plan)), done_(plan_.ports.empty()) {
    if (plan_.cidr) {
        current_ = plan_.cidr->first();
        last_ = plan_.cidr->last();
    }
}

target expansion::next() {
    target result = plan_.proto;
    result.port = plan_.ports[port_index_];
    if (plan_.starttls_by_port) result.starttls = starttls::protocol_for_port(result.port);
    if (plan_.cidr) result.host = format_ip(current_);

    if (++port_index_ == plan_.ports.size()) {
        port_index_ = 0;
        if (!plan_.cidr || current_ == last_) {
            done_ = true;
        } else {
            increment(current_);
        }
    }
    return result;
}

}  // namespace tlsaudit::targets::detail
