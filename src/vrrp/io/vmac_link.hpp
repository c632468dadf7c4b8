// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The macvlan that carries an instance's VIPs under the virtual router MAC (vrrp/vmac.hpp), as
// keepalived's use_vmac builds it: mode private, created down, then (IPv4 devconf) arp_ignore=1 so
// it answers ARP only for its own VIPs, accept_local=1 and rp_filter=0 so it hears adverts while it
// has no address, and no IPv6 address generated (RFC 5798 section 7.4: a backup must not send from
// the virtual MAC); an IPv6 instance gets its own link-local address copied onto it, the source of
// its adverts. The base interface gets arp_ignore=1 and arp_filter=1 (it must not answer for a VIP
// with its own MAC), restored when the last macvlan on it goes. A macvlan left by an earlier run
// with the right base and MAC is adopted with its VIPs; destruction removes it (its VIPs go with it).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/address.hpp"
#include "common/log.hpp"
#include "common/result.hpp"

namespace lbd::vrrp::io {

struct vmac_spec {
  std::string name;  // the macvlan's
  std::string base;  // the instance's interface
  std::uint8_t vrid = 0;
  bool ipv6 = false;
  std::optional<ip_address> link_local;  // IPv6: the instance's source address, copied onto the macvlan
};

class vmac_link {
 public:
  static result<std::unique_ptr<vmac_link>, std::string> open(const vmac_spec& spec, const log::logger& log);
  ~vmac_link();
  vmac_link(const vmac_link&) = delete;
  vmac_link& operator=(const vmac_link&) = delete;

  [[nodiscard]] unsigned ifindex() const { return ifindex_; }

 private:
  vmac_link(vmac_spec spec, unsigned ifindex, const log::logger& log)
      : spec_(std::move(spec)), ifindex_(ifindex), log_(log) {}
  vmac_spec spec_;
  unsigned ifindex_;
  log::logger log_;
};

}  // namespace lbd::vrrp::io
