// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzzes the VRRP codec. The first input byte chooses the receive context (version, family,
// TTL, auth, unicast or multicast destination); the rest is the VRRP payload. Whatever parses must
// survive a build/parse round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "vrrp/packet.hpp"

namespace {

using lbd::vrrp::rx_meta;

rx_meta context(std::uint8_t selector) {
  namespace ip = boost::asio::ip;
  rx_meta m;
  const bool v6 = (selector & 1U) != 0;
  const bool v2 = (selector & 2U) != 0;
  const bool unicast = (selector & 4U) != 0;
  m.ttl = (selector & 8U) != 0 ? 64 : 255;
  m.expect.version = v2 ? lbd::vrrp::version::v2 : lbd::vrrp::version::v3;
  m.expect.family = v6 ? lbd::vrrp::family::ipv6 : lbd::vrrp::family::ipv4;
  if ((selector & 16U) != 0) m.expect.auth = lbd::vrrp::v2_auth::simple_password("secret");
  if ((selector & 32U) != 0) {
    m.expect.vrids.set(77);
  } else {
    m.expect.vrids.set();
  }
  m.source = v6 ? ip::make_address("fe80::1") : ip::make_address("10.77.0.11");
  if (unicast) {
    m.destination = v6 ? ip::make_address("fe80::2") : ip::make_address("10.77.0.12");
  } else {
    m.destination = v6 ? ip::make_address("ff02::12") : ip::make_address("224.0.0.18");
  }
  return m;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer looks for
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const rx_meta meta = context(data[0]);
  const auto payload = std::as_bytes(std::span(data + 1, size - 1));
  auto parsed = lbd::vrrp::parse(payload, meta);
  if (!parsed) {
    if (lbd::vrrp::to_string(parsed.error()) == "unknown") std::abort();
    return 0;
  }
  auto wire = lbd::vrrp::build(*parsed, meta.source, meta.destination);
  if (wire.size() != payload.size()) std::abort();
  auto again = lbd::vrrp::parse(wire, meta);
  if (!again || !(*again == *parsed)) std::abort();
  return 0;
}
