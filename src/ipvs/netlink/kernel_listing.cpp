// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/netlink/kernel_listing.hpp"

namespace lbd::ipvs::netlink {

result<std::string, std::string> kernel_listing(client& c, listing_format f) {
  auto i = c.get_info();
  if (!i) return unexpected(i.error().message);
  auto snap = c.snapshot();
  if (!snap) return unexpected(snap.error().message);
  return format_listing(*snap, *i, f);
}

result<std::string, std::string> kernel_listing(listing_format f) {
  auto opened = client::open();
  if (!opened) return unexpected(opened.error().message);
  return kernel_listing(**opened, f);
}

}  // namespace lbd::ipvs::netlink
