// Crash safety of the report files (docs/operations.md): atomic
// replacement with safe permissions, no following of a planted symlink, the NDJSON
// writer's append mode, and the "complete" flag of a report.

#include "report_fixture.hpp"

#include "../../support/scratch_dir.hpp"

#include <tlsaudit/report/ndjson_reader.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>
#include <tlsaudit/report/output_file.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace tlsaudit::report {
namespace {

using namespace tlsaudit::report::testing;

using crash_safety = tlsaudit::testing::scratch_dir;

TEST_F(crash_safety, report_replaced_whole_with_mode_0644_under_umask_022) {
    const auto old_mask = ::umask(022);
    const auto path = dir_ / "r.json";
    std::ofstream(path) << "old";
    write_file_atomically(path, [](std::ostream& out) { out << std::string(200000, 'x'); });
    ::umask(old_mask);
    EXPECT_EQ(read(path), std::string(200000, 'x'));
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
    EXPECT_EQ(entries(), 1u) << "no temporary file left";
}

TEST_F(crash_safety, a_failing_writer_leaves_the_old_report_and_no_temporary) {
    const auto path = dir_ / "r.json";
    std::ofstream(path) << "old";
    EXPECT_THROW(write_file_atomically(path,
                                       [](std::ostream& out) {
                                           out << "half";
                                           throw std::runtime_error("boom");
                                       }),
                 std::runtime_error);
    EXPECT_EQ(read(path), "old");
    EXPECT_EQ(entries(), 1u);
}

TEST_F(crash_safety, a_planted_symlink_is_never_followed) {
    // create_exclusive refuses an existing name (file or symlink) and picks another.
    const auto victim = dir_ / "victim";
    std::ofstream(victim) << "keep";
    std::filesystem::path created;
    const int fd = create_exclusive(dir_ / "r.json", created);
    ASSERT_GE(fd, 0);
    ::close(fd);
    std::filesystem::remove(created);
    std::filesystem::create_symlink(victim, created);  // the very name it chose
    std::filesystem::path again;
    ASSERT_EQ(::open(created.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0666), -1);
    const int fd2 = create_exclusive(dir_ / "r.json", again);
    ASSERT_GE(fd2, 0);
    ::close(fd2);
    EXPECT_NE(again, created);
    EXPECT_EQ(read(victim), "keep");
}

// A report path that is a link (to a file not written yet, then to one that exists): the
// link stays and its file gets the report.
TEST_F(crash_safety, a_link_at_the_report_path_is_written_through) {
    std::filesystem::create_directories(dir_ / "real");
    const auto link = dir_ / "r.json";
    std::filesystem::create_symlink("real/report.json", link);
    EXPECT_EQ(write_target(link), dir_ / "real" / "report.json");
    for (const std::string content : {"first", "second"}) {
        write_file_atomically(link, [&](std::ostream& out) { out << content; });
        EXPECT_TRUE(std::filesystem::is_symlink(link)) << "the link was replaced by a file";
        EXPECT_EQ(read(dir_ / "real" / "report.json"), content);
    }
    EXPECT_EQ(write_target(dir_ / "plain.json"), dir_ / "plain.json");
}

// A second signal exits at once (interrupt.cpp): its handler removes the temporary file of
// the report being written, as here from inside the writer; the report is not made.
TEST_F(crash_safety, the_temporary_file_of_a_report_in_progress_can_be_removed_at_once) {
    const auto path = dir_ / "r.json";
    std::size_t during = 0;
    EXPECT_THROW(write_file_atomically(path,
                                       [&](std::ostream& out) {
                                           out << std::string(100000, 'x');
                                           during = entries();
                                           remove_temporary_file();
                                       }),
                 std::runtime_error);
    EXPECT_EQ(during, 1u) << "the temporary file existed while it was written";
    EXPECT_EQ(entries(), 0u) << "nothing left: no temporary file, no report";
    remove_temporary_file();  // none in progress: nothing happens
    write_file_atomically(path, [](std::ostream& out) { out << "after"; });
    EXPECT_EQ(read(path), "after");
}

TEST_F(crash_safety, unwritable_directory_names_the_path) {
    try {
        write_file_atomically(dir_ / "missing" / "r.json", [](std::ostream& out) { out << "x"; });
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("missing/r.json: No such file or directory"), std::string::npos)
            << e.what();
    }
}

TEST(crash_safety_devices, a_device_is_written_in_place_never_replaced) {
    struct stat before {};
    ASSERT_EQ(::stat("/dev/null", &before), 0);
    ASSERT_TRUE(S_ISCHR(before.st_mode));
    EXPECT_TRUE(exists_not_regular("/dev/null"));
    write_file_atomically("/dev/null", [](std::ostream& out) { out << std::string(200000, 'x'); });
    struct stat after {};
    ASSERT_EQ(::stat("/dev/null", &after), 0);
    EXPECT_TRUE(S_ISCHR(after.st_mode)) << "/dev/null was replaced";
    EXPECT_EQ(after.st_ino, before.st_ino);
    EXPECT_EQ(after.st_rdev, before.st_rdev);
}

TEST_F(crash_safety, ndjson_writer_appends_when_resuming) {
    const auto path = dir_ / "s.ndjson";
    std::ofstream(path) << "{\"type\":\"scan-start\"}\n";
    {
        ndjson_writer w(path.string(), {}, true);
        w.write(boost::json::object{{"type", "scan-end"}});
    }
    EXPECT_EQ(read(path), "{\"type\":\"scan-start\"}\n{\"type\":\"scan-end\"}\n");
}

// A record printed on a terminal cannot drive it: C1 controls and bidi overrides are \u
// escapes in the line, which reads back as the same string.
TEST_F(crash_safety, ndjson_lines_escape_invisible_controls) {
    const auto path = dir_ / "s.ndjson";
    const std::string hostile =
        "CN=x\xc2\x9b"
        "2J\xe2\x80\xae";
    {
        ndjson_writer w(path.string(), {}, false);
        w.write(boost::json::object{{"type", "scan-start"}, {"input", hostile}});
    }
    const auto line = read(path);
    EXPECT_EQ(line, R"({"type":"scan-start","input":"CN=x\u009b2J\u202e"})"
                    "\n");
    EXPECT_EQ(boost::json::parse(line).at("input").as_string(), hostile);
}

// A second holder of one NDJSON file's lock (another process in real life; another open
// file description here, which flock(2) treats the same) is refused, and nothing truncates.
TEST_F(crash_safety, a_second_lock_on_one_ndjson_is_refused) {
    const auto path = dir_ / "s.ndjson";
    std::ofstream(path) << "{\"type\":\"scan-start\"}\n";
    output_lock first(path, false);
    try {
        output_lock second(path, true);
        FAIL() << "a second holder was let in";
    } catch (const output_busy& e) {
        EXPECT_EQ(std::string(e.what()), path.string() +
                                             " is locked by another process, most likely a tlsaudit scan still "
                                             "writing it: wait for it to end, or write to another file");
    }
    EXPECT_EQ(read(path), "{\"type\":\"scan-start\"}\n");
    // Not a regular file: two scans may share /dev/null.
    output_lock null_a("/dev/null", true);
    output_lock null_b("/dev/null", true);
    // A missing file is created only when asked (a fresh scan), not for --resume.
    { output_lock none(dir_ / "missing.ndjson", false); }
    EXPECT_FALSE(std::filesystem::exists(dir_ / "missing.ndjson"));
}

// The --resume rewrite puts a new file at the path: relock() moves the lock to it, and
// holds_path() tells when the path no longer names the locked file.
TEST_F(crash_safety, the_lock_follows_the_rewrite_and_sees_the_file_go) {
    const auto path = dir_ / "s.ndjson";
    std::ofstream(path) << "old\n";
    output_lock lock(path, false);
    EXPECT_TRUE(lock.holds_path());
    std::ofstream(dir_ / "new.tmp") << "new\n";
    std::filesystem::rename(dir_ / "new.tmp", path);
    EXPECT_FALSE(lock.holds_path());
    lock.relock();
    EXPECT_TRUE(lock.holds_path());
    EXPECT_THROW(output_lock(path, false), output_busy);  // the new file is the locked one
    std::filesystem::remove(path);
    EXPECT_FALSE(lock.holds_path());
}

// The file deleted under the writer: within a sync interval the next write fails, instead
// of the scan writing every record into a file nobody can open.
TEST_F(crash_safety, a_deleted_ndjson_fails_the_next_write) {
    const auto path = dir_ / "s.ndjson";
    ndjson_writer w(path.string(), {}, false);
    w.write(boost::json::object{{"type", "scan-start"}});
    std::filesystem::remove(path);
    std::string failure;
    for (int i = 0; i < 100 && failure.empty(); ++i) {  // 10 s at most: the sync thread looks once a second
        try {
            w.write(boost::json::object{{"type", "endpoint"}});
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } catch (const std::runtime_error& e) {
            failure = e.what();
        }
    }
    EXPECT_EQ(failure, "cannot write " + path.string() + ": No such file or directory");
}

TEST_F(crash_safety, append_record_adds_one_durable_line) {
    const auto path = dir_ / "s.ndjson";
    std::ofstream(path) << "{\"type\":\"scan-start\"}\n";
    append_record(path.string(), boost::json::object{{"type", "scan-end"}, {"complete", true}});
    EXPECT_EQ(read(path), "{\"type\":\"scan-start\"}\n{\"type\":\"scan-end\",\"complete\":true}\n");
    append_record("/dev/null", boost::json::object{{"type", "scan-end"}});  // nothing to sync: not a failure
    EXPECT_EQ(entries(), 1u);
}

TEST_F(crash_safety, append_record_names_the_path_it_cannot_write) {
    const auto path = dir_ / "missing" / "s.ndjson";
    try {
        append_record(path.string(), boost::json::object{{"type", "scan-end"}});
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "cannot write " + path.string() + ": No such file or directory");
    }
    try {
        append_record("/dev/full", boost::json::object{{"type", "scan-end"}});
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "cannot write /dev/full: No space left on device");  // with its cause
    }
}

TEST(report_complete, from_the_scan_records) {
    const auto start = scan_start_line("2026-11-24T04:00:00Z") + "\n";
    EXPECT_TRUE(read_text(start + scan_end_line("2026-11-24T04:01:00Z") + "\n").meta.complete());
    EXPECT_FALSE(read_text(start).meta.complete()) << "killed: no scan-end";
    EXPECT_FALSE(read_text(start + R"({"schema_version":1,"type":"scan-end","finished_at":"x","complete":false})"
                                   "\n")
                     .meta.complete())
        << "interrupted";
    EXPECT_TRUE(read_text(endpoint_line("a.test", 443, "127.0.0.2", "[]") + "\n").meta.complete())
        << "records without scan metadata";
}

}  // namespace
}  // namespace tlsaudit::report
