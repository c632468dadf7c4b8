// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/ipvs_worker.hpp"

#include "common/thread_tuning.hpp"

namespace lbd::daemon {

ipvs_worker::ipvs_worker(boost::asio::io_context& home, ipvs::backend& kernel, metrics::registry& home_metrics,
                         bool own_thread)
    : home_(home.get_executor()),
      own_thread_(own_thread),
      work_(io_.get_executor()),
      reconciler_(kernel, own_thread_ ? own_metrics_ : home_metrics) {
  if (!own_thread_) return;
  thread_ = std::thread([this] {
    tuning::name_thread("lbd-ipvs");
    io_.run();
  });
}

ipvs_worker::~ipvs_worker() {
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

ipvs_worker::snapshot ipvs_worker::finished() {
  snapshot s;
  s.seq = ++jobs_;
  if (own_thread_) s.metrics = std::make_shared<const metrics::registry>(own_metrics_.copy());
  s.draining = reconciler_.drains().draining_now();
  return s;
}

void ipvs_worker::take(snapshot& seen, snapshot next) {
  if (next.seq > seen.seq) seen = std::move(next);
}

}  // namespace lbd::daemon
