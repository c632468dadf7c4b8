// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The memory of body buffers: grown up to their limit and no further, and given back to the system
// after a probe released a large one (a body of up to max_body bytes from a server that sends too
// much).
//
// Freeing is not enough with glibc: once a large block (allocated with mmap) is freed, malloc
// raises its mmap threshold to that size, and the next such blocks come from the heap, where a
// freed block stays resident unless it happens to be at the top. A daemon probing a hostile
// server every few seconds would keep tens of MB that way. malloc_trim returns the free pages of
// every arena; it is called only after a probe freed a buffer above retained_buffer_bytes, so a
// steady stream of ordinary checks never pays for it.
#include <algorithm>
#include <cstddef>
#include <string>

namespace lbd::healthcheck {

// Buffers a probe grew beyond this many bytes are freed when the probe ends.
inline constexpr std::size_t retained_buffer_bytes = 65536;

// Makes room for `need` bytes in `s`, doubling its capacity but never beyond `limit` (>= need):
// an 8 MiB limit then holds at most 8 MiB, not the 16 of plain doubling. A reserve() on the string
// itself would not do: libstdc++ doubles at least.
inline void reserve_within(std::string& s, std::size_t need, std::size_t limit) {
  if (need <= s.capacity()) return;
  std::string bigger;
  bigger.reserve(std::min(std::max(need, 2 * s.capacity()), limit));
  bigger.append(s);
  s.swap(bigger);
}

void give_back_freed_memory();

}  // namespace lbd::healthcheck
