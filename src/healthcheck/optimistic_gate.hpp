// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Whether to try a cheap optimistic step that, in a given network, works nearly always or nearly
// never (sending a request right after connect works when the handshake completes inside the
// connect call: a real server on this host). After `give_up_after` misses in a row the step is
// skipped for the next `pause` chances, then tried again, so a network where it never works
// pays for one try in `pause`, and a change of network is noticed.
#include <cstdint>

namespace lbd::healthcheck {

class optimistic_gate {
 public:
  explicit optimistic_gate(std::uint32_t give_up_after = 16, std::uint32_t pause = 256)
      : give_up_after_(give_up_after), pause_(pause) {}

  // Called once per chance: true when the step should be tried this time.
  bool should_try() {
    if (skip_ == 0) return true;
    --skip_;
    return false;
  }
  void worked() { misses_ = 0; }
  void missed() {
    if (++misses_ < give_up_after_) return;
    misses_ = 0;
    skip_ = pause_;
  }

 private:
  std::uint32_t give_up_after_;
  std::uint32_t pause_;
  std::uint32_t misses_ = 0;
  std::uint32_t skip_ = 0;
};

}  // namespace lbd::healthcheck
