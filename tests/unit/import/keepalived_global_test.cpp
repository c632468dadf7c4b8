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

// keepalived runs scripts as script_user; unset, as keepalived_script when that account exists on
// the machine, root otherwise. It holds root's scripts to the rule only with enable_script_security.
TEST(ImportKeepalivedCases, ScriptUserAndScriptSecurity) {
  const std::string instance =
      "vrrp_instance VI_1 {\n interface eth1\n virtual_router_id 51\n virtual_ipaddress {\n 10.0.7.1/24\n }\n}\n";
  auto given = import_keepalived_text(
      "global_defs {\n script_user nobody daemon\n enable_script_security\n}\n" + instance, "user.conf");
  expect_loads(given);
  EXPECT_TRUE(has(given.toml, "script_user = \"nobody\"\nscript_group = \"daemon\"\nscript_security = true\n"))
      << given.toml;
  EXPECT_EQ(given.not_converted, std::vector<std::string>{});

  auto without = import_keepalived_text(instance, "plain.conf", import_host{false});
  expect_loads(without);
  EXPECT_TRUE(has(without.toml, "\nscript_security = false\n")) << without.toml;
  EXPECT_TRUE(has(without.toml, "\nscript_user = \"root\"\n")) << without.toml;
  EXPECT_EQ(without.not_converted, std::vector<std::string>{});

  auto with_account = import_keepalived_text(instance, "plain.conf", import_host{true});
  EXPECT_TRUE(has(with_account.toml, "\nscript_user = \"keepalived_script\"\n")) << with_account.toml;
}

// keepalived's `user USER [GROUP]` of one vrrp_script or MISC_CHECK: that script's own account.
TEST(ImportKeepalivedCases, ScriptsOwnUser) {
  auto r = import_keepalived_text(R"(vrrp_script chk {
    script "/bin/true"
    user nobody daemon
}
vrrp_instance VI_1 {
    interface eth1
    virtual_router_id 51
    virtual_ipaddress {
        10.0.7.1/24
    }
    track_script {
        chk
    }
}
virtual_server 10.0.7.1 80 {
    lb_kind DR
    protocol TCP
    real_server 10.0.8.1 80 {
        MISC_CHECK {
            misc_path "/bin/true"
            user nobody
        }
    }
}
)",
                                  "own.conf", import_host{false});
  expect_loads(r);
  EXPECT_TRUE(has(r.toml, "weight = 0, user = \"nobody\", group = \"daemon\" }")) << r.toml;
  EXPECT_TRUE(has(r.toml, "command = [\"/bin/true\"], user = \"nobody\"")) << r.toml;
  // Timing notes only (a track script's and a MISC_CHECK's timeout): the accounts convert as they are.
  EXPECT_EQ(test::finding_heads(r.not_converted),
            (std::vector<std::string>{"changed: own.conf:1: vrrp_script", "changed: own.conf:19: MISC_CHECK"}));
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
