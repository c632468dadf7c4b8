// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/heap_trim.hpp"

#include <malloc.h>

namespace lbd {

void trim_heap_after(std::size_t answer_bytes) {
  if (answer_bytes >= large_answer_bytes) ::malloc_trim(0);
}

}  // namespace lbd
