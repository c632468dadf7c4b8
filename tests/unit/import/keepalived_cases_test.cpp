// SPDX-License-Identifier: GPL-2.0-or-later
// Production-style keepalived.conf files: the values each converts to, the exact list of keywords it
// refused or changed, and that the result loads without errors.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "findings.hpp"
#include "import/import.hpp"

namespace lbd::import {
namespace {

using test::expect_loads;
using test::has;

TEST(ImportKeepalivedCases, DrWithHttpAndSslChecks) {
  auto r = import_keepalived_text(R"(global_defs {
   router_id lb-dr-1
}
virtual_server 203.0.113.10 443 {
    delay_loop 6
    lb_algo wrr
    lb_kind DR
    persistence_timeout 300
    protocol TCP
    real_server 198.51.100.11 443 {
        weight 10
        SSL_GET {
            url {
              path /health
            }
            connect_timeout 3
            retry 2
            delay_before_retry 2
        }
    }
    real_server 198.51.100.12 443 {
        weight 10
        alpha
        HTTP_GET {
            url {
              path /status
              status_code 200 204
            }
            connect_port 8080
            connect_timeout 3
        }
    }
}
)",
                                  "dr.conf");
  expect_loads(r);
  const auto& t = r.toml;
  // retry 2: down after 3 failures; no status_code: any 2xx; no alpha: starts up.
  EXPECT_TRUE(
      has(t,
          "check = { type = \"https\", interval = \"6s\", timeout = \"3s\", rise = 1, fall = 3, initial_state = "
          "\"up\", retry_delay = \"2s\", tls = { verify = false }, path = \"/health\", expect_status = "
          "[\"200-299\"] }"))
      << t;
  // Default retry 1 and HTTP_GET's 3 s delay_before_retry; alpha: starts down.
  EXPECT_TRUE(has(t,
                  "check = { type = \"http\", interval = \"6s\", timeout = \"3s\", rise = 1, fall = 2, initial_state = "
                  "\"down\", retry_delay = \"3s\", connect_to = \"198.51.100.12:8080\", path = \"/status\", "
                  "expect_status = [200, 204] }"))
      << t;
  EXPECT_TRUE(has(t,
                  "forwarding = \"dr\"\nprotocol = \"tcp\"\non_failure = \"remove\"\npersistence = { timeout = "
                  "\"300s\" }\n"))
      << t;
  EXPECT_EQ(r.not_converted, std::vector<std::string>{});
  EXPECT_TRUE(has(t, "# Every keyword converted to the same behaviour.\n"));
}

TEST(ImportKeepalivedCases, NatWithTcpCheckSorryServerAndDnsCheck) {
  auto r = import_keepalived_text(R"(virtual_server 192.0.2.20 53 {
    delay_loop 5
    lb_algo rr
    lb_kind NAT
    protocol UDP
    sorry_server 10.0.2.250 53
    real_server 10.0.2.11 53 {
        DNS_CHECK {
            type A
            name www.example.com
            connect_timeout 2
        }
    }
}
virtual_server 192.0.2.20 25 {
    delay_loop 10
    lb_algo wlc
    lb_kind NAT
    protocol TCP
    sorry_server 10.0.2.250 25
    real_server 10.0.2.21 25 {
        weight 2
        TCP_CHECK {
            connect_timeout 3
            retry 3
            delay_before_retry 2
        }
    }
}
)",
                                  "nat.conf");
  expect_loads(r);
  const auto& t = r.toml;
  // DNS_CHECK: retry 3 by default, delay_before_retry = delay_loop.
  EXPECT_TRUE(
      has(t,
          "check = { type = \"dns\", interval = \"5s\", timeout = \"2s\", rise = 1, fall = 4, initial_state = "
          "\"up\", retry_delay = \"5s\", require_answer = false, query_type = \"A\", name = \"www.example.com\" }"))
      << t;
  EXPECT_TRUE(has(t,
                  "check = { type = \"tcp\", interval = \"10s\", timeout = \"3s\", rise = 1, fall = 4, initial_state = "
                  "\"up\", retry_delay = \"2s\" }"))
      << t;
  EXPECT_TRUE(has(t, "protocol = \"udp\"\nsorry_server = \"10.0.2.250:53\"\n")) << t;
  EXPECT_TRUE(has(t, "sorry_server = \"10.0.2.250:25\"\n")) << t;
  EXPECT_EQ(r.not_converted, std::vector<std::string>{});
}

// keepalived takes connect_timeout, retry, delay_before_retry, delay_loop and alpha from the real
// server, else the virtual server, when the checker does not set them (check_data.c).
TEST(ImportKeepalivedCases, CheckerDefaultsFromTheVirtualAndRealServer) {
  auto r = import_keepalived_text(R"(virtual_server 192.0.2.21 80 {
    delay_loop 8
    lb_algo rr
    lb_kind NAT
    protocol TCP
    connect_timeout 4
    retry 2
    delay_before_retry 3
    alpha
    real_server 10.0.2.31 80 {
        TCP_CHECK {
        }
    }
    real_server 10.0.2.32 80 {
        delay_loop 12
        retry 0
        alpha no
        HTTP_GET {
            url {
              path /
              status_code 200
            }
        }
    }
}
)",
                                  "defaults.conf");
  expect_loads(r);
  const auto& t = r.toml;
  EXPECT_TRUE(has(t,
                  "check = { type = \"tcp\", interval = \"8s\", timeout = \"4s\", rise = 1, fall = 3, initial_state = "
                  "\"down\", retry_delay = \"3s\" }"))
      << t;
  EXPECT_TRUE(
      has(t,
          "check = { type = \"http\", interval = \"12s\", timeout = \"4s\", rise = 1, fall = 1, initial_state = "
          "\"up\", retry_delay = \"3s\", path = \"/\", expect_status = [200] }"))
      << t;
  EXPECT_EQ(r.not_converted, std::vector<std::string>{});
}

TEST(ImportKeepalivedCases, SyncGroupUnicastV3TrackScriptAndNotify) {
  auto r = import_keepalived_text(R"(global_defs {
    router_id lb-a
    vrrp_version 3
    vrrp_garp_master_refresh 30
}
vrrp_script chk_haproxy {
    script "/usr/bin/killall -0 haproxy"
    interval 2
    weight -20
}
vrrp_sync_group VG_1 {
    group {
        VI_EXT
        VI_INT
    }
    notify "/etc/keepalived/notify-group.sh"
    notify_master "/etc/keepalived/group-master.sh"
}
vrrp_instance VI_EXT {
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority 100
    advert_int 1
    unicast_src_ip 192.0.2.2
    unicast_peer {
        192.0.2.3
    }
    virtual_ipaddress {
        192.0.2.100/24
    }
    track_script {
        chk_haproxy
    }
    notify "/etc/keepalived/notify.sh"
    notify_backup "/etc/keepalived/backup.sh"
}
vrrp_instance VI_INT {
    state BACKUP
    interface eth1
    virtual_router_id 62
    priority 100
    advert_int 1
    unicast_src_ip 10.0.3.2
    unicast_peer {
        10.0.3.3
    }
    virtual_ipaddress {
        10.0.3.1/24 dev eth1
        10.0.3.2/24 dev eth2
    }
    garp_master_delay 2
}
)",
                                  "sync.conf");
  expect_loads(r);
  const auto& t = r.toml;
  EXPECT_TRUE(has(t, "node_name = \"lb-a\"")) << t;
  EXPECT_TRUE(has(t,
                  "name = \"VI_EXT\"\ninterface = \"eth0\"\nvrid = 61\npriority = 100\nadvert_interval = \"1s\"\n"
                  "unicast_source = \"192.0.2.2\"\nversion = 3\nvirtual_ips = [\"192.0.2.100/24\"]\n"
                  "unicast_peers = [\"192.0.2.3\"]\ngarp = { refresh = \"30s\" }\n"))
      << t;
  // No timeout: keepalived lets the script run the whole interval; lbd needs less.
  EXPECT_TRUE(has(t,
                  "track_scripts = [{ name = \"chk_haproxy\", command = [\"/usr/bin/killall\", \"-0\", \"haproxy\"], "
                  "interval = \"2s\", timeout = \"1800ms\", weight = -20 }]"))
      << t;
  EXPECT_TRUE(has(t, "garp = { master_delay = \"2s\", refresh = \"30s\" }")) << t;
  EXPECT_TRUE(has(t,
                  "notify = { any = [\"/etc/keepalived/notify.sh\"], backup = [\"/etc/keepalived/backup.sh\"], "
                  "arguments = \"keepalived\" }"))
      << t;
  // The group's hooks: a [[sync_group]] table with keepalived's arguments (GROUP NAME STATE 0).
  EXPECT_TRUE(has(t,
                  "\n[[sync_group]]\nname = \"VG_1\"\nnotify = { any = [\"/etc/keepalived/notify-group.sh\"], "
                  "master = [\"/etc/keepalived/group-master.sh\"], arguments = \"keepalived\" }\n"))
      << t;
  EXPECT_EQ(test::finding_heads(r.not_converted),
            (std::vector<std::string>{"changed: sync.conf:6: vrrp_script", "changed: sync.conf:50: 10.0.3.2/24"}));
}

TEST(ImportKeepalivedCases, FwmarkAndVirtualServerGroupWithTunAndMiscDynamic) {
  auto r = import_keepalived_text(R"(virtual_server_group VSG_WEB {
    192.0.2.30 80
    192.0.2.31 80
}
virtual_server group VSG_WEB {
    delay_loop 3
    lb_algo wlc
    lb_kind TUN
    protocol TCP
    real_server 10.0.4.11 80 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
virtual_server fwmark 7 {
    delay_loop 4
    lb_algo wrr
    lb_kind TUN
    persistence_timeout 120
    real_server 10.0.4.21 80 {
        weight 5
        MISC_CHECK {
            misc_path "/usr/local/bin/chk-app 10.0.4.21"
            misc_timeout 2
            misc_dynamic
        }
    }
}
)",
                                  "fwmark.conf");
  expect_loads(r);
  const auto& t = r.toml;
  EXPECT_TRUE(has(t, "name = \"fwmark-7\"\nfwmark = 7\nscheduler = \"wrr\"\nforwarding = \"tun\"\n")) << t;
  EXPECT_TRUE(has(t,
                  "check = { type = \"script\", interval = \"4s\", timeout = \"2s\", rise = 1, fall = 1, initial_state "
                  "= \"up\", retry_delay = \"1s\", command = [\"/usr/local/bin/chk-app\", \"10.0.4.21\"], "
                  "dynamic_weight = { from = \"exit_code\" } }"))
      << t;
  // One service whose addresses are the group's: one set of checks, one quorum, hooks run once, as
  // keepalived runs the group.
  EXPECT_TRUE(has(t,
                  "name = \"VSG_WEB\"\naddress = [\"192.0.2.30:80\", \"192.0.2.31:80\"]\n"
                  "scheduler = \"wlc\"\nforwarding = \"tun\"\nprotocol = \"tcp\"\non_failure = \"remove\"\n\n"
                  "[[virtual_server.real_server]]\n"
                  "address = \"10.0.4.11:80\"\n"))
      << t;
  EXPECT_TRUE(test::finding_heads(r.not_converted).empty()) << r.toml;
}

TEST(ImportKeepalivedCases, TunWithGue) {
  auto r = import_keepalived_text(R"(virtual_server 192.0.2.40 443 {
    delay_loop 5
    lb_algo mh
    mh-port
    lb_kind TUN type gue port 6080 csum
    protocol TCP
    real_server 10.0.5.11 443 {
        TCP_CHECK {
            connect_timeout 2
        }
    }
}
)",
                                  "gue.conf");
  expect_loads(r);
  EXPECT_TRUE(has(r.toml,
                  "forwarding = \"tun\"\nprotocol = \"tcp\"\non_failure = \"remove\"\n"
                  "scheduler_flags = [\"mh-port\"]\ntunnel = { type = \"gue\", port = 6080, checksum = "
                  "\"csum\" }\n"))
      << r.toml;
  EXPECT_EQ(r.not_converted, std::vector<std::string>{});
}

TEST(ImportKeepalivedCases, GroupOfSeveralPortsAndFwmarksIsOneServicePerPort) {
  auto r = import_keepalived_text(R"(virtual_server_group MIXED {
    192.0.2.40-41 80
    192.0.2.40 443
    fwmark 9
}
virtual_server group MIXED {
    lb_algo rr
    lb_kind DR
    quorum_up "/usr/local/bin/quorum-up"
    real_server 10.0.5.11 80 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
)",
                                  "mixed.conf");
  expect_loads(r);
  const auto& t = r.toml;
  EXPECT_TRUE(has(t, "name = \"MIXED-80\"\naddress = [\"192.0.2.40:80\", \"192.0.2.41:80\"]\n")) << t;
  EXPECT_TRUE(has(t, "name = \"MIXED-443\"\naddress = \"192.0.2.40:443\"\n")) << t;
  EXPECT_TRUE(has(t, "name = \"MIXED-fwmark\"\nfwmark = 9\n")) << t;
  // The hooks now run once per service: said, with the line, once (not once per service).
  EXPECT_EQ(test::finding_heads(r.not_converted),
            (std::vector<std::string>{"changed: mixed.conf:6: virtual_server", "changed: mixed.conf:9: quorum_up"}));
}

}  // namespace
}  // namespace lbd::import
