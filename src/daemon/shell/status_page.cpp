// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/status_page.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>
#include <vector>

#include "common/time_format.hpp"
#include "ctl/view/text.hpp"

namespace lbd::daemon {
namespace {

namespace v = ctl::view;
using clock_point = std::chrono::system_clock::time_point;

// Wide tables on a desktop; below 700px each row becomes a card whose cells carry their column's
// name, so a phone never scrolls sideways.
constexpr std::string_view style = R"(
:root{--ok:#1a7f37;--bad:#c62828;--warn:#a15c00;--info:#1f5fa8;--mute:#5f6b76;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
header{background:#24292f;color:#fff;padding:.7em 1em}
header h1{margin:0;font-size:1.25em;overflow-wrap:anywhere}
header p{margin:.2em 0 0;color:#d0d7de;font-size:.85em;overflow-wrap:anywhere}
main{padding:0 1em 1em;max-width:1400px}
h2{font-size:1.1em;margin:1.2em 0 .4em;border-bottom:2px solid var(--line);padding-bottom:.2em}
h3{font-size:1em;margin:1em 0 .3em;overflow-wrap:anywhere}
h3 small,.sub{color:var(--mute);font-weight:normal}
p{margin:.3em 0}
.summary{margin:.8em 0}.summary span{margin-right:1em;white-space:nowrap}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border:1px solid var(--line);padding:.3em .5em;text-align:left;vertical-align:top}
th{background:var(--bg);white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.why{overflow-wrap:anywhere;min-width:12em}
code{font-size:.9em;overflow-wrap:anywhere}
.b{display:inline-block;padding:0 .45em;border-radius:3px;font-weight:600;font-size:.85em;color:#fff;
   background:var(--mute);white-space:nowrap}
.ok{background:var(--ok)}.bad{background:var(--bad)}.warn{background:var(--warn)}.info{background:var(--info)}
tr.down,tr.down td{background:#fff0f0}tr.drain,tr.drain td{background:#fff8e6}
ul.err{margin:.3em 0;padding-left:1.2em;color:var(--bad)}
ul.err li{overflow-wrap:anywhere}
@media (max-width:700px){
 main{padding:0 .6em .8em}
 table,thead,tbody,tr,th,td{display:block;width:100%}
 thead{display:none}
 tr{border:1px solid var(--line);border-radius:4px;margin:.5em 0;padding:.2em 0}
 td{border:0;padding:.15em .6em;min-width:0}
 td.n{display:inline-block;width:auto;text-align:left;padding-right:.9em}
 td[data-label]::before{content:attr(data-label) ": ";color:var(--mute);font-weight:600}
}
)";

std::string esc(std::string_view s) { return html_escape(s); }

// A badge's colour class from a fixed list: a state that is not known gets the neutral one, and
// nothing from the status ever lands in an attribute unescaped.
std::string_view tone(std::string_view state) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> tones{{{"MASTER", "ok"},
                                                                                       {"BACKUP", "info"},
                                                                                       {"FAULT", "bad"},
                                                                                       {"up", "ok"},
                                                                                       {"down", "bad"},
                                                                                       {"pending", "warn"},
                                                                                       {"ok", "ok"},
                                                                                       {"partial", "warn"},
                                                                                       {"refused", "bad"}}};
  for (const auto& [name, cls] : tones) {
    if (name == state) return cls;
  }
  return "";
}

std::string badge(std::string_view state, std::string_view label) {
  return fmt::format(R"(<span class="b {}">{}</span>)", tone(state), esc(label));
}
std::string badge(std::string_view state) { return badge(state, state.empty() ? "?" : state); }

std::string or_dash(std::string s) { return s.empty() ? std::string("-") : s; }

struct row {
  std::string cls;                                              // a fixed class name, never data
  std::vector<std::pair<std::string_view, std::string>> cells;  // label, HTML
  void add(std::string_view label, std::string html) { cells.emplace_back(label, std::move(html)); }
};

// cells carry HTML already escaped by their makers; a "n:" label prefix right-aligns numbers and a
// "w:" one lets long reasons wrap.
std::string table(const std::vector<std::string_view>& heads, const std::vector<row>& rows) {
  auto label = [](std::string_view h) { return h.size() > 2 && h[1] == ':' ? h.substr(2) : h; };
  std::string out = "<table><thead><tr>";
  for (auto h : heads) out += fmt::format("<th>{}</th>", esc(label(h)));
  out += "</tr></thead><tbody>\n";
  for (const auto& r : rows) {
    out += r.cls.empty() ? std::string("<tr>") : fmt::format(R"(<tr class="{}">)", r.cls);
    for (const auto& [h, html] : r.cells) {
      std::string_view cls = h.rfind("n:", 0) == 0 ? " class=\"n\"" : (h.rfind("w:", 0) == 0 ? " class=\"why\"" : "");
      out += fmt::format(R"(<td{} data-label="{}">{}</td>)", cls, esc(label(h)), html);
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string when(const nlohmann::json& j, std::string_view key, clock_point now) {
  auto at = v::text(j, key);
  auto ago = v::ago_of(j, key, now);
  if (at.empty()) return "-";
  return fmt::format(R"(<span title="{}">{}</span>)", esc(at), esc(ago.empty() ? at : ago));
}

std::string joined(const nlohmann::json& list, std::string_view sep) {
  std::string out;
  for (const auto& x : list) {
    if (!x.is_string()) continue;
    if (!out.empty()) out += sep;
    out += esc(x.get<std::string>());
  }
  return out;
}

std::string header(const nlohmann::json& s, clock_point now) {
  std::string node = v::text(s, "node");
  std::vector<std::string> facts;
  if (auto started = v::parse_rfc3339(v::text(s, "started_at"))) {
    facts.push_back(fmt::format("up {} (since {})",
                                esc(v::span(std::chrono::duration_cast<std::chrono::seconds>(now - *started))),
                                esc(v::text(s, "started_at"))));
  }
  if (auto f = v::text(s, "config_file"); !f.empty()) facts.push_back("config <code>" + esc(f) + "</code>");
  facts.push_back(fmt::format("as of {}, refreshed every {} s", esc(rfc3339(now)), status_page_refresh_seconds));
  return fmt::format("<header><h1>lbd on {}</h1><p>{}</p></header>\n", esc(node.empty() ? "?" : node),
                     fmt::join(facts, " · "));
}

std::string summary(const nlohmann::json& s) {
  std::array<std::pair<std::string_view, int>, 4> states{{{"MASTER", 0}, {"BACKUP", 0}, {"FAULT", 0}, {"INIT", 0}}};
  for (const auto& i : v::array(s, "vrrp")) {
    for (auto& [name, n] : states) n += static_cast<int>(v::text(i, "state") == name);
  }
  int up = 0;
  int servers = 0;
  for (const auto& svc : v::array(s, "services")) {
    for (const auto& rs : v::array(svc, "real_servers")) {
      ++servers;
      up += static_cast<int>(v::text(rs, "health") == "up");
    }
  }
  std::string out = R"(<p class="summary">)";
  for (const auto& [name, n] : states) {
    if (n > 0) out += fmt::format("<span>{} {}</span>", n, badge(name));
  }
  out += fmt::format("<span>{} of {} real servers {}</span>", up, servers, badge("up"));
  if (servers > up) out += fmt::format("<span>{} {}</span>", servers - up, badge("down"));
  return out + "</p>\n";
}

std::string vrrp_section(const nlohmann::json& instances, clock_point now) {
  std::string out = "<section id=\"vrrp\"><h2>VRRP instances</h2>\n";
  if (instances.empty()) return out + "<p>No VRRP instance.</p></section>\n";
  std::vector<row> rows;
  for (const auto& i : instances) {
    row r;
    std::string name = esc(v::text(i, "name"));
    if (auto g = v::text(i, "sync_group"); !g.empty()) name += " <span class=\"sub\">group " + esc(g) + "</span>";
    r.add("Instance", name);
    r.add("Interface", esc(v::text(i, "interface")));
    r.add("n:VRID", esc(v::text(i, "vrid")));
    std::string state = badge(v::text(i, "state"));
    if (auto fault = v::text(i, "fault_reason"); !fault.empty()) state += " " + esc(fault);
    r.add("State", state);
    r.add("n:Priority", esc(v::text(i, "effective_priority")) + " / " + esc(v::text(i, "priority")));
    r.add("Master", esc(or_dash(v::text(i, "master"))));
    r.add("Virtual IPs", or_dash(joined(v::array(i, "virtual_ips"), ", ")));
    const auto& t = v::object(i, "last_transition");
    std::string last = "-";
    if (!t.empty()) {
      last = fmt::format("{} → {} {}", esc(v::text(t, "from")), esc(v::text(t, "to")), when(t, "at", now));
      if (auto why = v::text(t, "reason"); !why.empty()) last += "<br>" + esc(why);
    }
    r.add("w:Last transition", last);
    rows.push_back(std::move(r));
  }
  return out +
         table({"Instance", "Interface", "n:VRID", "State", "n:Priority", "Master", "Virtual IPs", "w:Last transition"},
               rows) +
         "</section>\n";
}

// IPVS rates are per second; bytes shown in decimal units as ipvsadm --rate does not.
std::string bytes_rate(std::int64_t b) {
  constexpr std::array<std::string_view, 4> units{"B/s", "kB/s", "MB/s", "GB/s"};
  auto x = static_cast<double>(b);
  std::size_t u = 0;
  while (x >= 1000 && u + 1 < units.size()) {
    x /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{} {}", b, units[0]) : fmt::format("{:.1f} {}", x, units[u]);
}

std::string rate(const nlohmann::json& j, std::string_view key, bool bytes) {
  auto n = v::integer(v::object(j, "rates"), key);
  if (!n) return "-";
  return bytes ? bytes_rate(*n) : std::to_string(*n);
}

std::string server_weight(const nlohmann::json& rs) {
  std::string w = or_dash(v::text(rs, "weight"));
  std::string out = esc(w);
  auto configured = v::text(rs, "configured_weight");
  if (!configured.empty() && configured != w) out += " <span class=\"sub\">(configured " + esc(configured) + ")</span>";
  auto override_kind = v::text(rs, "override");
  if (override_kind == "weight") out += " " + badge("", "override " + v::text(rs, "override_weight"));
  if (override_kind == "drain" || v::flag(rs, "draining")) out += " " + badge("pending", "DRAIN");
  return out;
}

std::string service_block(const nlohmann::json& s) {
  std::vector<std::string> about;
  for (const auto* key : {"service", "scheduler", "forwarding"}) {
    if (auto x = v::text(s, key); !x.empty()) about.push_back(esc(x));
  }
  if (auto vr = v::text(s, "vrrp"); !vr.empty()) about.push_back("vrrp " + esc(vr));
  std::string out = fmt::format("<h3>{} <small>{}</small></h3>\n<p>", esc(v::text(s, "name")), fmt::join(about, " · "));
  if (s.is_object() && s.contains("quorum") && s["quorum"].is_boolean()) {
    out += s["quorum"].get<bool>() ? badge("ok", "quorum") : badge("refused", "NO QUORUM");
  }
  if (v::flag(s, "sorry_active")) out += " " + badge("pending", "sorry server active");
  out += fmt::format(" connections {} active, {} inactive", esc(or_dash(v::text(s, "active_conns"))),
                     esc(or_dash(v::text(s, "inactive_conns"))));
  // No rates when the service is not in the kernel (yet, or IPVS is unavailable).
  if (!v::object(s, "rates").empty()) {
    out += fmt::format(" · {} conn/s · in {} · out {}", rate(s, "cps", false), rate(s, "inbps", true),
                       rate(s, "outbps", true));
  }
  out += "</p>\n";
  std::vector<row> rows;
  for (const auto& rs : v::array(s, "real_servers")) {
    row r;
    auto health = v::text(rs, "health");
    r.cls = health == "down" ? "down" : (v::flag(rs, "draining") ? "drain" : "");
    r.add("Real server", esc(v::text(rs, "address")));
    r.add("Health", badge(health));
    r.add("w:Check", esc(or_dash(v::text(rs, "reason"))));
    r.add("Weight", server_weight(rs));
    r.add("n:Active", esc(or_dash(v::text(rs, "active_conns"))));
    r.add("n:Inactive", esc(or_dash(v::text(rs, "inactive_conns"))));
    r.add("n:Conn/s", rate(rs, "cps", false));
    r.add("n:In", rate(rs, "inbps", true));
    r.add("n:Out", rate(rs, "outbps", true));
    rows.push_back(std::move(r));
  }
  if (rows.empty()) return out + "<p>No real server.</p>\n";
  return out +
         table({"Real server", "Health", "w:Check", "Weight", "n:Active", "n:Inactive", "n:Conn/s", "n:In", "n:Out"},
               rows);
}

std::string services_section(const nlohmann::json& services) {
  std::string out = "<section id=\"services\"><h2>Virtual services</h2>\n";
  if (services.empty()) return out + "<p>No virtual service.</p></section>\n";
  for (const auto& s : services) out += "<div class=\"svc\">" + service_block(s) + "</div>\n";
  return out + "</section>\n";
}

std::string reload_section(const nlohmann::json& s, clock_point now) {
  std::string out = "<section id=\"reload\"><h2>Last reload</h2>\n";
  const auto& r = v::object(s, "reload");
  if (r.empty()) return out + "<p>None since lbd started.</p></section>\n";
  auto result = v::text(r, "result");
  if (result.empty()) result = v::flag(r, "ok") ? "ok" : "refused";
  out += fmt::format("<p>{} {}",
                     badge(result, result == "ok" ? result : std::string(result == "partial" ? "PARTIAL" : "REFUSED")),
                     when(r, "at", now));
  if (auto t = v::text(r, "trigger"); !t.empty()) out += " by " + esc(t);
  if (auto f = v::text(r, "file"); !f.empty()) out += " from <code>" + esc(f) + "</code>";
  out += "</p>\n";
  if (auto sum = v::text(r, "summary"); !sum.empty()) out += "<p>" + esc(sum) + "</p>\n";
  out += fmt::format("<p class=\"sub\">{} IPVS operation(s), {} failed · {} warning(s)",
                     esc(or_dash(v::text(r, "ipvs_ops"))), esc(or_dash(v::text(r, "ipvs_errors"))),
                     esc(or_dash(v::text(r, "warnings"))));
  if (r.contains("duration_ms") && r["duration_ms"].is_number()) {
    out += fmt::format(" · {:.1f} ms", r["duration_ms"].get<double>());
  }
  if (auto restarted = joined(v::array(r, "vrrp_restarted"), ", "); !restarted.empty()) {
    out += " · VRRP restarted: " + restarted;
  }
  out += "</p>\n";
  if (const auto& errors = v::array(r, "errors"); !errors.empty()) {
    out += "<ul class=\"err\">";
    for (const auto& e : errors) {
      if (e.is_string()) out += "<li>" + esc(e.get<std::string>()) + "</li>";
    }
    out += "</ul>\n";
  }
  return out + "</section>\n";
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_status_page(const nlohmann::json& status, clock_point now) {
  std::string node = v::text(status, "node");
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"refresh\" content=\"{}\">\n<link rel=\"icon\" href=\"data:,\">\n"
      "<title>lbd on {}</title>\n<style>{}</style></head>\n<body>\n",
      status_page_refresh_seconds, esc(node.empty() ? "?" : node), style);
  out += header(status, now);
  out += "<main>\n" + summary(status);
  out += vrrp_section(v::array(status, "vrrp"), now);
  out += services_section(v::array(status, "services"));
  out += reload_section(status, now);
  return out + "</main>\n</body></html>\n";
}

}  // namespace lbd::daemon
