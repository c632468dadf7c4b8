// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The TCP socket of a probe slot and the system-call helpers around it.
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>

#include "common/address.hpp"
#include "healthcheck/check_spec.hpp"

namespace lbd::healthcheck {

class socket_poller;

// How many sockets of idle slots a prober keeps open: enough for the checks in flight at once in
// steady operation, not every socket of a burst of slow probes (each is a descriptor).
inline constexpr std::size_t kept_idle_sockets = 256;

// What an epoll readiness event says about a socket that is still connecting. An error, or a
// hang-up without writability, is a failed connect (its reason: socket_error).
enum class connect_progress : std::uint8_t { in_progress, failed, connected };
connect_progress connect_event(std::uint32_t epoll_events);
// The same for a reused socket, given also its pending error (SO_ERROR, 0: none) and whether it has
// a peer (getpeername succeeds only once the connection is established). A failure event with no
// error pending was raised by the reset that ended the slot's last probe. The connect may have
// completed since: the poller is edge-triggered, so no later event would say so, and the probe
// would time out against a server that answered. The peer tells.
connect_progress reused_connect_event(std::uint32_t epoll_events, int pending_error, bool has_peer);

// A non-blocking TCP socket that stays with its probe slot from one probe to the next: it is
// opened and added to the poller once, connected for a probe, and at the end of the probe reset
// with connect(AF_UNSPEC), which sends the RST a SO_LINGER 0 close would send and leaves the
// socket ready to connect again. Per check that is a connect and a reset where a fresh socket
// costs socket, epoll_ctl, connect, setsockopt and close: about a third of a check's CPU on
// loopback, more in a virtual machine. The RST also means no TIME_WAIT entry for each of
// thousands of checks a second (HAProxy ends its checks the same way).
//
// epoll keeps the token given when the socket was added, so that token names the slot, not the
// probe. An event the previous probe's reset raised can reach the next probe of the slot; that is
// harmless because epoll reports the socket's readiness as it is when the event is collected.
class reusable_socket {
 public:
  reusable_socket() = default;
  reusable_socket(const reusable_socket&) = delete;
  reusable_socket& operator=(const reusable_socket&) = delete;
  ~reusable_socket() { close(); }

  // How the handshake ends on this side.
  enum class handshake_ack : std::uint8_t {
    // Acknowledge the server's SYN-ACK at once: for a check that waits for the server to speak
    // first (a banner), which it only does once its side of the connection is up.
    immediate,
    // Hold the ACK back (TCP_QUICKACK off; Linux then delays it up to 200 ms): a request sent at
    // once carries it, one packet less; and a connect-only check, reset as soon as the SYN-ACK is
    // in, ends as SYN, SYN-ACK, RST (as HAProxy's checks do). The server's kernel has then
    // answered for its listener, with room in its accept queue, while the application never
    // sees the check: no accept, no "connection reset" in its logs, no child socket to make
    // and destroy, about a quarter of a check's CPU.
    delayed,
  };

  // Starts connecting to `target`. A socket of the target's family is opened first (and added to
  // `poller` under `token`) when the slot has none. Returns 0, or the errno of what failed; a
  // connect that fails at once leaves the socket reusable. With a `route` (a data-path check) the
  // socket is a fresh one, marked and bound to this host's address towards route->via, and is
  // closed when the probe ends: a bound address outlives a reset, and the slot's next probe may be
  // a plain one.
  int connect(const endpoint& target, socket_poller& poller, std::uint64_t token, handshake_ack ack,
              const probe_route* route = nullptr);
  // What an epoll event says about the connect in progress; `ec` is set when it failed. A failure
  // event with no error pending was raised by the reset that ended the slot's last probe: the
  // connect is still in progress then.
  connect_progress connect_outcome(std::uint32_t epoll_events, boost::system::error_code& ec) const;
  // The probe is over: ends the connection with a RST, keeping the socket for the slot's next
  // probe unless `idle_slots` already hold enough (kept_idle_sockets).
  void finish(std::size_t idle_slots);
  // Ends the connection with a RST and keeps the socket for the slot's next probe.
  void reset();
  // Ends the connection with a RST and closes the socket.
  void close();

  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_ = -1;
  int family_ = 0;
  bool routed_ = false;  // marked and bound: closed, never reused
};

// SO_MARK `route.fwmark` on `fd`, and a bind to this host's source address for route.via (what the
// kernel would choose to reach the real server directly). Returns 0 or an errno.
int apply_route(int fd, const probe_route& route);

// The socket's pending error (SO_ERROR); `fallback` when it has none. Reading it clears it.
boost::system::error_code socket_error(int fd, int fallback);

}  // namespace lbd::healthcheck
