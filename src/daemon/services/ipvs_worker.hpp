// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The IPVS worker: the thread on which lbd reads and writes the kernel's IPVS state. A pass over a
// large table takes seconds (about 0.5 s natively and 4.5 s in a TCG guest for 110k entries); on
// the main loop it would hold up health-check timers, metrics scrapes and lbctl for that long.
//
// Thread-safety by construction, no locks: the worker alone owns the reconciler (and with it the
// drain tracker, the backend's netlink socket and the metrics the reconciler counts). The main loop
// hands it jobs, each a function of the reconciler whose inputs are copied in, and gets the result
// back as a value:
// - submit(job, done): the periodic pass, the passes health changes ask for, slow-start steps and
//   the sync daemon's role changes. The main loop goes on; `done` is posted back to it.
// - run(job): start-up, reload and stop, whose callers need the outcome (a reload reports its
//   operations, a stop returns once the kernel is clean). The main loop waits; the worker never
//   waits for the main loop, so this cannot deadlock.
// Jobs run in the order given, so a result never overtakes an older one on the worker; on the main
// loop a run() can finish before a submitted job's `done` arrives, which is why results carry a
// sequence number (see service_runtime::impl::finish_pass).
//
// Without a thread of its own (unit tests on fake time), a job runs at once on the caller's thread
// and `done` is called before submit() returns, and the reconciler counts into the main loop's
// registry.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <cstdint>
#include <memory>
#include <set>
#include <thread>
#include <type_traits>
#include <utility>

#include "common/call_on.hpp"
#include "common/metrics.hpp"
#include "ipvs/backend.hpp"
#include "ipvs/reconciler.hpp"

namespace lbd::daemon {

class ipvs_worker {
 public:
  // `own_thread`: the daemon; false: jobs run on the caller's thread (tests).
  ipvs_worker(boost::asio::io_context& home, ipvs::backend& kernel, metrics::registry& home_metrics, bool own_thread);
  // Finishes the jobs already given, then ends the thread.
  ~ipvs_worker();
  ipvs_worker(const ipvs_worker&) = delete;
  ipvs_worker& operator=(const ipvs_worker&) = delete;

  // Runs job(reconciler) on the worker, then done(result) on the home loop. `done` may run after
  // its requester is gone: it must check that itself.
  template <typename Job, typename Done>
  void submit(Job job, Done done) {
    using R = std::invoke_result_t<Job&, ipvs::reconciler&>;
    if (!own_thread_) {
      R r = job(reconciler_);
      take(finished());
      done(std::move(r));
      return;
    }
    boost::asio::post(io_, [this, job = std::move(job), done = std::move(done)]() mutable {
      auto r = std::make_shared<R>(job(reconciler_));
      boost::asio::post(home_, [seen = seen_, snap = finished(), r, done = std::move(done)]() mutable {
        take(*seen, std::move(snap));
        done(std::move(*r));
      });
    });
  }

  // Runs job(reconciler) on the worker and returns its result.
  template <typename Job>
  std::invoke_result_t<Job&, ipvs::reconciler&> run(Job job) {
    if (!own_thread_) {
      auto r = job(reconciler_);
      take(finished());
      return r;
    }
    auto [r, snap] = call_on(io_, [this, &job] { return std::make_pair(job(reconciler_), finished()); });
    take(std::move(snap));
    return std::move(r);
  }

  // The reconciler's metrics as of the last job whose result reached the home loop, to render
  // beside the home registry; nullptr without a thread (they are in the home registry).
  [[nodiscard]] const metrics::registry* metrics() const { return seen_->metrics.get(); }
  // Whether the drain tracker held the destination at the last job whose result reached home.
  [[nodiscard]] bool draining(const ipvs::service_key& s, const ipvs::dest_key& d) const {
    return seen_->draining.count({s, d}) != 0;
  }
  // The services with a destination draining then.
  [[nodiscard]] ipvs::ownership draining_services() const {
    ipvs::ownership out;
    for (const auto& entry : seen_->draining) out.insert(out.end(), entry.first);
    return out;
  }

 private:
  // What the home loop sees of the worker's state after a job: a copy made on the worker.
  struct snapshot {
    std::uint64_t seq = 0;
    std::shared_ptr<const metrics::registry> metrics;
    std::set<std::pair<ipvs::service_key, ipvs::dest_key>> draining;
  };
  // Made on the worker at the end of each job.
  snapshot finished();
  // On the home loop: the newest snapshot wins (a run() may overtake a submitted job's `done`).
  static void take(snapshot& seen, snapshot next);
  void take(snapshot next) { take(*seen_, std::move(next)); }

  boost::asio::any_io_executor home_;
  const bool own_thread_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  metrics::registry own_metrics_;  // worker only (with a thread)
  ipvs::reconciler reconciler_;    // worker only
  std::uint64_t jobs_ = 0;         // worker only
  // Home loop only; shared with the `done` handlers in flight, which may outlive this object.
  std::shared_ptr<snapshot> seen_ = std::make_shared<snapshot>();
  std::thread thread_;
};

}  // namespace lbd::daemon
