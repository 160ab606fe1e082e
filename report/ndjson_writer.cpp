#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>

#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tlsaudit::report {

ndjson_writer::ndjson_writer(const std::string& path)
    : out_(path == "-" ? stdout : std::fopen(path.c_str(), "w")), owned_(path != "-"), path_(path) {
    if (!out_) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
}

ndjson_writer::~ndjson_writer() {
    if (owned_) std::fclose(out_);
    else std::fflush(out_);
}

void ndjson_writer::write(const endpoint_result& result) { write_line(boost::json::serialize(to_json(result))); }

void ndjson_writer::write(const input_error& error) { write_line(boost::json::serialize(to_json(error))); }

void ndjson_writer::write_line(const std::string& line) {
    std::lock_guard lock(mutex_);
    if (std::fwrite(line.data(), 1, line.size(), out_) != line.size() || std::fputc('\n', out_) == EOF ||
        std::fflush(out_) != 0)
        throw std::runtime_error("cannot write " + (path_ == "-" ? std::string("stdout") : path_) + ": " +
                                 std::strerror(errno));
}

}  // namespace tlsaudit::report
