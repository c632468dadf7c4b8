// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The answers of the control protocol, typed: lbd fills these and serialises them, lbctl parses
// them back and renders them. Field names are the JSON member names; docs/control-protocol.md
// lists them with their types. std::optional members are null on the wire when empty.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "status/protocol.hpp"
#include "status/time.hpp"

namespace lbd::api {

// ---- enums: words on the wire, parsed strictly (an unknown word is a contract_error) ----

enum class health : std::uint8_t { up, down, pending };
enum class override_kind : std::uint8_t { drain, weight };
enum class forwarding : std::uint8_t { nat, dr, tun };
enum class vrrp_state : std::uint8_t { init, backup, master, fault };
// ok: applied; partial: the new config runs but some of it failed; refused: the old one runs.
enum class reload_result : std::uint8_t { ok, partial, refused };

std::string_view to_string(health v);
std::string_view to_string(override_kind v);
std::string_view to_string(forwarding v);
std::string_view to_string(vrrp_state v);  // "MASTER", as keepalived and the journal say it
std::string_view to_string(reload_result v);
health parse_health(std::string_view s);
override_kind parse_override_kind(std::string_view s);
forwarding parse_forwarding(std::string_view s);
vrrp_state parse_vrrp_state(std::string_view s);
reload_result parse_reload_result(std::string_view s);
// The same for nlohmann (without these it would write enums as numbers).
void to_json(nlohmann::json& j, health v);
void from_json(const nlohmann::json& j, health& v);
void to_json(nlohmann::json& j, override_kind v);
void from_json(const nlohmann::json& j, override_kind& v);
void to_json(nlohmann::json& j, forwarding v);
void from_json(const nlohmann::json& j, forwarding& v);
void to_json(nlohmann::json& j, vrrp_state v);
void from_json(const nlohmann::json& j, vrrp_state& v);
void to_json(nlohmann::json& j, reload_result v);
void from_json(const nlohmann::json& j, reload_result& v);

// ---- services and checks ----

// The kernel's per-second estimates.
struct rates {
  std::uint64_t cps = 0, inpps = 0, outpps = 0, inbps = 0, outbps = 0;
  friend bool operator==(const rates&, const rates&) = default;
};

// What a real server's agent check said (lbd.conf `agent`).
struct agent_status {
  std::string said;        // "50% (weight 50 of 100)", "drain", "maint", "down", "up", "unreachable", "pending"
  bool reachable = false;  // the last query got a reply understood
  std::optional<unsigned> weight_percent;  // the last percentage it gave
  std::optional<std::uint32_t> maxconn;    // the last connection limit it gave
  std::string reason;                      // the last query's outcome, e.g. "agent reply from A: 50%"
  friend bool operator==(const agent_status&, const agent_status&) = default;
};

struct real_server {
  std::string address;             // "10.0.1.11:8080"
  health state = health::pending;  // "health" on the wire
  std::string reason;              // of the last check result; "no check" when none is configured
  unsigned configured_weight = 0;
  std::optional<unsigned> weight;            // what lbd wants in the kernel now; none: not there
  std::optional<unsigned> kernel_weight;     // what the kernel has; none: not in the kernel
  std::optional<override_kind> override_by;  // "override" on the wire
  std::optional<unsigned> override_weight;   // with override_kind::weight
  bool draining = false;
  // Out by passive outlier detection: "back in 4s (ejection 1 in a row)"; none: not ejected.
  std::optional<std::string> ejected;
  // Ramping up after its return: "slow start 12/60 s to weight 100"; none: at its full weight.
  std::optional<std::string> slow_start;
  std::uint64_t active_conns = 0, inactive_conns = 0;
  std::optional<rates> stats;         // "rates"; none: not in the kernel
  std::optional<agent_status> agent;  // none: no agent check
  friend bool operator==(const real_server&, const real_server&) = default;
};

struct service {
  std::string name;
  std::string key;                // "service" on the wire: "tcp 192.0.2.10:80", "fwmark 5"
  std::vector<std::string> also;  // a group's other entry points, in the form of `key`; absent when none
  std::string scheduler;
  forwarding method = forwarding::nat;  // "forwarding"; nat for fullnat, which adds source_nat
  // fullnat: the local addresses its connections leave from, "10.0.0.1-10.0.0.4"; none: no source
  // NAT (1.4; absent from older daemons).
  std::optional<std::string> source_nat;
  bool quorum = true;
  bool sorry_active = false;
  std::optional<std::string> vrrp;  // the instance it follows
  std::uint64_t active_conns = 0, inactive_conns = 0;
  std::optional<double> stats_age_seconds;  // age of the kernel read; none: no read yet
  std::optional<rates> stats;               // "rates"
  std::vector<real_server> real_servers;
  friend bool operator==(const service&, const service&) = default;
};

// How a check goes through the data path (lbd.conf check.data_path): the mark of the fwmark
// service that steers it, and the real server that service holds.
struct check_data_path {
  std::uint32_t fwmark = 0;
  std::string real_server;  // address
  friend bool operator==(const check_data_path&, const check_data_path&) = default;
};

struct check {
  std::string name;  // "check" on the wire: "tcp 10.0.1.11:8080"
  std::string type;
  std::string target;
  health state = health::pending;  // "status"
  std::string reason;
  std::optional<double> latency_ms;
  std::uint64_t successes = 0, failures = 0, probes = 0;
  std::optional<timestamp> last_run;
  std::vector<std::string> users;            // virtual servers using it
  std::optional<check_data_path> data_path;  // none: a plain check (1.3)
  friend bool operator==(const check&, const check&) = default;
};

// A real server an override touched (drain, enable, weight): its row with its service's name.
struct affected_server {
  std::string service;
  real_server server;
  friend bool operator==(const affected_server&, const affected_server&) = default;
};

// ---- VRRP ----

struct vrrp_transition {
  vrrp_state from = vrrp_state::init;
  vrrp_state to = vrrp_state::init;
  std::string reason;
  timestamp at;
  friend bool operator==(const vrrp_transition&, const vrrp_transition&) = default;
};

struct vrrp_instance {
  std::string name;
  std::string interface;
  std::optional<std::string> vmac_interface;  // use_vmac: the macvlan carrying the VIPs
  unsigned vrid = 0;
  unsigned version = 3;  // the VRRP version, 2 or 3
  vrrp_state state = vrrp_state::init;
  unsigned priority = 0;
  unsigned effective_priority = 0;
  std::string master;  // "" when unknown
  std::vector<std::string> virtual_ips;
  std::optional<std::string> sync_group;
  std::string fault_reason;  // "" when none
  // MASTER whose VIPs and gratuitous ARPs wait for its master command (notify.master_wait).
  bool vips_held = false;
  std::optional<vrrp_transition> last_transition;
  friend bool operator==(const vrrp_instance&, const vrrp_instance&) = default;
};

// ---- reload ----

struct named_change {  // {"name", "settings"} for VRRP, {"name", "fields"} for services
  std::string name;
  std::vector<std::string> fields;
  friend bool operator==(const named_change&, const named_change&) = default;
};

struct real_server_change {
  std::string change;  // "added", "removed", "changed"
  std::string service;
  std::string address;
  std::vector<std::string> fields;
  friend bool operator==(const real_server_change&, const real_server_change&) = default;
};

struct reload_changes {
  std::vector<std::string> vrrp_start, vrrp_stop;
  std::vector<named_change> vrrp_restart, vrrp_update;
  std::vector<std::string> services_added, services_removed, services_recreated;
  std::vector<named_change> services_changed;
  std::vector<real_server_change> real_servers;
  bool hooks_only = false;
  std::vector<std::string> global_changed, global_deferred;
  friend bool operator==(const reload_changes&, const reload_changes&) = default;
};

struct reload_report {
  reload_result result = reload_result::refused;  // "ok" on the wire is result == ok
  std::string trigger;                            // "SIGHUP" or "lbctl"
  std::string file;
  timestamp at;
  std::vector<std::string> errors;
  std::uint64_t warnings = 0;
  double duration_ms = 0;
  // Where the time went (1.1): reading and validating the file; the services' part (health checks,
  // the IPVS plan and the reconcile pass with its read of the kernel). None from a 1.0 daemon.
  std::optional<double> load_ms, services_ms;
  std::uint64_t ipvs_ops = 0, ipvs_errors = 0;
  std::vector<std::string> vrrp_restarted, vrrp_updated;
  std::string summary;
  std::optional<reload_changes> changes;  // none when refused
  [[nodiscard]] bool ok() const { return result == reload_result::ok; }
  friend bool operator==(const reload_report&, const reload_report&) = default;
};

// ---- anycast (1.5) ----

// An [[anycast]] group on this director: whether its routes are announced, and why.
struct anycast_group {
  std::string name;
  std::vector<std::string> virtual_ips;
  std::string interface;
  bool announced = false;
  std::string reason;              // of the last decision, or why it has not announced yet
  std::optional<timestamp> since;  // of the last change; none: never changed
  std::uint64_t live_weight = 0;   // of its services at the last IPVS pass
  std::uint64_t configured_weight = 0;
  unsigned high_watermark = 0;  // per cent
  unsigned low_watermark = 0;
  std::string route_error;  // "": the kernel holds the routes as decided
  friend bool operator==(const anycast_group&, const anycast_group&) = default;
};

// ---- lbctl status ----

struct daemon_status {
  std::string node;
  std::string config_file;
  timestamp started_at;
  std::vector<vrrp_instance> vrrp;
  std::vector<service> services;
  std::vector<anycast_group> anycast;   // 1.5; empty from older daemons
  std::optional<reload_report> reload;  // none: no reload since start
  friend bool operator==(const daemon_status&, const daemon_status&) = default;
};

// nlohmann ADL: j = value; value = j.get<T>() (throws contract_error on a broken answer).
void to_json(nlohmann::json& j, const rates& v);
void from_json(const nlohmann::json& j, rates& v);
void to_json(nlohmann::json& j, const agent_status& v);
void from_json(const nlohmann::json& j, agent_status& v);
void to_json(nlohmann::json& j, const real_server& v);
void from_json(const nlohmann::json& j, real_server& v);
void to_json(nlohmann::json& j, const service& v);
void from_json(const nlohmann::json& j, service& v);
void to_json(nlohmann::json& j, const check_data_path& v);
void from_json(const nlohmann::json& j, check_data_path& v);
void to_json(nlohmann::json& j, const check& v);
void from_json(const nlohmann::json& j, check& v);
void to_json(nlohmann::json& j, const anycast_group& v);
void from_json(const nlohmann::json& j, anycast_group& v);
void to_json(nlohmann::json& j, const affected_server& v);
void from_json(const nlohmann::json& j, affected_server& v);
void to_json(nlohmann::json& j, const vrrp_transition& v);
void from_json(const nlohmann::json& j, vrrp_transition& v);
void to_json(nlohmann::json& j, const vrrp_instance& v);
void from_json(const nlohmann::json& j, vrrp_instance& v);
void to_json(nlohmann::json& j, const reload_changes& v);
void from_json(const nlohmann::json& j, reload_changes& v);
void to_json(nlohmann::json& j, const reload_report& v);
void from_json(const nlohmann::json& j, reload_report& v);
void to_json(nlohmann::json& j, const daemon_status& v);
void from_json(const nlohmann::json& j, daemon_status& v);

// A command's answer parsed into T, with the contract_error saying which answer was broken.
template <typename T>
T parse_answer(const nlohmann::json& result, std::string_view command) {
  try {
    return result.get<T>();
  } catch (const contract_error& e) {
    throw contract_error(std::string("unexpected answer to ") + std::string(command) + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw contract_error(std::string("unexpected answer to ") + std::string(command) + ": " + e.what());
  }
}

}  // namespace lbd::api
