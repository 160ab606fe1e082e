#include "history/record_reader.hpp"

#include <tlsaudit/report/ndjson_reader.hpp>

#include "text/time_text.hpp"

#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <span>
#include <stdexcept>
#include <thread>

namespace tlsaudit::history::detail {
namespace {

// Rows per batch and batches in flight: large enough that the threads rarely meet,
// small enough to keep a few megabytes between them.
constexpr std::size_t batch_rows = 512;
constexpr std::size_t batches_in_flight = 4;

// Thrown through report/'s reader to stop it when the record_reader is destroyed.
struct stopped {};

}  // namespace

struct record_reader::state {
    state(std::istream& stream, std::string file, report::scan_meta meta) : in(stream), name(std::move(file)) {
        data.meta = std::move(meta);
    }

    std::istream& in;
    std::string name;
    report::report_data data;  // the reading thread's until `done`
    line_hash hash;
    std::size_t records = 0;

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

    // Sees each record as report/'s reader makes rows of it: hashes its line and takes
    // its rows (the reader keeps none) into the batch being filled.
    struct batcher final : report::ndjson_observer {
        explicit batcher(state& s) : owner(s) {}

        void record(std::string_view line, std::span<report::endpoint_row> endpoints,
                    std::span<report::name_row> names) override {
            if (owner.stop) throw stopped{};
            owner.hash.add(line);
            ++owner.records;
            for (auto& e : endpoints) batch.endpoints.push_back(std::move(e));
            for (auto& n : names) batch.names.push_back(std::move(n));
            if (batch.endpoints.size() + batch.names.size() >= batch_rows && !owner.hand_over(batch)) throw stopped{};
        }
        void end_file() override {}

        state& owner;
        record_batch batch;
    };

    void read() {
        batcher rows(*this);
        std::exception_ptr failure;
        try {
            report::read_ndjson_stream(in, name, data, &rows, report::rows_kept::none);
        } catch (const stopped&) {
            return;
        } catch (...) {
            failure = std::current_exception();
        }
        // The rows read before a failure go first, as a reader without a thread gives them.
        if ((!rows.batch.endpoints.empty() || !rows.batch.names.empty()) && !hand_over(rows.batch)) return;
        std::lock_guard lock(mutex);
        error = failure;
        done = true;
        changed.notify_all();
    }
};

std::string utc_start(const std::string& started_at, const std::string& file) {
    if (started_at.empty())  // missing, null, or not a string
        throw std::runtime_error(file + ": its scan-start has no started_at time (RFC 3339 text)");
    const auto t = text::parse_rfc3339(started_at);
    if (!t)
        throw std::runtime_error(fmt::format("{}: its scan-start's started_at is not an RFC 3339 time: \"{}\"", file,
                                             started_at.substr(0, 64)));
    return text::rfc3339(*t);
}

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

const line_hash& record_reader::hash() const { return state_->hash; }

std::size_t record_reader::records() const { return state_->records; }

report::scan_meta record_reader::take_meta() { return std::move(state_->data.meta); }

}  // namespace tlsaudit::history::detail
