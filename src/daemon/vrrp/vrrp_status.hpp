// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// One [[vrrp]] instance as `lbctl vrrp` / `lbctl status` show it (status/answers.hpp). Pure.
#include "daemon/vrrp/vrrp_messages.hpp"
#include "status/answers.hpp"

namespace lbd::daemon {

api::vrrp_state to_answer(vrrp::state s);
api::vrrp_instance to_answer(const vrrp_instance_view& v);

}  // namespace lbd::daemon
