// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include "ctl/view/views.hpp"

namespace lbd::ctl::view {
namespace {

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string joined(const std::vector<std::string>& list) { return fmt::format("{}", fmt::join(list, ", ")); }

// "(SIGHUP, /etc/lbd/lbd.conf)"
std::string origin(const api::reload_report& r) {
  std::vector<std::string> parts;
  if (!r.trigger.empty()) parts.push_back(r.trigger);
  if (!r.file.empty()) parts.push_back(r.file);
  return parts.empty() ? std::string() : fmt::format(" ({})", fmt::join(parts, ", "));
}

// What an accepted reload did: "summary; 1 IPVS op, 0 errors; VRRP restarted: web; VRRP updated in place: db;
// 2 warnings; 12 ms"
std::string effects(const api::reload_report& r) {
  std::vector<std::string> parts;
  if (!r.summary.empty()) parts.push_back(r.summary);
  parts.push_back(
      fmt::format("{}, {}", plural(r.ipvs_ops, "IPVS op", "IPVS ops"), plural(r.ipvs_errors, "error", "errors")));
  if (!r.vrrp_restarted.empty()) parts.push_back("VRRP restarted: " + joined(r.vrrp_restarted));
  if (!r.vrrp_updated.empty()) parts.push_back("VRRP updated in place: " + joined(r.vrrp_updated));
  if (r.warnings > 0) parts.push_back(plural(r.warnings, "warning", "warnings"));
  const auto ms = [](double v) { return v >= 100 ? fmt::format("{:.0f} ms", v) : fmt::format("{:.3g} ms", v); };
  std::string took = ms(r.duration_ms);
  if (r.load_ms && r.services_ms) took += fmt::format(" (load {}, services {})", ms(*r.load_ms), ms(*r.services_ms));
  parts.push_back(took);
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::string indented(const std::string& text) {
  std::string out;
  for (std::size_t start = 0; start < text.size();) {
    auto end = text.find('\n', start);
    out += "  " + text.substr(start, end - start + 1);
    start = end + 1;
  }
  return out;
}

std::string error_lines(const api::reload_report& r) {
  std::string out;
  for (const auto& e : r.errors) out += "  " + e + "\n";
  return out;
}

}  // namespace

std::string checks(const std::vector<api::check>& checks, clock_point now) {
  if (checks.empty()) return "no health checks running\n";
  table t;
  t.add({"CHECK", "STATUS", "REASON", "LATENCY", "OK/FAIL", "LAST RUN", "USED BY"});
  for (const auto& c : checks) {
    t.add({c.name, std::string(api::to_string(c.state)), c.reason,
           c.latency_ms ? fmt::format("{:.1f}ms", *c.latency_ms) : std::string(),
           fmt::format("{}/{}", c.successes, c.failures), c.last_run ? ago(*c.last_run, now) : "never",
           joined(c.users)});
  }
  return t.render();
}

std::string reload_line(const std::optional<api::reload_report>& report, clock_point now) {
  if (!report) return "last reload: none since lbd started\n";
  const auto& r = *report;
  const auto when = " " + ago(r.at, now);
  switch (r.result) {
    case api::reload_result::ok: return fmt::format("last reload: ok{}{}: {}\n", when, origin(r), effects(r));
    case api::reload_result::partial:
      return fmt::format("last reload: PARTIAL{}{}, running the new config with problems: {}\n{}", when, origin(r),
                         effects(r), error_lines(r));
    case api::reload_result::refused: break;
  }
  return fmt::format("last reload: REFUSED{}{}, the previous config keeps running:\n{}", when, origin(r),
                     error_lines(r));
}

std::string reload(const api::reload_report& r, clock_point /*now*/) {
  switch (r.result) {
    case api::reload_result::ok: return fmt::format("reloaded{}: {}\n", origin(r), effects(r));
    case api::reload_result::partial:
      return fmt::format("reloaded with problems{}, the new config is running: {}\n{}", origin(r), effects(r),
                         error_lines(r));
    case api::reload_result::refused: break;
  }
  return fmt::format("reload refused{}, the running config is unchanged:\n{}", origin(r), error_lines(r));
}

std::string status(const api::daemon_status& status, clock_point now) {
  std::string out = fmt::format("lbd on {}", status.node);
  if (!status.config_file.empty()) out += ", config " + status.config_file;
  out += ", started " + ago(status.started_at, now);
  out += "\n\nVRRP\n";
  out += indented(vrrp(status.vrrp, now));
  if (!status.anycast.empty()) {
    out += "\nAnycast (routes for BGP)\n";
    out += indented(anycast(status.anycast, now));
  }
  out += "\nVirtual services\n";
  out += services(status.services);
  out += "\n";
  out += reload_line(status.reload, now);
  return out;
}

std::string override_result(const std::vector<api::affected_server>& affected, std::string_view action) {
  if (affected.empty()) return fmt::format("{}: no real server affected\n", action);
  std::string out;
  for (const auto& [service, rs] : affected) {
    std::string first = rs.weight ? fmt::format("weight {}", *rs.weight) : std::string("not in the kernel");
    if (rs.weight != rs.configured_weight) first += fmt::format(" (configured weight {})", rs.configured_weight);
    std::vector<std::string> parts{first, std::string(api::to_string(rs.state))};
    if (rs.draining) parts.push_back(fmt::format("draining, {} active connections", rs.active_conns));
    auto where = service.empty() ? std::string() : " in " + service;
    out += fmt::format("{} {}{}: {}\n", action, rs.address, where, fmt::join(parts, ", "));
  }
  return out;
}

}  // namespace lbd::ctl::view
