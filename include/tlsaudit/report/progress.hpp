#pragma once
// The live progress line on stderr (report/): done/total when the total is known, rate,
// ETA, failures. Drawn only when enabled (the app enables it when stderr is a TTY and
// --quiet is not given); redrawn at most every 200 ms. Thread-safe: the counters are
// atomics and one thread at a time redraws (others skip the redraw).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

namespace tlsaudit::report {

class progress_line {
public:
    // `out` is usually stderr. `total`: the number of targets when known in advance.
    progress_line(std::FILE* out, bool enabled, std::optional<std::size_t> total = std::nullopt);
    ~progress_line();  // calls finish()
    progress_line(const progress_line&) = delete;
    progress_line& operator=(const progress_line&) = delete;

    void target_started();            // a target was taken from the input
    void endpoint_done(bool failed);  // an endpoint's record was written
    void finish();                    // clears the line; idempotent

    // The text of the line for the current counters (without the leading "\r").
    std::string render(std::chrono::steady_clock::time_point now) const;

private:
    void maybe_draw();

    std::FILE* out_;
    bool enabled_;
    std::optional<std::size_t> total_;
    std::chrono::steady_clock::time_point start_;
    std::atomic<std::size_t> targets_{0}, endpoints_{0}, failures_{0};
    std::atomic<long long> last_draw_ms_{-1000};
    std::mutex draw_mutex_;
    bool finished_ = false;
};

}  // namespace tlsaudit::report
