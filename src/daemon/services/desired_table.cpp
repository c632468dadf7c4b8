// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/desired_table.hpp"

#include "config/names.hpp"

namespace lbd::daemon {
namespace {

// lbd.conf's one forwarding IPVS has no method for: fullnat is masquerading plus lbd's source NAT.
ipvs::forwarding forwarding_of(config::forwarding f) {
  switch (f) {
    case config::forwarding::nat:
    case config::forwarding::fullnat: return ipvs::forwarding::masq;  // and lbd's source NAT (fullnat.hpp)
    case config::forwarding::dr: return ipvs::forwarding::droute;
    case config::forwarding::tun: return ipvs::forwarding::tunnel;
  }
  return ipvs::forwarding::masq;
}

}  // namespace

ipvs::service_key service_key_of(const config::virtual_server& vs) {
  if (vs.fwmark) {
    return ipvs::service_key::mark(
        vs.family == config::address_family::inet ? ipvs::address_family::ipv4 : ipvs::address_family::ipv6,
        *vs.fwmark);
  }
  return ipvs::service_key::inet(vs.proto, vs.address.value_or(endpoint{}));
}

std::vector<ipvs::service_key> service_keys_of(const config::virtual_server& vs) {
  std::vector<ipvs::service_key> out{service_key_of(vs)};
  const auto family =
      vs.family == config::address_family::inet ? ipvs::address_family::ipv4 : ipvs::address_family::ipv6;
  for (auto m : vs.more_fwmarks) out.push_back(ipvs::service_key::mark(family, m));
  for (const auto& a : vs.more_addresses) out.push_back(ipvs::service_key::inet(vs.proto, a));
  return out;
}

ipvs::dest_key dest_key_of(const endpoint& e) { return ipvs::dest_key{e.address, e.port}; }

ipvs::service_attrs service_attrs_of(const config::virtual_server& vs) {
  ipvs::service_attrs a;
  a.scheduler = std::string(config::to_string(vs.sched));
  if (vs.flags.fallback) a.flags |= ipvs::svc_flag::sched1;
  if (vs.flags.port) a.flags |= ipvs::svc_flag::sched2;
  if (vs.flags.one_packet) a.flags |= ipvs::svc_flag::one_packet;
  if (vs.persistence) {
    const auto& p = *vs.persistence;
    a.flags |= ipvs::svc_flag::persistent;
    a.timeout = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(p.timeout).count());
    const bool v4 = vs.family == config::address_family::inet;
    const unsigned full = v4 ? 32 : 128;
    if (p.netmask_length < full) {
      a.netmask = v4 ? (p.netmask_length == 0 ? 0U : ~std::uint32_t{0} << (32 - p.netmask_length)) : p.netmask_length;
    }
    a.pe_name = p.pe;
  }
  return a;
}

ipvs::dest_attrs dest_attrs_of(const config::virtual_server& vs, config::forwarding method, std::uint32_t weight,
                               std::uint32_t upper, std::uint32_t lower) {
  ipvs::dest_attrs d;
  d.fwd = forwarding_of(method);
  if (method == config::forwarding::tun && vs.tunnel) {
    d.tun_type = vs.tunnel->type;
    d.tun_port = vs.tunnel->type == config::tunnel_type::gue ? vs.tunnel->port : 0;
    d.tun_flags = vs.tunnel->checksum == config::tunnel_checksum::csum      ? ipvs::tun_flag::csum
                  : vs.tunnel->checksum == config::tunnel_checksum::remcsum ? ipvs::tun_flag::remcsum
                                                                            : 0;
  }
  d.weight = weight;
  d.u_threshold = upper;
  d.l_threshold = lower;
  return d;
}

namespace {

const agent_input* agent_of(const agent_inputs* agents, const server_ref& ref) {
  if (agents == nullptr) return nullptr;
  const auto it = agents->find(ref);
  return it == agents->end() ? nullptr : &it->second;
}

}  // namespace

// The destinations one service's entry points hold: the real servers its health policy keeps, the
// operator's overrides applied, or the sorry server while quorum is lost.
std::map<ipvs::dest_key, ipvs::dest> dests_of(const config::virtual_server& vs,
                                              const std::map<std::string, healthcheck::desired_service>& health,
                                              const overrides& ovr, const agent_inputs* agents) {
  std::map<ipvs::dest_key, ipvs::dest> dests;
  const auto h = health.find(vs.name);
  if (h == health.end()) return dests;
  if (h->second.sorry_active && vs.sorry_server) {
    dests[dest_key_of(*vs.sorry_server)] = ipvs::dest{dest_attrs_of(vs, vs.method, 1), {}};
    // keepalived, with inhibit_on_failure, keeps every real server at weight 0 beside the
    // sorry server rather than deleting them.
    if (vs.on_failure == config::failure_action::inhibit) {
      for (const auto& rs : vs.real_servers) {
        dests.try_emplace(dest_key_of(rs.address),
                          ipvs::dest{dest_attrs_of(vs, rs.method, 0, rs.upper_threshold, rs.lower_threshold), {}});
      }
    }
    return dests;
  }
  for (const auto& want : h->second.servers) {
    const config::real_server* rs = nullptr;
    for (const auto& r : vs.real_servers) {
      if (r.address == want.address) rs = &r;
    }
    if (rs == nullptr) continue;
    // A failed server under on_failure = drain leaves the table through the drain tracker: at
    // weight 0 while it still has connections, then deleted.
    if (want.draining) continue;
    const server_ref ref{vs.name, rs->address};
    std::uint32_t weight = want.weight;
    std::uint32_t upper = rs->upper_threshold;
    bool failed = want.inhibited;
    if (const auto* agent = agent_of(agents, ref); agent != nullptr && !failed) {
      const auto a = apply_agent(*agent, weight, upper);
      if (!a.up && vs.on_failure != config::failure_action::inhibit) continue;
      failed = !a.up;
      weight = a.weight;
      upper = a.upper_threshold;
    }
    if (const auto* o = ovr.find(ref)) {
      if (o->kind == override_kind::drain) continue;
      if (!failed) weight = o->weight;  // a weight override does not bring a failed server back
    }
    dests[dest_key_of(rs->address)] = ipvs::dest{dest_attrs_of(vs, rs->method, weight, upper, rs->lower_threshold), {}};
  }
  return dests;
}

ipvs::desired_state build_desired(const config::config& cfg,
                                  const std::map<std::string, healthcheck::desired_service>& health,
                                  const overrides& ovr, bool sync_master, const agent_inputs* agents) {
  ipvs::desired_state out;
  out.timeouts = timeouts_of(cfg.ipvs);
  if (auto d = sync_daemon_of(cfg.ipvs, sync_master)) out.daemons.push_back(std::move(*d));
  for (const auto& vs : cfg.virtual_servers) {
    const bool operator_drains = ovr.any_drain(vs.name);
    std::set<ipvs::dest_key> allowed;  // to drain, when only the operator drains
    if (operator_drains && vs.on_failure == config::failure_action::remove) {
      for (const auto& [ref, o] : ovr.entries()) {
        if (ref.service == vs.name && o.kind == override_kind::drain) allowed.insert(dest_key_of(ref.address));
      }
    }
    ipvs::service svc{service_attrs_of(vs), {}, dests_of(vs, health, ovr, agents)};
    // Every entry point of a group holds the same destinations.
    const auto keys = service_keys_of(vs);
    for (std::size_t i = 1; i < keys.size(); ++i) out.services[keys[i]] = svc;
    out.services[keys.front()] = std::move(svc);
    for (const auto& key : keys) {
      out.owned.insert(key);
      if (vs.on_failure == config::failure_action::drain || operator_drains) out.drained.insert(key);
      if (operator_drains && vs.on_failure == config::failure_action::remove) out.drain_only[key] = allowed;
    }
  }
  return out;
}

ipvs::timeouts timeouts_of(const config::ipvs_settings& s) {
  auto secs = [](const std::optional<duration>& d) {
    return d ? static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(*d).count()) : 0U;
  };
  return ipvs::timeouts{secs(s.timeouts.tcp), secs(s.timeouts.tcp_fin), secs(s.timeouts.udp)};
}

std::optional<ipvs::sync_daemon> sync_daemon_of(const config::ipvs_settings& s, bool master) {
  if (!s.sync_daemon) return std::nullopt;
  const auto& c = *s.sync_daemon;
  ipvs::sync_daemon d;
  d.state = master ? ipvs::daemon_state::master : ipvs::daemon_state::backup;
  d.mcast_ifname = c.interface;
  d.sync_id = c.sync_id;
  d.sync_maxlen = c.maxlen.value_or(0);
  d.mcast_group = c.mcast_group;
  d.mcast_port = c.mcast_port.value_or(0);
  d.mcast_ttl = c.mcast_ttl.value_or(0);
  return d;
}

}  // namespace lbd::daemon
