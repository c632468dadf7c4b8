// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include "ctl/view/views.hpp"

namespace lbd::ctl::view {
namespace {

enum class reload_outcome { ok, partial, refused };

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string joined_strings(const nlohmann::json& list) {
  std::vector<std::string> out;
  for (const auto& v : list) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return fmt::format("{}", fmt::join(out, ", "));
}

// "(SIGHUP, /etc/lbd/lbd.conf)"
std::string origin(const nlohmann::json& r) {
  std::vector<std::string> parts;
  if (auto t = text(r, "trigger"); !t.empty()) parts.push_back(t);
  if (auto f = text(r, "file"); !f.empty()) parts.push_back(f);
  return parts.empty() ? std::string() : fmt::format(" ({})", fmt::join(parts, ", "));
}

// What an accepted reload did: "summary; 1 IPVS op, 0 errors; VRRP restarted: web; VRRP updated in place: db;
// 2 warnings; 12 ms"
std::string effects(const nlohmann::json& r) {
  std::vector<std::string> parts;
  if (auto s = text(r, "summary"); !s.empty()) parts.push_back(s);
  parts.push_back(fmt::format("{}, {}", plural(integer(r, "ipvs_ops").value_or(0), "IPVS op", "IPVS ops"),
                              plural(integer(r, "ipvs_errors").value_or(0), "error", "errors")));
  if (const auto& restarted = array(r, "vrrp_restarted"); !restarted.empty()) {
    parts.push_back("VRRP restarted: " + joined_strings(restarted));
  }
  if (const auto& updated = array(r, "vrrp_updated"); !updated.empty()) {
    parts.push_back("VRRP updated in place: " + joined_strings(updated));
  }
  if (auto w = integer(r, "warnings").value_or(0); w > 0) parts.push_back(plural(w, "warning", "warnings"));
  if (r.is_object() && r.contains("duration_ms") && r["duration_ms"].is_number()) {
    auto ms = r["duration_ms"].get<double>();
    parts.push_back(ms >= 100 ? fmt::format("{:.0f} ms", ms) : fmt::format("{:.3g} ms", ms));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

// lbd reports "ok": false both for a file it refused (the old config keeps running) and for a new
// config applied with problems (IPVS or an instance failed); the summary of a refusal says so.
reload_outcome outcome_of(const nlohmann::json& r) {
  if (flag(r, "ok")) return reload_outcome::ok;
  auto result = text(r, "result");
  if (result == "partial") return reload_outcome::partial;
  if (result == "refused" || text(r, "summary").rfind("refused", 0) == 0) return reload_outcome::refused;
  return result.empty() && !text(r, "summary").empty() ? reload_outcome::partial : reload_outcome::refused;
}

std::string error_lines(const nlohmann::json& r) {
  std::string out;
  for (const auto& e : array(r, "errors")) {
    if (e.is_string()) out += "  " + e.get<std::string>() + "\n";
  }
  return out;
}

}  // namespace

std::string checks(const nlohmann::json& checks, clock_point now) {
  if (!checks.is_array() || checks.empty()) return "no health checks running\n";
  table t;
  t.add({"CHECK", "STATUS", "REASON", "LATENCY", "OK/FAIL", "LAST RUN", "USED BY"});
  for (const auto& c : checks) {
    std::string latency;
    if (c.is_object() && c.contains("latency_ms") && c["latency_ms"].is_number()) {
      latency = fmt::format("{:.1f}ms", c["latency_ms"].get<double>());
    }
    auto last = ago_of(c, "last_run", now);
    t.add({text(c, "check"), text(c, "status"), text(c, "reason"), latency,
           fmt::format("{}/{}", integer(c, "successes").value_or(0), integer(c, "failures").value_or(0)),
           last.empty() ? "never" : last, joined_strings(array(c, "users"))});
  }
  return t.render();
}

std::string reload_line(const nlohmann::json& report, clock_point now) {
  if (!report.is_object()) return "last reload: none since lbd started\n";
  auto when = ago_of(report, "at", now);
  if (!when.empty()) when = " " + when;
  switch (outcome_of(report)) {
    case reload_outcome::ok: return fmt::format("last reload: ok{}{}: {}\n", when, origin(report), effects(report));
    case reload_outcome::partial:
      return fmt::format("last reload: PARTIAL{}{}, running the new config with problems: {}\n{}", when, origin(report),
                         effects(report), error_lines(report));
    case reload_outcome::refused: break;
  }
  return fmt::format("last reload: REFUSED{}{}, the previous config keeps running:\n{}", when, origin(report),
                     error_lines(report));
}

std::string reload(const nlohmann::json& report, clock_point /*now*/) {
  switch (outcome_of(report)) {
    case reload_outcome::ok: return fmt::format("reloaded{}: {}\n", origin(report), effects(report));
    case reload_outcome::partial:
      return fmt::format("reloaded with problems{}, the new config is running: {}\n{}", origin(report), effects(report),
                         error_lines(report));
    case reload_outcome::refused: break;
  }
  return fmt::format("reload refused{}, the running config is unchanged:\n{}", origin(report), error_lines(report));
}

std::string status(const nlohmann::json& status, clock_point now) {
  std::string out = fmt::format("lbd on {}", text(status, "node"));
  if (auto f = text(status, "config_file"); !f.empty()) out += ", config " + f;
  if (auto started = ago_of(status, "started_at", now); !started.empty()) out += ", started " + started;
  out += "\n\nVRRP\n";
  std::string vrrp_text = vrrp(array(status, "vrrp"), now);
  for (std::size_t start = 0; start < vrrp_text.size();) {
    auto end = vrrp_text.find('\n', start);
    out += "  " + vrrp_text.substr(start, end - start + 1);
    start = end + 1;
  }
  out += "\nVirtual services\n";
  out += services(array(status, "services"));
  out += "\n";
  const nlohmann::json& report =
      status.is_object() && status.contains("reload") ? status["reload"] : nlohmann::json::object();
  out += reload_line(report.is_object() ? report : nlohmann::json(), now);
  return out;
}

std::string override_result(const nlohmann::json& affected, std::string_view action) {
  // Either real-server objects (with their "service") or service objects holding the touched servers.
  std::vector<std::pair<std::string, const nlohmann::json*>> servers;
  if (affected.is_array()) {
    for (const auto& item : affected) {
      if (item.is_object() && item.contains("real_servers")) {
        for (const auto& rs : array(item, "real_servers")) servers.emplace_back(text(item, "name"), &rs);
      } else {
        servers.emplace_back(text(item, "service"), &item);
      }
    }
  } else if (affected.is_object()) {
    servers.emplace_back(text(affected, "service"), &affected);
  }
  if (servers.empty()) return fmt::format("{}: no real server affected\n", action);
  std::string out;
  for (const auto& [service, rs] : servers) {
    auto weight = text(*rs, "weight");
    auto configured = text(*rs, "configured_weight");
    std::string first = weight.empty() ? std::string("not in the kernel") : "weight " + weight;
    if (!configured.empty() && configured != weight) first += " (configured weight " + configured + ")";
    std::vector<std::string> parts{first};
    if (auto h = text(*rs, "health"); !h.empty()) parts.push_back(h);
    if (flag(*rs, "draining")) {
      parts.push_back(fmt::format("draining, {} active connections", integer(*rs, "active_conns").value_or(0)));
    }
    auto where = service.empty() ? std::string() : " in " + service;
    out += fmt::format("{} {}{}: {}\n", action, text(*rs, "address"), where, fmt::join(parts, ", "));
  }
  return out;
}

}  // namespace lbd::ctl::view
