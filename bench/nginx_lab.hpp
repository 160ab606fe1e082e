#pragma once
// tlsaudit-bench-lab --nginx DIR: the lab's endpoints served by nginx with worker processes
// instead of the lab library's server (issue 17: a lab that is not the bottleneck; nginx
// spends about a quarter less CPU per handshake than lab/'s server, bench/RESULTS.md
// section 17). The certificates, keys and configuration are written under DIR.

#include <tlsaudit/lab/tls_server.hpp>

#include <sys/types.h>

#include <filesystem>
#include <vector>

namespace tlsaudit::bench {

class nginx_lab {
public:
    // Serves every config (bind_address, port, chain, leaf_key and extra_chains are read;
    // every other field must be left at its default) from one nginx with `workers` worker
    // processes, and returns once the last endpoint accepts connections. Throws
    // std::runtime_error when nginx stops first (a port of the block taken, say), with the
    // end of its error log, or does not listen within 120 s.
    nginx_lab(const std::filesystem::path& dir, const std::vector<lab::server_config>& configs, unsigned workers);
    ~nginx_lab();  // stops nginx and waits for it
    nginx_lab(const nginx_lab&) = delete;
    nginx_lab& operator=(const nginx_lab&) = delete;

private:
    void stop() noexcept;

    pid_t pid_ = -1;
};

}  // namespace tlsaudit::bench
