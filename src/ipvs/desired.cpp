// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/desired.hpp"

#include <algorithm>
#include <iterator>

#include "ipvs/backend.hpp"
#include "ipvs/plan.hpp"

namespace lbd::ipvs {

bool same_daemon(const sync_daemon& have, const sync_daemon& want) {
  // The kernel reports the defaults lbd left unset; the role, interface and id decide.
  return have.state == want.state && have.mcast_ifname == want.mcast_ifname && have.sync_id == want.sync_id &&
         (want.sync_maxlen == 0 || have.sync_maxlen == want.sync_maxlen) &&
         (!want.mcast_group || have.mcast_group == want.mcast_group) &&
         (want.mcast_port == 0 || have.mcast_port == want.mcast_port) &&
         (want.mcast_ttl == 0 || have.mcast_ttl == want.mcast_ttl);
}

table drain_view(const table& kernel, const desired_state& d) {
  if (d.drain_only.empty()) return kernel;
  table view = kernel;
  for (const auto& [key, allowed] : d.drain_only) {
    auto k = view.find(key);
    const auto want = d.services.find(key);
    if (k == view.end() || want == d.services.end()) continue;
    for (auto it = k->second.dests.begin(); it != k->second.dests.end();) {
      const bool departing = want->second.dests.count(it->first) == 0;
      if (departing && allowed.count(it->first) == 0) {
        it = k->second.dests.erase(it);
      } else {
        ++it;
      }
    }
  }
  return view;
}

namespace {

bool same_service(const service& a, const service& b) {
  if (a.attrs != b.attrs || a.dests.size() != b.dests.size()) return false;
  return std::equal(a.dests.begin(), a.dests.end(), b.dests.begin(), [](const auto& x, const auto& y) {
    return x.first == y.first && x.second.attrs == y.second.attrs;
  });
}

// Adds the keys in exactly one of two sorted sets.
template <typename Keys>
void add_asymmetric(const Keys& a, const Keys& b, ownership& out) {
  std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
}

}  // namespace

ownership changed_services(const desired_state& before, const desired_state& after) {
  ownership out;
  auto b = before.services.begin();
  auto a = after.services.begin();
  while (b != before.services.end() || a != after.services.end()) {
    if (a == after.services.end() || (b != before.services.end() && b->first < a->first)) {
      out.insert((b++)->first);
    } else if (b == before.services.end() || a->first < b->first) {
      out.insert((a++)->first);
    } else {
      if (!same_service(b->second, a->second)) out.insert(a->first);
      ++a;
      ++b;
    }
  }
  add_asymmetric(before.drained, after.drained, out);
  for (const auto* side : {&before, &after}) {
    const auto& other = side == &before ? after.drain_only : before.drain_only;
    for (const auto& [key, allowed] : side->drain_only) {
      const auto it = other.find(key);
      if (it == other.end() || it->second != allowed) out.insert(key);
    }
  }
  return out;
}

namespace {

void patch_one(table& kernel, const op& o) {
  switch (o.kind) {
    case op_kind::add_service: kernel[o.service] = service{o.svc, {}, {}}; break;
    case op_kind::edit_service: kernel[o.service].attrs = o.svc; break;
    case op_kind::del_service: kernel.erase(o.service); break;
    case op_kind::add_dest: kernel[o.service].dests[o.dest] = dest{o.dst, {}}; break;
    case op_kind::edit_dest: kernel[o.service].dests[o.dest].attrs = o.dst; break;
    case op_kind::del_dest: {
      auto s = kernel.find(o.service);
      if (s != kernel.end()) s->second.dests.erase(o.dest);
      break;
    }
    case op_kind::set_timeouts:
    case op_kind::start_daemon:
    case op_kind::stop_daemon: break;
  }
}

}  // namespace

void patch(table& kernel, const std::vector<op>& ops, const std::vector<op_result>& results) {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (i < results.size() && results[i].ok()) patch_one(kernel, ops[i]);
  }
}

void patch(kernel_state& kernel, const std::vector<op>& ops, const std::vector<op_result>& results) {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (i >= results.size() || !results[i].ok()) continue;
    const op& o = ops[i];
    auto& t = kernel.timeouts;
    auto& ds = kernel.daemons;
    switch (o.kind) {
      case op_kind::set_timeouts:
        if (o.tmo.tcp != 0) t.tcp = o.tmo.tcp;
        if (o.tmo.tcp_fin != 0) t.tcp_fin = o.tmo.tcp_fin;
        if (o.tmo.udp != 0) t.udp = o.tmo.udp;
        break;
      case op_kind::start_daemon: ds.push_back(o.daemon); break;
      case op_kind::stop_daemon:
        ds.erase(std::remove_if(ds.begin(), ds.end(), [&](const sync_daemon& d) { return d.state == o.daemon.state; }),
                 ds.end());
        break;
      default: patch_one(kernel.services, o); break;
    }
  }
}

}  // namespace lbd::ipvs
