// Opening a history database: the file checks, the connection settings, migration.

#include "history/store_impl.hpp"
#include "text/hex.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstring>
#include <fstream>
#include <system_error>
#include <thread>

namespace tlsaudit::history {
namespace detail {

store_error translate(const sqlite::error& e, const std::filesystem::path& file, const store_options& options,
                      std::string_view doing) {
    const auto name = file.string();
    if (e.busy())
        return store_error(store_error::reason::locked,
                           fmt::format("{} is locked by another writer (another tlsaudit importing a scan?); gave up "
                                       "{} after {:g} s (--db-timeout SECONDS waits longer); nothing was written",
                                       name, doing, static_cast<double>(options.busy_timeout.count()) / 1000.0));
    if (e.corrupt())
        return store_error(
            store_error::reason::damaged,
            name + " is damaged or not a tlsaudit history database (SQLite: " + e.what() + "); it was left as it is");
    return store_error(store_error::reason::failed, name + ": " + std::string(doing) + ": " + e.what());
}

}  // namespace detail

namespace {

constexpr std::array<char, 16> sqlite_header = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                                'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

sqlite::connection open_connection(const std::filesystem::path& file, const store_options& options) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(file, ec);
    if (!exists && !options.create)
        throw store_error(store_error::reason::missing, "no history database " + file.string());
    // A directory, a device or a FIFO: SQLite would fail on it in its own words, leave a
    // journal beside /dev/null, or wait forever on a FIFO.
    if (exists && !std::filesystem::is_regular_file(file, ec))
        throw store_error(store_error::reason::damaged,
                          file.string() + " is not a regular file: a history database is a file (" +
                              (std::filesystem::is_directory(file, ec) ? "this is a directory" : "a device or a pipe") +
                              "); it was left as it is");
    if (exists && std::filesystem::file_size(file, ec) > 0 && !is_sqlite_file(file))  // a regular file by now
        throw store_error(store_error::reason::damaged,
                          file.string() + " is not an SQLite database (no SQLite header); it was left as it is");
    if (options.read_only) return sqlite::connection(file, SQLITE_OPEN_READONLY);
    auto db = sqlite::connection(file, SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0));
    // SQLite opens a file it may not write read-only, and the import then failed midway
    // (exit 3) and left -wal and -shm files beside it.
    if (sqlite3_db_readonly(db.get(), "main") == 1)
        throw store_error(store_error::reason::failed,
                          file.string() + " cannot be written (no permission): nothing was written");
    return db;
}

// A read-only connection to a WAL database needs its -shm index, which it creates when the
// directory allows. In a directory it may not write, a database with no -wal content (closed
// cleanly: every commit is in the file) is read as immutable instead.
bool read_as_immutable(const sqlite::error& e, const std::filesystem::path& file) {
    const int primary = e.code() & 0xff;
    if (primary != SQLITE_READONLY && primary != SQLITE_CANTOPEN) return false;
    std::error_code ec;
    const auto wal = std::filesystem::path(file.string() + "-wal");
    return !std::filesystem::exists(wal, ec) || std::filesystem::file_size(wal, ec) == 0;
}

std::string immutable_uri(const std::filesystem::path& file) {
    return "file:" + text::percent_encode_path(std::filesystem::absolute(file).string()) + "?immutable=1";
}

}  // namespace

bool is_sqlite_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::array<char, 16> head{};
    if (!in.read(head.data(), head.size())) return false;
    return head == sqlite_header;
}

namespace {

// Switching to WAL takes the write lock while holding a read lock. When two processes open
// a new database at once, SQLite refuses one of them at once instead of calling its busy
// handler (waiting would deadlock both), so the switch is retried here until the busy
// timeout has passed.
void switch_to_wal(sqlite::connection& db, std::chrono::milliseconds busy_timeout) {
    const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
    for (;;) {
        try {
            db.exec("PRAGMA journal_mode = WAL");
            return;
        } catch (const sqlite::error& e) {
            if (!e.busy() || std::chrono::steady_clock::now() >= deadline) throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

}  // namespace

store::store(const std::filesystem::path& file, store_options options) {
    const char* doing = "opening";
    try {
        impl_.reset(new detail::store_impl{file, options, open_connection(file, options)});
        auto& db = impl_->db;
        sqlite3_busy_timeout(db.get(), static_cast<int>(options.busy_timeout.count()));
        if (options.read_only) {
            try {
                detail::check_compatible(db, file);
            } catch (const sqlite::error& e) {
                if (!read_as_immutable(e, file)) throw;
                db = sqlite::connection(immutable_uri(file), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
                detail::check_compatible(db, file);
            }
            if (version() == schema_version) return;
            // Written by an older tlsaudit: migrated as a writer would, when it may be written.
            auto writer = options;
            writer.read_only = false;
            writer.create = false;
            try {
                db = open_connection(file, writer);
            } catch (const store_error& e) {
                throw store_error(e.why(), std::string(e.what()) +
                                               " (its history schema is older than this "
                                               "tlsaudit reads: it must be migrated once)");
            }
            sqlite3_busy_timeout(db.get(), static_cast<int>(options.busy_timeout.count()));
        }
        detail::check_compatible(db, file);
        // A new database gets 16 KiB pages (SQLite's default is 4 KiB): its rows are long
        // (chains as JSON, hex digests), and on 1,000,000 endpoints the file is 15 % smaller
        // and the import a quarter faster (bench/RESULTS.md section 15). The page size of an
        // existing database stays as it is.
        const bool empty = [&] {
            auto pages = db.prepare("PRAGMA page_count");
            return pages.step() && pages.integer(0) == 0;
        }();
        if (empty) db.exec("PRAGMA page_size = 16384");
        // WAL: readers (a trend report, a baseline) never wait for an import, nor it for them.
        doing = "switching to WAL";
        switch_to_wal(db, options.busy_timeout);
        doing = "migrating the schema";
        detail::migrate(db);
    } catch (const sqlite::error& e) {
        throw detail::translate(e, file, options, doing);
    }
}

store::~store() = default;
store::store(store&&) noexcept = default;
store& store::operator=(store&&) noexcept = default;

int store::version() const {
    try {
        auto st = impl_->db.prepare("PRAGMA user_version");
        return st.step() ? static_cast<int>(st.integer(0)) : 0;
    } catch (const sqlite::error& e) {
        throw detail::translate(e, impl_->file, impl_->options, "reading the schema version");
    }
}

const std::filesystem::path& store::file() const { return impl_->file; }

}  // namespace tlsaudit::history
