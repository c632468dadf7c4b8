// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Small builders so test tables read like ipvsadm listings.
#include <gtest/gtest.h>

#include <utility>

#include "ipvs/model.hpp"

namespace lbd::ipvs::test {

inline endpoint ep(const char* s) {
  auto e = parse_endpoint(s, true);
  if (!e) throw std::runtime_error(e.error());
  return *e;
}
inline service_key tcp(const char* s) { return service_key::inet(protocol::tcp, ep(s)); }
inline service_key udp(const char* s) { return service_key::inet(protocol::udp, ep(s)); }
inline service_key sctp(const char* s) { return service_key::inet(protocol::sctp, ep(s)); }
inline service_key fwm(std::uint32_t mark, address_family f = address_family::ipv4) {
  return service_key::mark(f, mark);
}
inline dest_key dk(const char* s) {
  const auto e = ep(s);
  return dest_key{e.address, e.port};
}
inline dest_attrs w(std::uint32_t weight, forwarding f = forwarding::masq) {
  dest_attrs a;
  a.weight = weight;
  a.fwd = f;
  return a;
}
inline service_attrs sched(const char* name, std::uint32_t flags = 0) {
  service_attrs a;
  a.scheduler = name;
  a.flags = flags;
  return a;
}
inline service svc(service_attrs a, std::initializer_list<std::pair<dest_key, dest_attrs>> dests = {}) {
  service s;
  s.attrs = std::move(a);
  for (const auto& [k, v] : dests) s.dests[k].attrs = v;
  return s;
}

}  // namespace lbd::ipvs::test
