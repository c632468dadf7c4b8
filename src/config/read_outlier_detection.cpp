// SPDX-License-Identifier: GPL-2.0-or-later
// outlier_detection of a [[virtual_server]] (lbd.conf(5), "Outlier detection") and slow_start of a
// service or real server ("Slow start"): how a real server is let in and out beyond its checks.
#include <fmt/format.h>

#include "config/read_virtual_server_parts.hpp"

namespace lbd::config::detail {

outlier_settings read_outlier_detection(const table_reader& r) {
  using namespace std::chrono_literals;
  outlier_settings o;
  // Below 100 ms a read of /proc/net/ip_vs_conn would run all the time on a large table, and a
  // connection could not have been answered yet in one round trip to a distant server.
  if (auto v = r.duration_at_least("interval", 100ms, "a read of the connection table every 100 ms at most")) {
    o.interval = *v;
  }
  if (auto v = r.integer("min_connections", 1, 1000000)) o.min_connections = static_cast<std::uint32_t>(*v);
  if (auto v = r.integer("unanswered_percent", 1, 100)) o.unanswered_percent = static_cast<std::uint32_t>(*v);
  if (auto v = r.integer("max_ejection_percent", 0, 100)) o.max_ejection_percent = static_cast<std::uint32_t>(*v);
  if (auto v = r.duration_at_least("base_ejection_time", 1s, "an ejection lasts at least one second")) {
    o.base_ejection_time = *v;
  }
  if (auto v = r.duration_value("max_ejection_time")) {
    if (*v < o.base_ejection_time) {
      r.error("max_ejection_time", fmt::format("{} is below base_ejection_time {}", format_duration(*v),
                                               format_duration(o.base_ejection_time)));
    } else {
      o.max_ejection_time = *v;
    }
  }
  r.finish({"interval", "min_connections", "unanswered_percent", "max_ejection_percent", "base_ejection_time",
            "max_ejection_time"});
  return o;
}

std::optional<duration> read_slow_start(const table_reader& r) {
  using namespace std::chrono_literals;
  auto v = r.duration_value("slow_start");
  if (!v || *v == duration::zero()) return v;
  // The weight climbs once a second: a shorter window would be one jump to full weight.
  if (*v < 1s) {
    r.error("slow_start", fmt::format("{} is below one second: the weight rises in steps of one second (\"0s\": none)",
                                      format_duration(*v)));
    return std::nullopt;
  }
  if (*v > 24h) {
    r.error("slow_start", fmt::format("{} is above one day", format_duration(*v)));
    return std::nullopt;
  }
  return v;
}

}  // namespace lbd::config::detail
