// Which files of one import are one scan: shards of a run (same scan-start identity,
// overlapping times) together, runs apart and in time order, files without a scan-start
// and stdin on their own, unreadable files refused by name.

#include "history_fixture.hpp"

#include <tlsaudit/history/import_plan.hpp>

namespace tlsaudit::testing {
namespace {

class import_plan : public history_fixture {
protected:
    // A scan of one endpoint `host` started at `start`; its scan-end says `end` ("": none).
    std::filesystem::path shard(const std::string& name, const std::string& host, const std::string& start,
                                const std::string& end, const std::string& input = "targets.txt",
                                const std::string& shard = "") const {
        fake_scan s;
        s.started_at = start;
        s.input = input;
        s.shard = shard;
        s.has_end = !end.empty();
        s.endpoints = {{host, 443, "127.0.0.1", "", {sha('a')}, {}}};
        auto text = ndjson(s);
        const auto at = text.rfind("\"finished_at\":\"" + start);
        if (at != std::string::npos) text.replace(at + 15, start.size(), end);
        return write(name, text);
    }
};

std::vector<std::string> names(const history::planned_scan& s) {
    std::vector<std::string> out;
    for (const auto& f : s.files) out.push_back(f.filename().string());
    return out;
}

TEST_F(import_plan, shards_of_one_run_are_one_scan_and_runs_go_in_time_order) {
    const auto monday_0 =
        shard("mon-0.ndjson", "a.test", "2026-04-06T06:00:00Z", "2026-04-06T06:40:00Z", "targets.txt", "0/3");
    const auto monday_1 =
        shard("mon-1.ndjson", "b.test", "2026-04-06T06:00:07Z", "2026-04-06T06:35:00Z", "targets.txt", "1/3");
    // Killed, no scan-end.
    const auto monday_2 = shard("mon-2.ndjson", "c.test", "2026-04-06T06:39:00Z", "", "targets.txt", "2/3");
    const auto sunday = shard("sun.ndjson", "a.test", "2026-04-05T06:00:00Z", "2026-04-05T06:40:00Z");
    // Same time, another target list: another run.
    const auto other = shard("other.ndjson", "z.test", "2026-04-06T06:00:00Z", "2026-04-06T06:10:00Z", "other.txt");
    const auto plan = history::plan_import({monday_2, monday_0, sunday, "-", other, monday_1, monday_0});
    EXPECT_TRUE(plan.refused.empty());
    ASSERT_EQ(plan.scans.size(), 4u);
    EXPECT_EQ(names(plan.scans[0]), (std::vector<std::string>{"sun.ndjson"}));
    EXPECT_EQ(plan.scans[0].started_at, "2026-04-05T06:00:00Z");
    // Both Monday scans start at 06:00:00; the target list tells them apart.
    std::vector<std::vector<std::string>> monday = {names(plan.scans[1]), names(plan.scans[2])};
    std::sort(monday.begin(), monday.end());
    EXPECT_EQ(monday[0], (std::vector<std::string>{"mon-2.ndjson", "mon-0.ndjson", "mon-1.ndjson"}));
    EXPECT_EQ(monday[1], (std::vector<std::string>{"other.ndjson"}));
    EXPECT_EQ(plan.scans[3].files, (std::vector<std::filesystem::path>{"-"}));
}

// Only the shards of a run are merged: two whole runs of one list at the same time (two
// scheduled jobs, a run and its re-run) are two scans, and so are shards of different counts.
TEST_F(import_plan, runs_that_are_not_shards_of_one_run_stay_apart_even_at_one_time) {
    const auto a = shard("a.ndjson", "a.test", "2026-04-06T06:00:00Z", "2026-04-06T06:00:01Z");
    const auto b = shard("b.ndjson", "a.test", "2026-04-06T06:00:00Z", "2026-04-06T06:00:01Z");
    const auto of_two = shard("x-0.ndjson", "a.test", "2026-04-06T06:00:00Z", "", "targets.txt", "0/2");
    const auto of_three = shard("y-1.ndjson", "b.test", "2026-04-06T06:00:00Z", "", "targets.txt", "1/3");
    const auto plan = history::plan_import({a, b, of_two, of_three});
    ASSERT_EQ(plan.scans.size(), 4u);
    for (const auto& scan : plan.scans) EXPECT_EQ(scan.files.size(), 1u) << names(scan)[0];
}

// Shards made one after another (fewer runners than shards) are one run: each index once,
// each starting within 12 hours of the end of the ones before it. A repeated index or a
// longer gap starts the next run.
TEST_F(import_plan, shards_made_one_after_another_are_one_scan) {
    const auto mon_0 = shard("m0.ndjson", "a.test", "2026-04-06T06:00:00Z", "2026-04-06T06:00:01Z", "t.txt", "0/3");
    const auto mon_1 = shard("m1.ndjson", "b.test", "2026-04-06T06:00:03Z", "2026-04-06T06:00:04Z", "t.txt", "1/3");
    const auto mon_2 = shard("m2.ndjson", "c.test", "2026-04-06T09:00:00Z", "2026-04-06T09:00:01Z", "t.txt", "2/3");
    const auto tue_0 = shard("t0.ndjson", "a.test", "2026-04-07T06:00:00Z", "2026-04-07T06:00:01Z", "t.txt", "0/3");
    const auto tue_1 = shard("t1.ndjson", "b.test", "2026-04-07T06:00:02Z", "2026-04-07T06:00:03Z", "t.txt", "1/3");
    // Wednesday's shard 2 is alone: a day after Tuesday's shards, though its index is new.
    const auto wed_2 = shard("w2.ndjson", "c.test", "2026-04-08T06:00:00Z", "2026-04-08T06:00:01Z", "t.txt", "2/3");
    const auto plan = history::plan_import({wed_2, tue_1, mon_2, mon_0, tue_0, mon_1});
    EXPECT_TRUE(plan.refused.empty());
    ASSERT_EQ(plan.scans.size(), 3u);
    EXPECT_EQ(names(plan.scans[0]), (std::vector<std::string>{"m2.ndjson", "m0.ndjson", "m1.ndjson"}));
    EXPECT_EQ(names(plan.scans[1]), (std::vector<std::string>{"t1.ndjson", "t0.ndjson"}));
    EXPECT_EQ(names(plan.scans[2]), (std::vector<std::string>{"w2.ndjson"}));
    // The same index twice, at once: two runs.
    const auto again = shard("m0b.ndjson", "a.test", "2026-04-06T06:00:02Z", "2026-04-06T06:00:03Z", "t.txt", "0/3");
    EXPECT_EQ(history::plan_import({mon_0, again}).scans.size(), 2u);
}

TEST_F(import_plan, a_later_run_of_the_same_targets_is_another_scan) {
    const auto first = shard("1.ndjson", "a.test", "2026-04-06T06:00:00Z", "2026-04-06T06:40:00Z");
    const auto second = shard("2.ndjson", "a.test", "2026-04-06T06:40:01Z", "2026-04-06T07:20:00Z");
    const auto plan = history::plan_import({second, first});
    ASSERT_EQ(plan.scans.size(), 2u);
    EXPECT_EQ(names(plan.scans[0]), (std::vector<std::string>{"1.ndjson"}));
    EXPECT_EQ(names(plan.scans[1]), (std::vector<std::string>{"2.ndjson"}));
}

TEST_F(import_plan, unreadable_files_are_refused_by_name_and_undated_ones_stand_alone) {
    const auto good = shard("good.ndjson", "a.test", "2026-04-06T06:00:00Z", "2026-04-06T06:40:00Z");
    const auto undated = write("undated.ndjson", R"({"schema_version":2,"type":"endpoint","target":{"host":"u.test",)"
                                                 R"("port":443},"address":"127.0.0.1","chain":[],"findings":[]})"
                                                 "\n");
    const auto cut = write("cut.ndjson", R"({"schema_version":2,"type":"scan-start","started_at":"2026-)"
                                         "\n");
    const auto plan = history::plan_import({undated, dir_ / "missing.ndjson", cut, good});
    ASSERT_EQ(plan.refused.size(), 2u);
    EXPECT_EQ(plan.refused[0].file, dir_ / "missing.ndjson");
    EXPECT_NE(plan.refused[0].error.find("cannot read"), std::string::npos) << plan.refused[0].error;
    EXPECT_NE(plan.refused[1].error.find("cut.ndjson:1: "), std::string::npos) << plan.refused[1].error;
    ASSERT_EQ(plan.scans.size(), 2u);
    EXPECT_EQ(names(plan.scans[0]), (std::vector<std::string>{"good.ndjson"}));
    EXPECT_EQ(names(plan.scans[1]), (std::vector<std::string>{"undated.ndjson"}));
}

// Shards started in different seconds (jobs on other machines) are still one run: each
// records its own start as the evaluation time (no --at) and its machine's thread count, and
// one may be paced otherwise (a killed shard run again more slowly, with longer timeouts).
TEST_F(import_plan, shards_differ_in_their_evaluation_time_and_threads_alone) {
    const auto with_options = [&](const std::filesystem::path& file, const std::string& extra) {
        auto text = file_bytes(file);
        const auto at = text.find("\"options\":{");
        text.insert(at + 11, extra + ",");
        return write(file.filename().string(), text);
    };
    const auto a =
        with_options(shard("a.ndjson", "a.test", "2026-04-06T06:00:00Z", "2026-04-06T06:00:09Z", "targets.txt", "0/2"),
                     R"("evaluated_at":"2026-04-06T06:00:00Z","threads":2,"at":null)");
    const auto b =
        with_options(shard("b.ndjson", "b.test", "2026-04-06T06:00:01Z", "2026-04-06T06:00:08Z", "targets.txt", "1/2"),
                     R"("evaluated_at":"2026-04-06T06:00:01Z","threads":8,"at":null,"concurrency":40,"rate":30,)"
                     R"("per_host_concurrency":2,"retries":3,"handshake_timeout_ms":30000,"fail_on":"none",)"
                     R"("fail_on_errors":"all","baseline":"b.json")");
    const auto plan = history::plan_import({a, b});
    ASSERT_EQ(plan.scans.size(), 1u) << "pacing and policy are not the run's settings";
    EXPECT_EQ(names(plan.scans[0]), (std::vector<std::string>{"a.ndjson", "b.ndjson"}));
    // An explicit --at that differs is another run.
    const auto c =
        with_options(shard("c.ndjson", "b.test", "2026-04-06T06:00:01Z", "2026-04-06T06:00:08Z", "targets.txt", "1/2"),
                     R"("evaluated_at":"2021-01-20T00:00:00Z","threads":8,"at":"2021-01-20")");
    EXPECT_EQ(history::plan_import({a, c}).scans.size(), 2u);
}

// A scan is all or nothing: a shard whose scan-end line is cut keeps its sibling out too.
TEST_F(import_plan, a_shard_that_cannot_be_read_keeps_its_run_out) {
    const auto a = shard("a.ndjson", "a.test", "2026-04-06T06:00:00Z", "2026-04-06T06:00:09Z", "targets.txt", "0/2");
    auto text =
        file_bytes(shard("b.ndjson", "b.test", "2026-04-06T06:00:01Z", "2026-04-06T06:00:08Z", "targets.txt", "1/2"));
    text.resize(text.rfind("\"finished_at\""));
    const auto b = write("b.ndjson", text);
    const auto other = shard("other.ndjson", "a.test", "2026-04-07T06:00:00Z", "2026-04-07T06:00:09Z");
    const auto plan = history::plan_import({a, b, other});
    ASSERT_EQ(plan.scans.size(), 1u);
    EXPECT_EQ(names(plan.scans[0]), (std::vector<std::string>{"other.ndjson"}));
    ASSERT_EQ(plan.refused.size(), 2u);
    EXPECT_EQ(plan.refused[0].file, a);
    EXPECT_NE(plan.refused[0].error.find("a shard of the same run as " + std::filesystem::path(b).string()),
              std::string::npos)
        << plan.refused[0].error;
    EXPECT_EQ(plan.refused[1].file, b);
    EXPECT_NE(plan.refused[1].error.find("b.ndjson:"), std::string::npos) << plan.refused[1].error;
}

TEST_F(import_plan, a_single_file_is_one_scan_planned_without_reading_it) {
    // Even a file that is not there: the import that follows reads it and says why not.
    const auto plan = history::plan_import({dir_ / "missing.ndjson", dir_ / "missing.ndjson"});
    EXPECT_TRUE(plan.refused.empty());
    ASSERT_EQ(plan.scans.size(), 1u);
    EXPECT_EQ(names(plan.scans[0]), (std::vector<std::string>{"missing.ndjson"}));
    EXPECT_EQ(plan.scans[0].started_at, "");
}

TEST_F(import_plan, one_file_under_two_names_is_read_once) {
    const auto a = shard("a.ndjson", "a.test", "2026-01-01T00:00:00Z", "2026-01-01T00:10:00Z", "targets.txt", "0/2");
    std::filesystem::create_symlink(a, dir_ / "link.ndjson");
    const auto dotted = dir_ / "." / "a.ndjson";
    for (const auto& second : {dotted, dir_ / "link.ndjson"}) {
        const auto plan = history::plan_import({a, second});
        ASSERT_EQ(plan.scans.size(), 1u) << second;
        EXPECT_EQ(plan.scans[0].files, (std::vector<std::filesystem::path>{a})) << second;
    }
    const auto b = shard("b.ndjson", "b.test", "2026-01-01T00:00:00Z", "2026-01-01T00:10:00Z", "targets.txt", "1/2");
    const auto plan = history::plan_import({dotted, b, a});  // shards of one run, `a` named twice
    ASSERT_EQ(plan.scans.size(), 1u);
    EXPECT_EQ(plan.scans[0].files, (std::vector<std::filesystem::path>{dotted, b}));
}

// A shard killed and run again: the retry is the run's shard, the killed attempt a scan of
// its own, whatever the order the files are named in (the run was never complete).
TEST_F(import_plan, a_retried_shard_replaces_its_killed_attempt) {
    const auto s0 = shard("s0.ndjson", "a.test", "2026-04-06T06:00:00Z", "2026-04-06T06:05:00Z", "t.txt", "0/3");
    const auto killed = shard("s1k.ndjson", "b.test", "2026-04-06T06:00:00Z", "", "t.txt", "1/3");
    const auto retry = shard("s1r.ndjson", "b.test", "2026-04-06T06:10:00Z", "2026-04-06T06:15:00Z", "t.txt", "1/3");
    const auto s2 = shard("s2.ndjson", "c.test", "2026-04-06T06:00:00Z", "2026-04-06T06:05:00Z", "t.txt", "2/3");
    for (const auto& files : {std::vector<std::filesystem::path>{s0, killed, retry, s2},
                              std::vector<std::filesystem::path>{killed, s0, retry, s2},
                              std::vector<std::filesystem::path>{s2, retry, s0, killed}}) {
        const auto plan = history::plan_import(files);
        ASSERT_EQ(plan.scans.size(), 2u);
        std::vector<std::vector<std::string>> scans{names(plan.scans[0]), names(plan.scans[1])};
        for (auto& n : scans) std::sort(n.begin(), n.end());
        std::sort(scans.begin(), scans.end());
        EXPECT_EQ(scans[0], (std::vector<std::string>{"s0.ndjson", "s1r.ndjson", "s2.ndjson"}));
        EXPECT_EQ(scans[1], (std::vector<std::string>{"s1k.ndjson"}));
    }
}

// An attempt stopped by SIGTERM (as CI and Kubernetes stop a job: its scan-end says
// "complete": false) is a failed attempt as a killed one is, and several failed attempts give
// way to the one that finished: the run was split into incomplete scans, never a baseline.
TEST_F(import_plan, a_retry_replaces_every_attempt_that_did_not_finish) {
    const auto s0 = shard("s0.ndjson", "a.test", "2026-04-06T06:00:00Z", "2026-04-06T06:05:00Z", "t.txt", "0/3");
    auto interrupted_text =
        file_bytes(shard("tmp.ndjson", "b.test", "2026-04-06T06:00:00Z", "2026-04-06T06:01:00Z", "t.txt", "1/3"));
    const auto at = interrupted_text.find("\"complete\":true");
    ASSERT_NE(at, std::string::npos) << interrupted_text;
    interrupted_text.replace(at, 15, "\"complete\":false");
    const auto term = write("s1-term.ndjson", interrupted_text);
    const auto killed = shard("s1-kill.ndjson", "b.test", "2026-04-06T06:02:00Z", "", "t.txt", "1/3");
    const auto retry = shard("s1.ndjson", "b.test", "2026-04-06T06:10:00Z", "2026-04-06T06:15:00Z", "t.txt", "1/3");
    const auto s2 = shard("s2.ndjson", "c.test", "2026-04-06T06:00:00Z", "2026-04-06T06:05:00Z", "t.txt", "2/3");
    for (const auto& files : {std::vector<std::filesystem::path>{s0, term, killed, retry, s2},
                              std::vector<std::filesystem::path>{retry, s2, killed, s0, term}}) {
        const auto plan = history::plan_import(files);
        ASSERT_EQ(plan.scans.size(), 3u);
        std::vector<std::vector<std::string>> scans;
        for (const auto& scan : plan.scans) {
            scans.push_back(names(scan));
            std::sort(scans.back().begin(), scans.back().end());
        }
        std::sort(scans.begin(), scans.end());
        EXPECT_EQ(scans[0], (std::vector<std::string>{"s0.ndjson", "s1.ndjson", "s2.ndjson"}));
        EXPECT_EQ(scans[1], (std::vector<std::string>{"s1-kill.ndjson"}));
        EXPECT_EQ(scans[2], (std::vector<std::string>{"s1-term.ndjson"}));
    }
}

// Start times are ordered as times, in UTC: 10:00+05:00 is 05:00Z, before 06:00Z (as text
// it came after). A start that is no time is refused, not imported as "garbage".
TEST_F(import_plan, starts_are_ordered_in_utc_and_a_start_that_is_no_time_is_refused) {
    const auto early = shard("early.ndjson", "a.test", "2026-01-01T10:00:00+05:00", "2026-01-01T10:10:00+05:00");
    const auto late = shard("late.ndjson", "a.test", "2026-01-01T06:00:00Z", "2026-01-01T06:10:00Z");
    const auto bad = shard("bad.ndjson", "a.test", "garbage", "");
    const auto plan = history::plan_import({late, bad, early});
    ASSERT_EQ(plan.scans.size(), 2u);
    EXPECT_EQ(names(plan.scans[0]), (std::vector<std::string>{"early.ndjson"}));
    EXPECT_EQ(plan.scans[0].started_at, "2026-01-01T05:00:00Z");
    EXPECT_EQ(names(plan.scans[1]), (std::vector<std::string>{"late.ndjson"}));
    ASSERT_EQ(plan.refused.size(), 1u);
    EXPECT_EQ(plan.refused[0].file, bad);
    EXPECT_NE(plan.refused[0].error.find("started_at is not an RFC 3339 time: \"garbage\""), std::string::npos)
        << plan.refused[0].error;
}

}  // namespace
}  // namespace tlsaudit::testing
