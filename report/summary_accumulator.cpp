#include <tlsaudit/report/ndjson_reader.hpp>
#include <tlsaudit/report/summary_accumulator.hpp>

#include <string>
#include <utility>

namespace tlsaudit::report {

summary_accumulator::summary_accumulator(std::size_t places) : digest_(places) {}

void summary_accumulator::add(const boost::json::object& record) {
    std::lock_guard lock(mutex_);
    const auto sequence = ++records_;
    add_record(record, "record " + std::to_string(sequence) + ": ", data_);
    // Rank 0: the records come in scan order, their keys place them in report order.
    for (const auto& e : data_.endpoints) digest_.add_endpoint(e, 0, sequence);
    for (const auto& n : data_.names) digest_.add_name(n, 0, sequence);
    digest_.add_input_errors(data_.input_errors.size());
    data_.endpoints.clear();
    data_.names.clear();
    data_.input_errors.clear();
}

summary_digest summary_accumulator::finish() {
    std::lock_guard lock(mutex_);
    auto out = digest_.finish();
    out.meta = std::move(data_.meta);
    return out;
}

}  // namespace tlsaudit::report
