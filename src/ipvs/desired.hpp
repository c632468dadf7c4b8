// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Everything lbd wants the kernel's IPVS to hold, and what it holds, as values: the table, the
// global timeouts and the connection-sync daemons. plan() (plan.hpp) turns the difference into
// operations; the reconciler is the one place that sends them.
#include <map>
#include <set>
#include <vector>

#include "ipvs/model.hpp"

namespace lbd::ipvs {

struct op;
struct op_result;

// What the kernel holds. `timeouts` and `daemons` are read only when the plan needs them.
struct kernel_state {
  table services;
  ipvs::timeouts timeouts;
  std::vector<sync_daemon> daemons;
};

struct desired_state {
  table services;
  ownership owned;    // every configured service
  ownership drained;  // services whose departing destinations drain (drain_tracker)
  // Services drained only because an operator drains some of their servers (on_failure = remove):
  // there, only these destinations may drain; the others leave at once.
  std::map<service_key, std::set<dest_key>> drain_only;
  ipvs::timeouts timeouts;  // a zero field: leave the kernel's value
  // At most one per state (the kernel runs one master and one backup). A zero or unset setting
  // means "the kernel's default", so a running daemon reporting the default matches.
  std::vector<sync_daemon> daemons;
};

// What lbd may change: the services of its config plus those it owned before a reload, and the
// sync daemons when lbd manages them (configured, or started by lbd and still to stop).
struct owned_state {
  ownership services;
  bool sync_daemons = false;
};

// Whether a running daemon `have` is what `want` asks for (want's zero settings: any value).
bool same_daemon(const sync_daemon& have, const sync_daemon& want);

// The kernel as the drain tracker should see it: under the services of `drain_only`, destinations
// that may not drain are hidden, so they are deleted at once rather than drained.
table drain_view(const table& kernel, const desired_state& d);

// The services whose wanted state differs between two desired states: one side only, other
// attributes, other destinations or destination attributes, drained or not, other destinations
// allowed to drain. What a pass after a change (a health result, a reload, an override) must look
// at; every other service is as the earlier pass left it.
ownership changed_services(const desired_state& before, const desired_state& after);

// The kernel state after the operations that succeeded (results[i].ok()), without reading it again.
void patch(table& kernel, const std::vector<op>& ops, const std::vector<op_result>& results);
void patch(kernel_state& kernel, const std::vector<op>& ops, const std::vector<op_result>& results);

}  // namespace lbd::ipvs
