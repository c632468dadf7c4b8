// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Addresses on a network interface through rtnetlink (libnl-route-3): list, add with prefix and
// label, delete. Synchronous: one request, one acknowledgement, a few hundred microseconds.
// Both changes are idempotent (an address already there, or already gone, is success), so a restart
// after a crash and a repeated action converge on the same state. IPv6 addresses are added without
// duplicate address detection (IFA_F_NODAD): a VIP must answer at once after a failover, and VRRP
// itself ensures only one router holds it.
#include <memory>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/nl_socket.hpp"
#include "common/result.hpp"

namespace lbd::netif {

struct interface_address {
  prefix address;
  std::string label;
  // IPv6 duplicate address detection still running (or failed): the kernel refuses it as a source.
  bool tentative = false;
};

// One rtnetlink socket kept open for many changes (the VRRP adapter's VIPs).
class address_session {
 public:
  static result<std::unique_ptr<address_session>, std::string> open();

  // `label` (IPv4 only, e.g. "eth0:vrrp") must start with the interface name; empty for none.
  status<std::string> add(unsigned ifindex, const prefix& p, const std::string& label = {});
  status<std::string> remove(unsigned ifindex, const prefix& p);
  result<std::vector<interface_address>, std::string> list(unsigned ifindex);

 private:
  explicit address_session(nl_socket sock) : sock_(std::move(sock)) {}
  nl_socket sock_;
};

// One-shot forms by interface name, each on a socket of its own (lbctl).
result<unsigned, std::string> index_of(const std::string& ifname);
result<std::vector<interface_address>, std::string> list_addresses(const std::string& ifname);
status<std::string> add_address(const std::string& ifname, const prefix& p, const std::string& label = {});
status<std::string> delete_address(const std::string& ifname, const prefix& p);
status<std::string> set_link_up(const std::string& ifname);

}  // namespace lbd::netif
