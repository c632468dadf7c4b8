// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Every VRRP instance of the running config on the VRRP thread's io_context (vrrp_thread): one
// io::instance_runner per [[vrrp]], the sync groups that tie them, and a stream of transitions for
// the rest of the daemon (the IPVS sync daemon's role, lbctl, metrics). Nothing here starts a
// program: the notify commands of a transition are handed to `notify` (the main loop runs them) and
// the track scripts run on the main loop, their results coming back through script_result().
//
// Reload: apply() with the new config and the VRRP slice of the reload plan (vrrp_reload.hpp),
// applied as planned. An instance kept or updated in place keeps its runner (state, timers,
// socket): no missed advert, no transition; its new notify commands and sync group take effect at
// once. A restarted one is stopped gracefully, then started; a new one starts; a removed one stops
// gracefully (priority 0 advert if MASTER, VIPs removed).
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics.hpp"
#include "config/model.hpp"
#include "daemon/vrrp/vrrp_messages.hpp"
#include "daemon/vrrp/vrrp_reload.hpp"
#include "vrrp/events.hpp"

namespace lbd::daemon {

class vrrp_runtime {
 public:
  using listener = std::function<void(const vrrp_transition&)>;
  using notify_handler = std::function<void(notify_request)>;

  vrrp_runtime(boost::asio::io_context& io, metrics::registry& metrics, notify_handler notify);
  ~vrrp_runtime();
  vrrp_runtime(const vrrp_runtime&) = delete;
  vrrp_runtime& operator=(const vrrp_runtime&) = delete;

  // Brings the running instances to `cfg.vrrp` as `plan` says (see above). Returns one message per instance that
  // could not be started (socket, interface missing or without an address...); the others run
  // regardless, and those are tried again (vrrp_start_retry_delay) until they start, without a
  // reload.
  std::vector<std::string> apply(const config::config& cfg, const vrrp_reload_plan& plan);

  // Graceful stop of every instance: priority-0 adverts from the masters, VIPs removed.
  // Synchronous: when it returns the adverts are sent and the VIPs are gone. Returns the notify
  // commands of the transitions the stop made (to `stop`), for the caller to start detached.
  std::vector<notify_request> stop();

  // A track script's run ended: its rise/fall thresholds and weight apply in the instance.
  void script_result(std::string_view instance, const std::string& script, bool success);
  // The master command these held VIPs wait for exited (notify_request::release_on_exit).
  void release_vips(const std::vector<vip_hold>& holds, std::string_view why);

  // Called on every transition of every instance, after its notify commands were handed over.
  void subscribe(listener l);

  [[nodiscard]] std::optional<vrrp::state> state_of(std::string_view instance) const;

  // Every instance as lbctl shows it, in config order (vrrp_thread.hpp documents the JSON).
  [[nodiscard]] std::vector<vrrp_instance_view> views() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace lbd::daemon
