// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbd_build_info{version="..."} 1: which lbd a director runs, for dashboards and upgrades.
#include "common/metrics.hpp"

namespace lbd::daemon {

void export_build_info(metrics::registry& m);

}  // namespace lbd::daemon
