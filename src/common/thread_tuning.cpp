// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/thread_tuning.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>

namespace lbd::tuning {

void name_thread(const char* name) { ::pthread_setname_np(::pthread_self(), name); }

status<std::string> set_thread_realtime(unsigned priority) {
  if (priority > 99) return unexpected(fmt::format("realtime priority {} is not in 1-99", priority));
  sched_param param{};
  param.sched_priority = static_cast<int>(priority);
  const int policy = priority == 0 ? SCHED_OTHER : SCHED_RR;
  if (int rc = ::pthread_setschedparam(::pthread_self(), policy, &param); rc != 0) {
    return unexpected(
        fmt::format("{}: {}", priority == 0 ? "SCHED_OTHER" : fmt::format("SCHED_RR {}", priority), std::strerror(rc)));
  }
  return ok;
}

std::string thread_scheduling() {
  int policy = 0;
  sched_param param{};
  if (::pthread_getschedparam(::pthread_self(), &policy, &param) != 0) return "unknown";
  switch (policy) {
    case SCHED_RR: return fmt::format("SCHED_RR {}", param.sched_priority);
    case SCHED_FIFO: return fmt::format("SCHED_FIFO {}", param.sched_priority);
    case SCHED_OTHER: return "SCHED_OTHER";
    default: return fmt::format("policy {}", policy);
  }
}

status<std::string> lock_memory(bool on) {
  // MCL_ONFAULT: pages are locked as they become resident, so reserved but untouched memory (thread
  // stacks, malloc arenas, a sanitizer's shadow) is not populated just to be locked.
  const int rc = on ? ::mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) : ::munlockall();
  if (rc != 0) return unexpected(fmt::format("{}: {}", on ? "mlockall" : "munlockall", std::strerror(errno)));
  return ok;
}

}  // namespace lbd::tuning
