// SPDX-License-Identifier: GPL-2.0-or-later
// The service runtime's passive outlier detection: one read of /proc/net/ip_vs_conn for every
// service due, each service's rows to its detector (outliers.hpp), ejections and returns to its
// monitor (down like a failed check, with the evidence as the reason), events logged and counted.
#include <fmt/format.h>

#include <algorithm>

#include "common/text_file.hpp"
#include "daemon/services/service_runtime_impl.hpp"

namespace lbd::daemon {
namespace {

std::vector<endpoint> addresses_of(const config::virtual_server& vs) {
  std::vector<endpoint> out;
  out.reserve(vs.real_servers.size());
  for (const auto& rs : vs.real_servers) out.push_back(rs.address);
  return out;
}

}  // namespace

result<std::string, std::string> read_kernel_connections() { return read_text_file("/proc/net/ip_vs_conn"); }

void service_runtime::impl::configure_outliers() {
  std::map<std::string, outlier_entry> next;
  for (auto& e : services_) {
    if (!e.vs->outliers) continue;
    auto prev = outliers_.find(e.vs->name);
    if (prev == outliers_.end()) {
      next.emplace(e.vs->name, outlier_entry{outlier_detector(*e.vs->outliers, addresses_of(*e.vs)), {}});
      continue;
    }
    // Kept across a reload: the servers that stay keep their history and ejection, and a rebuilt
    // monitor learns which of them are out without a second event.
    auto& kept = next.emplace(e.vs->name, std::move(prev->second)).first->second;
    kept.detector.configure(*e.vs->outliers, addresses_of(*e.vs));
    for (const auto& rs : e.vs->real_servers) {
      if (kept.detector.ejection(rs.address)) e.monitor->set_ejected(rs.address, true, "outlier ejection", true);
    }
  }
  for (const auto& [name, entry] : outliers_) {
    if (next.count(name) == 0) {
      metrics_.remove("lbd_realservers_ejected", {{"service", name}});
      for (const char* ev : {"ejected", "returned", "held"}) {
        metrics_.remove("lbd_outlier_events_total", {{"service", name}, {"event", ev}});
      }
    }
  }
  outliers_ = std::move(next);
  for (const auto& [name, entry] : outliers_) {
    metrics_.get_gauge("lbd_realservers_ejected", "Real servers out by passive outlier detection", {{"service", name}})
        .set(static_cast<double>(entry.detector.ejected_count()));
  }
  arm_outliers();
}

void service_runtime::impl::arm_outliers() {
  outlier_timer_->cancel();
  if (stopped_ || outliers_.empty()) return;
  auto due = outliers_.begin()->second.due;
  for (const auto& [name, entry] : outliers_) due = std::min(due, entry.due);
  due = std::max(due, time_.now());
  outlier_timer_->async_wait_until(due,
                                   [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
                                     if (ec || alive.expired() || stopped_ || outliers_reading_) return;
                                     read_outliers();
                                   });
}

void service_runtime::impl::read_outliers() {
  // The connection table of a busy director has hundreds of thousands of lines: read and parsed on
  // the IPVS worker, judged here.
  outliers_reading_ = true;
  ipvs_.submit(
      [read = read_connections_](ipvs::reconciler&) -> result<ipvs::conn_table, std::string> {
        auto text = read();
        if (!text) return unexpected(text.error());
        return ipvs::parse_conn_table(*text);
      },
      [this, alive = std::weak_ptr<int>(alive_), now = time_.now()](result<ipvs::conn_table, std::string> table) {
        if (alive.expired()) return;
        outliers_reading_ = false;
        if (stopped_) return;
        judge_outliers(table, now);
        arm_outliers();
      });
}

void service_runtime::impl::judge_outliers(const result<ipvs::conn_table, std::string>& table,
                                           healthcheck::time_point now) {
  if (!table) {
    // Without the table there is no evidence: nobody is ejected, and those out come back on time
    // at the next read that works (never kept out by a broken read).
    if (!outliers_paused_) {
      log_.warning("outlier detection paused: reading the connection table failed: {}", table.error());
      outliers_paused_ = true;
    }
    for (auto& [name, entry] : outliers_) entry.due = now + entry.detector.settings().interval;
    return;
  }
  if (outliers_paused_) log_.notice("outlier detection resumed: the connection table reads again");
  outliers_paused_ = false;
  for (auto& [name, entry] : outliers_) {
    if (entry.due > now) continue;
    entry.due = now + entry.detector.settings().interval;
    const auto* e = find_entry(name);
    if (e == nullptr || !e->monitor) continue;
    std::vector<ipvs::connection> rows;
    for (const auto& k : e->keys) {
      auto mine = ipvs::connections_of(table->rows, k, last_kernel_);
      rows.insert(rows.end(), std::make_move_iterator(mine.begin()), std::make_move_iterator(mine.end()));
    }
    for (auto& ev : entry.detector.on_read(rows, now)) note_outlier(name, *e, ev);
    metrics_.get_gauge("lbd_realservers_ejected", "Real servers out by passive outlier detection", {{"service", name}})
        .set(static_cast<double>(entry.detector.ejected_count()));
  }
}

void service_runtime::impl::note_outlier(const std::string& service, const service_entry& e, const outlier_event& ev) {
  metrics_
      .get_counter("lbd_outlier_events_total", "Passive outlier detection: ejections, returns, ejections held back",
                   {{"service", service}, {"event", to_string(ev.what)}})
      .inc();
  // Ejections and returns are logged once, by the monitor, as the server going down or up with
  // this evidence; a held ejection changes nothing, so it is logged here.
  if (ev.what == outlier_event::kind::held) {
    log_.with({{log::event_field, "outlier_held"},
               {log::service_field, service},
               {log::server_field, to_string(ev.server)},
               {log::reason_field, ev.evidence}})
        .warning("outlier detection: {} in {} not ejected: {}", to_string(ev.server), service, ev.evidence);
    return;
  }
  const bool out = ev.what == outlier_event::kind::ejected;
  e.monitor->set_ejected(ev.server, out, out ? "outlier: " + ev.evidence : "outlier ejection over: " + ev.evidence);
}

void service_runtime::read_connections_with(std::function<result<std::string, std::string>()> read) {
  impl_->read_connections_ = std::move(read);
}

}  // namespace lbd::daemon
