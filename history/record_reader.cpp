#include "history/record_reader.hpp"

#include <tlsaudit/report/ndjson_reader.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace tlsaudit::history::detail {
namespace {

// Rows per batch and batches in flight: large enough that the threads rarely meet,
// small enough to keep a few megabytes between them.
constexpr std::size_t batch_rows = 512;
constexpr std::size_t batches_in_flight = 4;

}  // namespace

struct record_reader::state {
    state(std::istream& stream, std::string file, report::scan_meta meta) : in(stream), name(std::move(file)) {
        data.meta = std::move(meta);
    }

    std::istream& in;
    std::string name;
    report::report_data data;  // the reading thread's until `done`
    line_hash hash;

    std::mutex mutex;
    std::condition_variable changed;
    std::deque<record_batch> ready;
    bool done = false;
    std::exception_ptr error;
    std::atomic<bool> stop = false;
    std::thread thread;

    // Hands a batch over; false when the reader is being destroyed.
    bool hand_over(record_batch& batch) {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return ready.size() < batches_in_flight || stop; });
        if (stop) return false;
        ready.push_back(std::move(batch));
        batch = {};
        changed.notify_all();
        return true;
    }

    void read() {
        record_batch batch;
        std::exception_ptr failure;
        try {
            report::ndjson_lines lines(in);
            while (const auto line = lines.next()) {
                if (stop) return;
                const auto where = name + ":" + std::to_string(line->number) + ": ";
                if (!line->record) throw std::runtime_error(where + line->error);
                hash.add(line->text);
                report::add_record(*line->record, where, data);
                for (auto& e : data.endpoints) batch.endpoints.push_back(std::move(e));
                for (auto& n : data.names) batch.names.push_back(std::move(n));
                data.endpoints.clear();
                data.names.clear();
                data.input_errors.clear();
                if (batch.endpoints.size() + batch.names.size() >= batch_rows && !hand_over(batch)) return;
            }
            if (lines.bad()) throw std::runtime_error("cannot read " + name);
        } catch (...) {
            failure = std::current_exception();
        }
        // The rows read before a failure go first, as a reader without a thread gives them.
        if ((!batch.endpoints.empty() || !batch.names.empty()) && !hand_over(batch)) return;
        std::lock_guard lock(mutex);
        error = failure;
        done = true;
        changed.notify_all();
    }
};

record_reader::record_reader(std::istream& in, std::string name, report::scan_meta meta)
    : state_(std::make_unique<state>(in, std::move(name), std::move(meta))) {
    state_->thread = std::thread([s = state_.get()] { s->read(); });
}

record_reader::~record_reader() {
    {
        std::lock_guard lock(state_->mutex);
        state_->stop = true;
    }
    state_->changed.notify_all();
    state_->thread.join();
}

std::optional<record_batch> record_reader::next() {
    std::unique_lock lock(state_->mutex);
    state_->changed.wait(lock, [&] { return !state_->ready.empty() || state_->done; });
    if (!state_->ready.empty()) {
        auto batch = std::move(state_->ready.front());
        state_->ready.pop_front();
        state_->changed.notify_all();
        return batch;
    }
    if (state_->error) std::rethrow_exception(state_->error);
    return std::nullopt;
}

std::uint64_t record_reader::hash() const { return state_->hash.value; }

report::scan_meta record_reader::take_meta() { return std::move(state_->data.meta); }

}  // namespace tlsaudit::history::detail
