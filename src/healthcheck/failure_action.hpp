// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What becomes of a failed real server. A pure value: lbd.conf's on_failure reads into it directly.

namespace lbd::healthcheck {

enum class failure_action { drain, remove };  // drain: keep the failed server at weight 0

}  // namespace lbd::healthcheck
