#pragma once
// Helpers for end-to-end tests: scan target lines through the real parser and scanner.

#include <tlsaudit/net.hpp>
#include <tlsaudit/targets.hpp>

#include <algorithm>
#include <mutex>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace tlsaudit::testing {

struct scan_output {
    std::vector<scan_result> results;
    std::vector<input_error> input_errors;

    // Results whose target line was `input` (sorted by address).
    std::vector<const scan_result*> for_input(const std::string& input) const {
        std::vector<const scan_result*> out;
        for (const auto& r : results)
            if (r.ep.tgt.input == input) out.push_back(&r);
        std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->ep.address < b->ep.address; });
        return out;
    }
};

inline scan_output scan_text(const std::string& text, const net::scan_config& config,
                             const targets::parse_options& parse = {}) {
    std::istringstream in(text);
    targets::reader reader(in, parse);
    scan_output out;
    std::mutex mutex;
    auto next = [&]() -> std::optional<target> {
        for (;;) {
            auto item = reader.next();
            if (auto* t = std::get_if<target>(&item)) return std::move(*t);
            if (auto* e = std::get_if<input_error>(&item)) {
                out.input_errors.push_back(std::move(*e));
                continue;
            }
            return std::nullopt;
        }
    };
    net::run_scan(config, next, [&](scan_result&& r) {
        std::lock_guard lock(mutex);
        out.results.push_back(std::move(r));
    });
    return out;
}

inline net::scan_config quick_config(std::size_t concurrency = 8) {
    net::scan_config config;
    config.concurrency = concurrency;
    config.threads = 2;
    config.connect_timeout = std::chrono::seconds(5);
    config.handshake_timeout = std::chrono::seconds(20);
    config.dns_timeout = std::chrono::seconds(5);
    return config;
}

}  // namespace tlsaudit::testing
