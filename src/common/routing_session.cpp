// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/routing_session.hpp"

#include <fmt/format.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <sys/socket.h>

#include "common/nl_address.hpp"

namespace lbd::netif {
namespace {

struct route_deleter {
  void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct rule_deleter {
  void operator()(rtnl_rule* r) const { rtnl_rule_put(r); }
};
using route_ptr = std::unique_ptr<rtnl_route, route_deleter>;
using rule_ptr = std::unique_ptr<rtnl_rule, rule_deleter>;

std::uint8_t rtn_type(route_kind k) {
  switch (k) {
    case route_kind::unicast: return RTN_UNICAST;
    case route_kind::blackhole: return RTN_BLACKHOLE;
    case route_kind::unreachable: return RTN_UNREACHABLE;
    case route_kind::prohibit: return RTN_PROHIBIT;
  }
  return RTN_UNICAST;
}

result<route_ptr, std::string> make(const route_spec& s) {
  route_ptr r(rtnl_route_alloc());
  auto dst = to_nl(s.to);
  if (!r || !dst) return unexpected(std::string("out of memory"));
  rtnl_route_set_family(r.get(), static_cast<std::uint8_t>(s.to.address.is_v4() ? AF_INET : AF_INET6));
  rtnl_route_set_table(r.get(), s.table);
  rtnl_route_set_protocol(r.get(), lbd_route_protocol);
  rtnl_route_set_type(r.get(), rtn_type(s.kind));
  // Set, as libnl would guess "link" for a blackhole. A removal carries the same scope, so it
  // matches what was added (and what `ip route add blackhole ...` left), not a route of another.
  rtnl_route_set_scope(r.get(), static_cast<std::uint8_t>(scope_of(s)));
  if (s.metric) rtnl_route_set_priority(r.get(), *s.metric);
  if (int rc = rtnl_route_set_dst(r.get(), dst.get()); rc < 0) return unexpected(std::string(nl_geterror(rc)));
  if (s.src) {
    auto src = to_nl(*s.src);
    if (!src) return unexpected(std::string("out of memory"));
    if (int rc = rtnl_route_set_pref_src(r.get(), src.get()); rc < 0) return unexpected(std::string(nl_geterror(rc)));
  }
  if (s.via || !s.dev.empty()) {
    rtnl_nexthop* nh = rtnl_route_nh_alloc();
    if (nh == nullptr) return unexpected(std::string("out of memory"));
    if (!s.dev.empty()) {
      const unsigned index = ::if_nametoindex(s.dev.c_str());
      if (index == 0) {
        rtnl_route_nh_free(nh);
        return unexpected(fmt::format("no interface {}", s.dev));
      }
      rtnl_route_nh_set_ifindex(nh, static_cast<int>(index));
    }
    if (s.via) {
      auto gw = to_nl(*s.via);
      if (!gw) {
        rtnl_route_nh_free(nh);
        return unexpected(std::string("out of memory"));
      }
      rtnl_route_nh_set_gateway(nh, gw.get());  // takes its own reference
    }
    rtnl_route_add_nexthop(r.get(), nh);  // the route owns it from here
  }
  return r;
}

result<rule_ptr, std::string> make(const rule_spec& s) {
  rule_ptr r(rtnl_rule_alloc());
  if (!r) return unexpected(std::string("out of memory"));
  rtnl_rule_set_family(r.get(), s.ipv6 ? AF_INET6 : AF_INET);
  rtnl_rule_set_table(r.get(), s.table);
  rtnl_rule_set_action(r.get(), FR_ACT_TO_TBL);
  rtnl_rule_set_protocol(r.get(), lbd_route_protocol);
  if (s.priority) rtnl_rule_set_prio(r.get(), *s.priority);
  if (s.fwmark) rtnl_rule_set_mark(r.get(), *s.fwmark);
  if (s.from) {
    auto a = to_nl(*s.from);
    if (!a) return unexpected(std::string("out of memory"));
    if (int rc = rtnl_rule_set_src(r.get(), a.get()); rc < 0) return unexpected(std::string(nl_geterror(rc)));
  }
  if (s.to) {
    auto a = to_nl(*s.to);
    if (!a) return unexpected(std::string("out of memory"));
    if (int rc = rtnl_rule_set_dst(r.get(), a.get()); rc < 0) return unexpected(std::string(nl_geterror(rc)));
  }
  if (!s.iif.empty()) rtnl_rule_set_iif(r.get(), s.iif.c_str());
  if (!s.oif.empty()) rtnl_rule_set_oif(r.get(), s.oif.c_str());
  return r;
}

template <typename Spec>
std::string failed(const char* what, const Spec& s, const std::string& why) {
  return fmt::format("{} {}: {}", what, to_string(s), why);
}

}  // namespace

result<std::unique_ptr<routing_session>, std::string> routing_session::open() {
  auto s = connect_route_socket();
  if (!s) return unexpected(s.error());
  return std::unique_ptr<routing_session>(new routing_session(std::move(*s)));
}

namespace {

// One change; `done` is the libnl error that means it was already made (there, or gone).
template <typename Spec, typename Change>
status<std::string> apply(nl_sock* sock, const char* what, const Spec& spec, Change change, int done) {
  auto object = make(spec);
  if (!object) return unexpected(failed(what, spec, object.error()));
  const int rc = change(sock, object->get());
  if (rc < 0 && rc != -done) return unexpected(failed(what, spec, nl_geterror(rc)));
  return ok;
}

}  // namespace

status<std::string> routing_session::add(const route_spec& spec) {
  return apply(
      sock_.get(), "adding the route", spec, [](nl_sock* s, rtnl_route* r) { return rtnl_route_add(s, r, NLM_F_EXCL); },
      NLE_EXIST);
}

status<std::string> routing_session::remove(const route_spec& spec) {
  return apply(
      sock_.get(), "removing the route", spec, [](nl_sock* s, rtnl_route* r) { return rtnl_route_delete(s, r, 0); },
      NLE_OBJ_NOTFOUND);
}

status<std::string> routing_session::add(const rule_spec& spec) {
  return apply(
      sock_.get(), "adding the rule", spec, [](nl_sock* s, rtnl_rule* r) { return rtnl_rule_add(s, r, NLM_F_EXCL); },
      NLE_EXIST);
}

status<std::string> routing_session::remove(const rule_spec& spec) {
  return apply(
      sock_.get(), "removing the rule", spec, [](nl_sock* s, rtnl_rule* r) { return rtnl_rule_delete(s, r, 0); },
      NLE_OBJ_NOTFOUND);
}

}  // namespace lbd::netif
