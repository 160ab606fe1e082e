#include "socket_deadline.hpp"

namespace tlsaudit::net::detail {

socket_deadline::socket_deadline(const asio::any_io_executor& executor)
    : timer_(executor), state_(std::make_shared<state>()) {}

socket_deadline::~socket_deadline() {
    ++state_->step;  // a wait that already fired finds its step over; the timer cancels the rest
}

void socket_deadline::start(asio::ip::tcp::socket& socket, std::chrono::steady_clock::duration timeout) {
    const std::uint64_t step = ++state_->step;
    state_->expired = false;
    state_->socket = &socket;
    timer_.expires_after(timeout);
    timer_.async_wait([s = state_, step](const boost::system::error_code& ec) {
        if (ec || s->step != step) return;
        s->expired = true;
        boost::system::error_code ignored;
        s->socket->cancel(ignored);
    });
}

bool socket_deadline::stop() {
    ++state_->step;
    state_->socket = nullptr;
    timer_.cancel();
    return state_->expired;
}

}  // namespace tlsaudit::net::detail
