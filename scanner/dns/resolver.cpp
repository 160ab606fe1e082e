#include "dns/resolver.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace tlsaudit::dns {
namespace {

namespace asio = boost::asio;

void init_library_once() {
    static std::once_flag flag;
    std::call_once(flag, [] {
        if (int rc = ares_library_init(ARES_LIB_INIT_ALL); rc != ARES_SUCCESS)
            throw std::runtime_error(std::string("c-ares initialisation failed: ") + ares_strerror(rc));
    });
}

// c-ares wants "host:port" with IPv6 in brackets; accept a bare IPv6 address too.
std::string to_ares_server(const std::string& server) {
    unsigned char buf[sizeof(in6_addr)];
    // c-ares 1.18 takes an IPv6 server only as [addr]:port.
    if (inet_pton(AF_INET6, server.c_str(), buf) == 1) return "[" + server + "]:53";
    return server;
}

// An IPv4-mapped IPv6 answer (::ffff:192.0.2.1) is written as the IPv4 address it is: a
// connection to it is an IPv4 one, to the host that the name's A record may name too.
std::string address_text(const sockaddr* sa) {
    char text[INET6_ADDRSTRLEN] = {};
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
    } else if (sa->sa_family == AF_INET6) {
        const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&a)) inet_ntop(AF_INET, &a.s6_addr[12], text, sizeof text);
        else inet_ntop(AF_INET6, &a, text, sizeof text);
    }
    return text;
}

using answer_handler = asio::any_completion_handler<void(answer)>;

// How late a try that got no answer may be noticed; the tries themselves last a third of
// resolver_options::timeout and two thirds (one server).
constexpr std::chrono::milliseconds tick_interval{50};

}  // namespace

struct resolver::impl {
    // One socket c-ares asked us to watch. Waits capture the shared_ptr so a socket that
    // c-ares closes while a wait is pending is recognised and left alone.
    struct watched {
        explicit watched(asio::any_io_executor ex, int fd) : desc(ex, fd), fd_(fd) {}
        asio::posix::stream_descriptor desc;
        int fd_;
        bool want_read = false, want_write = false;
        bool reading = false, writing = false;
        bool closed = false;
    };

    // A query's caller, answered once: by c-ares, or first by its deadline (the c-ares
    // query then ends on its own, and its answer is dropped).
    struct query {
        std::optional<answer_handler> handler;
        impl* owner;
        int family;  // AF_INET (-4), AF_INET6 (-6) or AF_UNSPEC
        std::unique_ptr<asio::steady_timer> deadline;

        void answer_with(answer a) {
            if (!handler) return;
            if (deadline) deadline->cancel();
            // Resume the caller outside ares_process_fd: it may start another query at once.
            asio::post(owner->executor,
                       [h = std::move(*handler), a = std::move(a)]() mutable { std::move(h)(std::move(a)); });
            handler.reset();
        }
    };

    asio::any_io_executor executor;
    ares_channel channel = nullptr;
    asio::steady_timer timer;
    std::unordered_map<int, std::shared_ptr<watched>> sockets;
    std::size_t pending = 0;  // queries asked and not yet answered
    bool ticking = false;
    std::string timeout_option;

    impl(asio::any_io_executor ex, const resolver_options& options)
        : executor(ex), timer(ex), timeout_option(options.timeout_option) {
        init_library_once();
        // c-ares asks each server in turn, `tries` rounds, and waits twice as long in the
        // second round (1.18: the timeout shifted by the round): with two tries, three times
        // the first try's timeout per server in all. Split the budget so, once the servers
        // are known (the system configuration may name several).
        const long long budget = std::max<long long>(1, options.timeout.count());
        channel = make_channel(options.server, budget / 3);
        if (const long long servers = server_count(channel); servers > 1) {
            ares_destroy(channel);
            channel = make_channel(options.server, budget / (3 * servers));
        }
    }

    ares_channel make_channel(const std::string& server, long long try_timeout_ms) {
        ares_options opts{};
        int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_RCVBUF |
                   ARES_OPT_FLAGS | ARES_OPT_DOMAINS;
        // A target is a fully qualified name: the system's search domains (resolv.conf
        // `search`, LOCALDOMAIN; ndots:5 in a Kubernetes pod) are never appended, or
        // "lb.example" could be answered as "lb.example.corp.example".
        opts.flags = ARES_FLAG_NOSEARCH;
        opts.domains = nullptr;
        opts.ndomains = 0;
        opts.sock_state_cb = &impl::on_socket_state;
        opts.sock_state_cb_data = this;
        opts.tries = 2;  // a datagram lost on the way is asked again
        // Hundreds of answers can arrive between two reads; the default buffer (about 200
        // KB, some 300 datagrams) dropped them, and each drop cost a retry.
        opts.socket_receive_buffer_size = 4 << 20;  // the kernel caps it at net.core.rmem_max
        opts.timeout = static_cast<int>(std::max<long long>(1, try_timeout_ms));
        std::string lookups = "b";
        if (!server.empty()) {
            // An explicit resolver is asked directly; /etc/hosts would shadow it.
            mask |= ARES_OPT_LOOKUPS;
            opts.lookups = lookups.data();
        }
        ares_channel made = nullptr;
        if (int rc = ares_init_options(&made, &opts, mask); rc != ARES_SUCCESS)
            throw std::runtime_error(std::string("c-ares: ") + ares_strerror(rc));
        if (!server.empty()) {
            std::string csv = to_ares_server(server);
            if (int rc = ares_set_servers_ports_csv(made, csv.c_str()); rc != ARES_SUCCESS) {
                ares_destroy(made);
                throw std::invalid_argument("bad resolver address '" + server + "': " + ares_strerror(rc));
            }
        }
        return made;
    }

    static long long server_count(ares_channel ch) {
        ares_addr_port_node* servers = nullptr;
        if (ares_get_servers_ports(ch, &servers) != ARES_SUCCESS) return 1;
        long long n = 0;
        for (auto* s = servers; s != nullptr; s = s->next) ++n;
        ares_free_data(servers);
        return std::max<long long>(n, 1);
    }

    ~impl() {
        // Pending queries are answered with ARES_EDESTRUCTION inside ares_destroy.
        ares_destroy(channel);
        for (auto& [fd, w] : sockets) {
            w->closed = true;
            w->desc.release();
        }
    }

    static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
        auto* self = static_cast<impl*>(data);
        auto it = self->sockets.find(fd);
        if (!readable && !writable) {
            if (it != self->sockets.end()) {
                it->second->closed = true;
                it->second->desc.release();  // c-ares owns and closes the descriptor
                self->sockets.erase(it);
            }
            return;
        }
        if (it == self->sockets.end())
            it = self->sockets.emplace(fd, std::make_shared<watched>(self->executor, fd)).first;
        it->second->want_read = readable != 0;
        it->second->want_write = writable != 0;
        self->arm(it->second);
    }

    void arm(const std::shared_ptr<watched>& w) {
        if (w->want_read && !w->reading) {
            w->reading = true;
            w->desc.async_wait(asio::posix::stream_descriptor::wait_read, [this, w](boost::system::error_code ec) {
                w->reading = false;
                if (w->closed || ec) return;
                process(w->fd_, ARES_SOCKET_BAD);
                if (!w->closed) arm(w);
            });
        }
        if (w->want_write && !w->writing) {
            w->writing = true;
            w->desc.async_wait(asio::posix::stream_descriptor::wait_write, [this, w](boost::system::error_code ec) {
                w->writing = false;
                if (w->closed || ec) return;
                process(ARES_SOCKET_BAD, w->fd_);
                if (!w->closed) arm(w);
            });
        }
    }

    void process(ares_socket_t read_fd, ares_socket_t write_fd) { ares_process_fd(channel, read_fd, write_fd); }

    // c-ares's own timeouts (a try that got no answer) are served by a coarse tick while
    // queries are pending. Asking c-ares for the next deadline instead (ares_timeout) walks
    // every query in flight, and it was needed after every packet: the largest single cost
    // at 1,000 queries in flight.
    void tick() {
        if (ticking || pending == 0) return;
        ticking = true;
        timer.expires_after(tick_interval);
        timer.async_wait([this](boost::system::error_code ec) {
            if (ec) return;  // cancelled: the resolver may be gone, so `this` is not touched
            ticking = false;
            process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            tick();
        });
    }

    // c-ares's words, said for an operator. c-ares 1.18 reports a SERVFAIL or REFUSED from
    // every server as ARES_ECONNREFUSED, like a server that cannot be reached.
    std::string failure_text(int status, int family) const {
        switch (status) {
        case ARES_ENOTFOUND: return "no such name (NXDOMAIN)";
        case ARES_ENODATA:
            return family == AF_INET    ? "the name has no IPv4 address (A record; -4 leaves out IPv6)"
                   : family == AF_INET6 ? "the name has no IPv6 address (AAAA record; -6 leaves out IPv4)"
                                        : "the name has no address record (A or AAAA)";
        case ARES_ECONNREFUSED:
            return "no DNS server answered: unreachable, or each one failed the query (SERVFAIL or REFUSED)";
        case ARES_ETIMEOUT: return "no answer from the DNS server in time (" + timeout_option + ")";
        default: return ares_strerror(status);
        }
    }

    static void on_answer(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
        std::unique_ptr<std::shared_ptr<query>> held(static_cast<std::shared_ptr<query>*>(arg));
        const auto& q = *held;
        --q->owner->pending;
        dns::answer answer;
        if (status != ARES_SUCCESS) {
            answer.error = q->owner->failure_text(status, q->family);
        } else {
            for (auto* node = result ? result->nodes : nullptr; node; node = node->ai_next) {
                std::string text = address_text(node->ai_addr);
                const bool mapped_under_v6_only =
                    q->family == AF_INET6 && node->ai_family == AF_INET6 && text.find(':') == std::string::npos;
                if (!text.empty() && !mapped_under_v6_only &&
                    std::find(answer.addresses.begin(), answer.addresses.end(), text) == answer.addresses.end())
                    answer.addresses.push_back(std::move(text));
            }
            // Every answer left out (IPv4-mapped ones under -6): as if the name had none of the family.
            if (answer.addresses.empty()) answer.error = q->owner->failure_text(ARES_ENODATA, q->family);
        }
        if (result) ares_freeaddrinfo(result);
        q->answer_with(std::move(answer));
    }
};

resolver::resolver(asio::any_io_executor executor, const resolver_options& options)
    : impl_(std::make_unique<impl>(executor, options)) {}

resolver::~resolver() = default;

namespace {

// RFC 6761 6.3: "localhost" and the names under it are the loopback addresses, answered
// without asking a server (a --resolver knows nothing of them, /etc/hosts is not read then).
std::optional<answer> localhost_answer(std::string_view host, int family) {
    if (host != "localhost" && !host.ends_with(".localhost")) return std::nullopt;
    dns::answer answer;
    if (family != AF_INET6) answer.addresses.emplace_back("127.0.0.1");
    if (family != AF_INET) answer.addresses.emplace_back("::1");
    return answer;
}

// An IP literal is its own answer (c-ares 1.18 sent "127.0.0.1" to the name server as a
// name when one was configured).
std::optional<answer> literal_answer(const std::string& host, int family) {
    unsigned char buffer[sizeof(in6_addr)];
    const bool v4 = inet_pton(AF_INET, host.c_str(), buffer) == 1;
    if (!v4 && inet_pton(AF_INET6, host.c_str(), buffer) != 1) return std::nullopt;
    dns::answer answer;
    if (family == AF_UNSPEC || family == (v4 ? AF_INET : AF_INET6)) {
        sockaddr_storage storage{};
        if (v4) {
            auto* sa = reinterpret_cast<sockaddr_in*>(&storage);
            sa->sin_family = AF_INET;
            std::memcpy(&sa->sin_addr, buffer, sizeof sa->sin_addr);
        } else {
            auto* sa = reinterpret_cast<sockaddr_in6*>(&storage);
            sa->sin6_family = AF_INET6;
            std::memcpy(&sa->sin6_addr, buffer, sizeof sa->sin6_addr);
        }
        answer.addresses.push_back(address_text(reinterpret_cast<const sockaddr*>(&storage)));
    } else {
        answer.error =
            v4 ? "an IPv4 address, and only IPv6 is asked for" : "an IPv6 address, and only IPv4 is asked for";
    }
    return answer;
}

}  // namespace

asio::awaitable<answer> resolver::resolve(const std::string& host, int family,
                                          std::optional<std::chrono::steady_clock::time_point> until) {
    if (auto local = localhost_answer(host, family)) co_return std::move(*local);
    if (auto literal = literal_answer(host, family)) co_return std::move(*literal);
    auto* self = impl_.get();
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(answer)>(
        [self, &host, family, until](answer_handler handler) {
            auto q = std::make_shared<impl::query>();
            q->handler.emplace(std::move(handler));
            q->owner = self;
            q->family = family;
            if (until) {
                q->deadline = std::make_unique<asio::steady_timer>(self->executor, *until);
                q->deadline->async_wait([weak = std::weak_ptr<impl::query>(q)](boost::system::error_code ec) {
                    const auto alive = weak.lock();
                    if (ec || !alive) return;
                    alive->answer_with(answer{{}, "timeout", true});
                });
            }
            ares_addrinfo_hints hints{};
            hints.ai_family = family;
            hints.ai_socktype = SOCK_STREAM;
            ++self->pending;
            ares_getaddrinfo(self->channel, host.c_str(), nullptr, &hints, &impl::on_answer,
                             new std::shared_ptr<impl::query>(q));
            self->tick();
        },
        asio::use_awaitable);
}

}  // namespace tlsaudit::dns
