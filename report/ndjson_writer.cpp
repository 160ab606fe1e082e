#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>

#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tlsaudit::report {

ndjson_writer::ndjson_writer(const std::string& path, const std::string& copy_path)
    : out_(path == "-" ? stdout : std::fopen(path.c_str(), "w")), owned_(path != "-"), path_(path) {
    if (!out_) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    if (!copy_path.empty() && !(copy_ = std::fopen(copy_path.c_str(), "w"))) {
        if (owned_) std::fclose(out_);
        throw std::runtime_error("cannot write " + copy_path + ": " + std::strerror(errno));
    }
}

ndjson_writer::~ndjson_writer() {
    if (copy_) std::fclose(copy_);
    if (owned_) std::fclose(out_);
    else std::fflush(out_);
}

void ndjson_writer::write(const endpoint_result& result) { write_line(boost::json::serialize(to_json(result))); }

void ndjson_writer::write(const input_error& error) { write_line(boost::json::serialize(to_json(error))); }

void ndjson_writer::write(const boost::json::object& record) { write_line(boost::json::serialize(record)); }

void ndjson_writer::write_line(const std::string& line) {
    std::lock_guard lock(mutex_);
    if (copy_ && (std::fwrite(line.data(), 1, line.size(), copy_) != line.size() || std::fputc('\n', copy_) == EOF ||
                  std::fflush(copy_) != 0))
        throw std::runtime_error(std::string("cannot write the report copy of the records: ") + std::strerror(errno));
    if (std::fwrite(line.data(), 1, line.size(), out_) != line.size() || std::fputc('\n', out_) == EOF ||
        std::fflush(out_) != 0)
        throw std::runtime_error("cannot write " + (path_ == "-" ? std::string("stdout") : path_) + ": " +
                                 std::strerror(errno));
}

}  // namespace tlsaudit::report
