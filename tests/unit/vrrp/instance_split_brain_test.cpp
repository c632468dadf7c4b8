// SPDX-License-Identifier: GPL-2.0-or-later
// Several instances on a simulated link with a fake clock: failover, preemption and split-brain
// healing end to end through the state machines alone.
#include <gtest/gtest.h>

#include <deque>
#include <memory>

#include "fsm_helpers.hpp"
#include "vrrp/instance.hpp"

namespace lbd::vrrp {
namespace {

using namespace std::chrono_literals;

struct node {
  std::unique_ptr<instance> inst;
  std::array<std::optional<time_point>, timer_kind_count> timers{};
  std::vector<time_point> garps;  // when a GARP burst was requested
  time_point last_heard{};        // last advert delivered to this node
  std::optional<time_point> became_master;
  bool alive = true;
};

struct delivery {
  time_point at;
  std::size_t to;
  ev::advert_received advert;
};

class link_sim {
 public:
  explicit link_sim(const std::vector<instance_config>& configs) {
    for (const auto& c : configs) {
      node n;
      n.inst = std::make_unique<instance>(c, reg_);
      nodes_.push_back(std::move(n));
    }
  }

  void startup_all() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) dispatch(i, ev::startup{});
  }

  // Runs every timer and delivery due up to `end`, in time order.
  void run_until(time_point end) {
    for (;;) {
      std::optional<time_point> next;
      for (const auto& n : nodes_) {
        for (const auto& t : n.timers) {
          if (t && (!next || *t < *next)) next = t;
        }
      }
      for (const auto& d : wire_) {
        if (!next || d.at < *next) next = d.at;
      }
      if (!next || *next > end) break;
      now_ = *next;
      for (auto it = wire_.begin(); it != wire_.end();) {
        if (it->at == now_) {
          auto d = *it;
          wire_.erase(it);
          if (nodes_[d.to].alive) {
            nodes_[d.to].last_heard = now_;
            dispatch(d.to, d.advert);
          }
          it = wire_.begin();
        } else {
          ++it;
        }
      }
      for (std::size_t i = 0; i < nodes_.size(); ++i) {
        for (std::size_t k = 0; k < timer_kind_count; ++k) {
          if (nodes_[i].timers[k] && *nodes_[i].timers[k] == now_) {
            nodes_[i].timers[k].reset();
            dispatch(i, timer_event(static_cast<timer_kind>(k)));
          }
        }
      }
    }
    now_ = end;
  }

  void dispatch(std::size_t i, const event& e) {
    auto& n = nodes_[i];
    if (!n.alive) return;
    for (const auto& a : n.inst->on_event(e, now_)) {
      if (const auto* t = std::get_if<act::arm_timer>(&a)) n.timers[static_cast<std::size_t>(t->kind)] = t->at;
      if (const auto* c = std::get_if<act::cancel_timer>(&a)) n.timers[static_cast<std::size_t>(c->kind)].reset();
      if (std::holds_alternative<act::send_garp>(a)) n.garps.push_back(now_);
      if (const auto* c = std::get_if<act::state_changed>(&a); c != nullptr && c->to == state::master) {
        n.became_master = now_;
      }
      if (const auto* s = std::get_if<act::send_advert>(&a)) {
        for (std::size_t j = 0; j < nodes_.size(); ++j) {
          if (j == i || partitioned_) continue;
          wire_.push_back({now_ + 1ms, j, {s->advert, n.inst->config().primary_address}});
        }
      }
    }
  }

  // A crash: no more adverts, no more timers (VIPs would stay, see the lab's pitfall 1).
  void kill(std::size_t i) {
    nodes_[i].alive = false;
    nodes_[i].timers = {};
  }

  [[nodiscard]] std::size_t masters() const {
    std::size_t m = 0;
    for (const auto& n : nodes_) m += n.alive && n.inst->current_state() == state::master ? 1 : 0;
    return m;
  }

  static event timer_event(timer_kind k) {
    switch (k) {
      case timer_kind::master_down: return ev::master_down_timer_expired{};
      case timer_kind::advert: return ev::advert_timer_fired{};
      case timer_kind::preempt_delay: return ev::preempt_delay_expired{};
    }
    return ev::startup{};
  }

  metrics::registry reg_;
  std::vector<node> nodes_;
  std::deque<delivery> wire_;
  time_point now_{std::chrono::seconds(5000)};
  bool partitioned_ = false;
};

instance_config node_config(const char* address, std::uint8_t priority, version v = version::v3) {
  auto c = test::web_config(v, priority);
  c.primary_address = boost::asio::ip::make_address(address);
  return c;
}

TEST(VrrpLink, HighestPriorityWinsAtStartupAndBackupTakesOverAfterCrash) {
  link_sim sim({node_config("10.0.0.1", 150), node_config("10.0.0.2", 100)});
  sim.startup_all();
  const auto t0 = sim.now_;
  sim.run_until(t0 + 2s);
  EXPECT_EQ(sim.nodes_[0].inst->current_state(), state::master);
  EXPECT_EQ(sim.nodes_[1].inst->current_state(), state::backup);

  const auto crash = sim.now_;
  sim.kill(0);
  sim.run_until(crash + 1s);
  ASSERT_EQ(sim.nodes_[1].inst->current_state(), state::master);
  // Exactly Master_Down_Interval (priority 100, 100 ms: 360.9375 ms) after the last advert heard.
  EXPECT_EQ(*sim.nodes_[1].became_master - sim.nodes_[1].last_heard, std::chrono::nanoseconds(360937500));
  EXPECT_GT(*sim.nodes_[1].became_master, crash);
}

TEST(VrrpLink, GracefulStopHandsOverWithinSkewTime) {
  link_sim sim({node_config("10.0.0.1", 150), node_config("10.0.0.2", 100)});
  sim.startup_all();
  sim.run_until(sim.now_ + 1s);
  const auto stop = sim.now_;
  sim.dispatch(0, ev::shutdown{});
  sim.run_until(stop + 1ms + 60ms);  // delivery + Skew_Time (60.9375 ms) not yet elapsed
  EXPECT_EQ(sim.nodes_[1].inst->current_state(), state::backup);
  sim.run_until(stop + 1ms + 61ms);
  EXPECT_EQ(sim.nodes_[1].inst->current_state(), state::master);
}

TEST(VrrpLink, RestartedHigherPriorityPreemptsWithinMasterDownInterval) {
  link_sim sim({node_config("10.0.0.1", 150), node_config("10.0.0.2", 100)});
  sim.startup_all();
  sim.run_until(sim.now_ + 1s);
  sim.dispatch(0, ev::shutdown{});
  sim.run_until(sim.now_ + 1s);
  ASSERT_EQ(sim.nodes_[1].inst->current_state(), state::master);
  const auto restart = sim.now_;
  sim.dispatch(0, ev::startup{});
  sim.run_until(restart + 400ms);  // MDI for priority 150 is 341.4 ms
  EXPECT_EQ(sim.nodes_[0].inst->current_state(), state::master);
  EXPECT_EQ(sim.nodes_[1].inst->current_state(), state::backup);
  EXPECT_EQ(sim.masters(), 1U);
}

void check_split_brain_heals(std::uint8_t p0, std::uint8_t p1, std::size_t winner) {
  link_sim sim({node_config("10.0.0.1", p0), node_config("10.0.0.2", p1)});
  sim.startup_all();
  sim.run_until(sim.now_ + 1s);
  ASSERT_EQ(sim.masters(), 1U);

  sim.partitioned_ = true;
  sim.run_until(sim.now_ + 1s);
  ASSERT_EQ(sim.masters(), 2U);
  const auto garps_before = sim.nodes_[winner].garps.size();

  const auto heal = sim.now_;
  sim.partitioned_ = false;
  // Exactly one master within one advert interval (100 ms) of the link coming back.
  sim.run_until(heal + 100ms + 2ms);
  EXPECT_EQ(sim.masters(), 1U);
  EXPECT_EQ(sim.nodes_[winner].inst->current_state(), state::master);
  // The survivor repeats its gratuitous ARPs once the conflict is over, and only then.
  sim.run_until(heal + 400ms);
  ASSERT_EQ(sim.nodes_[winner].garps.size(), garps_before + 1);
  EXPECT_GT(sim.nodes_[winner].garps.back(), heal + 100ms);
  sim.run_until(heal + 3s);
  EXPECT_EQ(sim.nodes_[winner].garps.size(), garps_before + 1);
  EXPECT_EQ(sim.masters(), 1U);
  EXPECT_GE(sim.reg_.value("lbd_vrrp_master_conflicts_total", {{"vrrp_instance", "web"}}), 1);
}

TEST(VrrpLink, SplitBrainHealsToHigherPriority) { check_split_brain_heals(100, 150, 1); }
TEST(VrrpLink, SplitBrainHealsToHigherAddressOnEqualPriority) { check_split_brain_heals(100, 100, 1); }
TEST(VrrpLink, SplitBrainHealsToHigherPriorityWithLowerAddress) { check_split_brain_heals(200, 100, 0); }

TEST(VrrpLink, ThreeRoutersElectOneMaster) {
  link_sim sim({node_config("10.0.0.1", 100), node_config("10.0.0.2", 100), node_config("10.0.0.3", 90)});
  sim.startup_all();
  sim.run_until(sim.now_ + 2s);
  EXPECT_EQ(sim.masters(), 1U);
  EXPECT_EQ(sim.nodes_[1].inst->current_state(), state::master);  // equal priority, higher address
}

TEST(VrrpLink, V2FailoverTimings) {
  link_sim sim({node_config("10.0.0.1", 150, version::v2), node_config("10.0.0.2", 100, version::v2)});
  sim.startup_all();
  sim.run_until(sim.now_ + 10s);
  ASSERT_EQ(sim.nodes_[0].inst->current_state(), state::master);
  const auto stop = sim.now_;
  sim.dispatch(0, ev::shutdown{});
  sim.run_until(stop + 1ms + 609ms);
  EXPECT_EQ(sim.nodes_[1].inst->current_state(), state::backup);
  sim.run_until(stop + 1ms + 610ms);
  EXPECT_EQ(sim.nodes_[1].inst->current_state(), state::master);
}

}  // namespace
}  // namespace lbd::vrrp
