#include "expansion.hpp"
#include "line_parser.hpp"
#include "seen_set.hpp"
#include "text.hpp"

#include <tlsaudit/targets.hpp>

#include <ios>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace tlsaudit::targets {

namespace {

// Reads one line, keeping at most `keep` bytes of it in `out` and skipping the rest, so
// a line of any length costs at most `keep` bytes. Returns the full length of the line
// without its '\n' and without a CR just before it (dropped from `out` too), or nullopt
// when the stream has no more lines.
std::optional<std::size_t> read_bounded_line(std::istream& in, std::string& out, std::size_t keep) {
    out.clear();
    const std::istream::sentry ok(in, /*noskipws=*/true);
    if (!ok) return std::nullopt;
    using traits = std::istream::traits_type;
    std::streambuf& buffer = *in.rdbuf();
    std::size_t length = 0;
    bool any = false;
    bool last_was_cr = false;
    for (;;) {
        traits::int_type c = traits::eof();
        try {
            c = buffer.sbumpc();
        } catch (const std::ios_base::failure& e) {
            // libstdc++'s file buffer throws on a read error (EIO, a directory), whatever
            // the stream's exception mask: an unreadable list is an error, not its end.
            throw std::runtime_error("cannot read the target list: " + e.code().message());
        }
        if (traits::eq_int_type(c, traits::eof())) {
            in.setstate(std::ios::eofbit);
            if (!any) return std::nullopt;
            break;
        }
        any = true;
        if (traits::to_char_type(c) == '\n') break;
        ++length;
        last_was_cr = traits::to_char_type(c) == '\r';
        if (out.size() < keep) out.push_back(traits::to_char_type(c));
    }
    if (last_was_cr) {
        --length;
        if (out.size() > length) out.pop_back();
    }
    return length;
}

}  // namespace

struct reader::impl {
    std::istream& in;
    parse_options opts;
    std::uint64_t lines = 0;
    bool ended = false;
    std::string line;
    detail::expansion pending;
    detail::seen_set seen;
};

reader::reader(std::istream& in, parse_options opts) {
    detail::check_options(opts);
    impl_ = std::make_unique<impl>(impl{in, std::move(opts), 0, false, {}, {}, {}});
}

reader::~reader() = default;

item reader::next() {
    impl& self = *impl_;
    for (;;) {
        while (!self.pending.done()) {
            target t = self.pending.next();
            if (!self.opts.dedupe || self.seen.insert(t.key())) return t;
        }
        if (self.ended) return end_of_input{};
        // One byte over the limit is enough to know a line is too long.
        const auto length = read_bounded_line(self.in, self.line, detail::max_line_bytes + 1);
        if (!length) {
            self.ended = true;
            return end_of_input{};
        }
        ++self.lines;
        detail::parsed_line parsed = detail::parse(self.line, *length, self.lines, self.opts);
        if (auto* error = std::get_if<input_error>(&parsed)) return std::move(*error);
        if (auto* plan = std::get_if<detail::line_plan>(&parsed)) self.pending = detail::expansion(std::move(*plan));
    }
}

std::uint64_t reader::lines_read() const { return impl_->lines; }

bool holds_target(std::string_view line) { return !detail::content_of(detail::without_bom(line)).empty(); }

std::uint64_t count_target_lines(std::istream& in) {
    std::string line;
    std::uint64_t n = 0;
    while (read_bounded_line(in, line, detail::max_line_bytes + 1)) {
        if (holds_target(line)) ++n;
    }
    return n;
}

}  // namespace tlsaudit::targets
