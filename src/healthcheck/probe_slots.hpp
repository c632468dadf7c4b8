// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Reusable per-probe state for the probers that run on a socket_poller: a probe takes a slot, the
// slot's token (index and generation) travels through the deadline queue, and deadlines that
// carry the token of a finished probe are recognised as stale and dropped. A slot keeps its socket
// from probe to probe, so epoll reports the slot's index alone (see reusable_socket).
// Slots and their buffers are kept after a probe ends, so a steady stream of checks allocates
// nothing once every slot it needs exists; a prober frees a buffer that one probe grew large
// (buffer_memory.hpp) when that probe ends.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace lbd::healthcheck {

template <typename T>
class probe_slots {
 public:
  struct acquired {
    std::uint64_t token;
    T& slot;
  };

  acquired acquire() {
    std::uint32_t index = 0;
    if (free_.empty()) {
      index = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(entry{std::make_unique<T>(), 0, true});
    } else {
      index = free_.back();
      free_.pop_back();
      slots_[index].busy = true;
    }
    entry& e = slots_[index];
    return acquired{token_of(index, e.generation), *e.slot};
  }

  // The slot of a running probe, or nullptr when the token is stale.
  T* find(std::uint64_t token) {
    const auto index = static_cast<std::uint32_t>(token >> 32);
    if (index >= slots_.size()) return nullptr;
    entry& e = slots_[index];
    if (!e.busy || e.generation != static_cast<std::uint32_t>(token)) return nullptr;
    return e.slot.get();
  }

  // The running probe in slot `index` and its token, or {0, nullptr} when the slot is free.
  std::pair<std::uint64_t, T*> running_at(std::uint64_t index) {
    if (index >= slots_.size() || !slots_[index].busy) return {0, nullptr};
    entry& e = slots_[index];
    return {token_of(static_cast<std::uint32_t>(index), e.generation), e.slot.get()};
  }

  static std::uint32_t index_of(std::uint64_t token) { return static_cast<std::uint32_t>(token >> 32); }

  // Ends the probe of `token`: later events and deadlines carrying it are stale.
  void release(std::uint64_t token) {
    const auto index = static_cast<std::uint32_t>(token >> 32);
    entry& e = slots_[index];
    e.busy = false;
    ++e.generation;
    free_.push_back(index);
  }

  [[nodiscard]] std::size_t running() const { return slots_.size() - free_.size(); }
  [[nodiscard]] std::size_t idle() const { return free_.size(); }

  // Calls f(slot) for every slot, running or not.
  template <typename F>
  void for_each(F&& f) {
    for (auto& e : slots_) f(*e.slot);
  }

  // Calls f(token, slot) for every running probe.
  template <typename F>
  void for_each_running(F&& f) {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].busy) f(token_of(static_cast<std::uint32_t>(i), slots_[i].generation), *slots_[i].slot);
    }
  }

 private:
  struct entry {
    std::unique_ptr<T> slot;  // stable address: a slot is used while the vector grows
    std::uint32_t generation;
    bool busy;
  };
  static std::uint64_t token_of(std::uint32_t index, std::uint32_t generation) {
    return (static_cast<std::uint64_t>(index) << 32) | generation;
  }

  std::vector<entry> slots_;
  std::vector<std::uint32_t> free_;
};

}  // namespace lbd::healthcheck
