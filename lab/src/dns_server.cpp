#include <tlsaudit/lab/dns_server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace tlsaudit::lab {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

struct dns_server::impl {
    mutable std::mutex mutex;
    dns_zone zone;
    std::map<std::string, std::uint64_t, std::less<>> per_name;
    std::atomic<std::uint64_t> datagrams{0};
    udp::endpoint local;
    bool stopped = false;

    std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>();
    std::thread thread;

    std::optional<bytes> answer(std::span<const unsigned char> datagram) {
        std::lock_guard lock(mutex);
        if (const auto q = parse_dns_query(datagram)) ++per_name[q->name];
        return answer_dns_query(datagram, zone);
    }

    // The socket lives in this frame, so destroying the io_context closes it.
    asio::awaitable<void> serve(udp::socket socket) {
        std::array<unsigned char, 65536> buf{};
        udp::endpoint from;
        for (;;) {
            auto [ec, n] = co_await socket.async_receive_from(asio::buffer(buf), from, use_tuple);
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) continue;  // e.g. ICMP port unreachable reported for an earlier reply
            ++datagrams;
            const std::optional<bytes> reply = answer(std::span(buf.data(), n));
            if (reply) co_await socket.async_send_to(asio::buffer(*reply), from, use_tuple);
        }
    }
};

dns_server::dns_server(const std::string& bind_address) : impl_(std::make_unique<impl>()) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(bind_address, ec);
    if (ec || !address.is_loopback()) {
        throw std::invalid_argument(fmt::format("the lab DNS server binds to loopback only, not '{}'", bind_address));
    }
    udp::socket socket(*impl_->io);
    socket.open(address.is_v4() ? udp::v4() : udp::v6(), ec);
    if (!ec) socket.bind(udp::endpoint(address, 0), ec);
    if (ec) {
        throw std::system_error(ec.value(), std::system_category(), fmt::format("DNS bind {}", bind_address));
    }
    impl_->local = socket.local_endpoint();
    asio::co_spawn(*impl_->io, impl_->serve(std::move(socket)), asio::detached);
    impl_->thread = std::thread([io = impl_->io.get()] { io->run(); });
}

dns_server::~dns_server() { stop(); }

void dns_server::add(std::string_view name, const std::vector<std::string>& addresses) {
    std::lock_guard lock(impl_->mutex);
    add_records(impl_->zone, name, addresses);
}

void dns_server::add_failure(std::string_view name, dns_failure failure) {
    std::lock_guard lock(impl_->mutex);
    impl_->zone[normalize_dns_name(name)].failure = failure;
}

void dns_server::clear() {
    std::lock_guard lock(impl_->mutex);
    impl_->zone.clear();
}

std::uint16_t dns_server::port() const noexcept { return impl_->local.port(); }

std::string dns_server::address() const { return impl_->local.address().to_string(); }

std::uint64_t dns_server::query_count() const noexcept { return impl_->datagrams.load(); }

std::uint64_t dns_server::query_count(std::string_view name) const {
    std::lock_guard lock(impl_->mutex);
    const auto it = impl_->per_name.find(normalize_dns_name(name));
    return it == impl_->per_name.end() ? 0 : it->second;
}

void dns_server::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopped) return;
        impl_->stopped = true;
    }
    impl_->io->stop();
    if (impl_->thread.joinable()) impl_->thread.join();
    impl_->io.reset();
}

}  // namespace tlsaudit::lab
