// SPDX-License-Identifier: GPL-2.0-or-later
#include "anycast/io/route_session.hpp"

#include <fmt/format.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <optional>

#include "common/nl_address.hpp"

namespace lbd::anycast::io {

namespace {

struct route_deleter {
  void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct cache_deleter {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};

struct list_state {
  const route_owner* owner;
  std::vector<prefix>* out;
};

void collect(nl_object* obj, void* arg) {
  auto* st = static_cast<list_state*>(arg);
  auto* r = reinterpret_cast<rtnl_route*>(obj);  // NOLINT: libnl's object model
  if (rtnl_route_get_table(r) != st->owner->table) return;
  if (rtnl_route_get_protocol(r) != st->owner->protocol) return;
  if (rtnl_route_get_nnexthops(r) != 1) return;
  rtnl_nexthop* nh = rtnl_route_nexthop_n(r, 0);
  if (nh == nullptr || rtnl_route_nh_get_ifindex(nh) != static_cast<int>(st->owner->ifindex)) return;
  if (auto p = netif::prefix_of(rtnl_route_get_dst(r))) st->out->push_back(*p);
}

}  // namespace

result<std::unique_ptr<route_session>, std::string> route_session::open(route_owner owner) {
  auto s = netif::connect_route_socket();
  if (!s) return unexpected(s.error());
  return std::unique_ptr<route_session>(new route_session(std::move(*s), owner));
}

result<std::vector<prefix>, std::string> route_session::list() {
  nl_cache* raw = nullptr;
  if (int rc = rtnl_route_alloc_cache(sock_.get(), AF_UNSPEC, 0, &raw); rc < 0) {
    return unexpected(fmt::format("reading routes: {}", nl_geterror(rc)));
  }
  std::unique_ptr<nl_cache, cache_deleter> cache(raw);
  std::vector<prefix> out;
  list_state st{&owner_, &out};
  nl_cache_foreach(cache.get(), collect, &st);
  return out;
}

namespace {

result<std::unique_ptr<rtnl_route, route_deleter>, std::string> make_route(const route_owner& o, const prefix& p) {
  if (!is_canonical(p)) return unexpected(fmt::format("{} has host bits set", to_string(p)));
  std::unique_ptr<rtnl_route, route_deleter> r(rtnl_route_alloc());
  auto dst = netif::to_nl(p);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  if (!r || !dst || nh == nullptr) {
    if (nh != nullptr) rtnl_route_nh_free(nh);
    return unexpected(std::string("out of memory"));
  }
  rtnl_route_set_family(r.get(), static_cast<std::uint8_t>(p.address.is_v4() ? AF_INET : AF_INET6));
  rtnl_route_set_table(r.get(), o.table);
  rtnl_route_set_protocol(r.get(), o.protocol);
  rtnl_route_set_type(r.get(), RTN_UNICAST);
  if (p.address.is_v4()) rtnl_route_set_scope(r.get(), RT_SCOPE_LINK);
  rtnl_route_set_priority(r.get(), o.metric);
  if (int rc = rtnl_route_set_dst(r.get(), dst.get()); rc < 0) {
    rtnl_route_nh_free(nh);
    return unexpected(fmt::format("{}: {}", to_string(p), nl_geterror(rc)));
  }
  rtnl_route_nh_set_ifindex(nh, static_cast<int>(o.ifindex));
  rtnl_route_add_nexthop(r.get(), nh);  // the route owns it from here
  return r;
}

}  // namespace

status<std::string> route_session::add(const prefix& p) {
  auto r = make_route(owner_, p);
  if (!r) return unexpected(r.error());
  if (int rc = rtnl_route_add(sock_.get(), r->get(), NLM_F_EXCL); rc < 0) {
    return unexpected(
        fmt::format("adding the route to {} (table {}): {}", to_string(p), owner_.table, nl_geterror(rc)));
  }
  return ok;
}

status<std::string> route_session::remove(const prefix& p) {
  auto r = make_route(owner_, p);
  if (!r) return unexpected(r.error());
  if (int rc = rtnl_route_delete(sock_.get(), r->get(), 0); rc < 0 && rc != -NLE_OBJ_NOTFOUND) {
    return unexpected(
        fmt::format("deleting the route to {} (table {}): {}", to_string(p), owner_.table, nl_geterror(rc)));
  }
  return ok;
}

result<route_plan, std::string> route_session::reconcile(const std::vector<prefix>& desired) {
  auto have = list();
  if (!have) return unexpected(have.error());
  auto plan = plan_routes(*have, desired);
  for (const auto& p : plan.remove) {
    if (auto done = remove(p); !done) return unexpected(done.error());
  }
  for (const auto& p : plan.add) {
    if (auto done = add(p); !done) return unexpected(done.error());
  }
  return plan;
}

}  // namespace lbd::anycast::io
