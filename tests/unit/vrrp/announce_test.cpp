// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/announce.hpp"

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cstring>

#include "bytes.hpp"
#include "vrrp/io/link_monitor.hpp"

namespace lbd::vrrp {
namespace {

using test::bytes;
const mac_address mac{0x02, 0x00, 0x5e, 0x00, 0x01, 0x4d};

TEST(VrrpAnnounce, GratuitousArpFrame) {
  auto f = build_gratuitous_arp(mac, boost::asio::ip::make_address_v4("10.77.0.100"));
  EXPECT_EQ(f, bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x5e, 0x00, 0x01, 0x4d, 0x08, 0x06,  // ethernet
                      0x00, 0x01, 0x08, 0x00, 6,    4,    0x00, 0x01,                                      // request
                      0x02, 0x00, 0x5e, 0x00, 0x01, 0x4d, 10,   77,   0,    100,                           // sender
                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 10,   77,   0,    100}));                        // target
}

TEST(VrrpAnnounce, UnsolicitedNeighbourAdvertisement) {
  auto m = build_unsolicited_na(mac, boost::asio::ip::make_address_v6("2001:db8::10"), false);
  EXPECT_EQ(m, bytes({136,  0,    0,    0,    0x20, 0,    0,    0,  // NA, override flag only
                      0x20, 0x01, 0x0d, 0xb8, 0,    0,    0,    0,   0, 0, 0, 0, 0, 0, 0, 0x10,  // target
                      2,    1,    0x02, 0x00, 0x5e, 0x00, 0x01, 0x4d}));  // target link-layer address
  EXPECT_EQ(std::to_integer<unsigned>(build_unsolicited_na(mac, boost::asio::ip::make_address_v6("::1"), true)[4]),
            0xa0U);
}

// One RTM_NEWLINK as the kernel sends it: nlmsghdr, ifinfomsg, IFLA_IFNAME.
std::vector<std::byte> newlink(int index, unsigned flags, const char* name, std::uint16_t type = RTM_NEWLINK) {
  const std::size_t name_len = std::strlen(name) + 1;
  const std::size_t attr_len = RTA_LENGTH(name_len);
  const std::size_t total = NLMSG_LENGTH(sizeof(ifinfomsg)) + RTA_ALIGN(attr_len);
  std::vector<std::byte> buf(NLMSG_ALIGN(total));
  nlmsghdr h{};
  h.nlmsg_len = static_cast<std::uint32_t>(total);
  h.nlmsg_type = type;
  std::memcpy(buf.data(), &h, sizeof(h));
  ifinfomsg ifi{};
  ifi.ifi_index = index;
  ifi.ifi_flags = flags;
  std::memcpy(buf.data() + NLMSG_HDRLEN, &ifi, sizeof(ifi));
  rtattr ra{};
  ra.rta_len = static_cast<unsigned short>(attr_len);
  ra.rta_type = IFLA_IFNAME;
  std::memcpy(buf.data() + NLMSG_LENGTH(sizeof(ifinfomsg)), &ra, sizeof(ra));
  std::memcpy(buf.data() + NLMSG_LENGTH(sizeof(ifinfomsg)) + RTA_LENGTH(0), name, name_len);
  return buf;
}

TEST(VrrpLinkMessages, ParsesNewAndDelLink) {
  auto a = newlink(3, IFF_UP | IFF_RUNNING, "eth0");
  auto b = newlink(4, IFF_UP, "eth1");  // no carrier
  auto c = newlink(5, IFF_UP | IFF_RUNNING, "eth2", RTM_DELLINK);
  std::vector<std::byte> all;
  for (const auto* v : {&a, &b, &c}) all.insert(all.end(), v->begin(), v->end());
  auto events = io::parse_link_messages(all);
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0], (io::link_event{3, "eth0", true}));
  EXPECT_EQ(events[1], (io::link_event{4, "eth1", false}));
  EXPECT_EQ(events[2], (io::link_event{5, "eth2", false}));
}

TEST(VrrpLinkMessages, SurvivesTruncationAndGarbage) {
  auto a = newlink(3, IFF_UP | IFF_RUNNING, "eth0");
  for (std::size_t n = 0; n < a.size(); ++n) {
    auto events = io::parse_link_messages(std::span(a).first(n));
    EXPECT_TRUE(events.empty()) << n;
  }
  std::vector<std::byte> junk(64, std::byte{0xff});
  EXPECT_TRUE(io::parse_link_messages(junk).empty());
}

}  // namespace
}  // namespace lbd::vrrp
