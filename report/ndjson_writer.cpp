#include "text/utf8.hpp"
#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/ndjson_reader.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>
#include <tlsaudit/report/output_file.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace tlsaudit::report {
namespace {

// fdatasync, where a device or pipe (/dev/null, stdout) has nothing to sync: 0 when the
// data is durable or there is nothing to make durable, else the errno.
int sync_data(std::FILE* file) {
    if (::fdatasync(::fileno(file)) == 0 || errno == EINVAL || errno == EROFS) return 0;
    return errno;
}

std::string shown(const std::string& path) { return path == "-" ? std::string("stdout") : path; }

// An endpoint record lives only until its line is written: its tree is built in a
// buffer each thread keeps, so building and dropping it costs no heap call for a
// record of this size (two or three certificates); a larger one takes more blocks
// from the heap for itself alone.
constexpr std::size_t record_arena_bytes = 32 * 1024;
constexpr std::size_t file_buffer_bytes = 64 * 1024;

// The line of `record`, in a buffer each thread keeps (valid until its next call), with
// invisible controls escaped (a record printed on a terminal cannot drive it).
std::string_view serialized(const boost::json::object& record) {
    thread_local boost::json::serializer serializer;
    thread_local std::string line(16 * 1024, '\0');
    thread_local std::string escaped;
    serializer.reset(&record);
    std::size_t used = 0;
    while (!serializer.done()) {
        if (used == line.size()) line.resize(2 * line.size());
        used += serializer.read(line.data() + used, line.size() - used).size();
    }
    return text::json_escape_invisible({line.data(), used}, escaped);
}

}  // namespace

ndjson_writer::ndjson_writer(const std::string& path, const std::string& copy_path, bool append,
                             record_observer observer)
    : out_(path == "-" ? stdout : std::fopen(path.c_str(), append ? "a" : "w")),
      owned_(path != "-"),
      path_(path),
      observer_(std::move(observer)) {
    if (!out_) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    if (!copy_path.empty() && !(copy_ = std::fopen(copy_path.c_str(), "w"))) {
        if (owned_) std::fclose(out_);
        throw std::runtime_error("cannot write " + copy_path + ": " + std::strerror(errno));
    }
    // A buffer that holds a whole record, so that the flush after each one is one write(2)
    // (stdio's default 4 KiB made it two for a typical 6 KiB record with its chain).
    // glibc sizes a buffer it allocates itself by the file system's block, whatever
    // setvbuf asks for, so the writer gives its own.
    auto buffer = [](std::FILE* file, std::unique_ptr<char[]>& storage) {
        storage = std::make_unique<char[]>(file_buffer_bytes);
        std::setvbuf(file, storage.get(), _IOFBF, file_buffer_bytes);
    };
    if (owned_) buffer(out_, out_buffer_);
    if (copy_) buffer(copy_, copy_buffer_);
    // Regular files only: a pipe or terminal (stdout) has nothing to sync.
    if (owned_) syncer_ = std::thread([this] { sync_loop(); });
}

ndjson_writer::~ndjson_writer() {
    if (syncer_.joinable()) {
        {
            std::lock_guard lock(sync_mutex_);
            stopping_ = true;
        }
        sync_wake_.notify_one();
        syncer_.join();
    }
    if (copy_) std::fclose(copy_);
    std::fflush(out_);
    if (owned_) {
        sync_data(out_);
        std::fclose(out_);
    }
}

// The scan threads only write and flush (into the page cache); this thread makes the
// records durable once a second, so no scan thread ever waits for the disk.
void ndjson_writer::sync_loop() {
    std::unique_lock lock(sync_mutex_);
    while (!stopping_) {
        sync_wake_.wait_for(lock, sync_interval, [this] { return stopping_; });
        if (stopping_ || !dirty_.exchange(false)) continue;
        lock.unlock();
        if (const int error = sync_data(out_)) sync_errno_.store(error);
        // Deleted under the scan (its directory removed, say): every record would go with
        // it, so the next write fails now rather than at the end of a long scan.
        struct stat st {};
        if (::fstat(::fileno(out_), &st) == 0 && st.st_nlink == 0) sync_errno_.store(ENOENT);
        lock.lock();
    }
}

void ndjson_writer::write(const endpoint_result& result) {
    thread_local const auto arena = std::make_unique<unsigned char[]>(record_arena_bytes);
    boost::json::monotonic_resource resource(arena.get(), record_arena_bytes);
    write(to_json(result, &resource));
}

void ndjson_writer::write(const input_error& error) { write(to_json(error)); }

void ndjson_writer::write(const boost::json::object& record) { write_line(serialized(record), record); }

void ndjson_writer::write_line(std::string_view line, const boost::json::object& record) {
    if (const int error = sync_errno_.load())
        throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(error));
    std::lock_guard lock(mutex_);
    if (copy_ && (std::fwrite(line.data(), 1, line.size(), copy_) != line.size() || std::fputc('\n', copy_) == EOF ||
                  std::fflush(copy_) != 0))
        throw std::runtime_error(std::string("cannot write the report copy of the records: ") + std::strerror(errno));
    if (std::fwrite(line.data(), 1, line.size(), out_) != line.size() || std::fputc('\n', out_) == EOF ||
        std::fflush(out_) != 0)
        throw std::runtime_error("cannot write " + shown(path_) + ": " + std::strerror(errno));
    dirty_.store(true);
    if (observer_) observer_(record);
}

void append_record(const std::string& path, const boost::json::object& record) {
    const std::string line = serialize_visible(record) + "\n";
    std::FILE* out = path == "-" ? stdout : std::fopen(path.c_str(), "a");
    if (!out) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    int error = 0;
    bool ok = std::fwrite(line.data(), 1, line.size(), out) == line.size() && std::fflush(out) == 0;
    if (!ok) error = errno;
    if (out != stdout) {
        if (sync_data(out) != 0 && ok) {
            ok = false;
            error = errno;
        }
        std::fclose(out);
    }
    if (!ok) throw std::runtime_error("cannot write " + shown(path) + ": " + std::strerror(error));
}

void rewrite_ndjson(const std::filesystem::path& path, const std::function<bool(const boost::json::object&)>& keep) {
    const auto cannot_read = [&path](int error) {
        return std::system_error(error, std::generic_category(), "cannot read " + path.string());
    };
    std::ifstream in(path, std::ios::binary);
    if (!in) throw cannot_read(errno);
    write_file_atomically(path, [&](std::ostream& out) {
        ndjson_lines lines(in);
        while (const auto line = lines.next())
            if (line->record && keep(*line->record)) out << line->text << '\n';
        if (lines.bad()) throw cannot_read(errno);
    });
}

}  // namespace tlsaudit::report
