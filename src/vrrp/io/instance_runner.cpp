// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/io/instance_runner.hpp"

#include <algorithm>

#include "vrrp/io/vip_lifetime.hpp"

namespace lbd::vrrp::io {

using boost::system::error_code;

namespace {

// The interfaces whose state counts besides the instance's own: with use_vmac, the macvlan too (an
// operator who deletes or downs it puts the instance in FAULT, not in MASTER without its VIPs).
std::vector<tracked_interface> tracked_links(const instance_config& c) {
  auto all = c.track_interfaces;
  if (c.vmac_interface) all.push_back(tracked_interface{*c.vmac_interface, 0});
  return all;
}

}  // namespace

instance_runner::instance_runner(boost::asio::io_context& io, const instance_config& config, metrics::registry& metrics,
                                 runner_hooks hooks)
    : fsm_(config, metrics),
      metrics_(metrics),
      hooks_(std::move(hooks)),
      tracker_(config.priority, config.interface, tracked_links(config), config.track_scripts),
      tracked_{false, {}, config.priority},
      timers_{boost::asio::steady_timer(io), boost::asio::steady_timer(io), boost::asio::steady_timer(io)},
      hold_timer_(io) {
  expect_.version = config.version;
  expect_.family = family_of(config.primary_address);
  expect_.vrids.set(config.vrid);
  expect_.auth = config.auth;
  expect_.require_ttl_255 = config.unicast_peers.empty() || config.unicast_ttl_check;
  state_path_ = state_path(state_directory(), config.name);
  saved_.instance = config.name;
  saved_.identity = identity_of(config);
  saved_.advert_interval = config.advert_interval;
  saved_.interface = vip_interface(config);  // where --release-vips finds the VIPs
}

instance_runner::~instance_runner() {
  for (auto& t : timers_) t.cancel();
  hold_timer_.cancel();
  if (socket_) socket_->close();
}

result<std::unique_ptr<instance_runner>, std::string> instance_runner::open(boost::asio::io_context& io,
                                                                            const instance_config& config,
                                                                            metrics::registry& metrics,
                                                                            runner_hooks hooks) {
  if (auto v = validate(config); !v) {
    std::string all;
    for (const auto& e : v.error()) all += (all.empty() ? "" : "; ") + e;
    return unexpected(all);
  }
  std::unique_ptr<instance_runner> r(new instance_runner(io, config, metrics, std::move(hooks)));
  if (config.vmac_interface) {
    const bool v6 = config.primary_address.is_v6();
    auto vmac = vmac_link::open(vmac_spec{*config.vmac_interface, config.interface, config.vrid, v6,
                                          v6 ? std::optional(config.primary_address) : std::nullopt},
                                r->fsm_.logger());
    if (!vmac) return unexpected(vmac.error());
    r->vmac_ = std::move(*vmac);
  }
  auto sock = vrrp_socket::open(
      io, socket_config{advert_interface(config), config.primary_address, config.unicast_peers.empty()});
  if (!sock) return unexpected(sock.error());
  r->socket_ = std::move(*sock);
  auto addrs = address_manager::open();
  if (!addrs) return unexpected(addrs.error());
  r->addresses_ = std::move(*addrs);
  auto routes = route_follower::open(config.name, config.virtual_routes, config.virtual_rules, metrics);
  if (!routes) return unexpected(routes.error());
  r->routes_ = std::move(*routes);
  auto* self = r.get();
  r->vip_ifindex_ = r->vmac_ ? r->vmac_->ifindex() : r->socket_->ifindex();
  auto ann = announcer::open(io, vip_interface(config), [self](const prefix& vip, error_code ec) {
    const auto& name = self->fsm_.config().name;
    if (ec) {
      self->metrics_.get_counter("lbd_vrrp_garp_errors_total", "GARP/NA send failures", {{"vrrp_instance", name}})
          .inc();
      if (!self->garp_failing_)
        self->fsm_.logger().warning("gratuitous ARP/NA for {}: {}", to_string(vip), ec.message());
      self->garp_failing_ = true;
    } else {
      self->garp_failing_ = false;
      self->metrics_.get_counter("lbd_vrrp_garp_sent_total", "GARP/NA frames sent", {{"vrrp_instance", name}}).inc();
    }
  });
  if (!ann) return unexpected(ann.error());
  r->announcer_ = std::move(*ann);
  auto links = link_monitor::open(
      io, [self](const link_event& e) { self->on_link(e); }, [self] { self->reread_links(); });
  if (!links) return unexpected(links.error());
  r->links_ = std::move(*links);
  return r;
}

void instance_runner::start() {
  const auto& c = fsm_.config();
  ev::startup startup;
  if (!state_path_.empty()) {
    auto loaded = load_state(state_path_);
    if (!loaded) {
      fsm_.logger().warning("saved state ignored: {}", loaded.error());
    } else if (*loaded) {
      auto d = decide_resume(**loaded, c, clock::now());
      startup.resume_master = d.resume_master;
      startup.reason = d.reason;
      if (!d.resume_master && (*loaded)->role == state::master)
        fsm_.logger().notice("was MASTER, starts in Initialize: {}", d.reason);
    }
  }
  if (startup.resume_master) {
    // --release-vips may have given them a lifetime (state_store.hpp): permanent again, in place.
    for (const auto& vip : c.virtual_ips) {
      if (auto s = set_vip_lifetime(vip_interface(c), vip, label_of(c, vip), std::nullopt); !s)
        fsm_.logger().warning("{}", s.error());
    }
  } else {
    routes_->remove(fsm_.logger(), true);  // a previous run's, before the VIPs they may name
    for (const auto& vip : c.virtual_ips) {
      if (auto s = addresses_->remove(vip_ifindex_, vip); !s) fsm_.logger().warning("{}", s.error());
    }
  }
  socket_->start([this](const received& r) { on_packet(r); }, [this](rx_drop d) { count_rx_drop(to_string(d)); },
                 [this](error_code ec) {
                   fsm_.logger().err("receive failed, no more adverts will be heard: {}", ec.message());
                   metrics_
                       .get_counter("lbd_vrrp_receive_errors_total", "Fatal receive errors",
                                    {{"vrrp_instance", fsm_.config().name}})
                       .inc();
                 });
  // Current link states first, so an instance whose interface is down starts in FAULT.
  reread_links();
  feed(startup);
  save();
}

void instance_runner::save() {
  if (state_path_.empty()) return;
  saved_.role = fsm_.current_state();
  auto s = save_state(state_path_, saved_);
  if (!s && !save_failing_) {
    fsm_.logger().warning("saving the VRRP state (a restart will not resume MASTER): {}", s.error());
  }
  save_failing_ = !s;
}

void instance_runner::script_result(std::string_view script, bool success) {
  if (tracker_.script_result(script, success) == threshold_change::changed) apply_tracking();
}

void instance_runner::on_link(const link_event& e) {
  if (tracker_.set_interface(e.name, e.up)) apply_tracking();
}

void instance_runner::reread_links() {
  const auto& c = fsm_.config();
  tracker_.set_interface(c.interface, link_is_up(c.interface).value_or(false));
  for (const auto& t : tracked_links(c)) tracker_.set_interface(t.name, link_is_up(t.name).value_or(false));
  apply_tracking();
}

void instance_runner::apply_tracking() {
  const tracking_state now = tracker_.evaluate();
  if (now == tracked_) return;
  const tracking_state before = tracked_;
  tracked_ = now;
  if (hooks_.on_tracking) {
    hooks_.on_tracking(before, now);
    return;
  }
  for (const auto& e : tracking_events(before, now)) post(e);
}

void instance_runner::post(const event& e) {
  if (!stopped_) feed(e);
}

void instance_runner::stop() {
  if (stopped_) return;
  feed(ev::shutdown{});
  stopped_ = true;
  for (auto& t : timers_) t.cancel();
  announcer_->stop();
  links_->close();
  socket_->close();
}

void instance_runner::feed(const event& e) {
  for (const auto& a : fsm_.on_event(e, clock::now())) perform(a);
}

void instance_runner::on_packet(const received& r) {
  const auto& c = fsm_.config();
  if (!c.unicast_peers.empty() &&
      std::find(c.unicast_peers.begin(), c.unicast_peers.end(), r.source) == c.unicast_peers.end()) {
    count_rx_drop("not_a_peer");
    return;
  }
  rx_meta meta;
  meta.ttl = r.ttl;
  meta.source = r.source;
  meta.destination = r.destination;
  meta.ifindex = socket_->ifindex();
  meta.ifname = advert_interface(c);
  meta.expect = expect_;
  auto parsed = parse(r.payload, meta);
  if (!parsed) {
    count_rx_drop(to_string(parsed.error()));
    return;
  }
  feed(ev::advert_received{std::move(*parsed), r.source});
}

void instance_runner::count_rx_drop(std::string_view reason) {
  metrics_
      .get_counter("lbd_vrrp_rx_dropped_total", "Received VRRP packets dropped before the state machine",
                   {{"vrrp_instance", fsm_.config().name}, {"reason", std::string(reason)}})
      .inc();
}

void instance_runner::send(const advert& a) {
  const auto& c = fsm_.config();
  auto emit = [&](const ip_address& dst) {
    auto ec = socket_->send(build(a, c.primary_address, dst), dst);
    if (ec) {
      metrics_.get_counter("lbd_vrrp_send_errors_total", "VRRP advert send failures", {{"vrrp_instance", c.name}})
          .inc();
      if (!send_failing_) fsm_.logger().warning("sending advert to {}: {}", dst.to_string(), ec.message());
      send_failing_ = true;
    } else {
      metrics_.get_counter("lbd_vrrp_adverts_sent_total", "VRRP adverts sent", {{"vrrp_instance", c.name}}).inc();
      send_failing_ = false;
    }
  };
  if (c.unicast_peers.empty()) {
    emit(socket_->group());
  } else {
    for (const auto& p : c.unicast_peers) emit(p);
  }
}

void instance_runner::arm(const act::arm_timer& t) {
  auto& timer = timers_[static_cast<std::size_t>(t.kind)];
  timer.expires_at(t.at);
  timer.async_wait([this, kind = t.kind, alive = std::weak_ptr<bool>(alive_)](error_code ec) {
    if (ec || alive.expired() || stopped_) return;
    switch (kind) {
      case timer_kind::master_down: feed(ev::master_down_timer_expired{}); break;
      case timer_kind::advert: feed(ev::advert_timer_fired{}); break;
      case timer_kind::preempt_delay: feed(ev::preempt_delay_expired{}); break;
    }
  });
}

void instance_runner::perform(const action& a) {
  const auto& c = fsm_.config();
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, act::send_advert>) {
          send(x.advert);
          if (x.advert.priority != stop_priority) {
            saved_.last_advert = clock::now();
            save();
          }
        } else if constexpr (std::is_same_v<T, act::arm_timer>) {
          arm(x);
        } else if constexpr (std::is_same_v<T, act::cancel_timer>) {
          timers_[static_cast<std::size_t>(x.kind)].cancel();
        } else if constexpr (std::is_same_v<T, act::add_vips>) {
          if (hold_for_ == std::chrono::nanoseconds::zero()) {
            add_vips(x);
            return;
          }
          held_vips_ = x;
          ++hold_number_;
          held_since_ = clock::now();
          fsm_.logger().info("VIPs held until the master command exits (at most {} ms)",
                             std::chrono::duration_cast<std::chrono::milliseconds>(hold_for_).count());
          hold_timer_.expires_after(hold_for_);
          // The hold's number, so that a wait that completed just before a later hold began
          // cannot release that one.
          hold_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_), number = hold_number_](error_code ec) {
            if (ec || alive.expired() || stopped_ || number != vip_hold()) return;
            release_held("the master command is still running after notify.master_wait", true);
          });
        } else if constexpr (std::is_same_v<T, act::remove_vips>) {
          // Leaving MASTER while the VIPs are held: they were never added (removing is harmless).
          hold_timer_.cancel();
          held_vips_.reset();
          held_garp_.reset();
          announcer_->stop();
          if (!saved_.vips.empty()) routes_->remove(fsm_.logger());  // only routes of VIPs that were added
          for (const auto& vip : x.vips) {
            if (auto s = addresses_->remove(vip_ifindex_, vip); !s) {
              metrics_.get_counter("lbd_vrrp_vip_errors_total", "VIP add/remove failures", {{"vrrp_instance", c.name}})
                  .inc();
              fsm_.logger().err("{}", s.error());
            }
          }
          saved_.vips.clear();
          save();
        } else if constexpr (std::is_same_v<T, act::send_garp>) {
          if (held_vips_) {
            held_garp_ = x;  // announced with the VIPs
          } else {
            announcer_->announce(x);
          }
        } else if constexpr (std::is_same_v<T, act::state_changed>) {
          save();
          if (hooks_.on_state_changed) hooks_.on_state_changed(x);
        }
      },
      a);
}

void instance_runner::add_vips(const act::add_vips& x) {
  const auto& c = fsm_.config();
  // Recorded before the kernel has them: --release-vips after a crash in between removes an
  // address that is not there, which is no error.
  saved_.vips = x.vips;
  save();
  for (const auto& vip : x.vips) {
    if (auto s = addresses_->add(vip_ifindex_, vip, label_of(c, vip)); !s) {
      metrics_.get_counter("lbd_vrrp_vip_errors_total", "VIP add/remove failures", {{"vrrp_instance", c.name}}).inc();
      fsm_.logger().err("{}", s.error());
    }
  }
  routes_->add(fsm_.logger());
}

void instance_runner::hold_vips_on_master(std::chrono::nanoseconds up_to) { hold_for_ = up_to; }

void instance_runner::set_virtual_routes(std::vector<netif::route_spec> routes, std::vector<netif::rule_spec> rules) {
  routes_->replace(std::move(routes), std::move(rules), !saved_.vips.empty(), fsm_.logger());
}

void instance_runner::release_vips(std::uint64_t number, std::string_view why) {
  if (number == vip_hold()) release_held(why, false);
}

void instance_runner::release_held(std::string_view why, bool timed_out) {
  if (!held_vips_ || stopped_) return;
  hold_timer_.cancel();
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - held_since_).count();
  auto line = fsm_.logger().with({{log::event_field, "vrrp_vips_released"}});
  if (timed_out) {
    line.warning("VIPs added after {} ms: {}", waited, why);
  } else {
    line.notice("VIPs added after {} ms: {}", waited, why);
  }
  metrics_
      .get_counter("lbd_vrrp_vip_holds_total", "Transitions to MASTER whose VIPs waited for the master command",
                   {{"vrrp_instance", fsm_.config().name}, {"ended_by", timed_out ? "timeout" : "command"}})
      .inc();
  auto vips = std::move(*held_vips_);
  held_vips_.reset();
  add_vips(vips);
  if (held_garp_) announcer_->announce(*held_garp_);
  held_garp_.reset();
}

}  // namespace lbd::vrrp::io
