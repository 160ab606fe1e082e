#pragma once
// JUnit XML report (--junit FILE) in the common Ant/Jenkins/GitLab dialect: one
// <testsuite> per target name (host:port), one <testcase> per endpoint (name = address)
// plus a "deployment" testcase for each name with name-level findings. Every finding at
// or above --fail-on (only new ones with --fail-on-new) is a <failure>; the others are
// listed in <system-out>. An endpoint that could not be scanned is <skipped> with the
// error; when --fail-on-errors fails the run, a last suite "tlsaudit scan errors" holds one
// testcase per error class it counted (input-error for unreadable lines), each an <error>
// listing where it happened.

#include <tlsaudit/report/report_data.hpp>

#include <ostream>

namespace tlsaudit::report {

void write_junit_report(const report_data& data, std::ostream& out);

}  // namespace tlsaudit::report
