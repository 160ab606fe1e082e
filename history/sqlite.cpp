#include "history/sqlite.hpp"

#include <string>
#include <string_view>

namespace tlsaudit::history::sqlite {
namespace {

// SQLITE_TRANSIENT, spelled without the header's C cast: SQLite copies the text.
const auto copy_text = reinterpret_cast<sqlite3_destructor_type>(static_cast<std::intptr_t>(-1));

// No allocation statistics: they take a process-wide lock on every allocation SQLite
// makes (an import makes tens of millions). Only possible before SQLite starts; when
// something else started it first, the setting is refused and nothing else changes.
const bool no_memory_statistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;

// What a failure message calls a statement: its first words, whitespace folded ("SELECT
// (SELECT user_version ...", not "SELECT " cut at the first parenthesis).
std::string head_of(std::string_view sql) {
    constexpr std::size_t most = 48;
    std::string out;
    for (const char c : sql) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (space && (out.empty() || out.back() == ' ')) continue;
        if (out.size() == most) return out + "...";
        out += space ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

}  // namespace

connection::connection(const std::filesystem::path& file, int flags) {
    (void)no_memory_statistics;
    sqlite3* db = nullptr;
    // NOMUTEX: a connection is used by one thread at a time (the class is not
    // thread-safe), so SQLite need not lock it around every call.
    const int rc = sqlite3_open_v2(file.c_str(), &db, flags | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX, nullptr);
    db_.reset(db);  // even on failure SQLite hands back a handle to close
    if (rc != SQLITE_OK) fail(rc, "opening");
    sqlite3_extended_result_codes(db, 1);
}

void connection::fail(int code, std::string_view doing) const {
    std::string message = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(code);
    throw error(code, message + " (" + std::string(doing) + ")");
}

void connection::exec(std::string_view sql) {
    const std::string text(sql);
    const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, "running " + head_of(text));
}

statement connection::prepare(std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    statement st(*this, s);
    if (rc != SQLITE_OK) fail(rc, "preparing " + head_of(sql));
    return st;
}

statement& statement::bind(int index, std::int64_t value) {
    if (const int rc = sqlite3_bind_int64(stmt_.get(), index, value); rc != SQLITE_OK) db_->fail(rc, "binding");
    return *this;
}

statement& statement::bind(int index, std::string_view text) {
    const int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), copy_text, SQLITE_UTF8);
    if (rc != SQLITE_OK) db_->fail(rc, "binding");
    return *this;
}

statement& statement::bind_borrowed(int index, std::string_view text) {
    const int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
    if (rc != SQLITE_OK) db_->fail(rc, "binding");
    return *this;
}

statement& statement::bind(int index, std::optional<std::int64_t> value) {
    return value ? bind(index, *value) : bind_null(index);
}

statement& statement::bind_null(int index) {
    if (const int rc = sqlite3_bind_null(stmt_.get(), index); rc != SQLITE_OK) db_->fail(rc, "binding");
    return *this;
}

bool statement::step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    // Reset so the statement can run again (after a constraint the caller handles).
    error failure(rc, std::string(sqlite3_errmsg(db_->get())) + " (running a statement)");
    sqlite3_reset(stmt_.get());
    throw failure;
}

void statement::run() {
    while (step()) {}
    reset();
}

void statement::reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

std::string statement::text(int column) const {
    const auto* p = sqlite3_column_text(stmt_.get(), column);
    if (!p) return {};
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

transaction::transaction(connection& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

transaction::~transaction() {
    if (open_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void transaction::commit() {
    db_.exec("COMMIT");
    open_ = false;
}

}  // namespace tlsaudit::history::sqlite
