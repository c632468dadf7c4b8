// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The IPVS planner: the difference between what the kernel holds and what lbd wants, as the
// shortest ordered list of operations. Pure: states in, operations out.
#include <string>
#include <vector>

#include "ipvs/desired.hpp"
#include "ipvs/model.hpp"

namespace lbd::ipvs {

enum class op_kind : std::uint8_t {
  add_service,
  edit_service,
  del_service,
  add_dest,
  edit_dest,
  del_dest,
  set_timeouts,  // tmo: a zero field leaves the kernel's value
  start_daemon,  // daemon
  stop_daemon,   // daemon.state
};

struct op {
  op_kind kind = op_kind::add_service;
  service_key service;
  service_attrs svc;   // add_service, edit_service
  dest_key dest;       // *_dest
  dest_attrs dst;      // add_dest, edit_dest
  timeouts tmo;        // set_timeouts
  sync_daemon daemon;  // start_daemon, stop_daemon (state only)
  friend bool operator==(const op&, const op&) = default;
};

std::string_view to_string(op_kind k);  // "add_service", ... (metric label values)
// One line naming the change: "add service tcp 192.0.2.10:80 (wlc)",
// "edit destination 10.0.1.11:8080 of tcp 192.0.2.10:80 (weight 3)".
std::string describe(const op& o);

// Operations that turn `kernel` into `desired` for the services in `owned`; services outside `owned`
// are never touched, whatever either table says about them. Order: destination deletes, service
// deletes, service adds and edits, destination adds and edits, so a service exists before its
// destinations and a destination never outlives the pass that removes it. Deleting a service
// removes its destinations in the kernel, so no destination deletes are planned for it.
std::vector<op> plan(const table& kernel, const table& desired, const ownership& owned);

// Everything IPVS: first the timeouts (when a non-zero desired value differs), then the sync daemons
// (when lbd owns them: those not wanted stopped, then the missing ones started; the kernel runs one
// per state, so a change of settings is a stop and a start), then the table as above.
std::vector<op> plan(const kernel_state& kernel, const desired_state& desired, const owned_state& owned);
// The same with `services` as the table wanted (desired's own table ignored): the reconciler's
// table with the destinations still draining, without copying the desired state into another.
std::vector<op> plan(const kernel_state& kernel, const desired_state& desired, const table& services,
                     const owned_state& owned);

}  // namespace lbd::ipvs
