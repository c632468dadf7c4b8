#pragma once
// System-call helpers for the probers on a socket_poller: a non-blocking TCP socket connecting to
// the target, its pending error, and a close that resets the connection.
#include <boost/system/error_code.hpp>

#include <cstdint>

#include "common/address.hpp"

namespace lbd::healthcheck {

// A non-blocking, close-on-exec TCP socket that has started connecting to `target`. Returns the
// descriptor, or -1 with `ec` set when the socket cannot be made or the connect failed at once.
int open_connecting_socket(const endpoint& target, boost::system::error_code& ec);

// The socket's pending error (SO_ERROR); `fallback` when it has none.
boost::system::error_code socket_error(int fd, int fallback);

// What an epoll readiness event says about a socket that is still connecting. An error, or a
// hang-up without writability, is a failed connect (its reason: socket_error).
enum class connect_progress : std::uint8_t { in_progress, failed, connected };
connect_progress connect_event(std::uint32_t epoll_events);

// Closes with SO_LINGER 0: the connection ends with a RST instead of the FIN exchange, and leaves
// no TIME_WAIT entry behind for each of thousands of checks a second (HAProxy closes its checks the
// same way). Only for probes that have read what they wanted: unread data is discarded.
void close_with_reset(int fd);

}  // namespace lbd::healthcheck
