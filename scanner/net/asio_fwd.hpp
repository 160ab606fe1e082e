#pragma once
// The Asio pieces scanner/net uses. Asio is compiled once (BOOST_ASIO_SEPARATE_COMPILATION,
// see scanner/asio/asio_impl.cpp).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace tlsaudit::net {
namespace asio = boost::asio;
}
