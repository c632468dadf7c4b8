// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/packet.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "vrrp/checksum.hpp"

namespace lbd::vrrp {
namespace {

constexpr std::size_t header_size = 8;
constexpr std::size_t v2_auth_size = 8;
constexpr std::uint8_t type_advertisement = 1;

[[noreturn]] void precondition_failed(const char* what) {
  std::fprintf(stderr, "vrrp::build precondition violated: %s\n", what);  // NOLINT(cppcoreguidelines-pro-type-vararg)
  std::abort();
}

std::uint8_t u8(std::span<const std::byte> b, std::size_t i) { return std::to_integer<std::uint8_t>(b[i]); }

std::size_t address_size(family f) { return f == family::ipv4 ? 4 : 16; }

}  // namespace

std::string_view to_string(version v) { return v == version::v2 ? "v2" : "v3"; }
std::string_view to_string(family f) { return f == family::ipv4 ? "ipv4" : "ipv6"; }

std::string_view to_string(parse_error e) {
  switch (e) {
    case parse_error::truncated: return "truncated";
    case parse_error::ttl_not_255: return "ttl_not_255";
    case parse_error::bad_version: return "bad_version";
    case parse_error::version_mismatch: return "version_mismatch";
    case parse_error::bad_type: return "bad_type";
    case parse_error::family_mismatch: return "family_mismatch";
    case parse_error::address_count_mismatch: return "address_count_mismatch";
    case parse_error::bad_checksum: return "bad_checksum";
    case parse_error::vrid_not_ours: return "vrid_not_ours";
    case parse_error::auth_mismatch: return "auth_mismatch";
    case parse_error::advert_interval_zero: return "advert_interval_zero";
  }
  return "unknown";
}

v2_auth v2_auth::simple_password(std::string_view password) {
  v2_auth a;
  a.type = auth_type::simple_text;
  const std::size_t n = std::min(password.size(), a.data.size());
  for (std::size_t i = 0; i < n; ++i) a.data[i] = static_cast<std::byte>(password[i]);
  return a;
}

std::size_t message_size(version v, family f, std::size_t count) {
  return header_size + count * address_size(f) + (v == version::v2 ? v2_auth_size : 0);
}

result<advert, parse_error> parse(std::span<const std::byte> payload, const rx_meta& meta) {
  if (payload.size() < header_size) return unexpected(parse_error::truncated);
  // RFC 5798 7.1 order: TTL, version, checksum, VRID; then the checks that need local configuration.
  if (meta.expect.require_ttl_255 && meta.ttl != required_ttl) return unexpected(parse_error::ttl_not_255);

  const std::uint8_t version_type = u8(payload, 0);
  const unsigned ver = version_type >> 4U;
  if (ver != 2 && ver != 3) return unexpected(parse_error::bad_version);
  const auto v = static_cast<version>(ver);
  if (v != meta.expect.version) return unexpected(parse_error::version_mismatch);
  if ((version_type & 0x0fU) != type_advertisement) return unexpected(parse_error::bad_type);

  const family f = family_of(meta.source);
  if (f != meta.expect.family || family_of(meta.destination) != f || (v == version::v2 && f != family::ipv4)) {
    return unexpected(parse_error::family_mismatch);
  }

  const std::size_t count = u8(payload, 3);
  if (payload.size() != message_size(v, f, count)) return unexpected(parse_error::address_count_mismatch);

  if (vrrp_checksum(v, meta.source, meta.destination, payload) != 0) return unexpected(parse_error::bad_checksum);

  advert a;
  a.version = v;
  a.vrid = u8(payload, 1);
  if (!meta.expect.vrids.test(a.vrid)) return unexpected(parse_error::vrid_not_ours);
  a.priority = u8(payload, 2);

  if (v == version::v2) {
    a.auth.type = static_cast<auth_type>(u8(payload, 4));
    std::copy_n(payload.begin() + static_cast<std::ptrdiff_t>(payload.size() - v2_auth_size), v2_auth_size,
                a.auth.data.begin());
    // Type 0 carries no secret: its data bytes are ignored (RFC 3768 says they are zero on send).
    if (a.auth.type == auth_type::none) a.auth.data = {};
    if (a.auth.type != meta.expect.auth.type || a.auth.type == auth_type::ip_ah ||
        (a.auth.type == auth_type::simple_text && a.auth.data != meta.expect.auth.data)) {
      return unexpected(parse_error::auth_mismatch);
    }
    a.max_advert_interval = std::chrono::seconds(u8(payload, 5));
  } else {
    // The 4 reserved bits are ignored on receipt (RFC 5798 5.2.6).
    a.max_advert_interval = centiseconds(((u8(payload, 4) & 0x0fU) << 8U) | u8(payload, 5));
  }
  if (a.max_advert_interval.count() == 0) return unexpected(parse_error::advert_interval_zero);

  a.addresses.reserve(count);
  const std::size_t asz = address_size(f);
  for (std::size_t i = 0; i < count; ++i) {
    auto at = payload.subspan(header_size + i * asz, asz);
    if (f == family::ipv4) {
      boost::asio::ip::address_v4::bytes_type b{};
      std::transform(at.begin(), at.end(), b.begin(), [](std::byte x) { return std::to_integer<unsigned char>(x); });
      a.addresses.emplace_back(boost::asio::ip::address_v4(b));
    } else {
      boost::asio::ip::address_v6::bytes_type b{};
      std::transform(at.begin(), at.end(), b.begin(), [](std::byte x) { return std::to_integer<unsigned char>(x); });
      a.addresses.emplace_back(boost::asio::ip::address_v6(b));
    }
  }
  return a;
}

std::vector<std::byte> build(const advert& a, const ip_address& source, const ip_address& destination) {
  const family f = family_of(source);
  if (family_of(destination) != f) precondition_failed("source and destination families differ");
  if (a.addresses.size() > 255) precondition_failed("more than 255 addresses");
  for (const auto& addr : a.addresses) {
    if (family_of(addr) != f) precondition_failed("address family differs from the source's");
  }
  std::uint8_t interval_hi = 0;
  std::uint8_t interval_lo = 0;
  if (a.version == version::v2) {
    if (f != family::ipv4) precondition_failed("VRRPv2 is IPv4 only");
    const auto cs = a.max_advert_interval.count();
    if (cs % 100 != 0 || cs < 100 || cs > 25500) precondition_failed("v2 interval not 1..255 whole seconds");
    interval_hi = static_cast<std::uint8_t>(a.auth.type);
    interval_lo = static_cast<std::uint8_t>(cs / 100);
  } else {
    const auto cs = a.max_advert_interval.count();
    if (cs < 1 || cs > 4095) precondition_failed("v3 interval not 1..4095 centiseconds");
    interval_hi = static_cast<std::uint8_t>(cs >> 8);
    interval_lo = static_cast<std::uint8_t>(cs & 0xff);
  }

  std::vector<std::byte> out(message_size(a.version, f, a.addresses.size()));
  out[0] = static_cast<std::byte>((static_cast<unsigned>(a.version) << 4U) | type_advertisement);
  out[1] = static_cast<std::byte>(a.vrid);
  out[2] = static_cast<std::byte>(a.priority);
  out[3] = static_cast<std::byte>(a.addresses.size());
  out[4] = static_cast<std::byte>(interval_hi);
  out[5] = static_cast<std::byte>(interval_lo);
  std::size_t at = header_size;
  for (const auto& addr : a.addresses) {
    if (addr.is_v4()) {
      for (auto b : addr.to_v4().to_bytes()) out[at++] = static_cast<std::byte>(b);
    } else {
      for (auto b : addr.to_v6().to_bytes()) out[at++] = static_cast<std::byte>(b);
    }
  }
  if (a.version == version::v2 && a.auth.type != auth_type::none) {
    std::copy(a.auth.data.begin(), a.auth.data.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
  }
  const std::uint16_t sum = vrrp_checksum(a.version, source, destination, out);
  out[6] = static_cast<std::byte>(sum >> 8U);
  out[7] = static_cast<std::byte>(sum & 0xffU);
  return out;
}

}  // namespace lbd::vrrp
