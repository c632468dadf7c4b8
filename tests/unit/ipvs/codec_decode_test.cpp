// SPDX-License-Identifier: GPL-2.0-or-later
// The netlink decoding, proven without a kernel: replies shaped like the kernel's are decoded, and
// malformed ones are errors.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <array>
#include <cstring>

#include "codec_helpers.hpp"
#include "helpers.hpp"
#include "ipvs/netlink/codec.hpp"

namespace lbd::ipvs::netlink {
namespace {

using namespace lbd::ipvs::test;
using namespace lbd::ipvs::netlink::test;

// ---- replies shaped like the kernel's (ip_vs_genl_fill_service / _dest / _daemon) ----

struct reply {
  nl_msg* m = nlmsg_alloc();
  explicit reply(std::uint8_t cmd) { genlmsg_put(m, 0, 1, fam, 0, NLM_F_MULTI, cmd, IPVS_GENL_VERSION); }
  ~reply() { nlmsg_free(m); }
  reply(const reply&) = delete;
  reply& operator=(const reply&) = delete;
  nlmsghdr* hdr() { return nlmsg_hdr(m); }
};

void put_stats(nl_msg* m, int type, bool wide, std::uint64_t base) {
  nlattr* s = nla_nest_start(m, type);
  for (int a = IPVS_STATS_ATTR_CONNS; a <= IPVS_STATS_ATTR_OUTBPS; ++a) {
    const std::uint64_t v = base + static_cast<std::uint64_t>(a);
    const bool is64 = wide || a == IPVS_STATS_ATTR_INBYTES || a == IPVS_STATS_ATTR_OUTBYTES;
    if (is64) {
      nla_put_u64(m, a, v);
    } else {
      nla_put_u32(m, a, static_cast<std::uint32_t>(v));
    }
  }
  nla_nest_end(m, s);
}

TEST(codec, decodes_a_kernel_service) {
  reply r(IPVS_CMD_NEW_SERVICE);
  nlattr* s = nla_nest_start(r.m, IPVS_CMD_ATTR_SERVICE);
  nla_put_u16(r.m, IPVS_SVC_ATTR_AF, AF_INET);
  nla_put_u16(r.m, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
  std::array<std::uint8_t, 16> addr{192, 0, 2, 10};
  nla_put(r.m, IPVS_SVC_ATTR_ADDR, 16, addr.data());
  nla_put_u16(r.m, IPVS_SVC_ATTR_PORT, htons(80));
  nla_put_string(r.m, IPVS_SVC_ATTR_SCHED_NAME, "wlc");
  const ip_vs_flags f{IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_HASHED, ~0U};
  nla_put(r.m, IPVS_SVC_ATTR_FLAGS, sizeof f, &f);
  nla_put_u32(r.m, IPVS_SVC_ATTR_TIMEOUT, 300);
  nla_put_u32(r.m, IPVS_SVC_ATTR_NETMASK, htonl(0xffff0000U));
  put_stats(r.m, IPVS_SVC_ATTR_STATS, false, 1);
  put_stats(r.m, IPVS_SVC_ATTR_STATS64, true, 5000000000ULL);
  nla_nest_end(r.m, s);

  auto got = decode_service(r.hdr());
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(got->first, tcp("192.0.2.10:80"));
  EXPECT_EQ(got->second.attrs.scheduler, "wlc");
  EXPECT_EQ(got->second.attrs.flags, svc_flag::persistent);  // hashed is the kernel's business
  EXPECT_EQ(got->second.attrs.timeout, 300U);
  EXPECT_EQ(got->second.attrs.netmask, std::optional<std::uint32_t>(0xffff0000U));
  EXPECT_EQ(got->second.stats.conns, 5000000001ULL);  // STATS64 wins over the 32-bit STATS
  EXPECT_EQ(got->second.stats.outbps, 5000000010ULL);
}

TEST(codec, decodes_a_fwmark_service_and_normalises_the_full_netmask) {
  reply r(IPVS_CMD_NEW_SERVICE);
  nlattr* s = nla_nest_start(r.m, IPVS_CMD_ATTR_SERVICE);
  nla_put_u16(r.m, IPVS_SVC_ATTR_AF, AF_INET6);
  nla_put_u32(r.m, IPVS_SVC_ATTR_FWMARK, 7);
  nla_put_string(r.m, IPVS_SVC_ATTR_SCHED_NAME, "rr");
  const ip_vs_flags f{IP_VS_SVC_F_HASHED, ~0U};
  nla_put(r.m, IPVS_SVC_ATTR_FLAGS, sizeof f, &f);
  nla_put_u32(r.m, IPVS_SVC_ATTR_TIMEOUT, 0);
  nla_put_u32(r.m, IPVS_SVC_ATTR_NETMASK, 128);
  nla_put_string(r.m, IPVS_SVC_ATTR_PE_NAME, "sip");
  nla_nest_end(r.m, s);
  auto got = decode_service(r.hdr());
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(got->first, fwm(7, address_family::ipv6));
  EXPECT_EQ(got->second.attrs.flags, 0U);
  EXPECT_FALSE(got->second.attrs.netmask);
  EXPECT_EQ(got->second.attrs.pe_name, "sip");
}

TEST(codec, decodes_a_kernel_destination) {
  reply r(IPVS_CMD_NEW_DEST);
  nlattr* d = nla_nest_start(r.m, IPVS_CMD_ATTR_DEST);
  std::array<std::uint8_t, 16> addr{10, 0, 1, 11};
  nla_put(r.m, IPVS_DEST_ATTR_ADDR, 16, addr.data());
  nla_put_u16(r.m, IPVS_DEST_ATTR_PORT, htons(8080));
  nla_put_u32(r.m, IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_DROUTE);
  nla_put_u32(r.m, IPVS_DEST_ATTR_WEIGHT, 3);
  nla_put_u8(r.m, IPVS_DEST_ATTR_TUN_TYPE, IP_VS_CONN_F_TUNNEL_TYPE_GUE);  // ignored: not a tunnel
  nla_put_u16(r.m, IPVS_DEST_ATTR_TUN_PORT, htons(1234));
  nla_put_u32(r.m, IPVS_DEST_ATTR_U_THRESH, 100);
  nla_put_u32(r.m, IPVS_DEST_ATTR_L_THRESH, 10);
  nla_put_u32(r.m, IPVS_DEST_ATTR_ACTIVE_CONNS, 5);
  nla_put_u32(r.m, IPVS_DEST_ATTR_INACT_CONNS, 2);
  nla_put_u32(r.m, IPVS_DEST_ATTR_PERSIST_CONNS, 1);
  put_stats(r.m, IPVS_DEST_ATTR_STATS, false, 100);
  nla_nest_end(r.m, d);
  auto got = decode_dest(r.hdr(), address_family::ipv4);  // no ADDR_FAMILY: the service's
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(got->first, dk("10.0.1.11:8080"));
  EXPECT_EQ(got->second.attrs, ([] {
              dest_attrs a = w(3, forwarding::droute);
              a.u_threshold = 100;
              a.l_threshold = 10;
              return a;
            }()));
  EXPECT_EQ(got->second.counters.active, 5U);
  EXPECT_EQ(got->second.counters.inactive, 2U);
  EXPECT_EQ(got->second.counters.persistent, 1U);
  EXPECT_EQ(got->second.counters.stats.conns, 101U);  // from the 32-bit STATS when STATS64 is absent
  EXPECT_EQ(got->second.counters.stats.inbytes, 104U);
}

TEST(codec, request_attributes_decode_back_to_the_same_model) {
  // The request carries the same attributes a dump reply does, so decoding it must give the input.
  service_attrs a = sched("mh", svc_flag::persistent | svc_flag::mh_port);
  a.timeout = 120;
  a.netmask = 48;
  a.pe_name = "sip";
  bytes b = one(op{op_kind::add_service, udp("[2001:db8::10]:5060"), a, {}, {}, {}, {}});
  auto got = decode_service(reinterpret_cast<nlmsghdr*>(b.data()));
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(got->first, udp("[2001:db8::10]:5060"));
  EXPECT_EQ(got->second.attrs, a);

  dest_attrs da = w(7, forwarding::tunnel);
  da.tun_type = tunnel_type::gre;
  da.tun_flags = tun_flag::csum;
  bytes db = one(op{op_kind::add_dest, tcp("192.0.2.10:80"), {}, dk("[2001:db8::99]:80"), da, {}, {}});
  auto gd = decode_dest(reinterpret_cast<nlmsghdr*>(db.data()), address_family::ipv4);
  ASSERT_TRUE(gd) << gd.error();
  EXPECT_EQ(gd->first, dk("[2001:db8::99]:80"));
  EXPECT_EQ(gd->second.attrs, da);
}

TEST(codec, decodes_info_config_and_daemon) {
  {
    reply r(IPVS_CMD_SET_INFO);
    nla_put_u32(r.m, IPVS_INFO_ATTR_VERSION, 0x010201);
    nla_put_u32(r.m, IPVS_INFO_ATTR_CONN_TAB_SIZE, 4096);
    auto i = decode_info(r.hdr());
    ASSERT_TRUE(i) << i.error();
    EXPECT_EQ(i->version, 0x010201U);
    EXPECT_EQ(i->conn_tab_size, 4096U);
  }
  {
    reply r(IPVS_CMD_SET_CONFIG);
    nla_put_u32(r.m, IPVS_CMD_ATTR_TIMEOUT_TCP, 900);
    nla_put_u32(r.m, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, 120);
    nla_put_u32(r.m, IPVS_CMD_ATTR_TIMEOUT_UDP, 300);
    auto t = decode_config(r.hdr());
    ASSERT_TRUE(t) << t.error();
    EXPECT_EQ(*t, (timeouts{900, 120, 300}));
  }
  {
    reply r(IPVS_CMD_NEW_DAEMON);
    nlattr* d = nla_nest_start(r.m, IPVS_CMD_ATTR_DAEMON);
    nla_put_u32(r.m, IPVS_DAEMON_ATTR_STATE, IP_VS_STATE_MASTER);
    nla_put_string(r.m, IPVS_DAEMON_ATTR_MCAST_IFN, "eth1");
    nla_put_u32(r.m, IPVS_DAEMON_ATTR_SYNC_ID, 51);
    nla_put_u16(r.m, IPVS_DAEMON_ATTR_SYNC_MAXLEN, 1472);
    in_addr g{};
    inet_pton(AF_INET, "224.0.0.81", &g);
    nla_put_u32(r.m, IPVS_DAEMON_ATTR_MCAST_GROUP, g.s_addr);
    nla_put_u16(r.m, IPVS_DAEMON_ATTR_MCAST_PORT, 8848);
    nla_put_u8(r.m, IPVS_DAEMON_ATTR_MCAST_TTL, 1);
    nla_nest_end(r.m, d);
    auto got = decode_daemon(r.hdr());
    ASSERT_TRUE(got) << got.error();
    EXPECT_EQ(got->state, daemon_state::master);
    EXPECT_EQ(got->mcast_ifname, "eth1");
    EXPECT_EQ(got->sync_id, 51U);
    EXPECT_EQ(got->sync_maxlen, 1472);
    EXPECT_EQ(got->mcast_group, *parse_address("224.0.0.81"));
    EXPECT_EQ(got->mcast_port, 8848);
    EXPECT_EQ(got->mcast_ttl, 1);
  }
}

TEST(codec, malformed_replies_are_errors) {
  {
    reply r(IPVS_CMD_NEW_SERVICE);
    nlattr* s = nla_nest_start(r.m, IPVS_CMD_ATTR_SERVICE);
    nla_put_u16(r.m, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
    nla_nest_end(r.m, s);
    EXPECT_FALSE(decode_service(r.hdr()));  // no address family
  }
  {
    reply r(IPVS_CMD_NEW_SERVICE);
    nlattr* s = nla_nest_start(r.m, IPVS_CMD_ATTR_SERVICE);
    nla_put_u16(r.m, IPVS_SVC_ATTR_AF, AF_INET6);
    nla_put_u16(r.m, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
    std::array<std::uint8_t, 4> shortaddr{1, 2, 3, 4};
    nla_put(r.m, IPVS_SVC_ATTR_ADDR, 4, shortaddr.data());
    nla_put_u16(r.m, IPVS_SVC_ATTR_PORT, htons(80));
    nla_nest_end(r.m, s);
    EXPECT_FALSE(decode_service(r.hdr()));  // an IPv6 address in 4 bytes
  }
  {
    reply r(IPVS_CMD_NEW_SERVICE);
    nlattr* s = nla_nest_start(r.m, IPVS_CMD_ATTR_SERVICE);
    nla_put_u16(r.m, IPVS_SVC_ATTR_AF, 99);
    nla_nest_end(r.m, s);
    EXPECT_FALSE(decode_service(r.hdr()));
  }
  {
    reply r(IPVS_CMD_NEW_DEST);
    EXPECT_FALSE(decode_dest(r.hdr(), address_family::ipv4));  // no destination at all
  }
  {
    reply r(IPVS_CMD_NEW_SERVICE);
    nlattr* s = nla_nest_start(r.m, IPVS_CMD_ATTR_SERVICE);
    nla_put_u16(r.m, IPVS_SVC_ATTR_AF, AF_INET);
    nla_put_u32(r.m, IPVS_SVC_ATTR_FWMARK, 1);
    std::array<std::uint8_t, 3> shortflags{};
    nla_put(r.m, IPVS_SVC_ATTR_FLAGS, 3, shortflags.data());
    nla_nest_end(r.m, s);
    EXPECT_FALSE(decode_service(r.hdr()));  // flags shorter than struct ip_vs_flags
  }
}

}  // namespace
}  // namespace lbd::ipvs::netlink
