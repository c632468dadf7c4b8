// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/build_info.hpp"

// LBD_VERSION is CMake's project version, set on this file alone (src/daemon/CMakeLists.txt).
#ifndef LBD_VERSION
#error "LBD_VERSION must be defined by the build"
#endif

namespace lbd::daemon {

void export_build_info(metrics::registry& m) {
  m.get_gauge("lbd_build_info", "lbd version, as a label; the value is always 1", {{"version", LBD_VERSION}}).set(1);
}

}  // namespace lbd::daemon
