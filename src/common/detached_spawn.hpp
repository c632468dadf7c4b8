// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Starts a program and forgets it: no shell (argv[0] is an absolute path), stdin on /dev/null, in a
// session of its own, and reparented to init at once (double fork), so it outlives lbd and never
// becomes a zombie of ours. For the notify commands of a stopping daemon, whose io_context will not
// run long enough to see them end (common/process kills its children when the io_context goes).
#include <string>
#include <vector>

#include "common/result.hpp"

namespace lbd {

// The error says why the intermediate process could not be created; exec failures of the program
// itself cannot be seen (it runs detached) and end it with status 127.
status<std::string> spawn_detached(const std::vector<std::string>& argv);

}  // namespace lbd
