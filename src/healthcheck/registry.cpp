// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/registry.hpp"

#include <cstdlib>
#include <vector>

namespace lbd::healthcheck {

registry::subscription& registry::subscription::operator=(subscription&& o) noexcept {
  if (this != &o) {
    reset();
    registry_ = std::exchange(o.registry_, nullptr);
    key_ = std::move(o.key_);
    id_ = std::exchange(o.id_, 0);
  }
  return *this;
}

void registry::subscription::reset() {
  if (registry_ != nullptr) std::exchange(registry_, nullptr)->unsubscribe(key_, id_);
}

const server_state& registry::subscription::state() const {
  const server_state* s = registry_ != nullptr ? registry_->find(key_) : nullptr;
  if (s == nullptr) std::abort();  // use of an empty subscription
  return *s;
}

registry::registry(boost::asio::any_io_executor ex, prober& p, metrics::registry& m, time_source& time)
    : ex_(std::move(ex)), prober_(p), metrics_(m), time_(time) {}

registry::~registry() {
  for (auto& [key, e] : checks_) e.session->stop();
}

registry::subscription registry::subscribe(const check_spec& spec, subscriber s) {
  std::string key = canonical_key(spec);
  auto it = checks_.find(key);
  if (it == checks_.end()) {
    checks_per_second_ += per_second(spec);
    check_spec timed = spec;
    timed.timing.start_grid = start_grid_for(spec.timing.interval, checks_per_second_);
    auto session = std::make_shared<check_session>(ex_, prober_, metrics_, std::move(timed), time_);
    it = checks_.emplace(key, entry{session, {}}).first;
    // A stopped session calls no listener, and the entry is only erased after stopping its
    // session: while the listener runs, the entry exists.
    session->set_listener([this, en = &it->second](const check_event& e) { dispatch(*en, e); });
    session->start();
    update_gauge();
    regrid();
  }
  const std::uint64_t id = next_id_++;
  it->second.subscribers.emplace(id, std::make_shared<subscriber>(std::move(s)));
  return subscription(this, std::move(key), id);
}

void registry::unsubscribe(const std::string& key, std::uint64_t id) {
  auto it = checks_.find(key);
  if (it == checks_.end()) return;
  it->second.subscribers.erase(id);
  if (it->second.subscribers.empty()) {
    it->second.session->stop();
    checks_per_second_ -= per_second(it->second.session->spec());
    checks_.erase(it);
    update_gauge();
    regrid();
  }
}

double registry::per_second(const check_spec& spec) {
  return 1.0 / std::chrono::duration<double>(spec.timing.interval).count();
}

void registry::regrid() {
  // Only when the rate crosses to another grid step (a handful of times while 10k checks are
  // added one by one): then every check moves to the grid of the new rate.
  const duration by_rate = start_grid_for(duration::max(), checks_per_second_);
  if (by_rate == grid_by_rate_) return;
  grid_by_rate_ = by_rate;
  for (auto& [key, e] : checks_) {
    e.session->set_start_grid(start_grid_for(e.session->spec().timing.interval, checks_per_second_));
  }
}

void registry::dispatch(entry& en, const check_event& e) {
  if (en.subscribers.size() == 1) {
    // The usual case, once per result: no lookups. The call may unsubscribe and erase `en`.
    const auto s = en.subscribers.begin()->second;
    (*s)(e);
    return;
  }
  // A subscriber may unsubscribe itself or others while being called, which can erase the entry:
  // walk a copy of the ids and find the entry again by its key after each call.
  const std::string key = canonical_key(e.spec);
  std::vector<std::uint64_t> ids;
  ids.reserve(en.subscribers.size());
  for (const auto& [id, s] : en.subscribers) ids.push_back(id);
  for (auto id : ids) {
    auto it = checks_.find(key);
    if (it == checks_.end()) return;
    auto sub = it->second.subscribers.find(id);
    if (sub == it->second.subscribers.end()) continue;
    const auto s = sub->second;
    (*s)(e);
  }
}

std::size_t registry::subscribers(const std::string& key) const {
  auto it = checks_.find(key);
  return it == checks_.end() ? 0 : it->second.subscribers.size();
}

const server_state* registry::find(const std::string& key) const {
  auto it = checks_.find(key);
  return it == checks_.end() ? nullptr : &it->second.session->state();
}

void registry::for_each(const std::function<void(const check_spec&, const server_state&)>& f) const {
  for (const auto& [key, e] : checks_) f(e.session->spec(), e.session->state());
}

void registry::update_gauge() {
  metrics_.get_gauge("lbd_checks_running", "Distinct health checks running (after dedup)")
      .set(static_cast<double>(checks_.size()));
}

}  // namespace lbd::healthcheck
