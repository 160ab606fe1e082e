#include "client.hpp"

#include "engine.hpp"

namespace tlsaudit::capture_engine {

client::client(const hello_template& hello, const options& opts)
    : engine_(std::make_unique<detail::engine>(hello, opts, nullptr)) {}

client::client(const hello_template& hello, const options& opts, detail::entropy_source& entropy)
    : engine_(std::make_unique<detail::engine>(hello, opts, &entropy)) {}

client::~client() = default;
client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

std::span<const unsigned char> client::pending_output() const noexcept { return engine_->pending_output(); }
void client::consumed_output(std::size_t n) noexcept { engine_->consumed_output(n); }
status client::receive(std::span<const unsigned char> data) { return engine_->receive(data); }
status client::receive_eof() { return engine_->receive_eof(); }
status client::current() const noexcept { return engine_->current(); }
const flight& client::result() const noexcept { return engine_->result(); }
flight client::take_result() noexcept { return engine_->take_result(); }
const std::optional<scan_error>& client::error() const noexcept { return engine_->error(); }
const std::string& client::fallback_reason() const noexcept { return engine_->fallback_reason(); }

}  // namespace tlsaudit::capture_engine
