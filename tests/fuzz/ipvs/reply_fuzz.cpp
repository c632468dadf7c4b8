// SPDX-License-Identifier: GPL-2.0-or-later
// Feeds arbitrary attributes to the IPVS reply decoders. The first byte picks the decoder; the rest
// is the payload of the nested attribute (or, for info/config, the message's attributes), wrapped in
// a well-formed generic-netlink header the way the kernel's replies are.
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "ipvs/netlink/codec.hpp"

namespace {

void put_u16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) { std::memcpy(b.data() + at, &v, 2); }
void put_u32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) { std::memcpy(b.data() + at, &v, 4); }

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 60000) return 0;
  const std::uint8_t which = data[0] % 6;
  const std::size_t payload = size - 1;
  const bool nested = which <= 2;
  const std::size_t attr_len = nested ? NLA_HDRLEN + payload : payload;
  const std::size_t msg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(attr_len);
  std::vector<std::uint8_t> msg(msg_len, 0);
  put_u32(msg, 0, static_cast<std::uint32_t>(msg_len));
  put_u16(msg, 4, 0x20);
  std::size_t at = NLMSG_HDRLEN + GENL_HDRLEN;
  if (nested) {
    const std::uint16_t type = which == 0   ? IPVS_CMD_ATTR_SERVICE
                               : which == 1 ? IPVS_CMD_ATTR_DEST
                                            : IPVS_CMD_ATTR_DAEMON;
    put_u16(msg, at, static_cast<std::uint16_t>(attr_len));
    put_u16(msg, at + 2, type);
    at += NLA_HDRLEN;
  }
  if (payload > 0) std::memcpy(msg.data() + at, data + 1, payload);
  auto* h = reinterpret_cast<nlmsghdr*>(msg.data());
  using namespace lbd::ipvs;
  switch (which) {
    case 0: (void)netlink::decode_service(h); break;
    case 1:
      (void)netlink::decode_dest(h, address_family::ipv4);
      (void)netlink::decode_dest(h, address_family::ipv6);
      break;
    case 2: (void)netlink::decode_daemon(h); break;
    case 3: (void)netlink::decode_info(h); break;
    case 4: (void)netlink::decode_config(h); break;
    default: (void)netlink::decode_family_id(h); break;
  }
  return 0;
}
