// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Drives one vrrp::instance on Asio: the raw socket and the three timers become events, and the
// instance's actions are performed in order (send adverts, add/remove VIPs over rtnetlink,
// gratuitous ARP / NA). Everything that can go wrong on the way is counted and logged, never thrown.
//
// Metrics (label instance=<name>): lbd_vrrp_rx_dropped_total{reason} for packets that never reached
// the state machine (parse errors, bad IP header, unicast sender not a peer),
// lbd_vrrp_adverts_sent_total, lbd_vrrp_send_errors_total, lbd_vrrp_vip_errors_total,
// lbd_vrrp_garp_sent_total; the state machine's own are listed in instance.hpp.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/metrics.hpp"
#include "common/result.hpp"
#include "vrrp/instance.hpp"
#include "vrrp/io/address_manager.hpp"
#include "vrrp/io/announcer.hpp"
#include "vrrp/io/link_monitor.hpp"
#include "vrrp/io/route_follower.hpp"
#include "vrrp/io/state_store.hpp"
#include "vrrp/io/vmac_link.hpp"
#include "vrrp/io/vrrp_socket.hpp"
#include "vrrp/tracking.hpp"

namespace lbd::vrrp::io {

struct runner_hooks {
  // Once per transition, after its VIP changes, advert and ARPs: notify commands, sync groups,
  // the IPVS sync daemon.
  std::function<void(const act::state_changed&)> on_state_changed;
  // When set, tracking changes (fault, effective priority) go here instead of straight to the
  // instance, so a sync group can combine its members' faults and post the result back.
  std::function<void(const tracking_state& before, const tracking_state& after)> on_tracking;
};

class instance_runner {
 public:
  static result<std::unique_ptr<instance_runner>, std::string> open(boost::asio::io_context& io,
                                                                    const instance_config& config,
                                                                    metrics::registry& metrics, runner_hooks hooks);
  ~instance_runner();
  instance_runner(const instance_runner&) = delete;
  instance_runner& operator=(const instance_runner&) = delete;

  // Starts receiving and enters the protocol. A predecessor that was MASTER until a moment ago with
  // the same configuration (its saved state, state_store.hpp) is continued: MASTER at once, its
  // VIPs kept. Otherwise Initialize: VIPs a crashed predecessor may have left are removed first.
  void start();
  // Feeds an event from outside (sync group) now.
  void post(const event& e);
  // A track script finished (the daemon runs the scripts); thresholds and weights apply here.
  void script_result(std::string_view script, bool success);
  // Graceful stop: priority-0 advert and VIP removal if master, then sockets and timers closed.
  void stop();
  // From the next transition to MASTER on: the VIPs and their gratuitous ARPs wait until
  // release_vips() or until `up_to` has passed (zero: added at once, the default). The advert goes
  // out at once either way, so the peers see the new MASTER. For a command that must finish before
  // traffic arrives (conntrackd committing its states: vrrp.notify.master_wait).
  // A reload's virtual_routes / virtual_rules, applied in place (route_follower::replace).
  void set_virtual_routes(std::vector<netif::route_spec> routes, std::vector<netif::rule_spec> rules);
  void hold_vips_on_master(std::chrono::nanoseconds up_to);
  // Which hold is current: a new number each time the VIPs are held; 0 when none is.
  [[nodiscard]] std::uint64_t vip_hold() const { return held_vips_ ? hold_number_ : 0; }
  // What hold `number` waited for is done (`why` for the log): the VIPs are added now if that hold
  // is still the current one (not a later transition's).
  void release_vips(std::uint64_t number, std::string_view why);

  [[nodiscard]] const instance& fsm() const { return fsm_; }

 private:
  instance_runner(boost::asio::io_context& io, const instance_config& config, metrics::registry& metrics,
                  runner_hooks hooks);
  void feed(const event& e);
  void perform(const action& a);
  void on_packet(const received& r);
  void count_rx_drop(std::string_view reason);
  void send(const advert& a);
  void arm(const act::arm_timer& t);
  void on_link(const link_event& e);
  void reread_links();
  void apply_tracking();
  void add_vips(const act::add_vips& x);
  void release_held(std::string_view why, bool timed_out);
  // Writes the saved state (role, last advert, VIPs added) for the next lbd and --release-vips.
  void save();

  instance fsm_;
  metrics::registry& metrics_;
  runner_hooks hooks_;
  // Declared first of the adapters, so removed last: the VIPs and routes on it are gone by then.
  std::unique_ptr<vmac_link> vmac_;  // null without use_vmac
  unsigned vip_ifindex_ = 0;         // the macvlan's, else the interface's
  std::unique_ptr<vrrp_socket> socket_;
  std::unique_ptr<address_manager> addresses_;
  std::unique_ptr<announcer> announcer_;
  std::unique_ptr<link_monitor> links_;
  std::unique_ptr<route_follower> routes_;
  tracker tracker_;
  tracking_state tracked_;
  // Expires with the object. A wait that completed just before the object was destroyed is still
  // queued with success; its handler checks this before touching the object.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::array<boost::asio::steady_timer, timer_kind_count> timers_;
  rx_expect expect_;
  bool send_failing_ = false;  // log the first of a run of failures only
  bool garp_failing_ = false;
  bool stopped_ = false;
  std::string state_path_;  // empty: not saved
  saved_state saved_;
  bool save_failing_ = false;
  // VIPs held on becoming MASTER (hold_vips_on_master): the actions still to perform.
  std::chrono::nanoseconds hold_for_{};
  std::optional<act::add_vips> held_vips_;
  std::optional<act::send_garp> held_garp_;
  clock::time_point held_since_{};
  std::uint64_t hold_number_ = 0;
  boost::asio::steady_timer hold_timer_;
};

}  // namespace lbd::vrrp::io
