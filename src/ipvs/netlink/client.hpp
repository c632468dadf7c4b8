// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The kernel backend: IPVS over generic netlink on a libnl socket. Writes are batched: many requests
// go out in one sendmsg, each with NLM_F_ACK and its own sequence number, and the acknowledgements
// are matched back to their operation by sequence number. Every call has a deadline; nothing waits
// for the kernel forever.
#include <chrono>
#include <functional>
#include <memory>

#include "ipvs/backend.hpp"
#include "ipvs/netlink/codec.hpp"

struct nl_sock;
struct nlmsghdr;

namespace lbd::ipvs::netlink {

struct client_options {
  std::chrono::milliseconds timeout{5000};  // per call (per batch for apply)
  std::size_t batch = 512;                  // requests per sendmsg
  int rcvbuf = 8 << 20;                     // SO_RCVBUF(FORCE): room for a batch of acknowledgements
  int sndbuf = 4 << 20;
  // Checked between the destination dumps of a snapshot (one per service): true abandons the
  // snapshot with ECANCELED. A reader that must stop (the daemon stopping, a reconcile starting)
  // waits at most one service's dump, not a whole table's.
  std::function<bool()> cancelled;
};

class client final : public backend {
 public:
  // Fails with "the kernel has no IPVS (modprobe ip_vs)" when the IPVS family is not registered.
  static result<std::unique_ptr<client>, ipvs_error> open(client_options opts = {});
  ~client() override;

  result<table, ipvs_error> snapshot() override;
  // One request for each service and one dump of its destinations: a few services of a large table
  // cost a few round trips, not the whole table's.
  result<table, ipvs_error> snapshot_of(const ownership& which) override;
  std::vector<op_result> apply(const std::vector<op>& ops) override;
  result<ipvs::info, ipvs_error> get_info() override;
  result<timeouts, ipvs_error> get_timeouts() override;
  status<ipvs_error> set_timeouts(const timeouts& t) override;
  result<std::vector<sync_daemon>, ipvs_error> daemons() override;
  status<ipvs_error> start_daemon(const sync_daemon& d) override;
  status<ipvs_error> stop_daemon(daemon_state s) override;

  [[nodiscard]] std::uint16_t family_id() const { return family_; }
  // Number of sendmsg calls made by apply(), for benchmarks and tests.
  [[nodiscard]] std::size_t sends() const { return sends_; }

 private:
  using clock = std::chrono::steady_clock;
  // Return false to stop reading (the answer is complete).
  using on_message = std::function<result<bool, ipvs_error>(nlmsghdr*)>;

  client(nl_sock* s, client_options o);
  status<ipvs_error> send(const bytes& b);
  status<ipvs_error> receive(clock::time_point deadline, const on_message& cb);
  // One request; data messages go to `cb`; ends at NLMSG_DONE (dumps) or the acknowledgement.
  status<ipvs_error> transact(const bytes& req, std::uint32_t seq, const std::string& what,
                              const std::function<status<ipvs_error>(nlmsghdr*)>& cb);
  // The destinations of `key` into `svc`; ESRCH when the service is gone.
  status<ipvs_error> read_dests(const service_key& key, service& svc);
  void apply_chunk(const std::vector<op>& ops, std::size_t first, std::size_t count, std::vector<op_result>& out);
  std::uint32_t next_seq() { return seq_++; }

  nl_sock* sock_;
  client_options opts_;
  std::uint16_t family_ = 0;
  std::uint32_t seq_;
  std::size_t sends_ = 0;
  std::vector<std::vector<std::uint8_t>> rx_;  // receive buffers for recvmmsg
};

}  // namespace lbd::ipvs::netlink
