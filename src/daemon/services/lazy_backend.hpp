// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The kernel IPVS backend, opened on first use: a director whose config has no virtual server and
// no sync daemon never needs IPVS (and runs on a kernel without it), and a kernel whose ip_vs
// module is loaded after lbd started is picked up at the next call instead of never.
#include <memory>

#include "ipvs/backend.hpp"
#include "ipvs/netlink/client.hpp"

namespace lbd::daemon {

class lazy_backend final : public ipvs::backend {
 public:
  lazy_backend() = default;
  explicit lazy_backend(ipvs::netlink::client_options opts) : opts_(std::move(opts)) {}
  result<ipvs::table, ipvs::ipvs_error> snapshot() override;
  result<ipvs::table, ipvs::ipvs_error> snapshot_of(const ipvs::ownership& which) override;
  std::vector<ipvs::op_result> apply(const std::vector<ipvs::op>& ops) override;
  result<ipvs::info, ipvs::ipvs_error> get_info() override;
  result<ipvs::timeouts, ipvs::ipvs_error> get_timeouts() override;
  status<ipvs::ipvs_error> set_timeouts(const ipvs::timeouts& t) override;
  result<std::vector<ipvs::sync_daemon>, ipvs::ipvs_error> daemons() override;
  status<ipvs::ipvs_error> start_daemon(const ipvs::sync_daemon& d) override;
  status<ipvs::ipvs_error> stop_daemon(ipvs::daemon_state s) override;

  [[nodiscard]] bool opened() const { return client_ != nullptr; }

 private:
  // The client, or why it could not be opened.
  result<ipvs::netlink::client*, ipvs::ipvs_error> get();

  ipvs::netlink::client_options opts_;
  std::unique_ptr<ipvs::netlink::client> client_;
};

}  // namespace lbd::daemon
