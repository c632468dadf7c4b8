// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/buffer_memory.hpp"

#include <malloc.h>

namespace lbd::healthcheck {

void give_back_freed_memory() { ::malloc_trim(0); }

}  // namespace lbd::healthcheck
