// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The agent checks of the running config: one session per real server with an `agent` table,
// asking its agent every interval (one query at a time, through one query function the daemon
// binds to its agent_prober), folding the replies into the server's agent_state, logging each
// change of what the agent makes of the server once (notice for maint/down/drain/unreachable, info
// for weights), counting lbd_agent_events_total{service,event} and
// lbd_agent_malformed_replies_total, and telling its owner when the state changed, so that the
// desired table (desired_table.hpp, agent_view.hpp) is computed again.
//
// A reload keeps the session, and so what the agent said, of every real server whose agent
// settings are unchanged: no reply is replayed, no server flaps to its full weight.
#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <map>
#include <memory>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "config/model.hpp"
#include "daemon/services/agent_view.hpp"
#include "healthcheck/agent_prober.hpp"
#include "healthcheck/time_source.hpp"

namespace lbd::daemon {

// How one query is made: agent_prober::async_query in the daemon, a fake in tests.
using agent_query = std::function<void(const endpoint& target, const healthcheck::agent_params& params,
                                       healthcheck::duration timeout, healthcheck::agent_handler handler)>;

// `given`, or else queries through an agent prober made at the first query and kept in `own`
// (the daemon's one), which must outlive the queries.
agent_query agent_queries(const boost::asio::any_io_executor& ex, agent_query given,
                          std::unique_ptr<healthcheck::agent_prober>& own);

class agent_checks {
 public:
  // `on_change` runs, from the loop, after a query changed a server's agent state.
  agent_checks(boost::asio::any_io_executor ex, metrics::registry& m, healthcheck::time_source& time, agent_query query,
               std::function<void()> on_change);
  ~agent_checks();
  agent_checks(const agent_checks&) = delete;
  agent_checks& operator=(const agent_checks&) = delete;

  // Starts the agents of `cfg`'s real servers, keeps those unchanged, stops the others.
  void configure(const config::config& cfg);
  // Stops every session (queries in flight are ignored when they end).
  void stop();

  // What each real server with an agent has been told, by server.
  [[nodiscard]] agent_inputs inputs() const;
  [[nodiscard]] const agent_input* find(const server_ref& s) const;

 private:
  struct session;
  void start_query(session& s);
  void on_result(session& s, healthcheck::agent_result r);

  boost::asio::any_io_executor ex_;
  metrics::registry& metrics_;
  healthcheck::time_source& time_;
  agent_query query_;
  std::function<void()> on_change_;
  log::logger log_{"agent"};
  std::map<server_ref, std::unique_ptr<session>> sessions_;
};

}  // namespace lbd::daemon
