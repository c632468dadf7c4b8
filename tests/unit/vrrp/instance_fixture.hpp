// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// One VRRP instance driven by events on a fake clock, its log lines and metrics kept: the fixture of
// the instance tests.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "fsm_helpers.hpp"
#include "vrrp/instance.hpp"

namespace lbd::vrrp::test {

class vrrp_instance : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_sink([this](const log::record& r) { lines_.push_back(r); });
  }
  void TearDown() override { log::reset_sink(); }

  void make(const instance_config& c) {
    cfg_ = c;
    ASSERT_TRUE(validate(c));
    inst_ = std::make_unique<instance>(c, reg_);
  }
  actions on(const event& e) { return inst_->on_event(e, now_); }
  // Fires the timer armed in `as` at its deadline.
  actions fire(const act::arm_timer& t) {
    now_ = t.at;
    switch (t.kind) {
      case timer_kind::master_down: return on(ev::master_down_timer_expired{});
      case timer_kind::advert: return on(ev::advert_timer_fired{});
      case timer_kind::preempt_delay: return on(ev::preempt_delay_expired{});
    }
    return {};
  }
  // Startup, then master-down expiry: the usual way to become master.
  actions become_master() {
    auto a = on(ev::startup{});
    return fire(*armed(a, timer_kind::master_down));
  }
  double transitions(const char* from, const char* to) const {
    return reg_.value("lbd_vrrp_transitions_total", {{"vrrp_instance", "web"}, {"from", from}, {"to", to}});
  }

  metrics::registry reg_;
  instance_config cfg_;
  std::unique_ptr<instance> inst_;
  time_point now_{std::chrono::seconds(1000)};
  std::vector<log::record> lines_;
};

}  // namespace lbd::vrrp::test
