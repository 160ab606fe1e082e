// Asio and Asio.SSL compiled once for the whole project (BOOST_ASIO_SEPARATE_COMPILATION):
// every other translation unit only includes the declarations.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
