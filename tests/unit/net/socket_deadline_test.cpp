// The per-step deadline of a connection, on a loopback socket pair: it cuts a step that
// waits too long, leaves one that completes alone, and starts afresh for the next step.

#include "socket_deadline.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <array>
#include <optional>

namespace tlsaudit::net::detail {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;

// A connected pair on 127.0.0.1: the acceptor's bound port is the readiness signal.
struct socket_pair {
    asio::io_context io;
    tcp::socket client{io};
    tcp::socket server{io};

    socket_pair() {
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        client.connect(acceptor.local_endpoint());
        acceptor.accept(server);
    }
};

struct read_result {
    std::optional<boost::system::error_code> ec;
    std::array<char, 16> buffer{};
};

void start_read(tcp::socket& s, read_result& r) {
    s.async_read_some(asio::buffer(r.buffer), [&r](const boost::system::error_code& ec, std::size_t) { r.ec = ec; });
}

// A read under a 60 s deadline that the server answers with `c` at once; runs until the
// read completes (bounded: each wait for work is at most 10 s).
read_result read_answered(socket_pair& p, socket_deadline& deadline, char c) {
    read_result r;
    deadline.start(p.client, 60s);
    start_read(p.client, r);
    asio::write(p.server, asio::buffer(&c, 1));
    while (!r.ec && p.io.run_one_for(10s) > 0) {}
    return r;
}

// A read under `timeout` that the server never answers; run_for returns as soon as the
// read completes and the timer is done.
read_result read_unanswered(socket_pair& p, socket_deadline& deadline, std::chrono::milliseconds timeout) {
    read_result r;
    deadline.start(p.client, timeout);
    start_read(p.client, r);
    p.io.run_for(10s);
    return r;
}

TEST(socket_deadline, cuts_a_read_that_gets_nothing) {
    socket_pair p;
    socket_deadline deadline(p.io.get_executor());
    const auto r = read_unanswered(p, deadline, 20ms);
    ASSERT_TRUE(r.ec);
    EXPECT_EQ(*r.ec, asio::error::operation_aborted);
    EXPECT_TRUE(deadline.stop());
    EXPECT_TRUE(p.client.is_open()) << "the step is cut, the connection is the caller's";
}

TEST(socket_deadline, leaves_a_step_that_completes_and_holds_no_work_after_it) {
    socket_pair p;
    socket_deadline deadline(p.io.get_executor());
    const auto r = read_answered(p, deadline, 'x');
    ASSERT_TRUE(r.ec);
    EXPECT_FALSE(*r.ec);
    EXPECT_FALSE(deadline.stop());
    // The cancelled wait completes at once: nothing keeps the io_context busy for 60 s.
    p.io.restart();
    p.io.run_for(10s);
    EXPECT_TRUE(p.io.stopped());
}

TEST(socket_deadline, a_cut_step_does_not_touch_the_next) {
    socket_pair p;
    socket_deadline deadline(p.io.get_executor());
    const auto cut = read_unanswered(p, deadline, 1ms);
    ASSERT_TRUE(cut.ec);
    EXPECT_TRUE(deadline.stop());
    p.io.restart();
    const auto r = read_answered(p, deadline, 'y');
    ASSERT_TRUE(r.ec);
    EXPECT_FALSE(*r.ec);
    EXPECT_EQ(r.buffer[0], 'y');
    EXPECT_FALSE(deadline.stop()) << "the earlier expiry is forgotten";
}

TEST(socket_deadline, may_go_before_its_wait_completes) {
    socket_pair p;
    {
        socket_deadline deadline(p.io.get_executor());
        deadline.start(p.client, 0ms);
    }
    // The wait's handler runs after the deadline is gone and must not reach the socket
    // through it (ASan would see it).
    p.io.run_for(10s);
    EXPECT_TRUE(p.io.stopped());
    EXPECT_TRUE(p.client.is_open());
}

}  // namespace
}  // namespace tlsaudit::net::detail
