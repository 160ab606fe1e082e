// render_reports when one report cannot be written: the others, the summary and the exit
// still come, and the failure names what was lost and how to write it again.

#include "report_command.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace tlsaudit::app {
namespace {

TEST(render_reports, a_report_that_cannot_be_written_leaves_the_others_written) {
    const auto dir = std::filesystem::temp_directory_path() / ("tlsaudit-render-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto ndjson = dir / "scan.ndjson";
    std::ofstream(ndjson)
        << R"x({"schema_version":2,"type":"input-error","line":1,"input":"bad:0","error":"bad port"})x"
        << "\n";
    report_output_options o;
    o.json = (dir / "gone" / "r.json").string();  // its directory is not there: the write fails
    o.csv = (dir / "r.csv").string();
    o.sarif = (dir / "r.sarif").string();
    try {
        render_reports({ndjson}, o, nullptr);
        ADD_FAILURE() << "no failure";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(o.json), std::string::npos) << what;
        EXPECT_NE(what.find("(2 other reports were written)"), std::string::npos) << what;
        EXPECT_NE(what.find("tlsaudit report"), std::string::npos) << what;
    }
    EXPECT_TRUE(std::filesystem::exists(o.csv));
    EXPECT_TRUE(std::filesystem::exists(o.sarif));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tlsaudit::app
