// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/slow_start.hpp"

#include <algorithm>

#include "daemon/services/desired_table.hpp"

namespace lbd::daemon {
namespace {

using namespace std::chrono_literals;
using healthcheck::time_point;

constexpr unsigned first_permille = 100;  // 10% of the weight at the start of a ramp
constexpr healthcheck::duration step = 1s;

// Steps of one second from the start to the end of the window (the last one may be shorter).
std::int64_t steps_of(const ramp& r) { return std::max<std::int64_t>(1, (r.window + step - 1ns) / step); }

std::int64_t steps_done(const ramp& r, time_point now) { return now <= r.since ? 0 : (now - r.since) / step; }

// `svc`: the service's first entry point in the desired table (nullptr: not there).
bool serving(const ipvs::service* svc, const config::real_server& rs) {
  if (svc == nullptr) return false;
  const auto d = svc->dests.find(dest_key_of(rs.address));
  return d != svc->dests.end() && d->second.attrs.weight > 0;
}

}  // namespace

std::string_view to_string(ramp_event::kind k) {
  switch (k) {
    case ramp_event::kind::started: return "started";
    case ramp_event::kind::finished: return "finished";
    case ramp_event::kind::cancelled: return "cancelled";
  }
  return "?";
}

unsigned ramp_permille(const ramp& r, time_point now) {
  const auto steps = steps_of(r);
  const auto done = steps_done(r, now);
  if (done >= steps) return 1000;
  return first_permille + static_cast<unsigned>((1000 - first_permille) * done / steps);
}

std::uint32_t ramped_weight(std::uint32_t weight, unsigned permille) {
  if (weight == 0) return 0;
  const auto w = (static_cast<std::uint64_t>(weight) * permille + 999) / 1000;
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(w, 1, weight));
}

std::vector<ramp_event> slow_starts::observe(const config::config& cfg, const ipvs::desired_state& want,
                                             const std::set<std::string>& adopted, time_point now) {
  std::vector<ramp_event> events;
  // Without a window anywhere and no ramp to finish, nothing can ramp: no state for each server
  // (100,000 of them held 11 MB). A reload that sets a window starts from what serves then.
  const bool any_window = std::any_of(cfg.virtual_servers.begin(), cfg.virtual_servers.end(), [](const auto& vs) {
    return std::any_of(vs.real_servers.begin(), vs.real_servers.end(),
                       [](const auto& rs) { return rs.slow_start > healthcheck::duration::zero(); });
  });
  if (!any_window && ramps_.empty() && resuming_.empty()) {
    seen_.clear();
    started_ = true;
    untracked_ = true;
    return events;
  }
  std::map<server_ref, seen> next;
  for (const auto& vs : cfg.virtual_servers) {
    const auto found = want.services.find(service_key_of(vs));  // once per service, not per server
    const ipvs::service* svc = found == want.services.end() ? nullptr : &found->second;
    for (const auto& rs : vs.real_servers) {
      server_ref ref{vs.name, rs.address};
      const bool in = serving(svc, rs);
      const auto before = seen_.find(ref);
      seen was = seen::out;  // a server a reload adds is let in as one that was out
      if (before != seen_.end()) {
        was = before->second;
      } else if (!started_) {
        was = in ? seen::serving : adopted.count(vs.name) != 0 ? seen::out : seen::cold;
      } else if (untracked_) {
        was = in ? seen::serving : seen::out;  // out now: it ramps when it returns
      }
      auto r = ramps_.find(ref);
      if (!started_ && !in && r != ramps_.end()) {
        // Restored, for a server not yet back (its first check after a restart that removed the
        // table): the ramp goes on when it returns.
        resuming_.insert(ramps_.extract(r));
        r = ramps_.end();
      }
      const auto resume = resuming_.find(ref);
      if (in && resume != resuming_.end()) {
        resume->second.window = rs.slow_start;
        const bool over = rs.slow_start == healthcheck::duration::zero() ||
                          steps_done(resume->second, now) >= steps_of(resume->second);
        if (over) {
          resuming_.erase(resume);  // it would have ended meanwhile: full weight, nothing to report
        } else {
          r = ramps_.insert(resuming_.extract(resume)).position;
        }
      }
      if (!in || rs.slow_start == healthcheck::duration::zero()) {
        if (r != ramps_.end()) {
          events.push_back({ramp_event::kind::cancelled, ref, r->second});
          ramps_.erase(r);
          r = ramps_.end();  // nothing left to finish below
        }
      } else if (r != ramps_.end()) {
        r->second.window = rs.slow_start;  // a reload that changes the window keeps the start
      } else if (was == seen::out) {
        r = ramps_.emplace(ref, ramp{now, rs.slow_start}).first;
        events.push_back({ramp_event::kind::started, ref, r->second});
      }
      if (r != ramps_.end() && steps_done(r->second, now) >= steps_of(r->second)) {
        events.push_back({ramp_event::kind::finished, ref, r->second});
        ramps_.erase(r);
      }
      next.emplace(std::move(ref), in ? seen::serving : was == seen::cold ? seen::cold : seen::out);
    }
  }
  // Servers that left the config take their ramps with them.
  for (auto* m : {&ramps_, &resuming_}) {
    for (auto it = m->begin(); it != m->end();) {
      it = next.count(it->first) == 0 ? m->erase(it) : std::next(it);
    }
  }

  seen_ = std::move(next);
  started_ = true;
  untracked_ = false;
  return events;
}

void slow_starts::scale(const config::config& cfg, ipvs::desired_state& want, time_point now) const {
  if (ramps_.empty()) return;
  for (const auto& vs : cfg.virtual_servers) {
    for (const auto& rs : vs.real_servers) {
      const auto r = ramps_.find(server_ref{vs.name, rs.address});
      if (r == ramps_.end()) continue;
      const auto permille = ramp_permille(r->second, now);
      for (const auto& key : service_keys_of(vs)) {
        const auto svc = want.services.find(key);
        if (svc == want.services.end()) continue;
        const auto d = svc->second.dests.find(dest_key_of(rs.address));
        if (d != svc->second.dests.end()) d->second.attrs.weight = ramped_weight(d->second.attrs.weight, permille);
      }
    }
  }
}

std::optional<time_point> slow_starts::next_step(time_point now) const {
  std::optional<time_point> due;
  for (const auto& [ref, r] : ramps_) {
    const auto at = r.since + (steps_done(r, now) + 1) * step;
    if (!due || at < *due) due = at;
  }
  return due;
}

const ramp* slow_starts::find(const server_ref& s) const {
  const auto it = ramps_.find(s);
  return it == ramps_.end() ? nullptr : &it->second;
}

}  // namespace lbd::daemon
