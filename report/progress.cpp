#include <tlsaudit/report/progress.hpp>

#include <fmt/format.h>

#include <cstdio>

namespace tlsaudit::report {

progress_line::progress_line(std::FILE* out, bool enabled, std::optional<std::size_t> total)
    : out_(out), enabled_(enabled && out != nullptr), total_(total), start_(std::chrono::steady_clock::now()) {}

progress_line::~progress_line() { finish(); }

void progress_line::target_started() {
    ++targets_;
    maybe_draw();
}

void progress_line::endpoint_done(bool failed) {
    ++endpoints_;
    if (failed) ++failures_;
    maybe_draw();
}

std::string progress_line::render(std::chrono::steady_clock::time_point now) const {
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const std::size_t endpoints = endpoints_, targets = targets_, failures = failures_;
    const double rate = seconds > 0.05 ? static_cast<double>(endpoints) / seconds : 0.0;
    std::string line = fmt::format("tlsaudit: {} endpoints done", endpoints);
    if (total_) {
        line += fmt::format(", targets {}/{}", targets, *total_);
    } else {
        line += fmt::format(", {} targets read", targets);
    }
    line += fmt::format(", {:.0f}/s", rate);
    const double target_rate = seconds > 0.05 ? static_cast<double>(targets) / seconds : 0.0;
    if (total_ && target_rate > 0 && *total_ > targets) {
        const auto eta = static_cast<long long>(static_cast<double>(*total_ - targets) / target_rate);
        line += fmt::format(", ETA {}:{:02}", eta / 60, eta % 60);
    }
    line += fmt::format(", {} failed", failures);
    return line;
}

void progress_line::maybe_draw() {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - start_).count();
    if (ms - last_draw_ms_.load() < 200) return;
    std::unique_lock lock(draw_mutex_, std::try_to_lock);
    if (!lock || finished_) return;
    last_draw_ms_ = ms;
    // \r then "erase line": the line never scrolls. A terminal gone (an ssh session that
    // dropped) ends the drawing, never the scan: stdio's fputs and fflush do not throw.
    const auto line = "\r\x1b[2K" + render(now);
    std::fputs(line.c_str(), out_);
    std::fflush(out_);
}

void progress_line::finish() {
    std::lock_guard lock(draw_mutex_);
    if (finished_) return;
    finished_ = true;
    if (enabled_ && last_draw_ms_ >= 0) {
        std::fputs("\r\x1b[2K", out_);
        std::fflush(out_);
    }
}

}  // namespace tlsaudit::report
