// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// tcp: connect within the timeout; optionally send bytes and expect the reply to start with
// given bytes. Runs on its own socket_poller with reusable probe slots, each keeping its socket,
// and one deadline timer: a connect check is a connect and a reset, with no allocation, and on the
// wire SYN, SYN-ACK, RST (see reusable_socket::handshake_ack).
#include <boost/asio/any_io_executor.hpp>

#include "healthcheck/deadline_queue.hpp"
#include "healthcheck/probe_slots.hpp"
#include "healthcheck/probe_socket.hpp"
#include "healthcheck/prober.hpp"
#include "healthcheck/socket_poller.hpp"

namespace lbd::healthcheck {

class tcp_prober final : public prober {
 public:
  explicit tcp_prober(const boost::asio::any_io_executor& ex);
  tcp_prober(const tcp_prober&) = delete;
  tcp_prober& operator=(const tcp_prober&) = delete;
  // Resets the connections of probes still running; their handlers are dropped, not called.
  ~tcp_prober() override;

  void async_probe(const endpoint& target, const check_params& params, duration timeout,
                   probe_handler handler) override;

  [[nodiscard]] std::size_t running() const { return slots_.running(); }

 private:
  struct probe {
    reusable_socket socket;
    endpoint target;
    tcp_params params;
    duration timeout{};
    probe_handler handler;
    time_point started{};
    std::size_t sent = 0;
    std::string reply;  // bytes of params.expect received so far
    bool connected = false;
  };

  void on_event(std::uint64_t slot, std::uint32_t events);
  void on_deadline(std::uint64_t token);
  // Sends what is left of params.send, then reads the reply; completes when it can.
  void advance(std::uint64_t token, probe& p);
  void complete(std::uint64_t token, probe& p, probe_result r);

  boost::asio::any_io_executor ex_;
  probe_slots<probe> slots_;
  deadline_queue deadlines_;
  socket_poller poller_;
};

}  // namespace lbd::healthcheck
