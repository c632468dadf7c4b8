// SPDX-License-Identifier: GPL-2.0-or-later
// keepalived's global_defs: what each converts to, and what it refuses or changes.
#include "findings.hpp"

namespace lbd::import {
namespace {

using test::expect_loads;
using test::has;

TEST(ImportKeepalivedCases, SyncDaemonAndTimeouts) {
  auto r = import_keepalived_text(R"(global_defs {
    lvs_sync_daemon eth1 VI_1 id 10 maxlen 1400
    lvs_timeouts tcp 900 tcpfin 30 udp 60
}
vrrp_instance VI_1 {
    interface eth1
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        10.0.7.1/24
    }
}
)",
                                  "syncd.conf");
  expect_loads(r);
  EXPECT_TRUE(has(r.toml,
                  "[ipvs]\nsync_daemon = { interface = \"eth1\", maxlen = 1400, sync_id = 10, follow = \"VI_1\" }\n"
                  "timeouts = { tcp = \"900s\", tcp_fin = \"30s\", udp = \"60s\" }\n"))
      << r.toml;
  EXPECT_EQ(r.not_converted, std::vector<std::string>{});
  // The newer form names the instance with `inst`; the sync id then defaults to its vrid.
  auto inst = import_keepalived_text(
      "global_defs {\n lvs_sync_daemon eth1 inst VI_1\n}\nvrrp_instance VI_1 {\n interface eth1\n"
      " virtual_router_id 51\n priority 100\n virtual_ipaddress {\n 10.0.7.1/24\n }\n}\n",
      "inst.conf");
  expect_loads(inst);
  EXPECT_TRUE(has(inst.toml, "sync_daemon = { interface = \"eth1\", sync_id = 51, follow = \"VI_1\" }")) << inst.toml;
}

TEST(ImportKeepalivedCases, RealtimePriorityAndNoSwap) {
  auto r = import_keepalived_text(R"(global_defs {
    router_id lb-a
    vrrp_rt_priority 50
    vrrp_no_swap
}
vrrp_instance VI_1 {
    interface eth1
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        10.0.7.1/24
    }
}
)",
                                  "rt.conf");
  expect_loads(r);
  EXPECT_TRUE(has(r.toml, "[global]\nnode_name = \"lb-a\"\nvrrp_realtime_priority = 50\nlock_memory = true\n"))
      << r.toml;
  EXPECT_EQ(test::finding_heads(r.not_converted), std::vector<std::string>{"changed: rt.conf:4: vrrp_no_swap"});
  auto bad = import_keepalived_text("global_defs {\n vrrp_rt_priority 120\n}\n", "bad.conf");
  EXPECT_EQ(test::finding_heads(bad.not_converted), std::vector<std::string>{"refused: bad.conf:2: vrrp_rt_priority"});
}

TEST(ImportKeepalivedCases, GlobalGarpDefaultsReachEveryInstanceUnlessItSetsItsOwn) {
  auto r = import_keepalived_text(R"(global_defs {
    vrrp_garp_master_delay 10
    vrrp_garp_master_repeat 3
}
vrrp_instance VI_1 {
    interface eth1
    virtual_router_id 51
    virtual_ipaddress {
        10.0.7.1/24
    }
}
vrrp_instance VI_2 {
    interface eth1
    virtual_router_id 52
    garp_master_delay 0
    virtual_ipaddress {
        10.0.7.2/24
    }
}
)",
                                  "garp.conf");
  expect_loads(r);
  EXPECT_TRUE(has(
      r.toml, "vrid = 51\nversion = 2\nvirtual_ips = [\"10.0.7.1/24\"]\ngarp = { repeat = 3, master_delay = \"10s\" }"))
      << r.toml;
  EXPECT_TRUE(has(r.toml, "garp = { master_delay = \"0s\", repeat = 3 }")) << r.toml;
  EXPECT_EQ(r.not_converted, std::vector<std::string>{});
}

}  // namespace
}  // namespace lbd::import
