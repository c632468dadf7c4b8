// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft/model.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace lbd::nft {

std::string_view to_string(protocol p) {
  switch (p) {
    case protocol::tcp: return "tcp";
    case protocol::udp: return "udp";
    case protocol::sctp: return "sctp";
  }
  return "unknown";
}

unsigned protocol_number(protocol p) {
  switch (p) {
    case protocol::tcp: return 6;
    case protocol::udp: return 17;
    case protocol::sctp: return 132;
  }
  return 0;
}

std::optional<protocol> parse_protocol(std::string_view s) {
  for (const protocol p : all_protocols) {
    if (to_string(p) == s) return p;
  }
  return std::nullopt;
}

std::string set_name(ip_family f, protocol p) {
  return fmt::format("fullnat{}_{}", f == ip_family::ipv4 ? 4 : 6, to_string(p));
}

namespace {

using bytes = std::array<unsigned char, 16>;

std::optional<bytes> to_bytes(ip_family f, std::string_view text) {
  const std::string s(text);
  bytes b{};
  const int af = f == ip_family::ipv4 ? AF_INET : AF_INET6;
  if (inet_pton(af, s.c_str(), b.data()) != 1) return std::nullopt;
  return b;
}

}  // namespace

result<std::string, std::string> canonical_address(ip_family f, std::string_view text) {
  const auto b = to_bytes(f, text);
  if (!b) return unexpected(fmt::format("not an {} address: \"{}\"", f == ip_family::ipv4 ? "IPv4" : "IPv6", text));
  std::array<char, INET6_ADDRSTRLEN> out{};
  const int af = f == ip_family::ipv4 ? AF_INET : AF_INET6;
  if (inet_ntop(af, b->data(), out.data(), out.size()) == nullptr) return unexpected(std::string("inet_ntop failed"));
  return std::string(out.data());
}

status<std::string> validate(ip_family f, const lip_pool& pool) {
  const auto first = to_bytes(f, pool.first);
  const auto last = to_bytes(f, pool.last);
  if (!first || !last) {
    return unexpected(fmt::format("local address pool {}-{} is not of {}", pool.first, pool.last,
                                  f == ip_family::ipv4 ? "IPv4" : "IPv6"));
  }
  const std::size_t n = f == ip_family::ipv4 ? 4 : 16;
  if (std::lexicographical_compare(last->begin(), last->begin() + n, first->begin(), first->begin() + n)) {
    return unexpected(fmt::format("local address pool {}-{} ends before it starts", pool.first, pool.last));
  }
  return ok_t{};
}

}  // namespace lbd::nft
