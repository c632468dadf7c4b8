// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/instance.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbd::vrrp {
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

// RFC 5798 6.4.3: "primary IPvX Address of the sender is greater than the local primary IPvX
// Address", compared as unsigned integers in network byte order.
bool address_greater(const ip_address& a, const ip_address& b) {
  if (a.is_v4() && b.is_v4()) return a.to_v4().to_uint() > b.to_v4().to_uint();
  if (a.is_v6() && b.is_v6()) return a.to_v6().to_bytes() > b.to_v6().to_bytes();
  return false;
}

std::string addresses_text(const std::vector<ip_address>& v) {
  std::string s;
  for (const auto& a : v) {
    if (!s.empty()) s += ',';
    s += a.to_string();
  }
  return s;
}

}  // namespace

instance::instance(instance_config config, metrics::registry& metrics)
    : config_(std::move(config)),
      metrics_(metrics),
      log_(fmt::format("vrrp[{}/{}]", config_.name, config_.vrid), {{log::instance_field, config_.name}}),
      priority_(config_.priority),
      master_adver_interval_(config_.advert_interval),
      timers_(compute_timers(config_.version, priority_, master_adver_interval_)) {
  count_state();
  metrics_.get_gauge("lbd_vrrp_priority", "Effective VRRP priority", {{"vrrp_instance", config_.name}}).set(priority_);
}

advert instance::make_advert(std::uint8_t priority) const {
  advert a;
  a.version = config_.version;
  a.vrid = config_.vrid;
  a.priority = priority;
  a.max_advert_interval = config_.advert_interval;
  a.addresses.reserve(config_.virtual_ips.size());
  for (const auto& p : config_.virtual_ips) a.addresses.push_back(p.address);
  a.auth = config_.version == version::v2 ? config_.auth : v2_auth{};
  return a;
}

std::optional<ip_address> instance::master_address() const {
  if (state_ == state::master) return config_.primary_address;
  if (state_ == state::backup) return master_seen_;
  return std::nullopt;
}

actions instance::on_event(const event& e, time_point now) {
  actions out;
  std::visit([&](const auto& x) { on(x, now, out); }, e);
  return out;
}

// --- events -----------------------------------------------------------------------------------

void instance::on(const ev::startup& e, time_point now, actions& out) {
  if (state_ != state::init) return;
  if (in_fault()) {
    // A resumed start kept the VIPs of the master it continues; a faulty router must not hold them.
    if (e.resume_master) out.emplace_back(act::remove_vips{config_.virtual_ips});
    transition(state::fault, fault_reason_, now, out);
  } else if (priority_ == owner_priority) {
    transition(state::master, "address owner, priority 255", now, out);
  } else if (e.resume_master) {
    transition(state::master, "resumed: " + e.reason, now, out);
  } else {
    transition(state::backup, "startup", now, out);
  }
}

void instance::on(const ev::advert_received& e, time_point now, actions& out) {
  if (state_ != state::backup && state_ != state::master) {
    count_drop("not_listening");
    return;
  }
  if (!accept_common(e)) return;
  metrics_.get_counter("lbd_vrrp_adverts_received_total", "VRRP adverts accepted", {{"vrrp_instance", config_.name}})
      .inc();
  if (state_ == state::backup) {
    backup_receive(e, now, out);
  } else {
    master_receive(e, now, out);
  }
}

void instance::on(const ev::master_down_timer_expired&, time_point now, actions& out) {
  if (!take_expiry(timer_kind::master_down, now) || state_ != state::backup) return;
  transition(state::master, master_down_reason_, now, out);
}

void instance::on(const ev::advert_timer_fired&, time_point now, actions& out) {
  if (!take_expiry(timer_kind::advert, now) || state_ != state::master) return;
  out.emplace_back(act::send_advert{make_advert(priority_)});
  arm(timer_kind::advert, config_.advert_interval, now, out);
  // The conflict has ended when a whole advert interval passed without a competing master: the
  // loser has removed its VIPs by now, so hosts that followed its ARPs are brought back.
  if (conflict_pending_ && now - last_conflict_ >= config_.advert_interval) {
    conflict_pending_ = false;
    log_.notice("master conflict over: repeating gratuitous ARP/NA");
    out.emplace_back(act::send_garp{config_.virtual_ips, config_.garp.repeat, config_.garp.interval, {}, {}});
  }
}

void instance::on(const ev::preempt_delay_expired&, time_point now, actions& /*out*/) {
  if (!take_expiry(timer_kind::preempt_delay, now) || state_ != state::backup) return;
  preempt_allowed_ = true;
  log_.info("preempt delay over: lower-priority master no longer tolerated");
}

void instance::on(const ev::priority_changed& e, time_point now, actions& out) {
  if (e.priority == stop_priority) {
    log_.err("ignored effective priority 0 (a fault is signalled with fault_on)");
    return;
  }
  if (e.priority == priority_) return;
  log_.info("priority {} -> {}", priority_, e.priority);
  const bool lowered = e.priority < priority_;
  priority_ = e.priority;
  timers_ = compute_timers(config_.version, priority_, master_adver_interval_);
  metrics_.get_gauge("lbd_vrrp_priority", "Effective VRRP priority", {{"vrrp_instance", config_.name}}).set(priority_);
  if (state_ == state::master && lowered) {
    // Tell preempting backups now rather than at the next tick.
    out.emplace_back(act::send_advert{make_advert(priority_)});
    arm(timer_kind::advert, config_.advert_interval, now, out);
  }
}

void instance::on(const ev::fault_on& e, time_point now, actions& out) {
  fault_reason_ = e.reason.empty() ? std::string("fault") : e.reason;
  if (state_ == state::backup || state_ == state::master) transition(state::fault, fault_reason_, now, out);
}

void instance::on(const ev::fault_off&, time_point now, actions& out) {
  if (!in_fault()) return;
  fault_reason_.clear();
  if (state_ != state::fault) return;
  if (priority_ == owner_priority) {
    transition(state::master, "fault cleared, address owner", now, out);
  } else {
    transition(state::backup, "fault cleared", now, out);
  }
}

void instance::on(const ev::force_master& e, time_point now, actions& out) {
  if (state_ == state::backup) transition(state::master, e.reason, now, out);
}

void instance::on(const ev::force_backup& e, time_point now, actions& out) {
  if (state_ != state::master) return;
  adopt_interval(config_.advert_interval);
  master_seen_.reset();  // the group's master is elsewhere; this router's will be heard
  transition(state::backup, e.reason, now, out);
}

void instance::on(const ev::shutdown&, time_point now, actions& out) {
  if (state_ != state::init) transition(state::init, "shutdown", now, out);
}

// --- adverts ----------------------------------------------------------------------------------

bool instance::accept_common(const ev::advert_received& e) {
  if (e.advert.vrid != config_.vrid) {
    count_drop("vrid_mismatch");
    return false;
  }
  if (e.source == config_.primary_address) {
    count_drop("own_advert");  // our multicast looped back, or a duplicate address on the link
    return false;
  }
  // RFC 3768 7.1: a v2 router MUST drop adverts whose interval differs from its own.
  if (config_.version == version::v2 && e.advert.max_advert_interval != config_.advert_interval) {
    count_drop("interval_mismatch");
    if (interval_mismatch_logged_) return false;
    interval_mismatch_logged_ = true;
    log_.warning("advert from {} with interval {}s, ours is {}s: dropped (logged once)", e.source.to_string(),
                 e.advert.max_advert_interval.count() / 100, config_.advert_interval.count() / 100);
    return false;
  }
  interval_mismatch_logged_ = false;
  // RFC 5798 7.1: the address list MAY be checked; a mismatch is a misconfiguration to report, not a
  // reason to drop (the peer is still the master).
  std::vector<ip_address> ours = make_advert(0).addresses;
  std::vector<ip_address> theirs = e.advert.addresses;
  std::sort(ours.begin(), ours.end());
  std::sort(theirs.begin(), theirs.end());
  if (ours != theirs) {
    metrics_
        .get_counter("lbd_vrrp_address_list_mismatch_total", "Adverts whose address list differs from ours",
                     {{"vrrp_instance", config_.name}})
        .inc();
    if (!address_mismatch_logged_) {
      log_.warning("advert from {} lists [{}], ours is [{}]: check both configurations", e.source.to_string(),
                   addresses_text(e.advert.addresses), addresses_text(make_advert(0).addresses));
      address_mismatch_logged_ = true;
    }
  } else {
    address_mismatch_logged_ = false;
  }
  return true;
}

void instance::backup_receive(const ev::advert_received& e, time_point now, actions& out) {
  const advert& a = e.advert;
  master_seen_ = e.source;
  if (a.priority == stop_priority) {
    // RFC 5798 6.4.2: the master is leaving; take over after Skew_Time only.
    master_down_reason_ = fmt::format("master {} sent priority 0", e.source.to_string());
    arm(timer_kind::master_down, timers_.skew_time, now, out);
    return;
  }
  bool tolerate = !config_.preempt || a.priority >= priority_;
  if (!tolerate && config_.preempt_delay.count() > 0 && !preempt_allowed_) {
    if (!preempt_window_open_) {
      preempt_window_open_ = true;
      log_.info("lower-priority master {} (priority {}), preempting in {} ms", e.source.to_string(), a.priority,
                std::chrono::duration_cast<std::chrono::milliseconds>(config_.preempt_delay).count());
      arm(timer_kind::preempt_delay, config_.preempt_delay, now, out);
    }
    tolerate = true;
  }
  if (!tolerate) return;  // preempting: let Master_Down_Timer run out
  if (a.priority >= priority_ && preempt_window_open_) {
    preempt_window_open_ = false;
    preempt_allowed_ = false;
    cancel(timer_kind::preempt_delay, out);
  }
  adopt_interval(a.max_advert_interval);
  master_down_reason_ =
      fmt::format("no advert from master {} for {} ms", e.source.to_string(),
                  std::chrono::duration_cast<std::chrono::microseconds>(timers_.master_down_interval).count() / 1000.0);
  arm(timer_kind::master_down, timers_.master_down_interval, now, out);
}

void instance::master_receive(const ev::advert_received& e, time_point now, actions& out) {
  const advert& a = e.advert;
  if (a.priority == stop_priority) {
    // RFC 5798 6.4.3: another router is leaving; assert ourselves at once.
    out.emplace_back(act::send_advert{make_advert(priority_)});
    arm(timer_kind::advert, config_.advert_interval, now, out);
    return;
  }
  if (a.priority > priority_ || (a.priority == priority_ && address_greater(e.source, config_.primary_address))) {
    // A parting advert with our own priority. The winner may have taken over without ever hearing us
    // (its advert reached us first after a partition healed): this tells it that hosts may still
    // point at us, so it repeats its gratuitous ARPs. To everyone else it is an ordinary advert.
    out.emplace_back(act::send_advert{make_advert(priority_)});
    adopt_interval(a.max_advert_interval);
    master_seen_ = e.source;
    transition(state::backup,
               fmt::format("{} advert from {} (priority {}, ours {})",
                           a.priority > priority_ ? "higher priority" : "equal priority, higher address",
                           e.source.to_string(), a.priority, priority_),
               now, out);
    return;
  }
  // Another master that yields to us: after a partition healed (split brain), or the master we just
  // preempted. Answer now so it steps down within one advert rather than at our next tick.
  metrics_
      .get_counter("lbd_vrrp_master_conflicts_total", "Adverts from another master that yields to us",
                   {{"vrrp_instance", config_.name}})
      .inc();
  if (!conflict_pending_) {
    log_.notice("{} (priority {}) also acts as master; it yields to us (priority {})", e.source.to_string(), a.priority,
                priority_);
  }
  conflict_pending_ = true;
  last_conflict_ = now;
  out.emplace_back(act::send_advert{make_advert(priority_)});
  arm(timer_kind::advert, config_.advert_interval, now, out);
}

// --- transitions ------------------------------------------------------------------------------

void instance::transition(state to, const std::string& reason, time_point now, actions& out) {
  const state from = state_;
  if (from == to) return;
  log_.with({{log::event_field, "vrrp_transition"}, {log::reason_field, reason}})
      .notice("{} -> {} ({})", to_string(from), to_string(to), reason);
  metrics_
      .get_counter("lbd_vrrp_transitions_total", "VRRP state transitions",
                   {{"vrrp_instance", config_.name},
                    {"from", std::string(metric_label(from))},
                    {"to", std::string(metric_label(to))}})
      .inc();
  state_ = to;
  count_state();
  // Copied now: `reason` may name a member the entry actions reset.
  act::state_changed change{from, to, reason};

  // Exit actions.
  if (from == state::master) {
    cancel(timer_kind::advert, out);
    // Leaving for good (not outranked): tell the backups, so they take over after Skew_Time.
    if (to != state::backup) out.emplace_back(act::send_advert{make_advert(stop_priority)});
    out.emplace_back(act::remove_vips{config_.virtual_ips});
  }
  if (from == state::backup) {
    cancel(timer_kind::master_down, out);
    if (deadline_[static_cast<std::size_t>(timer_kind::preempt_delay)]) cancel(timer_kind::preempt_delay, out);
    preempt_window_open_ = false;
    preempt_allowed_ = false;
  }

  // Entry actions.
  switch (to) {
    case state::master: enter_master(now, out); break;
    case state::backup: enter_backup(from, now, out); break;
    case state::init:
    case state::fault: break;
  }
  // One action per transition, after the entry actions: VIPs, advert and ARPs come first.
  out.emplace_back(std::move(change));
}

void instance::enter_backup(state from, time_point now, actions& out) {
  // From startup or fault the master's interval is unknown: assume ours (RFC 5798 6.4.1). When
  // outranked, the caller has already adopted the new master's interval (and noted the master).
  if (from != state::master) {
    adopt_interval(config_.advert_interval);
    master_seen_.reset();
  }
  master_down_reason_ =
      fmt::format("no master heard for {} ms",
                  std::chrono::duration_cast<std::chrono::microseconds>(timers_.master_down_interval).count() / 1000.0);
  arm(timer_kind::master_down, timers_.master_down_interval, now, out);
}

void instance::enter_master(time_point now, actions& out) {
  master_down_reason_.clear();
  conflict_pending_ = false;
  out.emplace_back(act::add_vips{config_.virtual_ips, accept_mode()});
  out.emplace_back(act::send_advert{make_advert(priority_)});
  out.emplace_back(act::send_garp{config_.virtual_ips, config_.garp.repeat, config_.garp.interval, config_.garp.refresh,
                                  config_.garp.second_burst});
  arm(timer_kind::advert, config_.advert_interval, now, out);
}

// --- helpers ----------------------------------------------------------------------------------

void instance::arm(timer_kind k, std::chrono::nanoseconds after, time_point now, actions& out) {
  deadline_[static_cast<std::size_t>(k)] = now + after;
  out.emplace_back(act::arm_timer{k, after, now + after});
}

void instance::cancel(timer_kind k, actions& out) {
  deadline_[static_cast<std::size_t>(k)].reset();
  out.emplace_back(act::cancel_timer{k});
}

bool instance::take_expiry(timer_kind k, time_point now) {
  auto& d = deadline_[static_cast<std::size_t>(k)];
  if (!d || now < *d) {
    count_drop(fmt::format("stale_{}_timer", to_string(k)));
    return false;
  }
  d.reset();
  return true;
}

void instance::adopt_interval(centiseconds interval) {
  // v3 backups follow the master's interval (RFC 5798 6.4.2); v2 intervals must match anyway.
  if (config_.version == version::v3) master_adver_interval_ = interval;
  timers_ = compute_timers(config_.version, priority_, master_adver_interval_);
}

void instance::count_drop(std::string_view reason) {
  metrics_
      .get_counter("lbd_vrrp_events_ignored_total", "VRRP events or adverts the state machine ignored",
                   {{"vrrp_instance", config_.name}, {"reason", std::string(reason)}})
      .inc();
}

void instance::count_state() {
  metrics_
      .get_gauge("lbd_vrrp_state", "VRRP state: 0 init, 1 backup, 2 master, 3 fault", {{"vrrp_instance", config_.name}})
      .set(static_cast<double>(state_));
}

}  // namespace lbd::vrrp
