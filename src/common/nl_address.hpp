// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbd's addresses and prefixes as libnl's nl_addr and back, for the rtnetlink adapters (addresses,
// routes, rules).
#include <memory>
#include <optional>

#include "common/address.hpp"

struct nl_addr;

namespace lbd::netif {

struct nl_addr_deleter {
  void operator()(nl_addr* a) const;
};
using nl_addr_ptr = std::unique_ptr<nl_addr, nl_addr_deleter>;

// Null when out of memory. An address gets its family's full length as prefix length.
nl_addr_ptr to_nl(const prefix& p);
nl_addr_ptr to_nl(const ip_address& a);

// Nothing for another family or a malformed length.
std::optional<ip_address> ip_of(const nl_addr* a);
std::optional<prefix> prefix_of(const nl_addr* a);

}  // namespace lbd::netif
