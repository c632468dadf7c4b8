// SPDX-License-Identifier: GPL-2.0-or-later
// use_vmac: the virtual router MAC of RFC 5798 section 7.3, which interface carries what, and what
// becomes of an interface already there under the macvlan's name.
#include <gtest/gtest.h>

#include "fsm_helpers.hpp"
#include "vrrp/instance_config.hpp"
#include "vrrp/vmac.hpp"

namespace lbd::vrrp {
namespace {

TEST(Vmac, TheVirtualRouterMacOfAVrid) {
  EXPECT_EQ(to_string(virtual_mac(51, false)), "00:00:5e:00:01:33");
  EXPECT_EQ(to_string(virtual_mac(255, true)), "00:00:5e:00:02:ff");
}

TEST(Vmac, VipsOnTheMacvlanAdvertsTooUnlessFromTheBaseOrUnicast) {
  auto c = test::web_config(version::v3);
  EXPECT_EQ(vip_interface(c), c.interface);
  EXPECT_EQ(advert_interface(c), c.interface);
  c.vmac_interface = "vrrp.51";
  EXPECT_EQ(vip_interface(c), "vrrp.51");
  EXPECT_EQ(advert_interface(c), "vrrp.51");
  c.vmac_xmit_base = true;
  EXPECT_EQ(vip_interface(c), "vrrp.51");
  EXPECT_EQ(advert_interface(c), c.interface);
  c.vmac_xmit_base = false;
  c.unicast_peers.push_back(boost::asio::ip::make_address("192.0.2.3"));  // adverts come to the base's MAC
  EXPECT_EQ(advert_interface(c), c.interface);
  EXPECT_TRUE(validate(c));
  c.vmac_interface = c.interface;
  EXPECT_FALSE(validate(c));
}

TEST(Vmac, AnInterfaceFoundUnderTheName) {
  const auto want = virtual_mac(51, false);
  EXPECT_EQ(decide(std::nullopt, 2, want), vmac_action::create);
  found_link ours{true, true, 2, want};
  EXPECT_EQ(decide(ours, 2, want), vmac_action::adopt);
  EXPECT_EQ(decide(ours, 3, want), vmac_action::recreate);  // of another base
  EXPECT_EQ(decide(ours, 2, virtual_mac(52, false)), vmac_action::recreate);
  found_link bridge_mode = ours;
  bridge_mode.private_mode = false;
  EXPECT_EQ(decide(bridge_mode, 2, want), vmac_action::recreate);
  found_link physical{false, false, 0, want};
  EXPECT_EQ(decide(physical, 2, want), vmac_action::refuse);  // never removed
}

}  // namespace
}  // namespace lbd::vrrp
