// SPDX-License-Identifier: GPL-2.0-or-later
// Firewall listings: the first byte picks the reader (even: nft JSON, odd: iptables-save), the rest
// is the listing. Any input gives a ruleset or an error; a ruleset answers every packet question
// without crashing or looping (jumps between chains are followed to a bounded depth).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctl/doctor/firewall_parse.hpp"

namespace fw = lbd::ctl::doctor::firewall;

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto rules = data[0] % 2 == 0 ? fw::parse_nft(text, text) : fw::parse_iptables_save(text, data[0] % 4 == 1 ? 4 : 6);
  if (!rules) return 0;
  for (auto where : {fw::hook::input, fw::hook::output}) {
    for (int family : {4, 6}) {
      fw::packet p;
      p.where = where;
      p.family = family;
      p.l4proto = where == fw::hook::input ? 112 : 6;
      p.iif = "eth0";
      p.daddr = boost::asio::ip::make_address(family == 4 ? "10.0.1.11" : "2001:db8::11");
      p.dport = 8080;
      (void)fw::find_block(*rules, p);
    }
  }
  return 0;
}
