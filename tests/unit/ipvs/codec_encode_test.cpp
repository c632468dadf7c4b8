// SPDX-License-Identifier: GPL-2.0-or-later
// The netlink encoding, proven without a kernel: requests are parsed back with libnl and checked
// attribute by attribute against the kernel's UAPI.
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

TEST(codec, add_service_ipv4_tcp) {
  service_attrs a = sched("wlc", svc_flag::persistent);
  a.timeout = 300;
  a.netmask = 0xffffff00U;
  auto p = parse(one(op{op_kind::add_service, tcp("192.0.2.10:80"), a, {}, {}, {}, {}}));
  EXPECT_EQ(p->hdr->nlmsg_type, fam);
  EXPECT_EQ(p->hdr->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(p->hdr->nlmsg_seq, 77U);
  EXPECT_EQ(p->genl->cmd, IPVS_CMD_NEW_SERVICE);
  EXPECT_EQ(p->genl->version, IPVS_GENL_VERSION);
  EXPECT_EQ(nla_get_u16(p->svc[IPVS_SVC_ATTR_AF]), AF_INET);
  EXPECT_EQ(nla_get_u16(p->svc[IPVS_SVC_ATTR_PROTOCOL]), IPPROTO_TCP);
  ASSERT_EQ(nla_len(p->svc[IPVS_SVC_ATTR_ADDR]), 16);  // sizeof(union nf_inet_addr)
  const auto* addr = static_cast<const std::uint8_t*>(nla_data(p->svc[IPVS_SVC_ATTR_ADDR]));
  EXPECT_EQ((std::array<std::uint8_t, 4>{addr[0], addr[1], addr[2], addr[3]}),
            (std::array<std::uint8_t, 4>{192, 0, 2, 10}));
  EXPECT_EQ(nla_get_u16(p->svc[IPVS_SVC_ATTR_PORT]), htons(80));
  EXPECT_EQ(str(p->svc[IPVS_SVC_ATTR_SCHED_NAME]), "wlc");
  ip_vs_flags f{};
  ASSERT_EQ(nla_len(p->svc[IPVS_SVC_ATTR_FLAGS]), static_cast<int>(sizeof f));
  std::memcpy(&f, nla_data(p->svc[IPVS_SVC_ATTR_FLAGS]), sizeof f);
  EXPECT_EQ(f.flags, static_cast<std::uint32_t>(IP_VS_SVC_F_PERSISTENT));
  EXPECT_EQ(f.mask, ~0U);
  EXPECT_EQ(nla_get_u32(p->svc[IPVS_SVC_ATTR_TIMEOUT]), 300U);
  EXPECT_EQ(nla_get_u32(p->svc[IPVS_SVC_ATTR_NETMASK]), htonl(0xffffff00U));
  EXPECT_EQ(p->svc[IPVS_SVC_ATTR_PE_NAME], nullptr);
  EXPECT_EQ(p->svc[IPVS_SVC_ATTR_FWMARK], nullptr);
  EXPECT_EQ(p->cmd[IPVS_CMD_ATTR_DEST], nullptr);
}

TEST(codec, edit_service_ipv6_with_pe_and_prefix_netmask) {
  service_attrs a = sched("sh", svc_flag::persistent | svc_flag::sh_port | svc_flag::sh_fallback);
  a.timeout = 60;
  a.pe_name = "sip";
  a.netmask = 64;
  auto p = parse(one(op{op_kind::edit_service, udp("[2001:db8::10]:5060"), a, {}, {}, {}, {}}));
  EXPECT_EQ(p->genl->cmd, IPVS_CMD_SET_SERVICE);
  EXPECT_EQ(nla_get_u16(p->svc[IPVS_SVC_ATTR_AF]), AF_INET6);
  EXPECT_EQ(nla_get_u16(p->svc[IPVS_SVC_ATTR_PROTOCOL]), IPPROTO_UDP);
  in6_addr want{};
  inet_pton(AF_INET6, "2001:db8::10", &want);
  EXPECT_EQ(std::memcmp(nla_data(p->svc[IPVS_SVC_ATTR_ADDR]), &want, 16), 0);
  EXPECT_EQ(nla_get_u32(p->svc[IPVS_SVC_ATTR_NETMASK]), 64U);  // a prefix length, host order
  EXPECT_EQ(str(p->svc[IPVS_SVC_ATTR_PE_NAME]), "sip");
  ip_vs_flags f{};
  std::memcpy(&f, nla_data(p->svc[IPVS_SVC_ATTR_FLAGS]), sizeof f);
  EXPECT_EQ(f.flags, static_cast<std::uint32_t>(IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED_SH_PORT |
                                                IP_VS_SVC_F_SCHED_SH_FALLBACK));
}

TEST(codec, full_netmask_defaults_per_family) {
  auto p4 = parse(one(op{op_kind::add_service, tcp("192.0.2.10:80"), sched("rr"), {}, {}, {}, {}}));
  EXPECT_EQ(nla_get_u32(p4->svc[IPVS_SVC_ATTR_NETMASK]), 0xffffffffU);
  auto p6 = parse(one(op{op_kind::add_service, tcp("[2001:db8::1]:80"), sched("rr"), {}, {}, {}, {}}));
  EXPECT_EQ(nla_get_u32(p6->svc[IPVS_SVC_ATTR_NETMASK]), 128U);
}

TEST(codec, fwmark_service_has_no_address) {
  auto p = parse(
      one(op{op_kind::add_service, fwm(5, address_family::ipv6), sched("rr", svc_flag::one_packet), {}, {}, {}, {}}));
  EXPECT_EQ(nla_get_u16(p->svc[IPVS_SVC_ATTR_AF]), AF_INET6);
  EXPECT_EQ(nla_get_u32(p->svc[IPVS_SVC_ATTR_FWMARK]), 5U);
  EXPECT_EQ(p->svc[IPVS_SVC_ATTR_PROTOCOL], nullptr);
  EXPECT_EQ(p->svc[IPVS_SVC_ATTR_ADDR], nullptr);
  EXPECT_EQ(p->svc[IPVS_SVC_ATTR_PORT], nullptr);
}

TEST(codec, del_service_carries_only_the_key) {
  auto p = parse(one(op{op_kind::del_service, sctp("192.0.2.20:9000"), {}, {}, {}, {}, {}}));
  EXPECT_EQ(p->genl->cmd, IPVS_CMD_DEL_SERVICE);
  EXPECT_EQ(nla_get_u16(p->svc[IPVS_SVC_ATTR_PROTOCOL]), IPPROTO_SCTP);
  EXPECT_EQ(p->svc[IPVS_SVC_ATTR_SCHED_NAME], nullptr);
  EXPECT_EQ(p->svc[IPVS_SVC_ATTR_FLAGS], nullptr);
  EXPECT_EQ(p->svc[IPVS_SVC_ATTR_TIMEOUT], nullptr);
}

TEST(codec, add_dest_masq) {
  dest_attrs a = w(3);
  a.u_threshold = 100;
  a.l_threshold = 10;
  auto p = parse(one(op{op_kind::add_dest, tcp("192.0.2.10:80"), {}, dk("10.0.1.11:8080"), a, {}, {}}));
  EXPECT_EQ(p->genl->cmd, IPVS_CMD_NEW_DEST);
  EXPECT_EQ(p->svc[IPVS_SVC_ATTR_SCHED_NAME], nullptr);  // the service is named by its key only
  EXPECT_EQ(nla_get_u16(p->svc[IPVS_SVC_ATTR_PORT]), htons(80));
  const auto* addr = static_cast<const std::uint8_t*>(nla_data(p->dst[IPVS_DEST_ATTR_ADDR]));
  EXPECT_EQ(nla_len(p->dst[IPVS_DEST_ATTR_ADDR]), 16);
  EXPECT_EQ(addr[0], 10);
  EXPECT_EQ(addr[3], 11);
  EXPECT_EQ(nla_get_u16(p->dst[IPVS_DEST_ATTR_PORT]), htons(8080));
  EXPECT_EQ(nla_get_u16(p->dst[IPVS_DEST_ATTR_ADDR_FAMILY]), AF_INET);
  EXPECT_EQ(nla_get_u32(p->dst[IPVS_DEST_ATTR_FWD_METHOD]), static_cast<std::uint32_t>(IP_VS_CONN_F_MASQ));
  EXPECT_EQ(nla_get_u32(p->dst[IPVS_DEST_ATTR_WEIGHT]), 3U);
  EXPECT_EQ(nla_get_u32(p->dst[IPVS_DEST_ATTR_U_THRESH]), 100U);
  EXPECT_EQ(nla_get_u32(p->dst[IPVS_DEST_ATTR_L_THRESH]), 10U);
  EXPECT_EQ(p->dst[IPVS_DEST_ATTR_TUN_TYPE], nullptr);
}

TEST(codec, forwarding_methods_use_kernel_values) {
  const std::vector<std::pair<forwarding, std::uint32_t>> cases{{forwarding::masq, IP_VS_CONN_F_MASQ},
                                                                {forwarding::local, IP_VS_CONN_F_LOCALNODE},
                                                                {forwarding::tunnel, IP_VS_CONN_F_TUNNEL},
                                                                {forwarding::droute, IP_VS_CONN_F_DROUTE}};
  for (const auto& [f, v] : cases) {
    auto p = parse(one(op{op_kind::edit_dest, tcp("192.0.2.10:80"), {}, dk("10.0.1.11:80"), w(1, f), {}, {}}));
    EXPECT_EQ(p->genl->cmd, IPVS_CMD_SET_DEST);
    EXPECT_EQ(nla_get_u32(p->dst[IPVS_DEST_ATTR_FWD_METHOD]), v) << to_string(f);
  }
}

TEST(codec, tunnel_dest_mixed_family) {
  const std::vector<std::pair<tunnel_type, std::uint8_t>> types{{tunnel_type::ipip, IP_VS_CONN_F_TUNNEL_TYPE_IPIP},
                                                                {tunnel_type::gue, IP_VS_CONN_F_TUNNEL_TYPE_GUE},
                                                                {tunnel_type::gre, IP_VS_CONN_F_TUNNEL_TYPE_GRE}};
  for (const auto& [t, v] : types) {
    dest_attrs a = w(2, forwarding::tunnel);
    a.tun_type = t;
    a.tun_port = 6080;
    a.tun_flags = tun_flag::csum | tun_flag::remcsum;
    auto p = parse(one(op{op_kind::add_dest, tcp("192.0.2.10:80"), {}, dk("[2001:db8::21]:80"), a, {}, {}}));
    EXPECT_EQ(nla_get_u16(p->dst[IPVS_DEST_ATTR_ADDR_FAMILY]), AF_INET6);
    EXPECT_EQ(nla_get_u16(p->svc[IPVS_SVC_ATTR_AF]), AF_INET);
    EXPECT_EQ(nla_get_u8(p->dst[IPVS_DEST_ATTR_TUN_TYPE]), v);
    EXPECT_EQ(nla_get_u16(p->dst[IPVS_DEST_ATTR_TUN_PORT]), htons(6080));
    EXPECT_EQ(nla_get_u16(p->dst[IPVS_DEST_ATTR_TUN_FLAGS]),
              static_cast<std::uint16_t>(IP_VS_TUNNEL_ENCAP_FLAG_CSUM | IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM));
  }
}

TEST(codec, del_dest_carries_only_the_keys) {
  auto p = parse(one(op{op_kind::del_dest, fwm(9), {}, dk("10.0.1.11:0"), {}, {}, {}}));
  EXPECT_EQ(p->genl->cmd, IPVS_CMD_DEL_DEST);
  EXPECT_EQ(nla_get_u32(p->svc[IPVS_SVC_ATTR_FWMARK]), 9U);
  EXPECT_NE(p->dst[IPVS_DEST_ATTR_ADDR], nullptr);
  EXPECT_EQ(p->dst[IPVS_DEST_ATTR_FWD_METHOD], nullptr);
  EXPECT_EQ(p->dst[IPVS_DEST_ATTR_WEIGHT], nullptr);
}

TEST(codec, batch_is_back_to_back_messages_with_own_sequence_numbers) {
  bytes buf;
  const std::vector<op> ops{op{op_kind::add_service, tcp("192.0.2.10:80"), sched("wlc"), {}, {}, {}, {}},
                            op{op_kind::add_dest, tcp("192.0.2.10:80"), {}, dk("10.0.1.11:8080"), w(1), {}, {}},
                            op{op_kind::del_service, udp("192.0.2.10:53"), {}, {}, {}, {}, {}}};
  for (std::size_t i = 0; i < ops.size(); ++i) append_op(buf, ops[i], fam, 1000 + static_cast<std::uint32_t>(i));
  int rem = static_cast<int>(buf.size());
  auto* h = reinterpret_cast<nlmsghdr*>(buf.data());
  std::vector<std::pair<std::uint32_t, std::uint8_t>> seen;
  for (; nlmsg_ok(h, rem) != 0; h = nlmsg_next(h, &rem)) {
    EXPECT_NE(h->nlmsg_flags & NLM_F_ACK, 0);
    seen.emplace_back(h->nlmsg_seq, static_cast<genlmsghdr*>(nlmsg_data(h))->cmd);
  }
  EXPECT_EQ(rem, 0);
  EXPECT_EQ(seen, (std::vector<std::pair<std::uint32_t, std::uint8_t>>{
                      {1000, IPVS_CMD_NEW_SERVICE}, {1001, IPVS_CMD_NEW_DEST}, {1002, IPVS_CMD_DEL_SERVICE}}));
}

TEST(codec, dump_and_get_requests) {
  auto svcs = parse(get_services_request(fam, 5));
  EXPECT_EQ(svcs->genl->cmd, IPVS_CMD_GET_SERVICE);
  EXPECT_EQ(svcs->hdr->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
  auto dests = parse(get_dests_request(tcp("192.0.2.10:80"), fam, 6));
  EXPECT_EQ(dests->genl->cmd, IPVS_CMD_GET_DEST);
  EXPECT_EQ(dests->hdr->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
  EXPECT_EQ(nla_get_u16(dests->svc[IPVS_SVC_ATTR_PORT]), htons(80));
  EXPECT_EQ(dests->svc[IPVS_SVC_ATTR_SCHED_NAME], nullptr);
  // One service, not a dump: the acknowledgement ends the wait, ESRCH says it is not there.
  auto one = parse(get_service_request(udp("192.0.2.12:53"), fam, 10));
  EXPECT_EQ(one->genl->cmd, IPVS_CMD_GET_SERVICE);
  EXPECT_EQ(one->hdr->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(nla_get_u16(one->svc[IPVS_SVC_ATTR_PROTOCOL]), IPPROTO_UDP);
  EXPECT_EQ(nla_get_u16(one->svc[IPVS_SVC_ATTR_PORT]), htons(53));
  EXPECT_EQ(one->svc[IPVS_SVC_ATTR_SCHED_NAME], nullptr);
  auto inf = parse(get_info_request(fam, 7));
  EXPECT_EQ(inf->genl->cmd, IPVS_CMD_GET_INFO);
  EXPECT_EQ(inf->hdr->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  auto cfg = parse(get_config_request(fam, 8));
  EXPECT_EQ(cfg->genl->cmd, IPVS_CMD_GET_CONFIG);
  EXPECT_EQ(cfg->hdr->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  auto daemons = parse(get_daemons_request(fam, 9));
  EXPECT_EQ(daemons->genl->cmd, IPVS_CMD_GET_DAEMON);
  EXPECT_EQ(daemons->hdr->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
}

TEST(codec, family_request_goes_to_the_controller) {
  bytes b = get_family_request("IPVS", 3);
  auto* h = reinterpret_cast<nlmsghdr*>(b.data());
  EXPECT_EQ(h->nlmsg_type, GENL_ID_CTRL);
  EXPECT_EQ(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);  // the acknowledgement ends the wait
  EXPECT_EQ(static_cast<genlmsghdr*>(nlmsg_data(h))->cmd, CTRL_CMD_GETFAMILY);
  std::array<nlattr*, CTRL_ATTR_MAX + 1> tb{};
  ASSERT_EQ(genlmsg_parse(h, 0, tb.data(), CTRL_ATTR_MAX, nullptr), 0);
  EXPECT_EQ(str(tb[CTRL_ATTR_FAMILY_NAME]), "IPVS");
}

TEST(codec, set_config_sends_only_the_timeouts_to_change) {
  auto p = parse(set_config_request(timeouts{900, 0, 300}, fam, 4));
  EXPECT_EQ(p->genl->cmd, IPVS_CMD_SET_CONFIG);
  EXPECT_EQ(nla_get_u32(p->cmd[IPVS_CMD_ATTR_TIMEOUT_TCP]), 900U);
  EXPECT_EQ(p->cmd[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN], nullptr);
  EXPECT_EQ(nla_get_u32(p->cmd[IPVS_CMD_ATTR_TIMEOUT_UDP]), 300U);
}

TEST(codec, daemon_requests) {
  sync_daemon d;
  d.state = daemon_state::backup;
  d.mcast_ifname = "eth1";
  d.sync_id = 51;
  d.sync_maxlen = 1400;
  d.mcast_group = *parse_address("239.1.2.3");
  d.mcast_port = 8850;
  d.mcast_ttl = 2;
  auto p = parse(new_daemon_request(d, fam, 11));
  EXPECT_EQ(p->genl->cmd, IPVS_CMD_NEW_DAEMON);
  EXPECT_EQ(nla_get_u32(p->dmn[IPVS_DAEMON_ATTR_STATE]), static_cast<std::uint32_t>(IP_VS_STATE_BACKUP));
  EXPECT_EQ(str(p->dmn[IPVS_DAEMON_ATTR_MCAST_IFN]), "eth1");
  EXPECT_EQ(nla_get_u32(p->dmn[IPVS_DAEMON_ATTR_SYNC_ID]), 51U);
  EXPECT_EQ(nla_get_u16(p->dmn[IPVS_DAEMON_ATTR_SYNC_MAXLEN]), 1400);
  in_addr g{};
  inet_pton(AF_INET, "239.1.2.3", &g);
  EXPECT_EQ(nla_get_u32(p->dmn[IPVS_DAEMON_ATTR_MCAST_GROUP]), g.s_addr);  // network order, as nla_get_in_addr
  EXPECT_EQ(p->dmn[IPVS_DAEMON_ATTR_MCAST_GROUP6], nullptr);
  EXPECT_EQ(nla_get_u16(p->dmn[IPVS_DAEMON_ATTR_MCAST_PORT]), 8850);
  EXPECT_EQ(nla_get_u8(p->dmn[IPVS_DAEMON_ATTR_MCAST_TTL]), 2);

  d.mcast_group = *parse_address("ff02::1:2");
  auto p6 = parse(new_daemon_request(d, fam, 12));
  EXPECT_EQ(p6->dmn[IPVS_DAEMON_ATTR_MCAST_GROUP], nullptr);
  EXPECT_EQ(nla_len(p6->dmn[IPVS_DAEMON_ATTR_MCAST_GROUP6]), 16);

  auto del = parse(del_daemon_request(daemon_state::master, fam, 13));
  EXPECT_EQ(del->genl->cmd, IPVS_CMD_DEL_DAEMON);
  EXPECT_EQ(nla_get_u32(del->dmn[IPVS_DAEMON_ATTR_STATE]), static_cast<std::uint32_t>(IP_VS_STATE_MASTER));
  EXPECT_EQ(del->dmn[IPVS_DAEMON_ATTR_MCAST_IFN], nullptr);
}

TEST(codec, global_operations_in_a_batch_are_their_own_requests) {
  sync_daemon d;
  d.state = daemon_state::backup;
  d.mcast_ifname = "eth1";
  d.sync_id = 51;
  EXPECT_EQ(one(op{op_kind::set_timeouts, {}, {}, {}, {}, timeouts{900, 0, 300}, {}}, 4),
            set_config_request(timeouts{900, 0, 300}, fam, 4));
  EXPECT_EQ(one(op{op_kind::start_daemon, {}, {}, {}, {}, {}, d}, 5), new_daemon_request(d, fam, 5));
  EXPECT_EQ(one(op{op_kind::stop_daemon, {}, {}, {}, {}, {}, d}, 6), del_daemon_request(daemon_state::backup, fam, 6));
}

}  // namespace
}  // namespace lbd::ipvs::netlink
