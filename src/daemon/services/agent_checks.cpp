// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/agent_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace lbd::daemon {

namespace hc = healthcheck;

struct agent_checks::session {
  server_ref ref;
  hc::agent_settings settings;
  unsigned configured_weight = 0;
  std::unique_ptr<hc::check_timer> timer;
  agent_input input;
  // What the agent made of the server at the last change (with its check up): what a change is
  // judged against, so that each is logged once.
  hc::effective_server verdict;
  hc::time_point started{};
  // Dropped with the session: a query ending later finds it expired and is ignored.
  std::shared_ptr<int> alive = std::make_shared<int>(0);
};

namespace {

// The fields a reply changes that matter to IPVS: a new description alone changes nothing there.
bool same_effect(const std::optional<hc::agent_state>& a, const std::optional<hc::agent_state>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return a->weight_percent == b->weight_percent && a->admin == b->admin && a->operational == b->operational &&
         a->maxconn == b->maxconn && a->reachable == b->reachable;
}

bool notable(const std::string& event) { return event != "weight" && event != "ready" && event != "maxconn"; }

}  // namespace

agent_query agent_queries(const boost::asio::any_io_executor& ex, agent_query given,
                          std::unique_ptr<hc::agent_prober>& own) {
  if (given) return given;
  // Made at the first query: a configuration without agents never opens its epoll instance.
  return [ex, &own](const endpoint& target, const hc::agent_params& params, hc::duration timeout, hc::agent_handler h) {
    if (!own) own = std::make_unique<hc::agent_prober>(ex);
    own->async_query(target, params, timeout, std::move(h));
  };
}

agent_checks::agent_checks(boost::asio::any_io_executor ex, metrics::registry& m, hc::time_source& time,
                           agent_query query, std::function<void()> on_change)
    : ex_(std::move(ex)), metrics_(m), time_(time), query_(std::move(query)), on_change_(std::move(on_change)) {
  // The series exists from the start, so that a rate over it works before the first bad reply.
  metrics_.get_counter("lbd_agent_malformed_replies_total", "Agent check replies that were not understood");
}

agent_checks::~agent_checks() { stop(); }

void agent_checks::configure(const config::config& cfg) {
  std::map<server_ref, std::unique_ptr<session>> next;
  for (const auto& vs : cfg.virtual_servers) {
    for (const auto& rs : vs.real_servers) {
      if (!rs.agent) continue;
      server_ref ref{vs.name, rs.address};
      auto old = sessions_.find(ref);
      if (old != sessions_.end() && old->second->settings == *rs.agent) {
        old->second->configured_weight = rs.weight;
        next.emplace(ref, std::move(old->second));
        continue;
      }
      auto s = std::make_unique<session>();
      s->ref = ref;
      s->settings = *rs.agent;
      s->configured_weight = rs.weight;
      s->timer = time_.make_timer(ex_);
      s->input.when_unreachable = rs.agent->unreachable;
      s->verdict = hc::combine_agent(true, std::nullopt, rs.weight);
      start_query(*s);
      next.emplace(std::move(ref), std::move(s));
    }
  }
  stop();  // what is left: servers gone, or their agent changed
  sessions_ = std::move(next);
}

void agent_checks::stop() {
  for (auto& [ref, s] : sessions_) {
    if (s) s->timer->cancel();  // null: moved on to the next configuration
  }
  sessions_.clear();
}

agent_inputs agent_checks::inputs() const {
  agent_inputs out;
  for (const auto& [ref, s] : sessions_) out.emplace(ref, s->input);
  return out;
}

const agent_input* agent_checks::find(const server_ref& s) const {
  const auto it = sessions_.find(s);
  return it == sessions_.end() ? nullptr : &it->second->input;
}

void agent_checks::start_query(session& s) {
  s.started = time_.now();
  const endpoint target{s.ref.address.address, s.settings.port};
  query_(target, hc::agent_params{s.settings.send}, s.settings.timeout,
         [this, &s, alive = std::weak_ptr<int>(s.alive)](hc::agent_result r) {
           if (alive.expired()) return;
           on_result(s, std::move(r));
         });
}

void agent_checks::on_result(session& s, hc::agent_result r) {
  if (r.probe.kind == "malformed") {
    metrics_.get_counter("lbd_agent_malformed_replies_total", "Agent check replies that were not understood").inc();
  }
  const auto before = s.input.state;
  s.input.state = hc::apply_agent_reply(before.value_or(hc::agent_state{}), r.reply ? &*r.reply : nullptr);
  s.input.last_reason = r.probe.reason;
  // The next query one interval after this one started (at once if it took longer).
  const auto next = std::max(s.started + s.settings.interval, time_.now());
  s.timer->async_wait_until(next, [this, &s, alive = std::weak_ptr<int>(s.alive)](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    start_query(s);
  });
  if (same_effect(before, s.input.state)) return;

  const auto after = hc::combine_agent(true, s.input.state, s.configured_weight, s.input.when_unreachable);
  if (after.up != s.verdict.up || after.weight != s.verdict.weight || after.draining != s.verdict.draining ||
      after.upper_threshold != s.verdict.upper_threshold) {
    const auto event = agent_event(s.input, s.verdict, after, s.configured_weight);
    const auto server = to_string(s.ref.address);
    auto line = log_.with({{log::event_field, "agent_" + event},
                           {log::service_field, s.ref.service},
                           {log::server_field, server},
                           {log::reason_field, r.probe.reason}});
    line.log(notable(event) ? log::level::notice : log::level::info, "{} in {}: {} ({})", server, s.ref.service,
             agent_summary(s.input, s.configured_weight), r.probe.reason);
    metrics_
        .get_counter("lbd_agent_events_total", "Changes the agent checks made to real servers, by kind",
                     {{"service", s.ref.service}, {"event", event}})
        .inc();
    s.verdict = after;
  }
  if (on_change_) on_change_();
}

}  // namespace lbd::daemon
