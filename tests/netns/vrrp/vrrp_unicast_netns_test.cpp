// SPDX-License-Identifier: GPL-2.0-or-later
// Unicast adverts against the real kernel: who may be heard (fixture: vrrp_io_fixture.hpp).
#include "common/metrics.hpp"
#include "vrrp_io_fixture.hpp"

namespace lbd::vrrp::io {
namespace {

using namespace test;

TEST_F(vrrp_io_netns, UnicastRunnerDropsAdvertsFromStrangers) {
  metrics::registry reg_a;
  metrics::registry reg_b;
  auto ca = runner_config(a_, "10.99.0.1", 150);
  ca.unicast_peers = {ip::make_address("10.99.0.2")};
  auto cb = runner_config(b_, "10.99.0.2", 100);
  cb.unicast_peers = {ip::make_address("10.99.0.3")};  // not a's address
  auto ra = instance_runner::open(io_, ca, reg_a, {});
  ASSERT_TRUE(ra) << ra.error();
  auto rb = instance_runner::open(io_, cb, reg_b, {});
  ASSERT_TRUE(rb) << rb.error();
  (*ra)->start();
  (*rb)->start();
  auto dropped = [&] {
    return reg_b.value("lbd_vrrp_rx_dropped_total", {{"vrrp_instance", "web"}, {"reason", "not_a_peer"}}) >= 3;
  };
  EXPECT_TRUE(run_until(dropped, 3s));
  EXPECT_TRUE(run_until([&] { return (*rb)->fsm().current_state() == state::master; }, 3s));
  (*ra)->stop();
  (*rb)->stop();
}

// A peer a router away: its unicast adverts arrive with TTL 64 (an nftables rule in this namespace
// rewrites the TTL of a's outgoing VRRP). Heard by default, as keepalived hears them; dropped and
// counted under unicast_ttl_check (lbd.conf unicast_require_ttl_255), so b takes over.
TEST_F(vrrp_io_netns, UnicastAdvertsWithTtl64AreHeardUnlessTtl255IsRequired) {
  ASSERT_NO_FATAL_FAILURE(must("nft add table ip lbdttl"));
  ASSERT_NO_FATAL_FAILURE(must("nft 'add chain ip lbdttl out { type filter hook output priority 0; }'"));
  ASSERT_NO_FATAL_FAILURE(must("nft add rule ip lbdttl out ip saddr 10.99.0.1 ip protocol 112 ip ttl set 64"));
  for (const bool strict : {false, true}) {
    SCOPED_TRACE(strict ? "unicast_ttl_check" : "default");
    metrics::registry reg_a;
    metrics::registry reg_b;
    auto ca = runner_config(a_, "10.99.0.1", 150);
    ca.unicast_peers = {ip::make_address("10.99.0.2")};
    auto cb = runner_config(b_, "10.99.0.2", 100);
    cb.unicast_peers = {ip::make_address("10.99.0.1")};
    cb.unicast_ttl_check = strict;
    auto ra = instance_runner::open(io_, ca, reg_a, {});
    ASSERT_TRUE(ra) << ra.error();
    (*ra)->start();
    ASSERT_TRUE(run_until([&] { return (*ra)->fsm().current_state() == state::master; }, 3s));
    auto rb = instance_runner::open(io_, cb, reg_b, {});
    ASSERT_TRUE(rb) << rb.error();
    (*rb)->start();
    auto dropped = [&] {
      return reg_b.value("lbd_vrrp_rx_dropped_total", {{"vrrp_instance", "web"}, {"reason", "ttl_not_255"}});
    };
    auto heard = [&] { return reg_b.value("lbd_vrrp_adverts_received_total", {{"vrrp_instance", "web"}}); };
    if (strict) {
      EXPECT_TRUE(run_until([&] { return dropped() >= 3; }, 3s));
      EXPECT_TRUE(run_until([&] { return (*rb)->fsm().current_state() == state::master; }, 3s));
    } else {
      // Ten adverts heard (a second at 100 ms) and b never left BACKUP.
      EXPECT_TRUE(run_until([&] { return heard() >= 10 || (*rb)->fsm().current_state() != state::backup; }, 3s));
      EXPECT_EQ((*rb)->fsm().current_state(), state::backup);
      EXPECT_EQ(dropped(), 0);
    }
    (*ra)->stop();
    (*rb)->stop();
  }
}

}  // namespace
}  // namespace lbd::vrrp::io
