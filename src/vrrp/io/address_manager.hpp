// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// VIPs are added and removed through the shared rtnetlink address session (idempotent; IPv6 without
// duplicate address detection): see common/interface_address.hpp.
#include "common/interface_address.hpp"

namespace lbd::vrrp::io {

using address_manager = netif::address_session;

}  // namespace lbd::vrrp::io
