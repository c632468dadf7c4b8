// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// After a large answer (status or services of 100,000 real servers: its typed rows, its text), hands
// the heap it freed back to the kernel. glibc keeps it otherwise, and one lbctl status would leave
// the daemon's resident size doubled until the next allocations reuse it.
#include <cstddef>

namespace lbd {

inline constexpr std::size_t large_answer_bytes = std::size_t{1} << 20;

// Trims when answer_bytes >= large_answer_bytes; a smaller answer leaves nothing worth the walk.
void trim_heap_after(std::size_t answer_bytes);

}  // namespace lbd
