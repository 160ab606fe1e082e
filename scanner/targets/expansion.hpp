#pragma once
// Turns a line_plan into its targets one at a time, so a CIDR block never exists as a
// list. Order: addresses in ascending order, and for each address the ports in the
// order given. Not thread-safe (one per reader).

#include "line_parser.hpp"

namespace tlsaudit::targets::detail {

class expansion {
public:
    expansion() = default;  // done() at once
    explicit expansion(line_plan plan);

    bool done() const { return done_; }

    // Precondition: !done().
    target next();

private:
    line_plan plan_;
    ip_address current_;
    ip_address last_;
    std::size_t port_index_ = 0;
    bool done_ = true;
};

}  // namespace tlsaudit::targets::detail
