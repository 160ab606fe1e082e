#include <tlsaudit/revocation.hpp>

#include <stdexcept>

namespace tlsaudit::revocation {

fetch_budget::fetch_budget(std::size_t max_destinations) : max_(max_destinations) {
    if (max_ == 0) throw std::invalid_argument("revocation: the fetch destination cap must be > 0");
}

bool fetch_budget::admit(const std::string& destination) {
    std::lock_guard lock(mutex_);
    if (seen_.contains(destination)) return true;
    if (seen_.size() >= max_) return false;
    seen_.insert(destination);
    return true;
}

void fetch_budget::add_bytes(std::uint64_t n) {
    std::lock_guard lock(mutex_);
    bytes_ += n;
}

void fetch_budget::add_refusal() {
    std::lock_guard lock(mutex_);
    ++refusals_;
}

std::size_t fetch_budget::destinations() const {
    std::lock_guard lock(mutex_);
    return seen_.size();
}

std::uint64_t fetch_budget::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}

std::uint64_t fetch_budget::refusals() const {
    std::lock_guard lock(mutex_);
    return refusals_;
}

}  // namespace tlsaudit::revocation
