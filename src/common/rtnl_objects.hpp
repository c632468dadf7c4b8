// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Owners of the libnl route objects the rtnetlink adapters allocate or get from a cache, so that
// each reference is put exactly once on every path.
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include <memory>

namespace lbd::netif {

struct rtnl_addr_deleter {
  void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct rtnl_link_deleter {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
struct nl_cache_deleter {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};
using rtnl_addr_ptr = std::unique_ptr<rtnl_addr, rtnl_addr_deleter>;
using rtnl_link_ptr = std::unique_ptr<rtnl_link, rtnl_link_deleter>;
using nl_cache_ptr = std::unique_ptr<nl_cache, nl_cache_deleter>;

}  // namespace lbd::netif
