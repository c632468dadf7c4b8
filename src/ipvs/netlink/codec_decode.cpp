// SPDX-License-Identifier: GPL-2.0-or-later
// IPVS generic-netlink answers: the kernel's messages read strictly into the model (see codec.hpp).
#include "ipvs/netlink/codec.hpp"

#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <memory>

namespace lbd::ipvs::netlink {

namespace {

template <std::size_t N>
using policy = std::array<nla_policy, N>;

nla_policy pol(std::uint16_t type, std::uint16_t minlen = 0) {
  nla_policy p{};
  p.type = type;
  p.minlen = minlen;
  return p;
}

const policy<IPVS_CMD_ATTR_MAX + 1>& cmd_policy() {
  static const auto p = [] {
    policy<IPVS_CMD_ATTR_MAX + 1> x{};
    x[IPVS_CMD_ATTR_SERVICE] = pol(NLA_NESTED);
    x[IPVS_CMD_ATTR_DEST] = pol(NLA_NESTED);
    x[IPVS_CMD_ATTR_DAEMON] = pol(NLA_NESTED);
    x[IPVS_CMD_ATTR_TIMEOUT_TCP] = pol(NLA_U32);
    x[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN] = pol(NLA_U32);
    x[IPVS_CMD_ATTR_TIMEOUT_UDP] = pol(NLA_U32);
    return x;
  }();
  return p;
}

const policy<IPVS_SVC_ATTR_MAX + 1>& svc_policy() {
  static const auto p = [] {
    policy<IPVS_SVC_ATTR_MAX + 1> x{};
    x[IPVS_SVC_ATTR_AF] = pol(NLA_U16);
    x[IPVS_SVC_ATTR_PROTOCOL] = pol(NLA_U16);
    x[IPVS_SVC_ATTR_ADDR] = pol(NLA_UNSPEC, 4);
    x[IPVS_SVC_ATTR_PORT] = pol(NLA_U16);
    x[IPVS_SVC_ATTR_FWMARK] = pol(NLA_U32);
    x[IPVS_SVC_ATTR_SCHED_NAME] = pol(NLA_STRING);
    x[IPVS_SVC_ATTR_FLAGS] = pol(NLA_UNSPEC, sizeof(ip_vs_flags));
    x[IPVS_SVC_ATTR_TIMEOUT] = pol(NLA_U32);
    x[IPVS_SVC_ATTR_NETMASK] = pol(NLA_U32);
    x[IPVS_SVC_ATTR_STATS] = pol(NLA_NESTED);
    x[IPVS_SVC_ATTR_PE_NAME] = pol(NLA_STRING);
    x[IPVS_SVC_ATTR_STATS64] = pol(NLA_NESTED);
    return x;
  }();
  return p;
}

const policy<IPVS_DEST_ATTR_MAX + 1>& dest_policy() {
  static const auto p = [] {
    policy<IPVS_DEST_ATTR_MAX + 1> x{};
    x[IPVS_DEST_ATTR_ADDR] = pol(NLA_UNSPEC, 4);
    x[IPVS_DEST_ATTR_PORT] = pol(NLA_U16);
    x[IPVS_DEST_ATTR_FWD_METHOD] = pol(NLA_U32);
    x[IPVS_DEST_ATTR_WEIGHT] = pol(NLA_U32);
    x[IPVS_DEST_ATTR_U_THRESH] = pol(NLA_U32);
    x[IPVS_DEST_ATTR_L_THRESH] = pol(NLA_U32);
    x[IPVS_DEST_ATTR_ACTIVE_CONNS] = pol(NLA_U32);
    x[IPVS_DEST_ATTR_INACT_CONNS] = pol(NLA_U32);
    x[IPVS_DEST_ATTR_PERSIST_CONNS] = pol(NLA_U32);
    x[IPVS_DEST_ATTR_STATS] = pol(NLA_NESTED);
    x[IPVS_DEST_ATTR_ADDR_FAMILY] = pol(NLA_U16);
    x[IPVS_DEST_ATTR_STATS64] = pol(NLA_NESTED);
    x[IPVS_DEST_ATTR_TUN_TYPE] = pol(NLA_U8);
    x[IPVS_DEST_ATTR_TUN_PORT] = pol(NLA_U16);
    x[IPVS_DEST_ATTR_TUN_FLAGS] = pol(NLA_U16);
    return x;
  }();
  return p;
}

const policy<IPVS_DAEMON_ATTR_MAX + 1>& daemon_policy() {
  static const auto p = [] {
    policy<IPVS_DAEMON_ATTR_MAX + 1> x{};
    x[IPVS_DAEMON_ATTR_STATE] = pol(NLA_U32);
    x[IPVS_DAEMON_ATTR_MCAST_IFN] = pol(NLA_STRING);
    x[IPVS_DAEMON_ATTR_SYNC_ID] = pol(NLA_U32);
    x[IPVS_DAEMON_ATTR_SYNC_MAXLEN] = pol(NLA_U16);
    x[IPVS_DAEMON_ATTR_MCAST_GROUP] = pol(NLA_UNSPEC, 4);
    x[IPVS_DAEMON_ATTR_MCAST_GROUP6] = pol(NLA_UNSPEC, 16);
    x[IPVS_DAEMON_ATTR_MCAST_PORT] = pol(NLA_U16);
    x[IPVS_DAEMON_ATTR_MCAST_TTL] = pol(NLA_U8);
    return x;
  }();
  return p;
}

std::string str(const nlattr* a) {
  const auto* p = static_cast<const char*>(nla_data(a));
  return {p, strnlen(p, static_cast<std::size_t>(nla_len(a)))};
}

result<ip_address, std::string> addr_from(const nlattr* a, address_family f) {
  const auto* p = static_cast<const std::uint8_t*>(nla_data(a));
  if (f == address_family::ipv4) {
    boost::asio::ip::address_v4::bytes_type b{};
    std::memcpy(b.data(), p, b.size());
    return ip_address(boost::asio::ip::address_v4(b));
  }
  if (nla_len(a) < 16) return unexpected(std::string("IPv6 address attribute shorter than 16 bytes"));
  boost::asio::ip::address_v6::bytes_type b{};
  std::memcpy(b.data(), p, b.size());
  return ip_address(boost::asio::ip::address_v6(b));
}

result<address_family, std::string> family_from(std::uint16_t af) {
  if (af == AF_INET) return address_family::ipv4;
  if (af == AF_INET6) return address_family::ipv6;
  return unexpected("unknown address family " + std::to_string(af));
}

// IPVS_STATS_ATTR_*: u64 in STATS64, a mix of u32 and u64 in the older STATS.
stats decode_stats(nlattr* nested) {
  std::array<nlattr*, IPVS_STATS_ATTR_MAX + 1> tb{};
  stats s;
  if (nla_parse_nested(tb.data(), IPVS_STATS_ATTR_MAX, nested, nullptr) < 0) return s;
  auto get = [&tb](int type) -> std::uint64_t {
    const nlattr* a = tb[static_cast<std::size_t>(type)];
    if (a == nullptr) return 0;
    if (nla_len(a) >= 8) return nla_get_u64(a);
    if (nla_len(a) >= 4) return nla_get_u32(a);
    return 0;
  };
  s.conns = get(IPVS_STATS_ATTR_CONNS);
  s.inpkts = get(IPVS_STATS_ATTR_INPKTS);
  s.outpkts = get(IPVS_STATS_ATTR_OUTPKTS);
  s.inbytes = get(IPVS_STATS_ATTR_INBYTES);
  s.outbytes = get(IPVS_STATS_ATTR_OUTBYTES);
  s.cps = get(IPVS_STATS_ATTR_CPS);
  s.inpps = get(IPVS_STATS_ATTR_INPPS);
  s.outpps = get(IPVS_STATS_ATTR_OUTPPS);
  s.inbps = get(IPVS_STATS_ATTR_INBPS);
  s.outbps = get(IPVS_STATS_ATTR_OUTBPS);
  return s;
}

using cmd_attrs = std::array<nlattr*, IPVS_CMD_ATTR_MAX + 1>;

result<cmd_attrs, std::string> parse_cmd(nlmsghdr* msg) {
  cmd_attrs tb{};
  if (int rc = genlmsg_parse(msg, 0, tb.data(), IPVS_CMD_ATTR_MAX, cmd_policy().data()); rc < 0) {
    return unexpected("malformed IPVS message: " + std::string(nl_geterror(rc)));
  }
  return tb;
}

}  // namespace

result<std::uint16_t, std::string> decode_family_id(nlmsghdr* msg) {
  std::array<nlattr*, CTRL_ATTR_MAX + 1> tb{};
  if (int rc = genlmsg_parse(msg, 0, tb.data(), CTRL_ATTR_MAX, nullptr); rc < 0) {
    return unexpected("malformed family reply: " + std::string(nl_geterror(rc)));
  }
  const nlattr* id = tb[CTRL_ATTR_FAMILY_ID];
  if (id == nullptr || nla_len(id) < 2) return unexpected(std::string("family reply without an id"));
  return nla_get_u16(id);
}

result<std::pair<service_key, service>, std::string> decode_service_attrs(nlattr* nested) {
  std::array<nlattr*, IPVS_SVC_ATTR_MAX + 1> tb{};
  if (int rc = nla_parse_nested(tb.data(), IPVS_SVC_ATTR_MAX, nested, svc_policy().data()); rc < 0) {
    return unexpected("malformed service attributes: " + std::string(nl_geterror(rc)));
  }
  if (tb[IPVS_SVC_ATTR_AF] == nullptr) return unexpected(std::string("service without an address family"));
  auto fam = family_from(nla_get_u16(tb[IPVS_SVC_ATTR_AF]));
  if (!fam) return unexpected(fam.error());
  service_key k;
  if (tb[IPVS_SVC_ATTR_FWMARK] != nullptr && nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]) != 0) {
    k = service_key::mark(*fam, nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]));
  } else {
    if (tb[IPVS_SVC_ATTR_PROTOCOL] == nullptr || tb[IPVS_SVC_ATTR_ADDR] == nullptr ||
        tb[IPVS_SVC_ATTR_PORT] == nullptr) {
      return unexpected(std::string("service without protocol, address or port"));
    }
    auto addr = addr_from(tb[IPVS_SVC_ATTR_ADDR], *fam);
    if (!addr) return unexpected(addr.error());
    k.family = *fam;
    k.proto = static_cast<protocol>(nla_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]));
    k.address = *addr;
    k.port = ntohs(nla_get_u16(tb[IPVS_SVC_ATTR_PORT]));
  }
  service s;
  if (tb[IPVS_SVC_ATTR_SCHED_NAME] != nullptr) s.attrs.scheduler = str(tb[IPVS_SVC_ATTR_SCHED_NAME]);
  if (tb[IPVS_SVC_ATTR_FLAGS] != nullptr) {
    ip_vs_flags f{};
    std::memcpy(&f, nla_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof f);
    s.attrs.flags = f.flags & ~static_cast<std::uint32_t>(IP_VS_SVC_F_HASHED);
  }
  if (tb[IPVS_SVC_ATTR_TIMEOUT] != nullptr) s.attrs.timeout = nla_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
  if (tb[IPVS_SVC_ATTR_NETMASK] != nullptr) {
    std::uint32_t m = nla_get_u32(tb[IPVS_SVC_ATTR_NETMASK]);
    if (k.family == address_family::ipv4) m = ntohl(m);
    if (m != full_netmask(k.family)) s.attrs.netmask = m;
  }
  if (tb[IPVS_SVC_ATTR_PE_NAME] != nullptr) s.attrs.pe_name = str(tb[IPVS_SVC_ATTR_PE_NAME]);
  if (tb[IPVS_SVC_ATTR_STATS64] != nullptr) {
    s.stats = decode_stats(tb[IPVS_SVC_ATTR_STATS64]);
  } else if (tb[IPVS_SVC_ATTR_STATS] != nullptr) {
    s.stats = decode_stats(tb[IPVS_SVC_ATTR_STATS]);
  }
  return std::make_pair(k, std::move(s));
}

result<std::pair<dest_key, dest>, std::string> decode_dest_attrs(nlattr* nested, address_family svc_family) {
  std::array<nlattr*, IPVS_DEST_ATTR_MAX + 1> tb{};
  if (int rc = nla_parse_nested(tb.data(), IPVS_DEST_ATTR_MAX, nested, dest_policy().data()); rc < 0) {
    return unexpected("malformed destination attributes: " + std::string(nl_geterror(rc)));
  }
  if (tb[IPVS_DEST_ATTR_ADDR] == nullptr || tb[IPVS_DEST_ATTR_PORT] == nullptr) {
    return unexpected(std::string("destination without address or port"));
  }
  address_family fam = svc_family;
  if (tb[IPVS_DEST_ATTR_ADDR_FAMILY] != nullptr) {
    auto f = family_from(nla_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]));
    if (!f) return unexpected(f.error());
    fam = *f;
  }
  auto addr = addr_from(tb[IPVS_DEST_ATTR_ADDR], fam);
  if (!addr) return unexpected(addr.error());
  dest_key k{*addr, ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_PORT]))};
  dest d;
  auto u32 = [&tb](int type) {
    const nlattr* a = tb[static_cast<std::size_t>(type)];
    return a != nullptr ? nla_get_u32(a) : 0U;
  };
  d.attrs.fwd = static_cast<forwarding>(u32(IPVS_DEST_ATTR_FWD_METHOD) & IP_VS_CONN_F_FWD_MASK & 0x3);
  d.attrs.weight = u32(IPVS_DEST_ATTR_WEIGHT);
  d.attrs.u_threshold = u32(IPVS_DEST_ATTR_U_THRESH);
  d.attrs.l_threshold = u32(IPVS_DEST_ATTR_L_THRESH);
  if (d.attrs.fwd == forwarding::tunnel) {
    if (tb[IPVS_DEST_ATTR_TUN_TYPE] != nullptr) {
      d.attrs.tun_type = static_cast<tunnel_type>(nla_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]));
    }
    if (tb[IPVS_DEST_ATTR_TUN_PORT] != nullptr) d.attrs.tun_port = ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_TUN_PORT]));
    if (tb[IPVS_DEST_ATTR_TUN_FLAGS] != nullptr) d.attrs.tun_flags = nla_get_u16(tb[IPVS_DEST_ATTR_TUN_FLAGS]);
  }
  d.counters.active = u32(IPVS_DEST_ATTR_ACTIVE_CONNS);
  d.counters.inactive = u32(IPVS_DEST_ATTR_INACT_CONNS);
  d.counters.persistent = u32(IPVS_DEST_ATTR_PERSIST_CONNS);
  if (tb[IPVS_DEST_ATTR_STATS64] != nullptr) {
    d.counters.stats = decode_stats(tb[IPVS_DEST_ATTR_STATS64]);
  } else if (tb[IPVS_DEST_ATTR_STATS] != nullptr) {
    d.counters.stats = decode_stats(tb[IPVS_DEST_ATTR_STATS]);
  }
  return std::make_pair(k, d);
}

result<std::pair<service_key, service>, std::string> decode_service(nlmsghdr* msg) {
  auto tb = parse_cmd(msg);
  if (!tb) return unexpected(tb.error());
  if ((*tb)[IPVS_CMD_ATTR_SERVICE] == nullptr) return unexpected(std::string("reply without a service"));
  return decode_service_attrs((*tb)[IPVS_CMD_ATTR_SERVICE]);
}

result<std::pair<dest_key, dest>, std::string> decode_dest(nlmsghdr* msg, address_family svc_family) {
  auto tb = parse_cmd(msg);
  if (!tb) return unexpected(tb.error());
  if ((*tb)[IPVS_CMD_ATTR_DEST] == nullptr) return unexpected(std::string("reply without a destination"));
  return decode_dest_attrs((*tb)[IPVS_CMD_ATTR_DEST], svc_family);
}

result<info, std::string> decode_info(nlmsghdr* msg) {
  std::array<nlattr*, IPVS_INFO_ATTR_MAX + 1> tb{};
  policy<IPVS_INFO_ATTR_MAX + 1> p{};
  p[IPVS_INFO_ATTR_VERSION] = pol(NLA_U32);
  p[IPVS_INFO_ATTR_CONN_TAB_SIZE] = pol(NLA_U32);
  if (int rc = genlmsg_parse(msg, 0, tb.data(), IPVS_INFO_ATTR_MAX, p.data()); rc < 0) {
    return unexpected("malformed info reply: " + std::string(nl_geterror(rc)));
  }
  if (tb[IPVS_INFO_ATTR_VERSION] == nullptr) return unexpected(std::string("info reply without a version"));
  info i;
  i.version = nla_get_u32(tb[IPVS_INFO_ATTR_VERSION]);
  if (tb[IPVS_INFO_ATTR_CONN_TAB_SIZE] != nullptr) i.conn_tab_size = nla_get_u32(tb[IPVS_INFO_ATTR_CONN_TAB_SIZE]);
  return i;
}

result<timeouts, std::string> decode_config(nlmsghdr* msg) {
  auto tb = parse_cmd(msg);
  if (!tb) return unexpected(tb.error());
  auto get = [&tb](int type) {
    const nlattr* a = (*tb)[static_cast<std::size_t>(type)];
    return a != nullptr ? nla_get_u32(a) : 0U;
  };
  return timeouts{get(IPVS_CMD_ATTR_TIMEOUT_TCP), get(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN), get(IPVS_CMD_ATTR_TIMEOUT_UDP)};
}

result<sync_daemon, std::string> decode_daemon(nlmsghdr* msg) {
  auto cmd = parse_cmd(msg);
  if (!cmd) return unexpected(cmd.error());
  if ((*cmd)[IPVS_CMD_ATTR_DAEMON] == nullptr) return unexpected(std::string("reply without a sync daemon"));
  std::array<nlattr*, IPVS_DAEMON_ATTR_MAX + 1> tb{};
  if (int rc = nla_parse_nested(tb.data(), IPVS_DAEMON_ATTR_MAX, (*cmd)[IPVS_CMD_ATTR_DAEMON], daemon_policy().data());
      rc < 0) {
    return unexpected("malformed sync daemon attributes: " + std::string(nl_geterror(rc)));
  }
  if (tb[IPVS_DAEMON_ATTR_STATE] == nullptr) return unexpected(std::string("sync daemon without a state"));
  sync_daemon d;
  const std::uint32_t state = nla_get_u32(tb[IPVS_DAEMON_ATTR_STATE]);
  if (state != IP_VS_STATE_MASTER && state != IP_VS_STATE_BACKUP) {
    return unexpected("unknown sync daemon state " + std::to_string(state));
  }
  d.state = static_cast<daemon_state>(state);
  if (tb[IPVS_DAEMON_ATTR_MCAST_IFN] != nullptr) d.mcast_ifname = str(tb[IPVS_DAEMON_ATTR_MCAST_IFN]);
  if (tb[IPVS_DAEMON_ATTR_SYNC_ID] != nullptr) d.sync_id = nla_get_u32(tb[IPVS_DAEMON_ATTR_SYNC_ID]);
  if (tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN] != nullptr) d.sync_maxlen = nla_get_u16(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
  if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP6] != nullptr) {
    auto a = addr_from(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6], address_family::ipv6);
    if (a) d.mcast_group = *a;
  } else if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP] != nullptr) {
    auto a = addr_from(tb[IPVS_DAEMON_ATTR_MCAST_GROUP], address_family::ipv4);
    if (a) d.mcast_group = *a;
  }
  if (tb[IPVS_DAEMON_ATTR_MCAST_PORT] != nullptr) d.mcast_port = nla_get_u16(tb[IPVS_DAEMON_ATTR_MCAST_PORT]);
  if (tb[IPVS_DAEMON_ATTR_MCAST_TTL] != nullptr) d.mcast_ttl = nla_get_u8(tb[IPVS_DAEMON_ATTR_MCAST_TTL]);
  return d;
}

}  // namespace lbd::ipvs::netlink
