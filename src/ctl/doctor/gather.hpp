// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The doctor's eyes on this director: /proc and /lib/modules, sysctls, the running lbd (through its
// control socket), interface addresses (rtnetlink), TCP connects to the real servers, and the
// firewall as nft / iptables-save print it. Every problem is recorded in the facts; nothing throws.
#include <chrono>
#include <string>

#include "ctl/doctor/facts.hpp"
#include "ctl/doctor/rules.hpp"

namespace lbd::ctl::doctor {

struct gather_options {
  std::string socket = "/run/lbd/lbd.sock";
  std::chrono::milliseconds connect_timeout{1000};
};

facts gather(const survey& s, const gather_options& o);

}  // namespace lbd::ctl::doctor
