// SPDX-License-Identifier: GPL-2.0-or-later
// keepalived's checkers as the import writes them: SNI, UDP_CHECK, several checkers on one real server.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "findings.hpp"
#include "import/import.hpp"

namespace lbd::import {
namespace {

using test::expect_loads;
using test::has;

TEST(ImportKeepalivedCheckers, SslGetWithAVirtualhostSendsSni) {
  const std::string conf = R"(virtual_server 203.0.113.11 443 {
    delay_loop 6
    lb_algo rr
    lb_kind DR
    virtualhost www.example.com
    real_server 198.51.100.21 443 {
        SSL_GET {
            url {
              path /
            }
            SNI
        }
    }
}
)";
  auto with_line = [&](const std::string& line) {
    std::string text = conf;
    return text.replace(text.find("SNI"), 3, line);
  };
  auto without = import_keepalived_text(with_line(""), "sni.conf");
  expect_loads(without);
  EXPECT_TRUE(has(without.toml, "host = \"www.example.com\"")) << without.toml;
  EXPECT_EQ(test::finding_heads(without.not_converted), std::vector<std::string>{"changed: sni.conf:7: SSL_GET"});
  auto with = import_keepalived_text(with_line("enable_sni"), "sni.conf");
  expect_loads(with);
  EXPECT_EQ(with.not_converted, std::vector<std::string>{});
}

TEST(ImportKeepalivedCheckers, UdpCheck) {
  auto r = import_keepalived_text(R"(virtual_server 192.0.2.50 514 {
    delay_loop 10
    lb_algo rr
    lb_kind NAT
    protocol UDP
    ops
    real_server 10.0.6.11 514 {
        UDP_CHECK {
            connect_timeout 2
            payload 68656c6c6f
            require_reply
        }
    }
    real_server 10.0.6.12 514 {
        UDP_CHECK {
            connect_timeout 2
        }
    }
}
)",
                                  "udp.conf");
  expect_loads(r);
  const auto& t = r.toml;
  EXPECT_TRUE(has(t,
                  "check = { type = \"udp\", interval = \"10s\", timeout = \"2s\", rise = 1, fall = 2, initial_state = "
                  "\"up\", retry_delay = \"1s\", send = \"hello\" }"))
      << t;
  // Without require_reply: up unless an ICMP error comes back, an empty datagram, as keepalived.
  EXPECT_TRUE(has(t, "retry_delay = \"1s\", send = \"\", require_reply = false }")) << t;
  EXPECT_EQ(r.not_converted, std::vector<std::string>{});
  // require_reply without payload: keepalived sends an empty datagram, lbd "\n".
  auto bare = import_keepalived_text(R"(virtual_server 192.0.2.50 514 {
    protocol UDP
    real_server 10.0.6.11 514 {
        UDP_CHECK {
            connect_timeout 2
            require_reply
        }
    }
}
)",
                                     "bare.conf");
  expect_loads(bare);
  EXPECT_TRUE(has(bare.toml, "send = \"\\n\" }")) << bare.toml;
  EXPECT_EQ(test::finding_heads(bare.not_converted), std::vector<std::string>{"changed: bare.conf:4: UDP_CHECK"});
}

// keepalived keeps a real server with several checkers up while none has failed: the import lists
// them all as an array of checks (lbd: up while every one passes), each with its own settings.
TEST(ImportKeepalivedCheckers, SeveralOnOneRealServer) {
  auto r = import_keepalived_text(R"(virtual_server 192.0.2.50 80 {
    delay_loop 5
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 10.0.6.11 80 {
        TCP_CHECK {
            connect_port 8080
            connect_timeout 1
        }
        HTTP_GET {
            url {
              path /healthz
            }
            connect_timeout 2
            retry 2
        }
        MISC_CHECK {
            misc_path "/usr/local/bin/db-ok 10.0.6.11"
            misc_timeout 3
        }
    }
}
)",
                                  "several.conf");
  expect_loads(r);
  const auto& t = r.toml;
  EXPECT_TRUE(has(t, "check = [\n  { type = \"tcp\", interval = \"5s\", timeout = \"1s\"")) << t;
  EXPECT_TRUE(has(t, "  { type = \"http\", interval = \"5s\", timeout = \"2s\", rise = 1, fall = 3")) << t;
  EXPECT_TRUE(has(t, "command = [\"/usr/local/bin/db-ok\", \"10.0.6.11\"] },\n]\n")) << t;
  EXPECT_TRUE(test::finding_heads(r.not_converted).empty()) << r.toml;
  auto loaded = config::load_string(t, "imported.conf");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.cfg->virtual_servers.at(0).real_servers.at(0).checks->size(), 3U);
}

}  // namespace
}  // namespace lbd::import
