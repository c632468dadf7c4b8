#pragma once
// Addresses on a network interface through rtnetlink (libnl-route-3): list, add with prefix and
// label, delete. Synchronous: one request, one acknowledgement, a few hundred microseconds.
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/result.hpp"

namespace lbd::netif {

struct interface_address {
  prefix address;
  std::string label;
};

// Interface index, or an error naming the interface.
result<int, std::string> index_of(const std::string& ifname);
result<std::vector<interface_address>, std::string> list_addresses(const std::string& ifname);
// Adding an address already present (same prefix length) succeeds without a change.
status<std::string> add_address(const std::string& ifname, const prefix& p, const std::string& label = {});
// Deleting an absent address succeeds without a change.
status<std::string> delete_address(const std::string& ifname, const prefix& p);
status<std::string> set_link_up(const std::string& ifname);

}  // namespace lbd::netif
