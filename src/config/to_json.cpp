// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/to_json.hpp"

#include <fmt/format.h>

#include "config/names.hpp"

namespace lbd::config {
namespace {

std::string text(const ip_address& a) { return a.to_string(); }
std::string text(const endpoint& e) { return to_string(e); }
std::string text(const prefix& p) { return to_string(p); }
std::string text(duration d) { return format_duration(d); }

void put_command(json& j, const char* key, const argv& command) {
  if (!command.empty()) j[key] = command;
}

json to_json(const virtual_ip& vip) {
  if (vip.label.empty()) return to_string(vip.address);
  return json{{"address", to_string(vip.address)}, {"label", vip.label}};
}

// A program's own account, when it has one.
void put_account(json& j, const std::string& user, const std::string& group) {
  if (!user.empty()) j["user"] = user;
  if (!group.empty()) j["group"] = group;
}

json to_json(const track_script& s) {
  json j{{"name", s.name},
         {"command", s.command},
         {"interval", text(s.interval)},
         {"timeout", text(s.timeout)},
         {"rise", s.rise},
         {"fall", s.fall},
         {"weight", s.weight}};
  put_account(j, s.user, s.group);
  return j;
}

json to_json(const netif::route_spec& r) {
  static constexpr std::array<const char*, 4> kinds{"unicast", "blackhole", "unreachable", "prohibit"};
  json j{{"to", text(r.to)}};
  if (r.via) j["via"] = text(*r.via);
  if (!r.dev.empty()) j["dev"] = r.dev;
  if (r.src) j["src"] = text(*r.src);
  j["table"] = r.table;
  if (r.metric) j["metric"] = *r.metric;
  j["type"] = kinds.at(static_cast<std::size_t>(r.kind));
  if (r.scope) j["scope"] = netif::scope_name(*r.scope);
  return j;
}

json to_json(const netif::rule_spec& r) {
  json j = json::object();
  if (r.from) j["from"] = text(*r.from);
  if (r.to) j["to"] = text(*r.to);
  if (!r.from && !r.to) j["family"] = r.ipv6 ? "inet6" : "inet";
  j["table"] = r.table;
  if (r.priority) j["priority"] = *r.priority;
  if (r.fwmark) j["fwmark"] = *r.fwmark;
  if (!r.iif.empty()) j["iif"] = r.iif;
  if (!r.oif.empty()) j["oif"] = r.oif;
  return j;
}

json to_json(const vrrp_notify& n) {
  json j = json::object();
  put_command(j, "master", n.master);
  put_command(j, "backup", n.backup);
  put_command(j, "fault", n.fault);
  put_command(j, "stop", n.stop);
  put_command(j, "any", n.any);
  if (n.arguments != notify_arguments::lbd) j["arguments"] = name_of(notify_arguments_names, n.arguments);
  if (n.master_wait != duration::zero()) j["master_wait"] = format_duration(n.master_wait);
  return j;
}

namespace hc = healthcheck;

json statuses(const std::vector<hc::status_range>& list) {
  json j = json::array();
  for (const auto& s : list) {
    if (s.lo == s.hi) {
      j.push_back(s.lo);
    } else {
      j.push_back(fmt::format("{}-{}", s.lo, s.hi));
    }
  }
  return j;
}

void put_params(json& j, const hc::http_params& h) {
  j["method"] = h.method;
  j["path"] = h.path;
  if (!h.host.empty()) j["host"] = h.host;
  j["headers"] = json::object();
  for (const auto& line : h.headers) {  // "Name: value"; a name never holds ':'
    auto colon = line.find(':');
    j["headers"][line.substr(0, colon)] = colon + 2 <= line.size() ? line.substr(colon + 2) : std::string();
  }
  j["expect_status"] = statuses(h.expect_status);
  if (!h.body_regex.empty()) j["body_regex"] = h.body_regex;
  if (!h.body_sha256.empty()) j["body_sha256"] = h.body_sha256;
  j["max_body_bytes"] = h.max_body;
  if (!h.tls) return;
  json tls{{"verify", h.verify}};
  if (!h.ca_file.empty()) tls["ca_file"] = h.ca_file;
  if (!h.sni.empty()) tls["sni"] = h.sni;
  if (!h.client_cert.empty()) tls["client_cert"] = h.client_cert;
  if (!h.client_key.empty()) tls["client_key"] = h.client_key;
  j["tls"] = std::move(tls);
}

std::string netmask_text(unsigned length) {
  std::uint32_t m = length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
  return boost::asio::ip::address_v4(m).to_string();
}

}  // namespace

json to_json(const global_settings& g) {
  json j{{"node_name", g.node_name}, {"control_socket", g.control_socket}};
  if (g.metrics_listen) j["metrics_listen"] = text(*g.metrics_listen);
  j["log_level"] = name_of(log_level_names, g.log_level);
  j["reconcile_interval"] = text(g.reconcile_interval);
  j["exit_policy"] = to_string(g.on_exit);
  j["drain_timeout"] = text(g.drain_timeout);
  j["vrrp_realtime_priority"] = g.vrrp_realtime_priority;
  j["lock_memory"] = g.lock_memory;
  j["script_security"] = g.script_security;
  if (!g.script_user.empty()) j["script_user"] = g.script_user;
  if (!g.script_group.empty()) j["script_group"] = g.script_group;
  // Only when set: most directors announce nothing over BGP.
  if (g.anycast != anycast_routes{}) {
    j["anycast_device"] = g.anycast.device;
    j["anycast_route_protocol"] = g.anycast.protocol;
    j["anycast_route_table"] = g.anycast.table;
    j["anycast_stop_delay"] = text(g.anycast.stop_delay);
  }
  return j;
}

json to_json(const ipvs_settings& s) {
  json timeouts = json::object();
  if (s.timeouts.tcp) timeouts["tcp"] = text(*s.timeouts.tcp);
  if (s.timeouts.tcp_fin) timeouts["tcp_fin"] = text(*s.timeouts.tcp_fin);
  if (s.timeouts.udp) timeouts["udp"] = text(*s.timeouts.udp);
  json j{{"timeouts", std::move(timeouts)}};
  if (const auto& d = s.sync_daemon) {
    json sd{{"interface", d->interface}, {"sync_id", d->sync_id}, {"follow", d->follow}};
    if (d->maxlen) sd["maxlen"] = *d->maxlen;
    if (d->mcast_group) sd["mcast_group"] = text(*d->mcast_group);
    if (d->mcast_port) sd["mcast_port"] = *d->mcast_port;
    if (d->mcast_ttl) sd["mcast_ttl"] = *d->mcast_ttl;
    j["sync_daemon"] = std::move(sd);
  }
  // Only when set: the marks matter to a config with data-path checks, and most have none.
  if (s.data_path != data_path_marks{}) {
    j["data_path_fwmark_base"] = s.data_path.base;
    j["data_path_fwmark_count"] = s.data_path.count;
  }
  if (s.fullnat.pool4) j["fullnat_pool4"] = to_string(*s.fullnat.pool4);
  if (s.fullnat.pool6) j["fullnat_pool6"] = to_string(*s.fullnat.pool6);
  if (s.fullnat != fullnat_settings{}) j["fullnat_table"] = s.fullnat.table;
  if (s.sloppy_tcp) j["sloppy_tcp"] = *s.sloppy_tcp;
  if (s.sloppy_sctp) j["sloppy_sctp"] = *s.sloppy_sctp;
  return j;
}

json to_json(const vrrp_instance& v) {
  json j{{"name", v.name},
         {"interface", v.interface},
         {"vrid", v.vrid},
         {"priority", v.priority},
         {"version", v.version},
         {"advert_interval", text(v.advert_interval)},
         {"preempt", v.preempt},
         {"preempt_delay", text(v.preempt_delay)},
         {"accept_mode", v.accept_mode}};
  j["virtual_ips"] = json::array();
  for (const auto& vip : v.virtual_ips) j["virtual_ips"].push_back(to_json(vip));
  if (!v.unicast_peers.empty()) {
    j["unicast_peers"] = json::array();
    for (const auto& p : v.unicast_peers) j["unicast_peers"].push_back(text(p));
  }
  if (v.unicast_source) j["unicast_source"] = text(*v.unicast_source);
  if (v.unicast_require_ttl_255) j["unicast_require_ttl_255"] = true;
  if (v.mcast_source) j["mcast_source"] = text(*v.mcast_source);
  j["garp"] = json{{"repeat", v.garp.repeat},
                   {"delay", text(v.garp.delay)},
                   {"refresh", text(v.garp.refresh)},
                   {"master_delay", text(v.garp.master_delay)}};
  j["track_interfaces"] = json::array();
  for (const auto& t : v.track_interfaces)
    j["track_interfaces"].push_back(json{{"name", t.name}, {"weight", t.weight}});
  j["track_scripts"] = json::array();
  for (const auto& s : v.track_scripts) j["track_scripts"].push_back(to_json(s));
  if (!v.virtual_routes.empty()) {
    j["virtual_routes"] = json::array();
    for (const auto& r : v.virtual_routes) j["virtual_routes"].push_back(to_json(r));
  }
  if (!v.virtual_rules.empty()) {
    j["virtual_rules"] = json::array();
    for (const auto& r : v.virtual_rules) j["virtual_rules"].push_back(to_json(r));
  }
  if (v.vmac_interface) {
    j["use_vmac"] = true;
    j["vmac_interface"] = *v.vmac_interface;
    j["vmac_xmit_base"] = v.vmac_xmit_base;
  }
  if (v.sync_group) j["sync_group"] = *v.sync_group;
  j["notify"] = to_json(v.notify);
  if (v.auth_password) j["auth"] = json{{"type", "pass"}, {"password", *v.auth_password}};
  return j;
}

namespace {

// `server`: the real server whose resolved check this is; its address is where the check connects
// unless connect_to says otherwise.
json check_json(const check_settings& c, const endpoint* server) {
  json j{{"type", to_string(type_of(c))},
         {"interval", text(c.timing.interval)},
         {"timeout", text(c.timing.timeout)},
         {"rise", c.thresholds.rise},
         {"fall", c.thresholds.fall},
         {"initial_state", c.thresholds.initial == hc::health::up ? "up" : "down"},
         {"retry_delay", text(c.timing.retry_delay)}};
  if (c.connect_to) {
    j["connect_to"] = text(*c.connect_to);
  } else if (server != nullptr && hc::probes_network(c.params)) {
    j["connect_to"] = text(*server);
  }
  if (c.data_path) j["data_path"] = true;
  if (const auto* p = std::get_if<hc::tcp_params>(&c.params)) {
    j["send"] = p->send;
    j["expect"] = p->expect;
  } else if (const auto* u = std::get_if<hc::udp_params>(&c.params)) {
    j["send"] = u->payload;
    j["expect"] = u->expect_prefix;
    j["require_reply"] = u->require_reply;
  } else if (const auto* h = std::get_if<hc::http_params>(&c.params)) {
    put_params(j, *h);
  } else if (const auto* s = std::get_if<hc::script_params>(&c.params)) {
    j["command"] = s->argv;
    if (s->dynamic_weight != hc::weight_source::none) {
      j["dynamic_weight"] = json{
          {"from", name_of(weight_source_names, s->dynamic_weight)}, {"min", s->min_weight}, {"max", s->max_weight}};
    }
    put_account(j, s->user, s->group);
  } else if (const auto* d = std::get_if<hc::dns_params>(&c.params)) {
    j["name"] = d->name;
    j["query_type"] = d->type;
    j["expect_rcode"] = hc::dns_rcode_spelling(d->expect_rcode.value_or(0));
    j["require_answer"] = d->require_answer;
  }
  return j;
}

json agent_json(const healthcheck::agent_settings& a) {
  return json{{"port", a.port},
              {"send", a.send},
              {"interval", text(a.interval)},
              {"timeout", text(a.timeout)},
              {"unreachable", to_string(a.unreachable)}};
}

// One check: a table, as lbd.conf writes it; several: an array of them.
json checks_json(const check_list& checks, const endpoint* server) {
  if (checks.size() == 1) return check_json(checks.front(), server);
  json a = json::array();
  for (const auto& c : checks) a.push_back(check_json(c, server));
  return a;
}

}  // namespace

json to_json(const check_settings& c) { return check_json(c, nullptr); }

json to_json(const real_server& rs) {
  json j{{"address", text(rs.address)},           {"weight", rs.weight},
         {"upper_threshold", rs.upper_threshold}, {"lower_threshold", rs.lower_threshold},
         {"forwarding", to_string(rs.method)},    {"check", checks_json(*rs.checks, &rs.address)}};
  json notify = json::object();
  put_command(notify, "up", rs.notify.up);
  put_command(notify, "down", rs.notify.down);
  j["notify"] = std::move(notify);
  if (rs.agent) j["agent"] = agent_json(*rs.agent);
  if (rs.slow_start != duration::zero()) j["slow_start"] = text(rs.slow_start);
  return j;
}

json to_json(const virtual_server& vs) {
  json j{{"name", vs.name}};
  // A group's entry points are a list, as lbd.conf writes them; one entry point is a plain value.
  if (vs.address) {
    if (vs.more_addresses.empty()) {
      j["address"] = text(*vs.address);
    } else {
      json all = json::array({text(*vs.address)});
      for (const auto& a : vs.more_addresses) all.push_back(text(a));
      j["address"] = std::move(all);
    }
  }
  if (vs.fwmark) {
    if (vs.more_fwmarks.empty()) {
      j["fwmark"] = *vs.fwmark;
    } else {
      json all = json::array({*vs.fwmark});
      for (auto m : vs.more_fwmarks) all.push_back(m);
      j["fwmark"] = std::move(all);
    }
    j["family"] = to_string(vs.family);
  }
  j["protocol"] = to_string(vs.proto);
  j["scheduler"] = to_string(vs.sched);
  json flags = json::array();
  const std::string_view prefix = vs.sched == scheduler::mh ? "mh" : "sh";
  if (vs.flags.fallback) flags.push_back(fmt::format("{}-fallback", prefix));
  if (vs.flags.port) flags.push_back(fmt::format("{}-port", prefix));
  if (vs.flags.one_packet) flags.push_back("one-packet");
  j["scheduler_flags"] = std::move(flags);
  j["forwarding"] = to_string(vs.method);
  if (const auto& t = vs.tunnel) {
    json tj{{"type", to_string(t->type)}};
    if (t->type == tunnel_type::gue) tj["port"] = t->port;
    tj["checksum"] = to_string(t->checksum);
    j["tunnel"] = std::move(tj);
  }
  if (const auto& p = vs.persistence) {
    json pj{{"timeout", text(p->timeout)}};
    if (vs.family == address_family::inet) {
      pj["netmask"] = netmask_text(p->netmask_length);
    } else {
      pj["netmask"] = p->netmask_length;
    }
    if (!p->pe.empty()) pj["pe"] = p->pe;
    j["persistence"] = std::move(pj);
  }
  j["on_failure"] = to_string(vs.on_failure);
  if (const auto& q = vs.quorum) {
    json qj{{"min_weight", q->min_weight}, {"hysteresis", q->hysteresis}};
    put_command(qj, "up", q->up);
    put_command(qj, "down", q->down);
    j["quorum"] = std::move(qj);
  }
  if (const auto& o = vs.outliers) {
    j["outlier_detection"] = json{{"interval", text(o->interval)},
                                  {"min_connections", o->min_connections},
                                  {"unanswered_percent", o->unanswered_percent},
                                  {"max_ejection_percent", o->max_ejection_percent},
                                  {"base_ejection_time", text(o->base_ejection_time)},
                                  {"max_ejection_time", text(o->max_ejection_time)}};
  }
  if (vs.slow_start != duration::zero()) j["slow_start"] = text(vs.slow_start);
  if (vs.sorry_server) j["sorry_server"] = text(*vs.sorry_server);
  j["check"] = checks_json(*vs.checks, nullptr);
  if (vs.agent) j["agent"] = agent_json(*vs.agent);
  if (vs.vrrp) j["vrrp"] = *vs.vrrp;
  if (vs.anycast) j["anycast"] = *vs.anycast;
  j["real_server"] = json::array();
  for (const auto& rs : vs.real_servers) {
    j["real_server"].push_back(to_json(rs));
    // Read back, a server without the agent its service has must say so.
    if (vs.agent && !rs.agent) j["real_server"].back()["agent"] = false;
    if (rs.slow_start != vs.slow_start) j["real_server"].back()["slow_start"] = text(rs.slow_start);
  }
  return j;
}

json to_json(const sync_group_settings& g) { return json{{"name", g.name}, {"notify", to_json(g.notify)}}; }

json to_json(const anycast_group& g) {
  json vips = json::array();
  for (const auto& ip : g.virtual_ips) vips.push_back(text(ip));
  return json{{"name", g.name},
              {"virtual_ips", std::move(vips)},
              {"interface", g.interface},
              {"high_watermark", g.high_watermark},
              {"low_watermark", g.low_watermark}};
}

json to_json(const config& c) {
  json j{{"global", to_json(c.global)}, {"ipvs", to_json(c.ipvs)}};
  j["vrrp"] = json::array();
  for (const auto& v : c.vrrp) j["vrrp"].push_back(to_json(v));
  j["sync_group"] = json::array();
  for (const auto& g : c.sync_groups) j["sync_group"].push_back(to_json(g));
  if (!c.anycast.empty()) {
    j["anycast"] = json::array();
    for (const auto& g : c.anycast) j["anycast"].push_back(to_json(g));
  }
  j["virtual_server"] = json::array();
  for (const auto& vs : c.virtual_servers) j["virtual_server"].push_back(to_json(vs));
  return j;
}

}  // namespace lbd::config
