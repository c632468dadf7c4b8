// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// One [[vrrp]] instance as `lbctl vrrp` / `lbctl status` show it, pure: the object format is
// documented in vrrp_thread.hpp (status()).
#include <nlohmann/json.hpp>

#include "daemon/vrrp/vrrp_messages.hpp"

namespace lbd::daemon {

nlohmann::json to_json(const vrrp_instance_view& v);

}  // namespace lbd::daemon
