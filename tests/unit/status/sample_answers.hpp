// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Answers with every member set, for the status tests.
#include "status/answers.hpp"

namespace lbd::api::samples {

inline timestamp at(std::int64_t ms) { return timestamp(std::chrono::milliseconds(ms)); }

inline real_server full_server() {
  real_server rs;
  rs.address = "10.0.1.11:8080";
  rs.state = health::down;
  rs.reason = "connection refused";
  rs.configured_weight = 3;
  rs.weight = 0;
  rs.kernel_weight = 5;
  rs.override_by = override_kind::weight;
  rs.override_weight = 5;
  rs.draining = true;
  rs.active_conns = 7;
  rs.inactive_conns = 1ULL << 40;
  rs.stats = rates{1, 2, 3, 4, 5};
  return rs;
}

inline service full_service() {
  service s;
  s.name = "http";
  s.key = "tcp 192.0.2.10:80";
  s.scheduler = "wlc";
  s.method = forwarding::dr;
  s.source_nat = "10.41.0.201-10.41.0.202";
  s.quorum = false;
  s.sorry_active = true;
  s.vrrp = "web";
  s.active_conns = 10;
  s.inactive_conns = 20;
  s.stats_age_seconds = 0.25;
  s.stats = rates{9, 8, 7, 6, 5};
  s.real_servers = {full_server(), real_server{}};
  s.real_servers[1].address = "10.0.1.12:8080";
  return s;
}

inline vrrp_instance full_instance() {
  vrrp_instance v;
  v.name = "web";
  v.interface = "eth0";
  v.vmac_interface = "vrrp.51";
  v.vrid = 51;
  v.version = 2;
  v.state = vrrp_state::fault;
  v.priority = 150;
  v.effective_priority = 0;
  v.master = "10.0.0.1";
  v.virtual_ips = {"192.0.2.10/24"};
  v.sync_group = "pair";
  v.fault_reason = "eth0 down";
  v.last_transition = vrrp_transition{vrrp_state::master, vrrp_state::fault, "eth0 down", at(1764000000123)};
  return v;
}

inline reload_report full_report() {
  reload_report r;
  r.result = reload_result::partial;
  r.trigger = "lbctl";
  r.file = "/etc/lbd/lbd.conf";
  r.at = at(1764000001000);
  r.errors = {"IPVS: no such device"};
  r.warnings = 2;
  r.duration_ms = 4.5;
  r.load_ms = 1.25;
  r.services_ms = 3.0;
  r.ipvs_ops = 3;
  r.ipvs_errors = 1;
  r.vrrp_restarted = {"db"};
  r.vrrp_updated = {"web"};
  r.summary = "vrrp ~db(restart: priority)";
  reload_changes c;
  c.vrrp_start = {"gw"};
  c.vrrp_stop = {"old"};
  c.vrrp_restart = {{"db", {"priority"}}};
  c.vrrp_update = {{"web", {"notify"}}};
  c.services_added = {"smtp"};
  c.services_removed = {"ftp"};
  c.services_recreated = {"dns"};
  c.services_changed = {{"http", {"scheduler"}}};
  c.real_servers = {{"changed", "http", "10.0.1.14:8080", {"weight"}}};
  c.hooks_only = true;
  c.global_changed = {"log_level", "ipvs.tcp_timeout"};
  c.global_deferred = {"control_socket"};
  r.changes = c;
  return r;
}

inline anycast_group full_anycast() {
  return {"web",
          {"192.0.2.10", "2001:db8::10"},
          "lo",
          true,
          "live weight 80 of 100 (80%) reached the high watermark 75%",
          at(1764000003000),
          80,
          100,
          75,
          50,
          ""};
}

inline daemon_status full_status() {
  return {"director-a",     "/etc/lbd/lbd.conf", at(1764000000000), {full_instance()}, {full_service(), full_service()},
          {full_anycast()}, full_report()};
}

}  // namespace lbd::api::samples
