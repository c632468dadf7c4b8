// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/stats_exposition.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <utility>

#include "common/metrics.hpp"
#include "daemon/services/group_view.hpp"

namespace lbd::daemon {
namespace {

struct present {
  std::string label;  // service="<name>", escaped
  const ipvs::service* svc = nullptr;
};

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void sample(std::string& out, std::string_view name, std::string_view labels, std::uint64_t v) {
  fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, v);
}

using dest_value = std::function<std::uint64_t(const ipvs::dest_counters&)>;

// One family of the real servers': `name{service,server[,direction]}` for each destination.
void servers(std::string& out, const std::vector<present>& in, std::string_view name, std::string_view type,
             std::string_view help, const std::vector<std::pair<std::string_view, dest_value>>& values) {
  header(out, name, type, help);
  for (const auto& p : in) {
    for (const auto& [key, d] : p.svc->dests) {
      const auto labels = fmt::format("{},server=\"{}\"", p.label, metrics::escape_label_value(ipvs::to_string(key)));
      for (const auto& [direction, value] : values) {
        sample(out, name, direction.empty() ? labels : fmt::format("{},direction=\"{}\"", labels, direction),
               value(d.counters));
      }
    }
  }
}

using service_value = std::function<std::uint64_t(const ipvs::stats&)>;

void services(std::string& out, const std::vector<present>& in, std::string_view name, std::string_view help,
              const std::vector<std::pair<std::string_view, service_value>>& values) {
  header(out, name, "counter", help);
  for (const auto& p : in) {
    for (const auto& [direction, value] : values) {
      sample(out, name, direction.empty() ? p.label : fmt::format("{},direction=\"{}\"", p.label, direction),
             value(p.svc->stats));
    }
  }
}

}  // namespace

std::string render_ipvs_stats(const std::vector<stats_source>& sources, const ipvs::table& kernel) {
  std::deque<group_view> views;  // a group's merged service lives here while it is written
  std::vector<present> in;
  std::size_t dests = 0;
  for (const auto& s : sources) {
    const auto* svc = views.emplace_back(kernel, *s.keys).get();
    if (svc == nullptr) continue;
    in.push_back({fmt::format("service=\"{}\"", metrics::escape_label_value(std::string(s.name))), svc});
    dests += svc->dests.size();
  }
  if (in.empty()) return {};
  std::string out;
  out.reserve(dests * 7 * 110 + in.size() * 5 * 90);  // about what a line takes: one allocation
  servers(out, in, "lbd_ipvs_realserver_active_connections", "gauge", "Active connections to the real server",
          {{"", [](const ipvs::dest_counters& c) -> std::uint64_t { return c.active; }}});
  servers(out, in, "lbd_ipvs_realserver_bytes_total", "counter", "Bytes to and from the real server, by direction",
          {{"in", [](const ipvs::dest_counters& c) { return c.stats.inbytes; }},
           {"out", [](const ipvs::dest_counters& c) { return c.stats.outbytes; }}});
  servers(out, in, "lbd_ipvs_realserver_connections_total", "counter",
          "Connections the kernel scheduled to the real server",
          {{"", [](const ipvs::dest_counters& c) { return c.stats.conns; }}});
  servers(out, in, "lbd_ipvs_realserver_inactive_connections", "gauge", "Inactive connections to the real server",
          {{"", [](const ipvs::dest_counters& c) -> std::uint64_t { return c.inactive; }}});
  servers(out, in, "lbd_ipvs_realserver_packets_total", "counter", "Packets to and from the real server, by direction",
          {{"in", [](const ipvs::dest_counters& c) { return c.stats.inpkts; }},
           {"out", [](const ipvs::dest_counters& c) { return c.stats.outpkts; }}});
  services(out, in, "lbd_ipvs_service_bytes_total", "Bytes through the service, by direction",
           {{"in", [](const ipvs::stats& s) { return s.inbytes; }},
            {"out", [](const ipvs::stats& s) { return s.outbytes; }}});
  services(out, in, "lbd_ipvs_service_connections_total", "Connections the kernel scheduled for the service",
           {{"", [](const ipvs::stats& s) { return s.conns; }}});
  services(
      out, in, "lbd_ipvs_service_packets_total", "Packets through the service, by direction",
      {{"in", [](const ipvs::stats& s) { return s.inpkts; }}, {"out", [](const ipvs::stats& s) { return s.outpkts; }}});
  return out;
}

}  // namespace lbd::daemon
