// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// One VRRP virtual router (RFC 5798 section 6.4, RFC 3768 section 6.4) as a pure state machine:
// events and the current time in, actions out. No sockets, no clocks, no timers of its own: timers
// are actions (arm/cancel) and their expiry comes back as events. A timer event that arrives after
// the timer was re-armed or cancelled (a race any adapter has) is recognised by its deadline and
// ignored.
//
// Beyond the RFC: a Fault state for tracked failures, preempt_delay, and split-brain healing: a master
// hearing a master that should yield answers at once (so the other steps down within one advert)
// and, once a whole advert interval passed without conflict, repeats its gratuitous ARPs so hosts
// that followed the loser come back. An outranked master sends one parting advert as it steps
// down, so the winner learns of the conflict even when the loser heard the winner first. A startup
// may resume MASTER (ev::startup::resume_master): a restarted lbd within its peers'
// Master_Down_Interval continues the master it was, instead of Initialize (vrrp/resume.hpp).
#include <array>
#include <optional>
#include <string>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "vrrp/events.hpp"
#include "vrrp/instance_config.hpp"
#include "vrrp/timers.hpp"

namespace lbd::vrrp {

class instance {
 public:
  // `config` must pass validate(); the registry must outlive the instance.
  instance(instance_config config, metrics::registry& metrics);

  actions on_event(const event& e, time_point now);

  [[nodiscard]] state current_state() const { return state_; }
  [[nodiscard]] std::uint8_t priority() const { return priority_; }
  [[nodiscard]] bool accept_mode() const { return config_.accept_mode || priority_ == owner_priority; }
  [[nodiscard]] bool in_fault() const { return !fault_reason_.empty(); }
  [[nodiscard]] const std::string& fault_reason() const { return fault_reason_; }
  // The current master as last seen: our own primary address while MASTER, the sender of the last
  // advert heard as BACKUP, none when unknown (INIT, FAULT, BACKUP before any advert).
  [[nodiscard]] std::optional<ip_address> master_address() const;
  [[nodiscard]] const timer_values& timers() const { return timers_; }
  [[nodiscard]] const instance_config& config() const { return config_; }
  [[nodiscard]] const log::logger& logger() const { return log_; }
  // The advert this instance sends with `priority`.
  [[nodiscard]] advert make_advert(std::uint8_t priority) const;

 private:
  void on(const ev::startup& e, time_point now, actions& out);
  void on(const ev::advert_received& e, time_point now, actions& out);
  void on(const ev::master_down_timer_expired&, time_point now, actions& out);
  void on(const ev::advert_timer_fired&, time_point now, actions& out);
  void on(const ev::preempt_delay_expired&, time_point now, actions& out);
  void on(const ev::priority_changed& e, time_point now, actions& out);
  void on(const ev::fault_on& e, time_point now, actions& out);
  void on(const ev::fault_off&, time_point now, actions& out);
  void on(const ev::force_master& e, time_point now, actions& out);
  void on(const ev::force_backup& e, time_point now, actions& out);
  void on(const ev::shutdown&, time_point now, actions& out);

  void backup_receive(const ev::advert_received& e, time_point now, actions& out);
  void master_receive(const ev::advert_received& e, time_point now, actions& out);
  bool accept_common(const ev::advert_received& e);

  // The one place a state changes: logs, counts, runs exit and entry actions.
  void transition(state to, const std::string& reason, time_point now, actions& out);
  void enter_backup(state from, time_point now, actions& out);
  void enter_master(time_point now, actions& out);

  void arm(timer_kind k, std::chrono::nanoseconds after, time_point now, actions& out);
  void cancel(timer_kind k, actions& out);
  // True when the timer event is the live one; consumes the arming.
  bool take_expiry(timer_kind k, time_point now);
  void adopt_interval(centiseconds interval);
  void count_drop(std::string_view reason);
  void count_state();

  instance_config config_;
  metrics::registry& metrics_;
  log::logger log_;
  state state_ = state::init;
  std::uint8_t priority_;
  centiseconds master_adver_interval_;
  timer_values timers_;
  std::string fault_reason_;
  std::array<std::optional<time_point>, timer_kind_count> deadline_{};
  std::string master_down_reason_;
  std::optional<ip_address> master_seen_;  // sender of the last advert heard as BACKUP
  // preempt_delay: the window opens on the first lower-priority advert heard as backup.
  bool preempt_window_open_ = false;
  bool preempt_allowed_ = false;
  // Split-brain bookkeeping while master.
  bool conflict_pending_ = false;
  time_point last_conflict_{};
  bool address_mismatch_logged_ = false;
  bool interval_mismatch_logged_ = false;
};

}  // namespace lbd::vrrp
