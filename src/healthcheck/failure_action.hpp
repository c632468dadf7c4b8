// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What becomes of a failed real server. A pure value: lbd.conf's on_failure reads into it directly.

namespace lbd::healthcheck {

// drain: weight 0 while its connections last (at most global.drain_timeout), then removed.
// remove: deleted at once. inhibit: weight 0 until it passes its check again, never removed
// (keepalived's inhibit_on_failure).
enum class failure_action { drain, remove, inhibit };

}  // namespace lbd::healthcheck
