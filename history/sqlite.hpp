#pragma once
// A small RAII layer over SQLite's C API (history/, private to the build): a
// connection, prepared statements and a write transaction. Every call checks its
// result code and throws sqlite::error, which keeps the code so that the caller can
// tell a held lock (busy) and a damaged file (corrupt) from the rest. Not thread-safe:
// one connection per thread.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tlsaudit::history::sqlite {

class error : public std::runtime_error {
public:
    error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    int code() const { return code_; }
    // Another connection held a lock for longer than the busy timeout.
    bool busy() const { return (code_ & 0xff) == SQLITE_BUSY || (code_ & 0xff) == SQLITE_LOCKED; }
    // The file is not a database or its pages do not hold together.
    bool corrupt() const { return (code_ & 0xff) == SQLITE_CORRUPT || (code_ & 0xff) == SQLITE_NOTADB; }

private:
    int code_;
};

struct connection_deleter {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct statement_deleter {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};

class statement;

class connection {
public:
    // sqlite3_open_v2 with `flags` (SQLITE_OPEN_READWRITE, _CREATE, ...) and extended
    // result codes. Throws error when the file cannot be opened.
    connection(const std::filesystem::path& file, int flags);

    // Runs SQL that returns no rows (one or several statements). Throws error.
    void exec(std::string_view sql);
    // Throws error when the SQL does not compile (a bug) or the file is unreadable.
    statement prepare(std::string_view sql);
    std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }
    // Rows the last INSERT, UPDATE or DELETE changed (0: an ON CONFLICT DO NOTHING skipped).
    std::int64_t changes() const { return sqlite3_changes64(db_.get()); }
    sqlite3* get() const { return db_.get(); }
    // Throws error for `code` with SQLite's message for this connection.
    [[noreturn]] void fail(int code, std::string_view doing) const;

private:
    std::unique_ptr<sqlite3, connection_deleter> db_;
};

class statement {
public:
    statement(const connection& db, sqlite3_stmt* s) : db_(&db), stmt_(s) {}

    // Parameters are 1-based, as in SQL's ?1. Text is copied. Return *this.
    statement& bind(int index, std::int64_t value);
    statement& bind(int index, std::string_view text);
    statement& bind(int index, std::optional<std::int64_t> value);
    statement& bind_null(int index);
    // Text that is not copied: it must stay valid until reset() (run() resets), for the
    // rows an import binds by the million.
    statement& bind_borrowed(int index, std::string_view text);

    // Runs to the next row: true when there is one, false when done. Throws error.
    bool step();
    // Runs a statement that returns no row, then resets it for the next bindings.
    void run();
    // Ready for new bindings (clears the old ones).
    void reset();

    std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
    double real(int column) const { return sqlite3_column_double(stmt_.get(), column); }
    std::string text(int column) const;
    bool is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

private:
    const connection* db_;
    std::unique_ptr<sqlite3_stmt, statement_deleter> stmt_;
};

// BEGIN IMMEDIATE: the write lock is taken at the start (waiting up to the busy
// timeout), so that two writers never both read and then fail to upgrade. Rolled back
// by the destructor unless commit() ran: an exception, or a killed process, leaves the
// database as it was.
class transaction {
public:
    explicit transaction(connection& db);
    ~transaction();
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    void commit();

private:
    connection& db_;
    bool open_ = true;
};

}  // namespace tlsaudit::history::sqlite
