#include <tlsaudit/lab/tls_server.hpp>

#include "sessions.hpp"
#include "starttls_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <map>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

namespace tlsaudit::lab {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr int fleet_attempts = 20;

asio::ip::address loopback_address(const std::string& text) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(text, ec);
    if (ec) throw std::invalid_argument(fmt::format("not an IP address: '{}'", text));
    if (!address.is_loopback()) {
        throw std::invalid_argument(fmt::format("lab servers bind to loopback only, not '{}'", text));
    }
    return address;
}

// Throws std::system_error (errno values) so that callers need no Boost header.
tcp::acceptor open_acceptor(asio::io_context& io, const asio::ip::address& address, std::uint16_t port) {
    const tcp::endpoint where(address, port);
    tcp::acceptor acceptor(io);
    boost::system::error_code ec;
    auto fail_if = [&](const char* what) {
        if (ec) {
            throw std::system_error(ec.value(), std::system_category(),
                                    fmt::format("{} {}:{}", what, address.to_string(), port));
        }
    };
    acceptor.open(where.protocol(), ec);
    fail_if("open");
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    fail_if("SO_REUSEADDR");
    acceptor.bind(where, ec);
    fail_if("bind");
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    fail_if("listen");
    return acceptor;
}

asio::awaitable<void> accept_loop(std::shared_ptr<detail::endpoint_state> ep, tcp::acceptor acceptor) {
    const auto executor = co_await asio::this_coro::executor;
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        if (ec) {
            // Out of descriptors or buffers: back off instead of spinning, then retry.
            asio::steady_timer pause(executor, 10ms);
            co_await pause.async_wait(use_tuple);
            continue;
        }
        ep->bump(ep->accepted);
        asio::co_spawn(executor, detail::serve_connection(ep, std::move(socket)), [ep](std::exception_ptr error) {
            if (error) ep->bump(ep->failed);
        });
    }
}

}  // namespace

std::string_view to_string(behaviour b) noexcept {
    switch (b) {
    case behaviour::tls: return "tls";
    case behaviour::silent: return "silent";
    case behaviour::accept_no_read: return "accept_no_read";
    case behaviour::reset_after_hello: return "reset_after_hello";
    case behaviour::close_after_hello: return "close_after_hello";
    case behaviour::http: return "http";
    case behaviour::alert: return "alert";
    case behaviour::garbage: return "garbage";
    case behaviour::drip: return "drip";
    case behaviour::bad_der: return "bad_der";
    case behaviour::huge_certificate: return "huge_certificate";
    case behaviour::undecodable_certificate: return "undecodable_certificate";
    case behaviour::reset_mid_handshake: return "reset_mid_handshake";
    case behaviour::record: return "record";
    }
    return "unknown";
}

struct server_pool::impl {
    using key_type = std::pair<std::string, std::uint16_t>;  // (address, port)

    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::map<key_type, std::shared_ptr<detail::endpoint_state>> endpoints;
    bool stopped = false;

    std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>();
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{io->get_executor()};
    std::vector<std::thread> threads;

    void notify() {
        { std::lock_guard lock(mutex); }  // orders the change before a waiter's re-check
        changed.notify_all();
    }

    endpoint_stats sum_locked(std::uint16_t port) const {
        endpoint_stats total;
        for (const auto& [where, ep] : endpoints) {
            if (where.second != port) continue;
            const endpoint_stats s = ep->snapshot();
            total.accepted += s.accepted;
            total.handshakes += s.handshakes;
            total.failed += s.failed;
            total.active += s.active;
            if (!s.last_sni.empty()) total.last_sni = s.last_sni;
            if (!s.received.empty()) total.received = s.received;
        }
        return total;
    }

    // Opens one acceptor per address on a common port (see start_fleet).
    std::vector<tcp::acceptor> bind_all(const std::vector<asio::ip::address>& addresses, std::uint16_t requested) {
        for (int attempt = 1;; ++attempt) {
            std::vector<tcp::acceptor> acceptors;
            std::uint16_t port = requested;
            try {
                for (const auto& address : addresses) {
                    acceptors.push_back(open_acceptor(*io, address, port));
                    port = acceptors.front().local_endpoint().port();
                }
                return acceptors;
            } catch (const std::system_error& e) {
                const bool retry =
                    requested == 0 && !acceptors.empty() && e.code().value() == EADDRINUSE && attempt < fleet_attempts;
                if (!retry) throw;
            }
        }
    }

    std::uint16_t start(server_config config, const std::vector<std::string>& addresses) {
        if (addresses.empty()) throw std::invalid_argument("no address to bind");
        std::vector<asio::ip::address> parsed;
        for (const auto& a : addresses) parsed.push_back(loopback_address(a));

        detail::check_starttls(config.starttls);
        std::shared_ptr<detail::tls_state> tls;
        if (config.b == behaviour::tls) {
            tls = std::make_shared<detail::tls_state>(detail::make_tls_context(config));
        }

        std::lock_guard lock(mutex);
        if (stopped) throw std::logic_error("server_pool used after stop()");
        std::vector<tcp::acceptor> acceptors = bind_all(parsed, config.port);
        const std::uint16_t port = acceptors.front().local_endpoint().port();
        for (std::size_t i = 0; i < acceptors.size(); ++i) {
            auto ep = std::make_shared<detail::endpoint_state>();
            ep->config = config;
            ep->config.bind_address = parsed[i].to_string();
            ep->config.port = port;
            ep->tls = tls;
            ep->notify = [this] { notify(); };
            endpoints[{ep->config.bind_address, port}] = ep;
            asio::co_spawn(*io, accept_loop(ep, std::move(acceptors[i])), asio::detached);
        }
        return port;
    }

    void stop() {
        {
            std::lock_guard lock(mutex);
            if (stopped) return;
            stopped = true;
        }
        work.reset();
        io->stop();
        for (auto& t : threads) t.join();
        threads.clear();
        // Destroys every pending operation and with it every connection's frame and
        // socket. Endpoint states (no I/O objects) stay for stats().
        io.reset();
    }
};

server_pool::server_pool(unsigned threads) : impl_(std::make_unique<impl>()) {
    const unsigned n = threads == 0 ? 1 : threads;
    for (unsigned i = 0; i < n; ++i) {
        impl_->threads.emplace_back([io = impl_->io.get()] { io->run(); });
    }
}

server_pool::~server_pool() { stop(); }

std::uint16_t server_pool::start(server_config config) {
    const std::vector<std::string> addresses{config.bind_address};
    return impl_->start(std::move(config), addresses);
}

std::uint16_t server_pool::start_fleet(server_config config, const std::vector<std::string>& addresses) {
    return impl_->start(std::move(config), addresses);
}

endpoint_stats server_pool::stats(std::uint16_t port) const {
    std::lock_guard lock(impl_->mutex);
    return impl_->sum_locked(port);
}

endpoint_stats server_pool::stats(std::uint16_t port, std::string_view address) const {
    std::lock_guard lock(impl_->mutex);
    boost::system::error_code ec;
    const auto parsed = asio::ip::make_address(address, ec);
    if (ec) return {};
    const auto it = impl_->endpoints.find({parsed.to_string(), port});
    return it == impl_->endpoints.end() ? endpoint_stats{} : it->second->snapshot();
}

bool server_pool::wait_for(std::uint16_t port, const std::function<bool(const endpoint_stats&)>& pred,
                           std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(impl_->mutex);
    for (;;) {
        if (pred(impl_->sum_locked(port))) return true;
        if (impl_->changed.wait_until(lock, deadline) == std::cv_status::timeout) {
            return pred(impl_->sum_locked(port));
        }
    }
}

void server_pool::stop() { impl_->stop(); }

closed_port::closed_port(const std::string& address) {
    const tcp::endpoint where(loopback_address(address), 0);
    fd_ = ::socket(where.protocol().family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::system_error(errno, std::system_category(), "socket");
    tcp::endpoint bound = where;
    socklen_t length = static_cast<socklen_t>(bound.capacity());
    if (::bind(fd_, where.data(), static_cast<socklen_t>(where.size())) != 0 ||
        ::getsockname(fd_, bound.data(), &length) != 0) {
        const int error = errno;
        ::close(fd_);
        throw std::system_error(error, std::system_category(), fmt::format("bind {}:0", address));
    }
    bound.resize(length);
    port_ = bound.port();
}

closed_port::closed_port(closed_port&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), port_(std::exchange(other.port_, 0)) {}

closed_port& closed_port::operator=(closed_port&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        port_ = std::exchange(other.port_, 0);
    }
    return *this;
}

closed_port::~closed_port() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace tlsaudit::lab
