// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/packet.hpp"

#include <gtest/gtest.h>

#include <set>

#include "bytes.hpp"
#include "vrrp/checksum.hpp"

namespace lbd::vrrp {
namespace {

using test::bytes;
namespace ip = boost::asio::ip;

const ip_address src4 = ip::make_address("10.77.0.11");
const ip_address mcast4 = ip::make_address("224.0.0.18");
const ip_address src6 = ip::make_address("fe80::1");
const ip_address mcast6 = ip::make_address("ff02::12");

rx_meta meta_for(version v, const ip_address& src, const ip_address& dst, std::uint8_t vrid) {
  rx_meta m;
  m.ttl = 255;
  m.source = src;
  m.destination = dst;
  m.expect.version = v;
  m.expect.family = family_of(src);
  m.expect.vrids.set(vrid);
  return m;
}

advert keepalived_advert(version v) {
  advert a;
  a.version = v;
  a.vrid = 77;
  a.priority = 150;
  a.max_advert_interval = v == version::v2 ? centiseconds(100) : centiseconds(10);
  a.addresses = {ip::make_address("10.77.0.100")};
  return a;
}

// keepalived 2.2.7, captured with tshark in the lab (lab-recipes README, recipe A): v2, advert_int 1,
// checksum 0x3dff, 54-byte frame (20-byte VRRP message).
TEST(VrrpPacket, BuildsKeepalivedV2AdvertByteForByte) {
  auto wire = build(keepalived_advert(version::v2), src4, mcast4);
  EXPECT_EQ(wire, bytes({0x21, 77, 150, 1, 0, 1, 0x3d, 0xff, 10, 77, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0}));
}

// Same, VRRPv3 with advert_int 0.1 (10 cs), checksum 0x430f over the IPv4 pseudo-header, 46-byte frame.
TEST(VrrpPacket, BuildsKeepalivedV3AdvertByteForByte) {
  auto wire = build(keepalived_advert(version::v3), src4, mcast4);
  EXPECT_EQ(wire, bytes({0x31, 77, 150, 1, 0, 10, 0x43, 0x0f, 10, 77, 0, 100}));
}

TEST(VrrpPacket, ParsesKeepalivedCaptures) {
  for (auto v : {version::v2, version::v3}) {
    auto wire = build(keepalived_advert(v), src4, mcast4);
    auto parsed = parse(wire, meta_for(v, src4, mcast4, 77));
    ASSERT_TRUE(parsed) << to_string(parsed.error());
    EXPECT_EQ(*parsed, keepalived_advert(v));
  }
}

// Reference value computed independently (Python, RFC 1071 over the RFC 2460 pseudo-header).
TEST(VrrpPacket, V3OverIpv6UsesTheIpv6PseudoHeader) {
  advert a;
  a.version = version::v3;
  a.vrid = 5;
  a.priority = 200;
  a.max_advert_interval = centiseconds(100);
  a.addresses = {ip::make_address("2001:db8::10"), ip::make_address("2001:db8::11")};
  auto wire = build(a, src6, mcast6);
  ASSERT_EQ(wire.size(), 8U + 2 * 16);
  EXPECT_EQ(std::to_integer<unsigned>(wire[6]), 0xacU);
  EXPECT_EQ(std::to_integer<unsigned>(wire[7]), 0xd1U);
  auto parsed = parse(wire, meta_for(version::v3, src6, mcast6, 5));
  ASSERT_TRUE(parsed) << to_string(parsed.error());
  EXPECT_EQ(*parsed, a);
}

TEST(VrrpPacket, V3ChecksumDependsOnDestinationSoUnicastIsCheckedAgainstIt) {
  const ip_address peer = ip::make_address("10.77.0.12");
  auto wire = build(keepalived_advert(version::v3), src4, peer);
  EXPECT_TRUE(parse(wire, meta_for(version::v3, src4, peer, 77)));
  auto wrong = parse(wire, meta_for(version::v3, src4, mcast4, 77));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(), parse_error::bad_checksum);
}

TEST(VrrpPacket, V2ChecksumIgnoresAddresses) {
  auto wire = build(keepalived_advert(version::v2), src4, mcast4);
  EXPECT_TRUE(parse(wire, meta_for(version::v2, ip::make_address("10.77.0.99"), mcast4, 77)));
}

TEST(VrrpPacket, V3ReservedBitsAreIgnored) {
  auto wire = build(keepalived_advert(version::v3), src4, mcast4);
  wire[4] |= std::byte{0xf0};
  // Fix the checksum for the changed word (ones' complement arithmetic).
  wire[6] = wire[7] = std::byte{0};
  auto sum = vrrp_checksum(version::v3, src4, mcast4, wire);
  wire[6] = static_cast<std::byte>(sum >> 8U);
  wire[7] = static_cast<std::byte>(sum & 0xffU);
  auto parsed = parse(wire, meta_for(version::v3, src4, mcast4, 77));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->max_advert_interval, centiseconds(10));
}

TEST(VrrpPacket, V3MaxIntervalUsesTwelveBits) {
  auto a = keepalived_advert(version::v3);
  a.max_advert_interval = centiseconds(4095);
  auto wire = build(a, src4, mcast4);
  EXPECT_EQ(std::to_integer<unsigned>(wire[4]), 0x0fU);
  EXPECT_EQ(std::to_integer<unsigned>(wire[5]), 0xffU);
  EXPECT_EQ(parse(wire, meta_for(version::v3, src4, mcast4, 77))->max_advert_interval, centiseconds(4095));
}

// v2 simple password: 8 bytes, zero padded, clear text (no security, see packet.hpp).
TEST(VrrpPacket, V2SimplePasswordIsEightZeroPaddedBytes) {
  auto a = keepalived_advert(version::v2);
  a.auth = v2_auth::simple_password("secret");
  auto wire = build(a, src4, mcast4);
  EXPECT_EQ(wire, bytes({0x21, 77, 150, 1, 1, 1, 0x00, 0xb3, 10, 77, 0, 100, 's', 'e', 'c', 'r', 'e', 't', 0, 0}));
  auto m = meta_for(version::v2, src4, mcast4, 77);
  m.expect.auth = v2_auth::simple_password("secret");
  auto parsed = parse(wire, m);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->auth, a.auth);
}

TEST(VrrpPacket, V2PasswordLongerThanEightBytesIsTruncated) {
  EXPECT_EQ(v2_auth::simple_password("12345678"), v2_auth::simple_password("123456789abc"));
}

TEST(VrrpPacket, V2AuthMismatches) {
  auto with_pw = keepalived_advert(version::v2);
  with_pw.auth = v2_auth::simple_password("secret");
  auto m = meta_for(version::v2, src4, mcast4, 77);

  m.expect.auth = v2_auth::simple_password("secreT");
  EXPECT_EQ(parse(build(with_pw, src4, mcast4), m).error(), parse_error::auth_mismatch);

  m.expect.auth = v2_auth{};  // we expect none, peer sends a password
  EXPECT_EQ(parse(build(with_pw, src4, mcast4), m).error(), parse_error::auth_mismatch);

  m.expect.auth = v2_auth::simple_password("secret");  // we expect one, peer sends none
  EXPECT_EQ(parse(build(keepalived_advert(version::v2), src4, mcast4), m).error(), parse_error::auth_mismatch);

  auto ah = keepalived_advert(version::v2);
  ah.auth.type = auth_type::ip_ah;
  m.expect.auth.type = auth_type::ip_ah;  // even if configured, AH is refused
  EXPECT_EQ(parse(build(ah, src4, mcast4), m).error(), parse_error::auth_mismatch);
}

TEST(VrrpPacket, V2AuthTypeNoneIgnoresItsDataBytes) {
  auto wire = bytes({0x21, 77, 150, 1, 0, 1, 0, 0, 10, 77, 0, 100, 1, 2, 3, 4, 5, 6, 7, 8});
  auto sum = vrrp_checksum(version::v2, src4, mcast4, wire);
  wire[6] = static_cast<std::byte>(sum >> 8U);
  wire[7] = static_cast<std::byte>(sum & 0xffU);
  auto parsed = parse(wire, meta_for(version::v2, src4, mcast4, 77));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->auth, v2_auth{});
}

struct reject_case {
  const char* name;
  parse_error expected;
  std::vector<std::byte> wire;
  rx_meta meta;
};

// Fixes the checksum of a hand-made packet so that only the intended fault is present.
std::vector<std::byte> with_checksum(std::vector<std::byte> w, version v, const ip_address& s, const ip_address& d) {
  w[6] = w[7] = std::byte{0};
  auto sum = vrrp_checksum(v, s, d, w);
  w[6] = static_cast<std::byte>(sum >> 8U);
  w[7] = static_cast<std::byte>(sum & 0xffU);
  return w;
}

TEST(VrrpPacket, RejectsEachFaultWithItsOwnReason) {
  const auto v3 = meta_for(version::v3, src4, mcast4, 77);
  const auto v2 = meta_for(version::v2, src4, mcast4, 77);
  const auto good3 = build(keepalived_advert(version::v3), src4, mcast4);
  const auto good2 = build(keepalived_advert(version::v2), src4, mcast4);
  auto low_ttl = v3;
  low_ttl.ttl = 254;
  auto other_vrid = v3;
  other_vrid.expect.vrids.reset();
  other_vrid.expect.vrids.set(78);
  auto v6_expected = v3;
  v6_expected.expect.family = family::ipv6;
  auto v2_over_v6 = meta_for(version::v2, src6, mcast6, 77);
  auto bad_sum = good3;
  bad_sum[7] ^= std::byte{1};
  const std::vector<std::byte> short_by_one(good3.begin(), good3.end() - 1);
  auto long_by_one = good3;
  long_by_one.push_back(std::byte{0});

  const std::vector<reject_case> cases = {
      {"empty", parse_error::truncated, {}, v3},
      {"seven bytes", parse_error::truncated, bytes({0x31, 77, 150, 0, 0, 10, 0}), v3},
      {"ttl 254", parse_error::ttl_not_255, good3, low_ttl},
      {"version 4", parse_error::bad_version,
       with_checksum(bytes({0x41, 77, 150, 0, 0, 10, 0, 0}), version::v3, src4, mcast4), v3},
      {"version 0", parse_error::bad_version, bytes({0x01, 77, 150, 0, 0, 10, 0, 0}), v3},
      {"v2 packet, v3 socket", parse_error::version_mismatch, good2, v3},
      {"v3 packet, v2 socket", parse_error::version_mismatch, good3, v2},
      {"type 2", parse_error::bad_type,
       with_checksum(bytes({0x32, 77, 150, 0, 0, 10, 0, 0}), version::v3, src4, mcast4), v3},
      {"ipv4 packet on ipv6 socket", parse_error::family_mismatch, good3, v6_expected},
      {"v2 over ipv6", parse_error::family_mismatch, good2, v2_over_v6},
      {"count says 2, one address", parse_error::address_count_mismatch,
       with_checksum(bytes({0x31, 77, 150, 2, 0, 10, 0, 0, 10, 77, 0, 100}), version::v3, src4, mcast4), v3},
      {"one byte short", parse_error::address_count_mismatch, short_by_one, v3},
      {"one byte long", parse_error::address_count_mismatch, long_by_one, v3},
      {"v2 without auth data", parse_error::address_count_mismatch,
       with_checksum(bytes({0x21, 77, 150, 1, 0, 1, 0, 0, 10, 77, 0, 100}), version::v2, src4, mcast4), v2},
      {"checksum off by one", parse_error::bad_checksum, bad_sum, v3},
      {"vrid not configured", parse_error::vrid_not_ours, good3, other_vrid},
      {"v3 interval 0", parse_error::advert_interval_zero,
       with_checksum(bytes({0x31, 77, 150, 1, 0xf0, 0, 0, 0, 10, 77, 0, 100}), version::v3, src4, mcast4), v3},
      {"v2 interval 0", parse_error::advert_interval_zero,
       with_checksum(bytes({0x21, 77, 150, 1, 0, 0, 0, 0, 10, 77, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0}), version::v2, src4,
                     mcast4),
       v2},
  };
  for (const auto& c : cases) {
    auto r = parse(c.wire, c.meta);
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error(), c.expected) << c.name << ": got " << to_string(r.error());
  }
}

TEST(VrrpPacket, TtlCheckCanBeTurnedOffForUnicast) {
  auto wire = build(keepalived_advert(version::v3), src4, src4);
  auto m = meta_for(version::v3, src4, src4, 77);
  m.ttl = 64;
  EXPECT_EQ(parse(wire, m).error(), parse_error::ttl_not_255);
  m.expect.require_ttl_255 = false;
  EXPECT_TRUE(parse(wire, m));
}

TEST(VrrpPacket, ZeroAddressesIsWellFormed) {
  auto a = keepalived_advert(version::v3);
  a.addresses.clear();
  auto wire = build(a, src4, mcast4);
  EXPECT_EQ(wire.size(), 8U);
  EXPECT_TRUE(parse(wire, meta_for(version::v3, src4, mcast4, 77)));
}

TEST(VrrpPacket, EveryParseErrorHasADistinctName) {
  std::set<std::string_view> names;
  for (auto e : all_parse_errors) names.insert(to_string(e));
  EXPECT_EQ(names.size(), all_parse_errors.size());
  EXPECT_EQ(names.count("unknown"), 0U);
}

TEST(VrrpChecksum, OddLengthPadsWithZeroAndChunkingDoesNotMatter) {
  auto data = bytes({0x12, 0x34, 0x56});
  EXPECT_EQ(internet_checksum(data), static_cast<std::uint16_t>(~(0x1234U + 0x5600U) & 0xffffU));
  checksum_accumulator acc;
  acc.add(std::span(data).first(1));
  acc.add(std::span(data).subspan(1));
  EXPECT_EQ(acc.finish(), internet_checksum(data));
}

}  // namespace
}  // namespace lbd::vrrp
