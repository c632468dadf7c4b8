// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Addresses as lbd.conf writes them: "10.0.1.11", "10.0.1.11:8080", "[2001:db8::1]:80",
// "192.0.2.10/24", "2001:db8::10/64".
#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace lbd {

using ip_address = boost::asio::ip::address;

struct endpoint {
  ip_address address;
  std::uint16_t port = 0;
  friend bool operator==(const endpoint&, const endpoint&) = default;
  // boost's address has operator< but no <=>.
  friend bool operator<(const endpoint& a, const endpoint& b) {
    if (a.address != b.address) return a.address < b.address;
    return a.port < b.port;
  }
};

struct prefix {
  ip_address address;
  unsigned length = 0;
  friend bool operator==(const prefix&, const prefix&) = default;
};

result<ip_address, std::string> parse_address(std::string_view text);
// port_required: "host:port" must carry a port; otherwise a bare address gets port 0.
result<endpoint, std::string> parse_endpoint(std::string_view text, bool port_required = true);
// A bare address gets the host length (/32 or /128).
result<prefix, std::string> parse_prefix(std::string_view text);

std::string to_string(const endpoint& e);  // "10.0.1.11:8080", "[2001:db8::1]:80"
std::string to_string(const prefix& p);    // "192.0.2.10/24"

// True when `a` lies inside `p` (same family, first `p.length` bits equal).
bool contains(const prefix& p, const ip_address& a);
// A route's destination must have no bits set past its length ("192.0.2.10/24" is not one).
bool is_canonical(const prefix& p);

}  // namespace lbd
