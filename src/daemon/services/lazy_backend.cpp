// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/lazy_backend.hpp"

namespace lbd::daemon {

result<ipvs::netlink::client*, ipvs::ipvs_error> lazy_backend::get() {
  if (!client_) {
    auto c = ipvs::netlink::client::open(opts_);
    if (!c) return unexpected(c.error());
    client_ = std::move(*c);
  }
  return client_.get();
}

result<ipvs::table, ipvs::ipvs_error> lazy_backend::snapshot() {
  auto c = get();
  if (!c) return unexpected(c.error());
  return (*c)->snapshot();
}

result<ipvs::table, ipvs::ipvs_error> lazy_backend::snapshot_of(const ipvs::ownership& which) {
  auto c = get();
  if (!c) return unexpected(c.error());
  return (*c)->snapshot_of(which);
}

std::vector<ipvs::op_result> lazy_backend::apply(const std::vector<ipvs::op>& ops) {
  auto c = get();
  if (!c) return std::vector<ipvs::op_result>(ops.size(), ipvs::op_result{c.error().code, c.error().message});
  return (*c)->apply(ops);
}

result<ipvs::info, ipvs::ipvs_error> lazy_backend::get_info() {
  auto c = get();
  if (!c) return unexpected(c.error());
  return (*c)->get_info();
}

result<ipvs::timeouts, ipvs::ipvs_error> lazy_backend::get_timeouts() {
  auto c = get();
  if (!c) return unexpected(c.error());
  return (*c)->get_timeouts();
}

status<ipvs::ipvs_error> lazy_backend::set_timeouts(const ipvs::timeouts& t) {
  auto c = get();
  if (!c) return unexpected(c.error());
  return (*c)->set_timeouts(t);
}

result<std::vector<ipvs::sync_daemon>, ipvs::ipvs_error> lazy_backend::daemons() {
  auto c = get();
  if (!c) return unexpected(c.error());
  return (*c)->daemons();
}

status<ipvs::ipvs_error> lazy_backend::start_daemon(const ipvs::sync_daemon& d) {
  auto c = get();
  if (!c) return unexpected(c.error());
  return (*c)->start_daemon(d);
}

status<ipvs::ipvs_error> lazy_backend::stop_daemon(ipvs::daemon_state s) {
  auto c = get();
  if (!c) return unexpected(c.error());
  return (*c)->stop_daemon(s);
}

}  // namespace lbd::daemon
