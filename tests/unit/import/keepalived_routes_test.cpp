// SPDX-License-Identifier: GPL-2.0-or-later
// keepalived's virtual_routes and virtual_rules of a vrrp_instance: each line converts whole to
// lbd's entry, or is refused whole with the word lbd has no equivalent for. And its use_vmac.
#include "findings.hpp"

namespace lbd::import {
namespace {

using test::expect_loads;
using test::has;

TEST(ImportKeepalivedCases, VirtualRoutesAndRules) {
  auto r = import_keepalived_text(R"(vrrp_instance VI_1 {
    interface eth1
    virtual_router_id 51
    virtual_ipaddress {
        192.0.2.10/24
    }
    virtual_routes {
        src 192.0.2.10 to 198.51.100.0/24 dev eth1
        default via 192.0.2.1 table 100 metric 7
        blackhole 10.9.0.0/16
        10.7.0.0/16 dev eth1 scope link
        203.0.113.0/24 via 192.0.2.1 dev eth1 onlink
        10.8.0.0/16 via 192.0.2.1 table inside
    }
    virtual_rules {
        from 192.0.2.10/32 table 100 priority 100
        from all fwmark 0x7 iif eth1 lookup main
        from all fwmark 7/0xff table 7
    }
}
)",
                                  "routes.conf", import_host{false});
  expect_loads(r);
  EXPECT_TRUE(has(r.toml,
                  "virtual_routes = [\n"
                  "  { to = \"198.51.100.0/24\", src = \"192.0.2.10\", dev = \"eth1\", scope = \"global\" },\n"
                  "  { to = \"0.0.0.0/0\", via = \"192.0.2.1\", table = 100, metric = 7 },\n"
                  "  { to = \"10.9.0.0/16\", type = \"blackhole\" },\n"
                  "  { to = \"10.7.0.0/16\", dev = \"eth1\", scope = \"link\" },\n"
                  "]\n"))
      << r.toml;
  EXPECT_TRUE(has(r.toml,
                  "virtual_rules = [\n"
                  "  { from = \"192.0.2.10/32\", table = 100, priority = 100 },\n"
                  "  { fwmark = 7, iif = \"eth1\", table = 254 },\n"
                  "]\n"))
      << r.toml;
  EXPECT_EQ(test::finding_heads(r.not_converted),
            (std::vector<std::string>{"refused: routes.conf:12: 203.0.113.0/24", "refused: routes.conf:13: 10.8.0.0/16",
                                      "refused: routes.conf:18: from"}));
}

TEST(ImportKeepalivedCases, UseVmac) {
  auto r = import_keepalived_text(R"(vrrp_instance named {
    interface eth1
    virtual_router_id 51
    use_vmac vmac51
    vmac_xmit_base
    virtual_ipaddress {
        192.0.2.10/24
    }
}
vrrp_instance default_name {
    interface eth1
    virtual_router_id 52
    use_vmac
    virtual_ipaddress {
        192.0.2.20/24
    }
}
vrrp_instance base_only {
    interface eth1
    virtual_router_id 53
    vmac_xmit_base
    virtual_ipaddress {
        192.0.2.30/24
    }
}
)",
                                  "vmac.conf", import_host{false});
  expect_loads(r);
  EXPECT_TRUE(has(r.toml, "vrid = 51\nuse_vmac = true\nvmac_interface = \"vmac51\"\nvmac_xmit_base = true\n"))
      << r.toml;
  EXPECT_TRUE(has(r.toml, "vrid = 52\nuse_vmac = true\nversion")) << r.toml;  // keepalived's name is lbd's
  EXPECT_TRUE(has(r.toml, "vrid = 53\nversion")) << r.toml;                   // vmac_xmit_base alone: ignored by both
  EXPECT_TRUE(r.not_converted.empty());
}

}  // namespace
}  // namespace lbd::import
