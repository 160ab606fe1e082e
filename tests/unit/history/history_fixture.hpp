#pragma once
// Shared by the history tests: a directory per test with scans written into it
// (fake_scans.hpp), and a direct look at the database through SQLite's C API (not
// through the code under test).

#include "../../support/fake_scans.hpp"
#include "../../support/scratch_dir.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace tlsaudit::testing {

inline std::string file_bytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A fresh directory per test (scratch_dir) and the scans written into it.
class history_fixture : public scratch_dir {
protected:
    // Writes `scan` as NDJSON to `name` in the directory and returns the path.
    std::filesystem::path write_scan(const std::string& name, const fake_scan& scan) const {
        return write(name, ndjson(scan));
    }
};

// The database as SQLite itself sees it.
class raw_db {
public:
    explicit raw_db(const std::filesystem::path& file) {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
            ADD_FAILURE() << "cannot open " << file;
        db_.reset(db);
    }
    // The first column of the first row, as an integer (0 without a row).
    std::int64_t integer(const std::string& sql) const {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
            ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_.get());
            return -1;
        }
        std::int64_t v = 0;
        if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        return v;
    }
    std::string text(const std::string& sql) const {
        sqlite3_stmt* s = nullptr;
        std::string v;
        if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
            ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_.get());
            return v;
        }
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
            v = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        return v;
    }
    // Runs SQL; returns SQLite's result code.
    int exec(const std::string& sql) const { return sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr); }

private:
    struct closer {
        void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
    };
    std::unique_ptr<sqlite3, closer> db_;
};

}  // namespace tlsaudit::testing
