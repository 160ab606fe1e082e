// The cgroup CPU quota reader on cgroup files laid out in a scratch directory as the
// kernel lays them out (mountinfo, /proc/self/cgroup, the controller's files), and
// usable_cpus on this process.

#include "cpu_limit.hpp"

#include "../../support/scratch_dir.hpp"

#include <tlsaudit/net.hpp>

#include <sched.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>

namespace tlsaudit::net::detail {
namespace {

TEST(quota_cpus, cgroup_v2_cpu_max_rounds_up_and_max_is_no_limit) {
    EXPECT_EQ(quota_cpus_v2("200000 100000\n"), 2u);
    EXPECT_EQ(quota_cpus_v2("150000 100000"), 2u) << "1.5 CPUs of time: two threads can use it";
    EXPECT_EQ(quota_cpus_v2("50000 100000"), 1u);
    EXPECT_EQ(quota_cpus_v2("9223372036854775807 100000"), 92233720368548u) << "no overflow near the limit";
    EXPECT_EQ(quota_cpus_v2("max 100000\n"), std::nullopt);
    EXPECT_EQ(quota_cpus_v2(""), std::nullopt);
    EXPECT_EQ(quota_cpus_v2("0 100000"), std::nullopt);
    EXPECT_EQ(quota_cpus_v2("100000"), std::nullopt);
    EXPECT_EQ(quota_cpus_v2("lots 100000"), std::nullopt);
}

TEST(quota_cpus, cgroup_v1_minus_one_is_no_limit) {
    EXPECT_EQ(quota_cpus_v1("300000\n", "100000\n"), 3u);
    EXPECT_EQ(quota_cpus_v1("-1\n", "100000\n"), std::nullopt);
    EXPECT_EQ(quota_cpus_v1("100000", "0"), std::nullopt);
    EXPECT_EQ(quota_cpus_v1("x", "100000"), std::nullopt);
}

class cgroup_files : public testing::scratch_dir {
protected:
    // A directory under the scratch directory, made with its parents.
    std::filesystem::path dir(const std::string& relative) const {
        const auto d = dir_ / relative;
        std::filesystem::create_directories(d);
        return d;
    }
    void put(const std::filesystem::path& file, const std::string& text) const {
        std::filesystem::create_directories(file.parent_path());
        write(std::filesystem::relative(file, dir_).string(), text);
    }
    std::optional<std::size_t> limit(const std::string& mountinfo, const std::string& cgroup) const {
        return cgroup_cpu_limit(write("mountinfo", mountinfo), write("cgroup", cgroup));
    }
    std::string mount_line(const std::string& root, const std::filesystem::path& point, const std::string& type,
                           const std::string& options) const {
        return "40 30 0:37 " + root + " " + point.string() + " rw,relatime shared:9 - " + type + " " + type + " " +
               options + "\n";
    }
};

TEST_F(cgroup_files, v2_the_tightest_quota_on_the_way_to_the_root_binds) {
    const auto root = dir("v2");
    put(root / "ci.slice/cpu.max", "300000 100000\n");
    put(root / "ci.slice/job.scope/cpu.max", "max 100000\n");
    const auto mounts = "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n" + mount_line("/", root, "cgroup2", "rw");
    EXPECT_EQ(limit(mounts, "0::/ci.slice/job.scope\n"), 3u);
    put(root / "ci.slice/job.scope/cpu.max", "100000 100000\n");
    EXPECT_EQ(limit(mounts, "0::/ci.slice/job.scope\n"), 1u);
    EXPECT_EQ(limit(mounts, "0::/elsewhere\n"), std::nullopt) << "no cpu.max on the way: no quota";
}

TEST_F(cgroup_files, v2_a_container_sees_its_own_cgroup_as_the_root) {
    // docker with a private cgroup namespace: /proc/self/cgroup says "0::/" and the
    // container's limit is in the mount's top directory.
    const auto root = dir("container");
    put(root / "cpu.max", "200000 100000\n");
    EXPECT_EQ(limit(mount_line("/", root, "cgroup2", "rw,nsdelegate"), "0::/\n"), 2u);
}

TEST_F(cgroup_files, v2_a_bind_mounted_subtree_is_read_below_its_root) {
    // The host's /docker/abc bind-mounted as the container's cgroup file system: the path
    // in /proc/self/cgroup starts with the mount's root, which the mount point stands for.
    const auto root = dir("bound");
    put(root / "cpu.max", "400000 100000\n");
    const auto mounts = mount_line("/docker/abc", root, "cgroup2", "rw");
    EXPECT_EQ(limit(mounts, "0::/docker/abc\n"), 4u);
    EXPECT_EQ(limit(mounts, "0::/docker/other\n"), std::nullopt) << "outside what the mount shows";
    EXPECT_EQ(limit(mounts, "0::/docker/abc/../../etc\n"), std::nullopt);
}

TEST_F(cgroup_files, v1_reads_the_cpu_hierarchy_only) {
    const auto cpu = dir("v1/cpu,cpuacct");
    const auto memory = dir("v1/memory");
    put(cpu / "batch/cpu.cfs_quota_us", "250000\n");
    put(cpu / "batch/cpu.cfs_period_us", "100000\n");
    put(memory / "batch/cpu.cfs_quota_us", "100000\n");  // not a cpu hierarchy: never read
    put(memory / "batch/cpu.cfs_period_us", "100000\n");
    const auto mounts = mount_line("/", memory, "cgroup", "rw,memory") +
                        mount_line("/", cpu, "cgroup", "rw,cpu,cpuacct") +
                        mount_line("/", dir("v1/cpuset"), "cgroup", "rw,cpuset");
    EXPECT_EQ(limit(mounts, "4:memory:/batch\n3:cpuset:/\n2:cpu,cpuacct:/batch\n0::/\n"), 3u);
    put(cpu / "batch/cpu.cfs_quota_us", "-1\n");
    EXPECT_EQ(limit(mounts, "4:memory:/batch\n2:cpu,cpuacct:/batch\n"), std::nullopt);
}

TEST_F(cgroup_files, escaped_mount_points_and_unreadable_files) {
    const auto root = dir("with space");
    put(root / "cpu.max", "100000 100000\n");
    std::string escaped = root.string();
    escaped.replace(escaped.find(' '), 1, "\\040");
    EXPECT_EQ(limit("40 30 0:37 / " + escaped + " rw - cgroup2 cgroup2 rw\n", "0::/\n"), 1u);
    EXPECT_EQ(cgroup_cpu_limit(dir_ / "missing", dir_ / "missing"), std::nullopt);
    EXPECT_EQ(limit("garbage\n\n - \n", "::\nx\n"), std::nullopt);
}

TEST(usable_cpus, at_most_the_affinity_mask_and_at_least_one) {
    cpu_set_t set;
    CPU_ZERO(&set);
    ASSERT_EQ(::sched_getaffinity(0, sizeof set, &set), 0);
    const auto cpus = usable_cpus();
    EXPECT_GE(cpus, 1u);
    EXPECT_LE(cpus, static_cast<std::size_t>(CPU_COUNT(&set)));
    if (const auto quota = cgroup_cpu_limit("/proc/self/mountinfo", "/proc/self/cgroup")) EXPECT_LE(cpus, *quota);
}

}  // namespace
}  // namespace tlsaudit::net::detail
