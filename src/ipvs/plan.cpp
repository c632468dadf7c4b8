// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/plan.hpp"

#include <fmt/format.h>

namespace lbd::ipvs {

std::string_view to_string(op_kind k) {
  switch (k) {
    case op_kind::add_service: return "add_service";
    case op_kind::edit_service: return "edit_service";
    case op_kind::del_service: return "del_service";
    case op_kind::add_dest: return "add_dest";
    case op_kind::edit_dest: return "edit_dest";
    case op_kind::del_dest: return "del_dest";
    case op_kind::set_timeouts: return "set_timeouts";
    case op_kind::start_daemon: return "start_daemon";
    case op_kind::stop_daemon: return "stop_daemon";
  }
  return "unknown";
}

namespace {

std::string svc_summary(const service_attrs& a) {
  std::string s = a.scheduler;
  if ((a.flags & svc_flag::persistent) != 0) s += fmt::format(", persistent {}s", a.timeout);
  if (!a.pe_name.empty()) s += fmt::format(", pe {}", a.pe_name);
  if ((a.flags & svc_flag::one_packet) != 0) s += ", one-packet";
  return s;
}

std::string dest_summary(const dest_attrs& a) {
  std::string s = fmt::format("{}, weight {}", to_string(a.fwd), a.weight);
  if (a.fwd == forwarding::tunnel) s += fmt::format(", {}", to_string(a.tun_type));
  if (a.u_threshold != 0 || a.l_threshold != 0) s += fmt::format(", thresholds {}/{}", a.u_threshold, a.l_threshold);
  return s;
}

}  // namespace

std::string describe(const op& o) {
  switch (o.kind) {
    case op_kind::add_service: return fmt::format("add service {} ({})", to_string(o.service), svc_summary(o.svc));
    case op_kind::edit_service: return fmt::format("edit service {} ({})", to_string(o.service), svc_summary(o.svc));
    case op_kind::del_service: return fmt::format("delete service {}", to_string(o.service));
    case op_kind::add_dest:
      return fmt::format("add destination {} to {} ({})", to_string(o.dest), to_string(o.service), dest_summary(o.dst));
    case op_kind::edit_dest:
      return fmt::format("edit destination {} of {} ({})", to_string(o.dest), to_string(o.service),
                         dest_summary(o.dst));
    case op_kind::del_dest: return fmt::format("delete destination {} of {}", to_string(o.dest), to_string(o.service));
    case op_kind::set_timeouts:
      return fmt::format("set timeouts tcp {}s tcp_fin {}s udp {}s (0: unchanged)", o.tmo.tcp, o.tmo.tcp_fin,
                         o.tmo.udp);
    case op_kind::start_daemon:
      return fmt::format("start {} sync daemon on {} (sync id {})", to_string(o.daemon.state), o.daemon.mcast_ifname,
                         o.daemon.sync_id);
    case op_kind::stop_daemon: return fmt::format("stop {} sync daemon", to_string(o.daemon.state));
  }
  return "unknown operation";
}

namespace {

// The table's operations in the planner's order, one phase at a time, each handed to `emit`: first
// destination and service deletes, then service adds and edits, then destination adds and edits.
// Called twice by plan(): once to count, once to fill a vector of exactly that size (110,000
// operations are 23 MB; four vectors grown by doubling and then joined held about twice that).
template <typename Emit>
void table_ops(const table& kernel, const table& desired, const ownership& owned, Emit&& emit) {
  enum class phase : std::uint8_t { dest_deletes, service_deletes, service_sets, dest_sets };
  for (const phase now : {phase::dest_deletes, phase::service_deletes, phase::service_sets, phase::dest_sets}) {
    for (const auto& key : owned) {
      const auto k = kernel.find(key);
      const auto d = desired.find(key);
      const bool in_kernel = k != kernel.end();
      const bool wanted = d != desired.end();
      if (in_kernel && !wanted) {
        if (now == phase::service_deletes) emit(op{op_kind::del_service, key, {}, {}, {}, {}, {}});
        continue;
      }
      if (!wanted) continue;
      const service& want = d->second;
      if (!in_kernel) {
        if (now == phase::service_sets) emit(op{op_kind::add_service, key, want.attrs, {}, {}, {}, {}});
        if (now != phase::dest_sets) continue;
        for (const auto& [dk, dv] : want.dests) emit(op{op_kind::add_dest, key, {}, dk, dv.attrs, {}, {}});
        continue;
      }
      const service& have = k->second;
      if (now == phase::service_sets && have.attrs != want.attrs) {
        emit(op{op_kind::edit_service, key, want.attrs, {}, {}, {}, {}});
      }
      if (now == phase::dest_deletes) {
        for (const auto& [dk, dv] : have.dests) {
          if (want.dests.count(dk) == 0) emit(op{op_kind::del_dest, key, {}, dk, {}, {}, {}});
        }
      }
      if (now != phase::dest_sets) continue;
      for (const auto& [dk, dv] : want.dests) {
        const auto hk = have.dests.find(dk);
        if (hk == have.dests.end()) {
          emit(op{op_kind::add_dest, key, {}, dk, dv.attrs, {}, {}});
        } else if (hk->second.attrs != dv.attrs) {
          emit(op{op_kind::edit_dest, key, {}, dk, dv.attrs, {}, {}});
        }
      }
    }
  }
}

void append_table_ops(const table& kernel, const table& desired, const ownership& owned, std::vector<op>& out) {
  std::size_t n = 0;
  table_ops(kernel, desired, owned, [&n](const op&) { ++n; });
  out.reserve(out.size() + n);
  table_ops(kernel, desired, owned, [&out](op o) { out.push_back(std::move(o)); });
}

}  // namespace

std::vector<op> plan(const table& kernel, const table& desired, const ownership& owned) {
  std::vector<op> out;
  append_table_ops(kernel, desired, owned, out);
  return out;
}

std::vector<op> plan(const kernel_state& kernel, const desired_state& desired, const owned_state& owned) {
  return plan(kernel, desired, desired.services, owned);
}

std::vector<op> plan(const kernel_state& kernel, const desired_state& desired, const table& services,
                     const owned_state& owned) {
  std::vector<op> out;
  const timeouts& want = desired.timeouts;
  const timeouts& have = kernel.timeouts;
  if ((want.tcp != 0 && want.tcp != have.tcp) || (want.tcp_fin != 0 && want.tcp_fin != have.tcp_fin) ||
      (want.udp != 0 && want.udp != have.udp)) {
    out.push_back(op{op_kind::set_timeouts, {}, {}, {}, {}, want, {}});
  }
  if (owned.sync_daemons) {
    std::vector<bool> running(desired.daemons.size(), false);
    for (const auto& d : kernel.daemons) {
      bool keep = false;
      for (std::size_t i = 0; i < desired.daemons.size() && !keep; ++i) {
        if (!running[i] && same_daemon(d, desired.daemons[i])) running[i] = keep = true;
      }
      if (!keep) {
        sync_daemon stop;
        stop.state = d.state;
        stop.mcast_ifname = d.mcast_ifname;
        out.push_back(op{op_kind::stop_daemon, {}, {}, {}, {}, {}, std::move(stop)});
      }
    }
    for (std::size_t i = 0; i < desired.daemons.size(); ++i) {
      if (!running[i]) out.push_back(op{op_kind::start_daemon, {}, {}, {}, {}, {}, desired.daemons[i]});
    }
  }
  append_table_ops(kernel.services, services, owned.services, out);
  return out;
}

}  // namespace lbd::ipvs
