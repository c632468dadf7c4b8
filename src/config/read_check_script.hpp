// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The keys of a script check of a health-check table: command, dynamic_weight, and the account it
// runs as.
#include "config/reader.hpp"
#include "healthcheck/check_spec.hpp"

namespace lbd::config::detail {

// `fresh`: the parameters start from defaults (not inherited), so required keys must be present.
void read_script(const table_reader& r, healthcheck::script_params& s, bool fresh);

}  // namespace lbd::config::detail
