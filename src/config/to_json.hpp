// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The normalised configuration as JSON (`lbd --check --print`): the lbd.conf keys and spellings,
// with every default resolved, durations in format_duration() form and addresses canonical. Keys
// that are unset and have no default are left out. load_json() reads it back.
#include <nlohmann/json.hpp>

#include "config/model.hpp"

namespace lbd::config {

using json = nlohmann::ordered_json;

json to_json(const config& c);
json to_json(const global_settings& g);
json to_json(const ipvs_settings& s);
json to_json(const vrrp_instance& v);
json to_json(const sync_group_settings& g);
json to_json(const anycast_group& g);
json to_json(const check_settings& c);
json to_json(const real_server& rs);
json to_json(const virtual_server& vs);  // with its real servers

}  // namespace lbd::config
