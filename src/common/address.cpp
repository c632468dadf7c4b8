// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/address.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace lbd {

result<ip_address, std::string> parse_address(std::string_view text) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return unexpected(fmt::format("'{}' is not an IPv4 or IPv6 address", text));
  if (a.is_v6() && a.to_v6().scope_id() != 0) {
    return unexpected(fmt::format("'{}': scoped IPv6 addresses are not accepted here", text));
  }
  return a;
}

result<endpoint, std::string> parse_endpoint(std::string_view text, bool port_required) {
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return unexpected(fmt::format("'{}': missing ']' after IPv6 address", text));
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return unexpected(fmt::format("'{}': expected ':port' after ']'", text));
      port = rest.substr(1);
      if (port.empty()) return unexpected(fmt::format("'{}': empty port", text));
    }
  } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    if (text.find(':') != colon) {
      // Several colons: a bare IPv6 address; a port needs the [addr]:port form.
      host = text;
    } else {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
      if (port.empty()) return unexpected(fmt::format("'{}': empty port", text));
    }
  }
  auto addr = parse_address(host);
  if (!addr) return unexpected(addr.error());
  endpoint e{*addr, 0};
  if (port.empty()) {
    if (port_required) {
      return unexpected(fmt::format("'{}' needs a port (\"address:port\", or \"[v6]:port\")", text));
    }
    return e;
  }
  unsigned value = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || p != port.data() + port.size() || value > 65535) {
    return unexpected(fmt::format("'{}': port '{}' is not a number from 0 to 65535", text, port));
  }
  e.port = static_cast<std::uint16_t>(value);
  return e;
}

result<prefix, std::string> parse_prefix(std::string_view text) {
  auto slash = text.find('/');
  auto addr = parse_address(text.substr(0, slash));
  if (!addr) return unexpected(addr.error());
  unsigned max = addr->is_v4() ? 32U : 128U;
  if (slash == std::string_view::npos) return prefix{*addr, max};
  auto len = text.substr(slash + 1);
  unsigned value = 0;
  auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), value);
  if (len.empty() || ec != std::errc{} || p != len.data() + len.size() || value > max) {
    return unexpected(fmt::format("'{}': prefix length must be a number from 0 to {}", text, max));
  }
  return prefix{*addr, value};
}

std::string to_string(const endpoint& e) {
  if (e.address.is_v6()) return fmt::format("[{}]:{}", e.address.to_string(), e.port);
  // Health checks name their target in every result: digits written directly, as address_v4's
  // to_string goes through inet_ntop and sprintf.
  std::array<char, 21> buf{};  // "255.255.255.255:65535"
  char* out = buf.data();
  char* const end = buf.data() + buf.size();
  const auto b = e.address.to_v4().to_bytes();
  for (std::size_t i = 0; i < b.size(); ++i) {
    out = std::to_chars(out, end, b[i]).ptr;
    *out++ = i + 1 < b.size() ? '.' : ':';
  }
  out = std::to_chars(out, end, e.port).ptr;
  return {buf.data(), out};
}

std::string to_string(const prefix& p) { return fmt::format("{}/{}", p.address.to_string(), p.length); }

bool contains(const prefix& p, const ip_address& a) {
  if (p.address.is_v4() != a.is_v4()) return false;
  auto compare = [&](const auto& x, const auto& y) {
    unsigned bits = p.length;
    for (std::size_t i = 0; i < x.size() && bits > 0; ++i) {
      unsigned take = bits >= 8 ? 8 : bits;
      auto mask = static_cast<unsigned char>(0xFFU << (8 - take));
      if ((x[i] & mask) != (y[i] & mask)) return false;
      bits -= take;
    }
    return true;
  };
  if (a.is_v4()) return compare(p.address.to_v4().to_bytes(), a.to_v4().to_bytes());
  return compare(p.address.to_v6().to_bytes(), a.to_v6().to_bytes());
}

bool is_canonical(const prefix& p) {
  const unsigned bits = p.address.is_v4() ? 32 : 128;
  if (p.length > bits) return false;
  if (p.address.is_v4()) {
    auto raw = p.address.to_v4().to_uint();
    const auto mask = p.length == 0 ? 0U : ~0U << (32 - p.length);
    return (raw & ~mask) == 0;
  }
  auto bytes = p.address.to_v6().to_bytes();
  for (unsigned i = 0; i < 128; ++i) {
    if (i < p.length) continue;
    if ((bytes[i / 8] >> (7 - i % 8)) & 1U) return false;
  }
  return true;
}

}  // namespace lbd
