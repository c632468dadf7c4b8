#pragma once
// Every VRRP instance of the running config on the daemon's io_context: one io::instance_runner per
// [[vrrp]], the sync groups that tie them, the track scripts (run through common/process), the
// notify hooks (exec without a shell on every transition) and a stream of transitions for the rest
// of the daemon (the IPVS sync daemon's role, lbctl, metrics).
//
// Reload: apply() with the new config. An instance whose [[vrrp]] table is unchanged keeps its
// runner (state, timers, socket): no missed advert, no transition. A changed one is restarted
// (graceful stop, then start); a new one starts; a removed one stops gracefully (priority 0 advert
// if MASTER, VIPs removed).
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics.hpp"
#include "config/model.hpp"
#include "vrrp/events.hpp"

namespace lbd::daemon {

struct vrrp_transition {
  std::string instance;
  vrrp::state from = vrrp::state::init;
  vrrp::state to = vrrp::state::init;
  std::string reason;
  std::chrono::system_clock::time_point at;
};

class vrrp_runtime {
 public:
  using listener = std::function<void(const vrrp_transition&)>;

  vrrp_runtime(boost::asio::io_context& io, metrics::registry& metrics);
  ~vrrp_runtime();
  vrrp_runtime(const vrrp_runtime&) = delete;
  vrrp_runtime& operator=(const vrrp_runtime&) = delete;

  // Brings the running instances to `cfg.vrrp` (see above). Returns one message per instance that
  // could not be started (socket, interface missing or without an address...); the others run
  // regardless, and those are tried again (vrrp_start_retry_delay) until they start, without a
  // reload.
  std::vector<std::string> apply(const config::config& cfg);

  // Graceful stop of every instance: priority-0 adverts from the masters, VIPs removed, track
  // scripts stopped. Synchronous: when it returns the adverts are sent and the VIPs are gone.
  void stop();

  // Called on every transition of every instance, after the notify hooks were started.
  void subscribe(listener l);

  [[nodiscard]] std::optional<vrrp::state> state_of(std::string_view instance) const;

  // For `lbctl vrrp` / `lbctl status`: an array, one object per instance, in config order:
  // {"name", "interface", "vrid", "version", "state" ("MASTER"...), "priority" (configured),
  //  "effective_priority", "master" (address of the current master as last seen, "" if unknown,
  //  our own primary address when MASTER), "virtual_ips" ["192.0.2.10/24"...], "sync_group" (or null),
  //  "fault_reason" ("" when none; "not running (N failed starts): why" for an instance that could
  //  not start yet), "last_transition" {"from", "to", "reason", "at" (RFC 3339 UTC)}
  //  or null}
  [[nodiscard]] nlohmann::json status() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace lbd::daemon
