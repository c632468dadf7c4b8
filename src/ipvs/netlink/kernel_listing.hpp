// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The kernel's IPVS table printed the way `ipvsadm -Ln` (--stats, --rate) prints it: one read of
// the kernel through the netlink client, then the pure formatter.
#include <string>

#include "common/result.hpp"
#include "ipvs/listing.hpp"
#include "ipvs/netlink/client.hpp"

namespace lbd::ipvs::netlink {

result<std::string, std::string> kernel_listing(client& c, listing_format f);
// Opens its own client (lbctl).
result<std::string, std::string> kernel_listing(listing_format f);

}  // namespace lbd::ipvs::netlink
