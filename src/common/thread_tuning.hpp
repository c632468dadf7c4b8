// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What an operator can ask of the scheduler and the memory manager for the parts of lbd that must
// never wait: keepalived's `vrrp_rt_priority` and `vrrp_no_swap`, for lbd's VRRP thread and process.
#include <string>

#include "common/result.hpp"

namespace lbd::tuning {

// Names the calling thread (at most 15 characters), as `top -H`, `ps -L` and /proc show it.
void name_thread(const char* name);
// The calling thread under SCHED_RR at `priority` (1-99), or back to SCHED_OTHER with 0. Needs
// CAP_SYS_NICE (and, under systemd, RestrictRealtime=no).
status<std::string> set_thread_realtime(unsigned priority);
// The calling thread's scheduling, e.g. "SCHED_RR 50" or "SCHED_OTHER".
std::string thread_scheduling();
// Locks every resident page of the process in memory, now and as more become resident (mlockall),
// or unlocks them: a swapped out page can stall VRRP for as long as the disk takes. Needs
// CAP_IPC_LOCK.
status<std::string> lock_memory(bool on);

}  // namespace lbd::tuning
