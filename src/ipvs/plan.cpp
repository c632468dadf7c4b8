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
  }
  return "unknown operation";
}

std::vector<op> plan(const table& kernel, const table& desired, const ownership& owned) {
  std::vector<op> dest_dels;
  std::vector<op> svc_dels;
  std::vector<op> svc_sets;
  std::vector<op> dest_sets;

  for (const auto& key : owned) {
    const auto k = kernel.find(key);
    const auto d = desired.find(key);
    const bool in_kernel = k != kernel.end();
    const bool wanted = d != desired.end();
    if (in_kernel && !wanted) {
      svc_dels.push_back(op{op_kind::del_service, key, {}, {}, {}});
      continue;
    }
    if (!wanted) continue;
    const service& want = d->second;
    if (!in_kernel) {
      svc_sets.push_back(op{op_kind::add_service, key, want.attrs, {}, {}});
      for (const auto& [dk, dv] : want.dests) dest_sets.push_back(op{op_kind::add_dest, key, {}, dk, dv.attrs});
      continue;
    }
    const service& have = k->second;
    if (have.attrs != want.attrs) svc_sets.push_back(op{op_kind::edit_service, key, want.attrs, {}, {}});
    for (const auto& [dk, dv] : have.dests) {
      if (want.dests.count(dk) == 0) dest_dels.push_back(op{op_kind::del_dest, key, {}, dk, {}});
    }
    for (const auto& [dk, dv] : want.dests) {
      const auto hk = have.dests.find(dk);
      if (hk == have.dests.end()) {
        dest_sets.push_back(op{op_kind::add_dest, key, {}, dk, dv.attrs});
      } else if (hk->second.attrs != dv.attrs) {
        dest_sets.push_back(op{op_kind::edit_dest, key, {}, dk, dv.attrs});
      }
    }
  }

  std::vector<op> out;
  out.reserve(dest_dels.size() + svc_dels.size() + svc_sets.size() + dest_sets.size());
  for (auto* part : {&dest_dels, &svc_dels, &svc_sets, &dest_sets}) {
    out.insert(out.end(), std::make_move_iterator(part->begin()), std::make_move_iterator(part->end()));
  }
  return out;
}

}  // namespace lbd::ipvs
