// SPDX-License-Identifier: GPL-2.0-or-later
// IPVS generic-netlink requests: the bytes lbd sends (see codec.hpp).
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

struct msg_deleter {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using msg_ptr = std::unique_ptr<nl_msg, msg_deleter>;

// A request under construction; `finish` copies its bytes out.
class builder {
 public:
  builder(std::uint16_t family, std::uint32_t seq, int flags, std::uint8_t cmd,
          std::uint8_t version = IPVS_GENL_VERSION)
      : m_(nlmsg_alloc()) {
    if (!m_ || genlmsg_put(m_.get(), 0, seq, family, 0, NLM_F_REQUEST | flags, cmd, version) == nullptr) overflow();
  }
  nl_msg* get() { return m_.get(); }
  void check(int rc) {
    if (rc < 0) overflow();
  }
  nlattr* nest(int type) {
    nlattr* n = nla_nest_start(m_.get(), type);
    if (n == nullptr) overflow();
    return n;
  }
  void end(nlattr* n) { check(nla_nest_end(m_.get(), n)); }
  void append_to(bytes& out) {
    const nlmsghdr* h = nlmsg_hdr(m_.get());
    const auto* p = reinterpret_cast<const std::uint8_t*>(h);
    out.insert(out.end(), p, p + NLMSG_ALIGN(h->nlmsg_len));
  }
  bytes finish() {
    bytes out;
    append_to(out);
    return out;
  }

 private:
  // Our messages are a few hundred bytes in a page-sized buffer: running out is a bug.
  [[noreturn]] static void overflow() {
    std::fprintf(stderr, "ipvs netlink: request does not fit its buffer\n");
    std::abort();
  }
  msg_ptr m_;
};

std::uint16_t af_of(address_family f) { return f == address_family::ipv4 ? AF_INET : AF_INET6; }

std::array<std::uint8_t, 16> addr16(const ip_address& a) {
  std::array<std::uint8_t, 16> out{};
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    std::memcpy(out.data(), b.data(), b.size());
  } else {
    const auto b = a.to_v6().to_bytes();
    std::memcpy(out.data(), b.data(), b.size());
  }
  return out;
}

void put_service_key(builder& b, const service_key& k) {
  b.check(nla_put_u16(b.get(), IPVS_SVC_ATTR_AF, af_of(k.family)));
  if (k.fwmark != 0) {
    b.check(nla_put_u32(b.get(), IPVS_SVC_ATTR_FWMARK, k.fwmark));
    return;
  }
  const auto a = addr16(k.address);
  b.check(nla_put_u16(b.get(), IPVS_SVC_ATTR_PROTOCOL, static_cast<std::uint16_t>(k.proto)));
  b.check(nla_put(b.get(), IPVS_SVC_ATTR_ADDR, static_cast<int>(a.size()), a.data()));
  b.check(nla_put_u16(b.get(), IPVS_SVC_ATTR_PORT, htons(k.port)));
}

void put_service(builder& b, const service_key& k, const service_attrs* attrs) {
  nlattr* n = b.nest(IPVS_CMD_ATTR_SERVICE);
  put_service_key(b, k);
  if (attrs != nullptr) {
    const ip_vs_flags flags{attrs->flags & ~static_cast<std::uint32_t>(IP_VS_SVC_F_HASHED), ~0U};
    std::uint32_t mask = attrs->netmask.value_or(full_netmask(k.family));
    if (k.family == address_family::ipv4) mask = htonl(mask);
    b.check(nla_put_string(b.get(), IPVS_SVC_ATTR_SCHED_NAME, attrs->scheduler.c_str()));
    b.check(nla_put(b.get(), IPVS_SVC_ATTR_FLAGS, sizeof flags, &flags));
    b.check(nla_put_u32(b.get(), IPVS_SVC_ATTR_TIMEOUT, attrs->timeout));
    b.check(nla_put_u32(b.get(), IPVS_SVC_ATTR_NETMASK, mask));
    if (!attrs->pe_name.empty()) b.check(nla_put_string(b.get(), IPVS_SVC_ATTR_PE_NAME, attrs->pe_name.c_str()));
  }
  b.end(n);
}

void put_dest(builder& b, const dest_key& k, const dest_attrs* attrs) {
  nlattr* n = b.nest(IPVS_CMD_ATTR_DEST);
  const auto a = addr16(k.address);
  b.check(nla_put(b.get(), IPVS_DEST_ATTR_ADDR, static_cast<int>(a.size()), a.data()));
  b.check(nla_put_u16(b.get(), IPVS_DEST_ATTR_PORT, htons(k.port)));
  b.check(nla_put_u16(b.get(), IPVS_DEST_ATTR_ADDR_FAMILY, af_of(family_of(k.address))));
  if (attrs != nullptr) {
    b.check(nla_put_u32(b.get(), IPVS_DEST_ATTR_FWD_METHOD, static_cast<std::uint32_t>(attrs->fwd)));
    b.check(nla_put_u32(b.get(), IPVS_DEST_ATTR_WEIGHT, attrs->weight));
    b.check(nla_put_u32(b.get(), IPVS_DEST_ATTR_U_THRESH, attrs->u_threshold));
    b.check(nla_put_u32(b.get(), IPVS_DEST_ATTR_L_THRESH, attrs->l_threshold));
    if (attrs->fwd == forwarding::tunnel) {
      b.check(nla_put_u8(b.get(), IPVS_DEST_ATTR_TUN_TYPE, static_cast<std::uint8_t>(attrs->tun_type)));
      b.check(nla_put_u16(b.get(), IPVS_DEST_ATTR_TUN_PORT, htons(attrs->tun_port)));
      b.check(nla_put_u16(b.get(), IPVS_DEST_ATTR_TUN_FLAGS, attrs->tun_flags));
    }
  }
  b.end(n);
}

std::uint8_t command(op_kind k) {
  switch (k) {
    case op_kind::add_service: return IPVS_CMD_NEW_SERVICE;
    case op_kind::edit_service: return IPVS_CMD_SET_SERVICE;
    case op_kind::del_service: return IPVS_CMD_DEL_SERVICE;
    case op_kind::add_dest: return IPVS_CMD_NEW_DEST;
    case op_kind::edit_dest: return IPVS_CMD_SET_DEST;
    case op_kind::del_dest: return IPVS_CMD_DEL_DEST;
    case op_kind::set_timeouts: return IPVS_CMD_SET_CONFIG;
    case op_kind::start_daemon: return IPVS_CMD_NEW_DAEMON;
    case op_kind::stop_daemon: return IPVS_CMD_DEL_DAEMON;
  }
  return IPVS_CMD_UNSPEC;
}

}  // namespace

void append_op(bytes& out, const op& o, std::uint16_t family, std::uint32_t seq) {
  // The global settings have requests of their own; in a batch they are acknowledged like the rest.
  const auto append = [&out](const bytes& msg) { out.insert(out.end(), msg.begin(), msg.end()); };
  switch (o.kind) {
    case op_kind::set_timeouts: append(set_config_request(o.tmo, family, seq)); return;
    case op_kind::start_daemon: append(new_daemon_request(o.daemon, family, seq)); return;
    case op_kind::stop_daemon: append(del_daemon_request(o.daemon.state, family, seq)); return;
    default: break;
  }
  builder b(family, seq, NLM_F_ACK, command(o.kind));
  switch (o.kind) {
    case op_kind::add_service:
    case op_kind::edit_service: put_service(b, o.service, &o.svc); break;
    case op_kind::del_service: put_service(b, o.service, nullptr); break;
    case op_kind::add_dest:
    case op_kind::edit_dest:
      put_service(b, o.service, nullptr);
      put_dest(b, o.dest, &o.dst);
      break;
    case op_kind::del_dest:
      put_service(b, o.service, nullptr);
      put_dest(b, o.dest, nullptr);
      break;
    case op_kind::set_timeouts:
    case op_kind::start_daemon:
    case op_kind::stop_daemon: break;
  }
  b.append_to(out);
}

bytes get_family_request(const std::string& name, std::uint32_t seq) {
  // NLM_F_ACK: the reply is followed by an acknowledgement, which ends the transaction.
  builder b(GENL_ID_CTRL, seq, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
  b.check(nla_put_string(b.get(), CTRL_ATTR_FAMILY_NAME, name.c_str()));
  return b.finish();
}

bytes get_services_request(std::uint16_t family, std::uint32_t seq) {
  return builder(family, seq, NLM_F_DUMP, IPVS_CMD_GET_SERVICE).finish();
}

bytes get_service_request(const service_key& k, std::uint16_t family, std::uint32_t seq) {
  builder b(family, seq, NLM_F_ACK, IPVS_CMD_GET_SERVICE);
  put_service(b, k, nullptr);
  return b.finish();
}

bytes get_dests_request(const service_key& k, std::uint16_t family, std::uint32_t seq) {
  builder b(family, seq, NLM_F_DUMP, IPVS_CMD_GET_DEST);
  put_service(b, k, nullptr);
  return b.finish();
}

bytes get_info_request(std::uint16_t family, std::uint32_t seq) {
  return builder(family, seq, NLM_F_ACK, IPVS_CMD_GET_INFO).finish();
}

bytes get_config_request(std::uint16_t family, std::uint32_t seq) {
  return builder(family, seq, NLM_F_ACK, IPVS_CMD_GET_CONFIG).finish();
}

bytes set_config_request(const timeouts& t, std::uint16_t family, std::uint32_t seq) {
  builder b(family, seq, NLM_F_ACK, IPVS_CMD_SET_CONFIG);
  if (t.tcp != 0) b.check(nla_put_u32(b.get(), IPVS_CMD_ATTR_TIMEOUT_TCP, t.tcp));
  if (t.tcp_fin != 0) b.check(nla_put_u32(b.get(), IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t.tcp_fin));
  if (t.udp != 0) b.check(nla_put_u32(b.get(), IPVS_CMD_ATTR_TIMEOUT_UDP, t.udp));
  return b.finish();
}

bytes get_daemons_request(std::uint16_t family, std::uint32_t seq) {
  return builder(family, seq, NLM_F_DUMP, IPVS_CMD_GET_DAEMON).finish();
}

bytes new_daemon_request(const sync_daemon& d, std::uint16_t family, std::uint32_t seq) {
  builder b(family, seq, NLM_F_ACK, IPVS_CMD_NEW_DAEMON);
  nlattr* n = b.nest(IPVS_CMD_ATTR_DAEMON);
  b.check(nla_put_u32(b.get(), IPVS_DAEMON_ATTR_STATE, static_cast<std::uint32_t>(d.state)));
  b.check(nla_put_string(b.get(), IPVS_DAEMON_ATTR_MCAST_IFN, d.mcast_ifname.c_str()));
  b.check(nla_put_u32(b.get(), IPVS_DAEMON_ATTR_SYNC_ID, d.sync_id));
  if (d.sync_maxlen != 0) b.check(nla_put_u16(b.get(), IPVS_DAEMON_ATTR_SYNC_MAXLEN, d.sync_maxlen));
  if (d.mcast_group) {
    if (d.mcast_group->is_v4()) {
      const auto g = d.mcast_group->to_v4().to_bytes();
      b.check(nla_put(b.get(), IPVS_DAEMON_ATTR_MCAST_GROUP, static_cast<int>(g.size()), g.data()));
    } else {
      const auto g = d.mcast_group->to_v6().to_bytes();
      b.check(nla_put(b.get(), IPVS_DAEMON_ATTR_MCAST_GROUP6, static_cast<int>(g.size()), g.data()));
    }
  }
  if (d.mcast_port != 0) b.check(nla_put_u16(b.get(), IPVS_DAEMON_ATTR_MCAST_PORT, d.mcast_port));
  if (d.mcast_ttl != 0) b.check(nla_put_u8(b.get(), IPVS_DAEMON_ATTR_MCAST_TTL, d.mcast_ttl));
  b.end(n);
  return b.finish();
}

bytes del_daemon_request(daemon_state s, std::uint16_t family, std::uint32_t seq) {
  builder b(family, seq, NLM_F_ACK, IPVS_CMD_DEL_DAEMON);
  nlattr* n = b.nest(IPVS_CMD_ATTR_DAEMON);
  b.check(nla_put_u32(b.get(), IPVS_DAEMON_ATTR_STATE, static_cast<std::uint32_t>(s)));
  b.end(n);
  return b.finish();
}

}  // namespace lbd::ipvs::netlink
