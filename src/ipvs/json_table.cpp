// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/json_table.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace lbd::ipvs {

namespace {

using json = nlohmann::json;

// Reading throws json errors or std::runtime_error; table_from_json turns them into one message.
struct bad_input : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void only_keys(const json& j, std::initializer_list<std::string_view> allowed, const std::string& where) {
  if (!j.is_object()) throw bad_input(where + ": expected an object");
  for (const auto& [k, v] : j.items()) {
    bool found = false;
    for (auto a : allowed) found = found || k == a;
    if (!found) throw bad_input(fmt::format("{}: unknown key '{}'", where, k));
  }
}

template <typename T>
T number(const json& j, const char* key, T fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  const json& v = j.at(key);
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() > std::numeric_limits<T>::max()) {
    throw bad_input(fmt::format("{}: '{}' must be an integer from 0 to {}", where, key, std::numeric_limits<T>::max()));
  }
  return static_cast<T>(v.get<std::uint64_t>());
}

std::string text(const json& j, const char* key, const std::string& fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  if (!j.at(key).is_string()) throw bad_input(fmt::format("{}: '{}' must be a string", where, key));
  return j.at(key).get<std::string>();
}

endpoint parse_ep(const std::string& s, const std::string& where) {
  auto e = parse_endpoint(s, true);
  if (!e) throw bad_input(fmt::format("{}: {}", where, e.error()));
  return *e;
}

dest_attrs read_dest_attrs(const json& d, const std::string& where) {
  dest_attrs a;
  const std::string fwd = text(d, "forwarding", "masq", where);
  auto f = parse_forwarding(fwd);
  if (!f) throw bad_input(fmt::format("{}: unknown forwarding '{}' (masq, droute, tunnel, local)", where, fwd));
  a.fwd = *f;
  a.weight = number<std::uint32_t>(d, "weight", 1, where);
  a.u_threshold = number<std::uint32_t>(d, "u_threshold", 0, where);
  a.l_threshold = number<std::uint32_t>(d, "l_threshold", 0, where);
  if (a.fwd == forwarding::tunnel) {
    const std::string tt = text(d, "tun_type", "ipip", where);
    auto t = parse_tunnel_type(tt);
    if (!t) throw bad_input(fmt::format("{}: unknown tun_type '{}' (ipip, gue, gre)", where, tt));
    a.tun_type = *t;
    a.tun_port = number<std::uint16_t>(d, "tun_port", 0, where);
    if (d.contains("tun_flags")) {
      for (const auto& fl : d.at("tun_flags")) {
        const std::string name = fl.is_string() ? fl.get<std::string>() : "";
        if (name == "csum") {
          a.tun_flags |= tun_flag::csum;
        } else if (name == "remcsum") {
          a.tun_flags |= tun_flag::remcsum;
        } else {
          throw bad_input(fmt::format("{}: unknown tun_flag '{}' (csum, remcsum)", where, fl.dump()));
        }
      }
    }
  } else if (d.contains("tun_type") || d.contains("tun_port") || d.contains("tun_flags")) {
    throw bad_input(where + ": tun_type, tun_port and tun_flags need tunnel forwarding");
  }
  return a;
}

std::pair<service_key, service> read_service(const json& s, std::size_t index) {
  std::string where = fmt::format("services[{}]", index);
  only_keys(s,
            {"protocol", "address", "fwmark", "family", "scheduler", "flags", "timeout", "netmask", "pe",
             "destinations", "stats"},
            where);
  service_key key;
  if (s.contains("fwmark")) {
    if (s.contains("address") || s.contains("protocol")) throw bad_input(where + ": fwmark excludes protocol/address");
    const std::string fam = text(s, "family", "ipv4", where);
    if (fam != "ipv4" && fam != "ipv6") throw bad_input(where + ": family must be ipv4 or ipv6");
    const auto mark = number<std::uint32_t>(s, "fwmark", 0, where);
    if (mark == 0) throw bad_input(where + ": fwmark must not be 0");
    key = service_key::mark(fam == "ipv4" ? address_family::ipv4 : address_family::ipv6, mark);
  } else {
    const std::string proto = text(s, "protocol", "", where);
    auto p = parse_protocol(proto);
    if (!p) throw bad_input(fmt::format("{}: protocol must be tcp, udp or sctp (got '{}')", where, proto));
    if (!s.contains("address")) throw bad_input(where + ": needs an address or a fwmark");
    key = service_key::inet(*p, parse_ep(text(s, "address", "", where), where));
  }
  where = "service " + to_string(key);
  service svc;
  svc.attrs.scheduler = text(s, "scheduler", "wlc", where);
  if (svc.attrs.scheduler.empty() || svc.attrs.scheduler.size() >= 16) {
    throw bad_input(where + ": scheduler name must have 1 to 15 characters");
  }
  if (s.contains("flags")) {
    for (const auto& f : s.at("flags")) {
      const std::string name = f.is_string() ? f.get<std::string>() : f.dump();
      if (name == "persistent") {
        svc.attrs.flags |= svc_flag::persistent;
      } else if (name == "one-packet") {
        svc.attrs.flags |= svc_flag::one_packet;
      } else if (auto bit = parse_sched_flag(svc.attrs.scheduler, name); bit != 0) {
        svc.attrs.flags |= bit;
      } else {
        throw bad_input(fmt::format("{}: flag '{}' is unknown for scheduler {}", where, name, svc.attrs.scheduler));
      }
    }
  }
  svc.attrs.timeout = number<std::uint32_t>(s, "timeout", 0, where);
  if (s.contains("netmask")) {
    const json& m = s.at("netmask");
    if (key.family == address_family::ipv6) {
      const auto len = number<std::uint32_t>(s, "netmask", 128, where);
      if (len < 1 || len > 128) throw bad_input(where + ": an IPv6 netmask is a prefix length from 1 to 128");
      if (len != 128) svc.attrs.netmask = len;
    } else {
      if (!m.is_string()) throw bad_input(where + ": an IPv4 netmask is written like \"255.255.255.0\"");
      auto a = parse_address(m.get<std::string>());
      if (!a || !a->is_v4()) throw bad_input(fmt::format("{}: bad netmask {}", where, m.dump()));
      const std::uint32_t v = a->to_v4().to_uint();
      if (v != 0xffffffffU) svc.attrs.netmask = v;
    }
  }
  svc.attrs.pe_name = text(s, "pe", "", where);
  if (s.contains("destinations")) {
    for (const auto& d : s.at("destinations")) {
      const std::string dwhere = where + " destination";
      only_keys(d,
                {"address", "forwarding", "weight", "u_threshold", "l_threshold", "tun_type", "tun_port", "tun_flags",
                 "active", "inactive", "persistent", "stats"},
                dwhere);
      const endpoint e = parse_ep(text(d, "address", "", dwhere), dwhere);
      const dest_key dk{e.address, e.port};
      const std::string named = where + " destination " + to_string(dk);
      dest dv;
      dv.attrs = read_dest_attrs(d, named);
      if (!svc.dests.emplace(dk, dv).second) throw bad_input(named + ": listed twice");
    }
  }
  return {key, std::move(svc)};
}

json stats_json(const stats& s) {
  return json{{"conns", s.conns},       {"inpkts", s.inpkts}, {"outpkts", s.outpkts}, {"inbytes", s.inbytes},
              {"outbytes", s.outbytes}, {"cps", s.cps},       {"inpps", s.inpps},     {"outpps", s.outpps},
              {"inbps", s.inbps},       {"outbps", s.outbps}};
}

json flags_json(const service_attrs& a) {
  json out = json::array();
  if ((a.flags & svc_flag::persistent) != 0) out.push_back("persistent");
  if ((a.flags & svc_flag::one_packet) != 0) out.push_back("one-packet");
  const bool sh = a.scheduler == "sh";
  const bool mh = a.scheduler == "mh";
  if ((a.flags & svc_flag::sched1) != 0) out.push_back(sh ? "sh-fallback" : mh ? "mh-fallback" : "flag-1");
  if ((a.flags & svc_flag::sched2) != 0) out.push_back(sh ? "sh-port" : mh ? "mh-port" : "flag-2");
  if ((a.flags & svc_flag::sched3) != 0) out.push_back("flag-3");
  return out;
}

}  // namespace

result<table, std::string> table_from_json(std::string_view input) {
  // The services are read one by one as the parser completes them, and their JSON is dropped at
  // once: a document of the whole table held several times the table's size at the peak. The first
  // problem of a service is reported only after the whole text parsed, in the order a parse of the
  // whole document followed by a read of its services would find them.
  table t;
  std::optional<std::string> first_error;
  std::size_t i = 0;
  std::string key;  // the top-level key being read
  bool in_services = false;
  auto read = [&](const json& s) {
    if (first_error) return;
    try {
      auto [k, svc] = read_service(s, i++);
      const std::string name = to_string(k);
      if (!t.emplace(k, std::move(svc)).second) first_error = "service " + name + " is listed twice";
    } catch (const json::exception& e) {
      first_error = std::string("bad JSON: ") + e.what();
    } catch (const bad_input& e) {
      first_error = e.what();
    }
  };
  auto on_event = [&](int depth, json::parse_event_t event, json& parsed) {
    using ev = json::parse_event_t;
    if (depth == 1 && event == ev::key) {
      key = parsed.get<std::string>();
      if (key == "services") {  // a repeated key replaces the earlier value
        t.clear();
        first_error.reset();
        i = 0;
      }
    } else if (depth == 1 && (event == ev::array_start || event == ev::array_end)) {
      in_services = event == ev::array_start && key == "services";
    } else if (depth == 2 && in_services && (event == ev::value || event == ev::object_end || event == ev::array_end)) {
      read(parsed);
      return false;  // read: not kept in the document
    }
    return true;
  };
  try {
    const json doc = json::parse(input, on_event);
    only_keys(doc, {"services"}, "top level");
    if (!doc.contains("services")) return table{};
    if (!doc.at("services").is_array()) return unexpected(std::string("'services' must be an array"));
    if (first_error) return unexpected(*first_error);
    return t;
  } catch (const json::exception& e) {
    return unexpected(std::string("bad JSON: ") + e.what());
  } catch (const bad_input& e) {
    return unexpected(std::string(e.what()));
  }
}

std::string table_to_json(const table& t, bool with_counters) {
  json services = json::array();
  for (const auto& [k, s] : t) {
    json j;
    if (k.fwmark != 0) {
      j["fwmark"] = k.fwmark;
      j["family"] = k.family == address_family::ipv4 ? "ipv4" : "ipv6";
    } else {
      j["protocol"] = std::string(to_string(k.proto));
      j["address"] = lbd::to_string(endpoint{k.address, k.port});
    }
    j["scheduler"] = s.attrs.scheduler;
    j["flags"] = flags_json(s.attrs);
    j["timeout"] = s.attrs.timeout;
    if (s.attrs.netmask) {
      if (k.family == address_family::ipv4) {
        j["netmask"] = boost::asio::ip::address_v4(*s.attrs.netmask).to_string();
      } else {
        j["netmask"] = *s.attrs.netmask;
      }
    }
    if (!s.attrs.pe_name.empty()) j["pe"] = s.attrs.pe_name;
    if (with_counters) j["stats"] = stats_json(s.stats);
    json dests = json::array();
    for (const auto& [dk, d] : s.dests) {
      json dj{{"address", to_string(dk)},
              {"forwarding", std::string(to_string(d.attrs.fwd))},
              {"weight", d.attrs.weight},
              {"u_threshold", d.attrs.u_threshold},
              {"l_threshold", d.attrs.l_threshold}};
      if (d.attrs.fwd == forwarding::tunnel) {
        dj["tun_type"] = std::string(to_string(d.attrs.tun_type));
        dj["tun_port"] = d.attrs.tun_port;
        json tf = json::array();
        if ((d.attrs.tun_flags & tun_flag::csum) != 0) tf.push_back("csum");
        if ((d.attrs.tun_flags & tun_flag::remcsum) != 0) tf.push_back("remcsum");
        dj["tun_flags"] = tf;
      }
      if (with_counters) {
        dj["active"] = d.counters.active;
        dj["inactive"] = d.counters.inactive;
        dj["persistent"] = d.counters.persistent;
        dj["stats"] = stats_json(d.counters.stats);
      }
      dests.push_back(std::move(dj));
    }
    j["destinations"] = std::move(dests);
    services.push_back(std::move(j));
  }
  return json{{"services", services}}.dump(2) + "\n";
}

}  // namespace lbd::ipvs
