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

std::string when(api::timestamp at, clock_point now) {
  const auto text = rfc3339(at);
  return fmt::format(R"(<span title="{}">{}</span>)", esc(text), esc(v::ago(at, now)));
}

std::string joined(const std::vector<std::string>& list, std::string_view sep) {
  std::string out;
  for (const auto& x : list) {
    if (!out.empty()) out += sep;
    out += esc(x);
  }
  return out;
}

template <typename T>
std::string or_dash(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : std::string("-");
}

std::string header(const api::daemon_status& s, clock_point now) {
  std::vector<std::string> facts;
  facts.push_back(fmt::format("up {} (since {})",
                              esc(v::span(std::chrono::duration_cast<std::chrono::seconds>(now - s.started_at))),
                              esc(rfc3339(s.started_at))));
  if (!s.config_file.empty()) facts.push_back("config <code>" + esc(s.config_file) + "</code>");
  facts.push_back(fmt::format("as of {}, refreshed every {} s", esc(rfc3339(now)), status_page_refresh_seconds));
  return fmt::format("<header><h1>lbd on {}</h1><p>{}</p></header>\n", esc(s.node.empty() ? "?" : s.node),
                     fmt::join(facts, " · "));
}

std::string summary(const api::daemon_status& s) {
  std::array<std::pair<api::vrrp_state, int>, 4> states{{{api::vrrp_state::master, 0},
                                                         {api::vrrp_state::backup, 0},
                                                         {api::vrrp_state::fault, 0},
                                                         {api::vrrp_state::init, 0}}};
  for (const auto& i : s.vrrp) {
    for (auto& [state, n] : states) n += static_cast<int>(i.state == state);
  }
  int up = 0;
  int servers = 0;
  for (const auto& svc : s.services) {
    for (const auto& rs : svc.real_servers) {
      ++servers;
      up += static_cast<int>(rs.state == api::health::up);
    }
  }
  std::string out = R"(<p class="summary">)";
  for (const auto& [state, n] : states) {
    if (n > 0) out += fmt::format("<span>{} {}</span>", n, badge(api::to_string(state)));
  }
  out += fmt::format("<span>{} of {} real servers {}</span>", up, servers, badge("up"));
  if (servers > up) out += fmt::format("<span>{} {}</span>", servers - up, badge("down"));
  return out + "</p>\n";
}

std::string vrrp_section(const std::vector<api::vrrp_instance>& instances, clock_point now) {
  std::string out = "<section id=\"vrrp\"><h2>VRRP instances</h2>\n";
  if (instances.empty()) return out + "<p>No VRRP instance.</p></section>\n";
  std::vector<row> rows;
  for (const auto& i : instances) {
    row r;
    std::string name = esc(i.name);
    if (i.sync_group) name += " <span class=\"sub\">group " + esc(*i.sync_group) + "</span>";
    r.add("Instance", name);
    r.add("Interface", esc(i.interface));
    r.add("n:VRID", std::to_string(i.vrid));
    std::string state = badge(api::to_string(i.state));
    if (!i.fault_reason.empty()) state += " " + esc(i.fault_reason);
    if (i.vips_held) state += " VIPs held for the master command";
    r.add("State", state);
    r.add("n:Priority", fmt::format("{} / {}", i.effective_priority, i.priority));
    r.add("Master", esc(or_dash(i.master)));
    r.add("Virtual IPs", or_dash(joined(i.virtual_ips, ", ")));
    std::string last = "-";
    if (const auto& t = i.last_transition) {
      last = fmt::format("{} → {} {}", api::to_string(t->from), api::to_string(t->to), when(t->at, now));
      if (!t->reason.empty()) last += "<br>" + esc(t->reason);
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
std::string bytes_rate(std::uint64_t b) {
  constexpr std::array<std::string_view, 4> units{"B/s", "kB/s", "MB/s", "GB/s"};
  auto x = static_cast<double>(b);
  std::size_t u = 0;
  while (x >= 1000 && u + 1 < units.size()) {
    x /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{} {}", b, units[0]) : fmt::format("{:.1f} {}", x, units[u]);
}

std::string server_weight(const api::real_server& rs) {
  std::string out = or_dash(rs.weight);
  if (!rs.weight || *rs.weight != rs.configured_weight) {
    out += fmt::format(" <span class=\"sub\">(configured {})</span>", rs.configured_weight);
  }
  if (rs.override_by == api::override_kind::weight) out += " " + badge("", "override " + or_dash(rs.override_weight));
  if (rs.override_by == api::override_kind::drain || rs.draining) out += " " + badge("pending", "DRAIN");
  if (rs.ejected) out += " " + badge("refused", "EJECTED") + " <span class=\"sub\">" + esc(*rs.ejected) + "</span>";
  if (rs.slow_start) out += " <span class=\"sub\">" + esc(*rs.slow_start) + "</span>";
  if (rs.agent) out += " " + badge("", "agent " + rs.agent->said);
  return out;
}

std::string service_block(const api::service& s) {
  std::vector<std::string> about{esc(s.key)};
  for (const auto& more : s.also) about.push_back(esc(more));
  about.push_back(esc(s.scheduler));
  about.push_back(s.source_nat ? "fullnat to " + esc(*s.source_nat) : std::string(api::to_string(s.method)));
  if (s.vrrp) about.push_back("vrrp " + esc(*s.vrrp));
  std::string out = fmt::format("<h3>{} <small>{}</small></h3>\n<p>", esc(s.name), fmt::join(about, " · "));
  out += s.quorum ? badge("ok", "quorum") : badge("refused", "NO QUORUM");
  if (s.sorry_active) out += " " + badge("pending", "sorry server active");
  out += fmt::format(" connections {} active, {} inactive", s.active_conns, s.inactive_conns);
  // No rates when the service is not in the kernel (yet, or IPVS is unavailable).
  if (s.stats) {
    out += fmt::format(" · {} conn/s · in {} · out {}", s.stats->cps, bytes_rate(s.stats->inbps),
                       bytes_rate(s.stats->outbps));
  }
  out += "</p>\n";
  std::vector<row> rows;
  for (const auto& rs : s.real_servers) {
    row r;
    r.cls = rs.state == api::health::down ? "down" : (rs.draining ? "drain" : "");
    r.add("Real server", esc(rs.address));
    r.add("Health", badge(api::to_string(rs.state)));
    r.add("w:Check", esc(or_dash(rs.reason)));
    r.add("Weight", server_weight(rs));
    r.add("n:Active", std::to_string(rs.active_conns));
    r.add("n:Inactive", std::to_string(rs.inactive_conns));
    r.add("n:Conn/s", rs.stats ? std::to_string(rs.stats->cps) : "-");
    r.add("n:In", rs.stats ? bytes_rate(rs.stats->inbps) : "-");
    r.add("n:Out", rs.stats ? bytes_rate(rs.stats->outbps) : "-");
    rows.push_back(std::move(r));
  }
  if (rows.empty()) return out + "<p>No real server.</p>\n";
  return out +
         table({"Real server", "Health", "w:Check", "Weight", "n:Active", "n:Inactive", "n:Conn/s", "n:In", "n:Out"},
               rows);
}

std::string services_section(const std::vector<api::service>& services) {
  std::string out = "<section id=\"services\"><h2>Virtual services</h2>\n";
  if (services.empty()) return out + "<p>No virtual service.</p></section>\n";
  for (const auto& s : services) out += "<div class=\"svc\">" + service_block(s) + "</div>\n";
  return out + "</section>\n";
}

std::string reload_section(const std::optional<api::reload_report>& report, clock_point now) {
  std::string out = "<section id=\"reload\"><h2>Last reload</h2>\n";
  if (!report) return out + "<p>None since lbd started.</p></section>\n";
  const auto& r = *report;
  const std::string_view result = api::to_string(r.result);
  out += fmt::format("<p>{} {}",
                     badge(result, r.ok() ? "ok" : (r.result == api::reload_result::partial ? "PARTIAL" : "REFUSED")),
                     when(r.at, now));
  if (!r.trigger.empty()) out += " by " + esc(r.trigger);
  if (!r.file.empty()) out += " from <code>" + esc(r.file) + "</code>";
  out += "</p>\n";
  if (!r.summary.empty()) out += "<p>" + esc(r.summary) + "</p>\n";
  out += fmt::format("<p class=\"sub\">{} IPVS operation(s), {} failed · {} warning(s) · {:.1f} ms", r.ipvs_ops,
                     r.ipvs_errors, r.warnings, r.duration_ms);
  if (auto restarted = joined(r.vrrp_restarted, ", "); !restarted.empty()) out += " · VRRP restarted: " + restarted;
  out += "</p>\n";
  if (!r.errors.empty()) {
    out += "<ul class=\"err\">";
    for (const auto& e : r.errors) out += "<li>" + esc(e) + "</li>";
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

std::string render_status_page(const api::daemon_status& status, clock_point now) {
  const std::string& node = status.node;
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"refresh\" content=\"{}\">\n<link rel=\"icon\" href=\"data:,\">\n"
      "<title>lbd on {}</title>\n<style>{}</style></head>\n<body>\n",
      status_page_refresh_seconds, esc(node.empty() ? "?" : node), style);
  out += header(status, now);
  out += "<main>\n" + summary(status);
  out += vrrp_section(status.vrrp, now);
  out += services_section(status.services);
  out += reload_section(status.reload, now);
  return out + "</main>\n</body></html>\n";
}

}  // namespace lbd::daemon
