#pragma once
// How many CPUs the process may use (usable_cpus, net.hpp): the affinity mask, capped by
// the CPU quota of its cgroup. A container given two CPUs on a 64-core host (docker
// --cpus 2, a CI runner's limit) sees 64 online CPUs; a thread per online CPU would
// start 64 event loops that share two CPUs' worth of time and wake each other for
// nothing.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>

namespace tlsaudit::net::detail {

// A quota as the cgroup files state it, in CPUs rounded up: cgroup v2's cpu.max ("QUOTA
// PERIOD", or "max PERIOD" for none), or cgroup v1's cpu.cfs_quota_us and
// cpu.cfs_period_us (a quota of -1 for none). nullopt: no limit, or text it cannot read.
std::optional<std::size_t> quota_cpus_v2(std::string_view cpu_max);
std::optional<std::size_t> quota_cpus_v1(std::string_view quota_us, std::string_view period_us);

// The tightest CPU quota on the way from the process's cgroup up to the root of the
// hierarchy that holds the cpu controller (v2, or v1's "cpu" hierarchy), as found through
// `mountinfo` (/proc/self/mountinfo) and `cgroup` (/proc/self/cgroup). nullopt: no quota,
// or no cgroup file system to read.
std::optional<std::size_t> cgroup_cpu_limit(const std::filesystem::path& mountinfo,
                                            const std::filesystem::path& cgroup);

}  // namespace tlsaudit::net::detail
