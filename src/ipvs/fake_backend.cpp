// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/fake_backend.hpp"

#include <algorithm>
#include <cerrno>

namespace lbd::ipvs {

fake_backend::fake_backend()
    : schedulers_{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"},
      pes_{"sip"} {}

result<table, ipvs_error> fake_backend::snapshot() {
  ++snapshots_;
  return table_;
}

result<table, ipvs_error> fake_backend::snapshot_of(const ownership& which) {
  ++scoped_snapshots_;
  table out;
  for (const auto& key : which) {
    if (auto it = table_.find(key); it != table_.end()) out.insert(*it);
  }
  return out;
}

std::vector<op_result> fake_backend::apply(const std::vector<op>& ops) {
  ++apply_calls_;
  std::vector<op_result> out;
  out.reserve(ops.size());
  for (const auto& o : ops) {
    ++ops_applied_;
    const int code = apply_one(o);
    out.push_back(code == 0 ? op_result{} : op_result{code, describe_error(o, code)});
  }
  return out;
}

int fake_backend::apply_one(const op& o) {
  auto svc = table_.find(o.service);
  auto check_service_attrs = [&]() {
    if (schedulers_.count(o.svc.scheduler) == 0) return ENOENT;
    if (!o.svc.pe_name.empty() && pes_.count(o.svc.pe_name) == 0) return ENOENT;
    if (o.service.family == address_family::ipv6 && o.svc.netmask && (*o.svc.netmask < 1 || *o.svc.netmask > 128)) {
      return EINVAL;
    }
    return 0;
  };
  auto check_dest_attrs = [&]() {
    if (family_of(o.dest.address) != o.service.family && o.dst.fwd != forwarding::tunnel) return EINVAL;
    if (o.dst.fwd == forwarding::tunnel && o.dst.tun_type == tunnel_type::gue && o.dst.tun_port == 0) return EINVAL;
    if (o.dst.l_threshold > o.dst.u_threshold) return ERANGE;
    return 0;
  };
  switch (o.kind) {
    case op_kind::add_service: {
      if (svc != table_.end()) return EEXIST;
      if (int e = check_service_attrs(); e != 0) return e;
      table_[o.service].attrs = o.svc;
      return 0;
    }
    case op_kind::edit_service: {
      if (svc == table_.end()) return ESRCH;
      if (int e = check_service_attrs(); e != 0) return e;
      svc->second.attrs = o.svc;
      return 0;
    }
    case op_kind::del_service:
      if (svc == table_.end()) return ESRCH;
      table_.erase(svc);
      return 0;
    case op_kind::add_dest: {
      if (svc == table_.end()) return ESRCH;
      if (svc->second.dests.count(o.dest) != 0) return EEXIST;
      if (int e = check_dest_attrs(); e != 0) return e;
      svc->second.dests[o.dest].attrs = o.dst;
      return 0;
    }
    case op_kind::edit_dest: {
      if (svc == table_.end()) return ESRCH;
      auto d = svc->second.dests.find(o.dest);
      if (d == svc->second.dests.end()) return ENOENT;
      if (int e = check_dest_attrs(); e != 0) return e;
      d->second.attrs = o.dst;
      return 0;
    }
    case op_kind::del_dest: {
      if (svc == table_.end()) return ESRCH;
      if (svc->second.dests.erase(o.dest) == 0) return ENOENT;
      return 0;
    }
    case op_kind::set_timeouts: {
      auto st = set_timeouts(o.tmo);
      return st ? 0 : st.error().code;
    }
    case op_kind::start_daemon: {
      auto st = start_daemon(o.daemon);
      return st ? 0 : st.error().code;
    }
    case op_kind::stop_daemon: {
      auto st = stop_daemon(o.daemon.state);
      return st ? 0 : st.error().code;
    }
  }
  return EINVAL;
}

status<ipvs_error> fake_backend::set_timeouts(const timeouts& t) {
  if (t.tcp != 0) timeouts_.tcp = t.tcp;
  if (t.tcp_fin != 0) timeouts_.tcp_fin = t.tcp_fin;
  if (t.udp != 0) timeouts_.udp = t.udp;
  return ok;
}

status<ipvs_error> fake_backend::start_daemon(const sync_daemon& d) {
  const bool running = std::any_of(daemons_.begin(), daemons_.end(), [&](const auto& x) { return x.state == d.state; });
  if (running)
    return unexpected(ipvs_error{EEXIST, "the " + std::string(to_string(d.state)) + " sync daemon is already running"});
  daemons_.push_back(d);
  return ok;
}

status<ipvs_error> fake_backend::stop_daemon(daemon_state s) {
  const auto it = std::find_if(daemons_.begin(), daemons_.end(), [&](const auto& x) { return x.state == s; });
  if (it == daemons_.end())
    return unexpected(ipvs_error{ESRCH, "no " + std::string(to_string(s)) + " sync daemon is running"});
  daemons_.erase(it);
  return ok;
}

}  // namespace lbd::ipvs
