// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "import/import.hpp"
#include "import/toml_writer.hpp"

namespace lbd::import {
namespace {

struct rule {
  unsigned line = 0;
  bool add_service = false;  // -A, else -a
  std::string proto;         // tcp udp sctp fwmark
  std::string service;       // "192.0.2.10:80" or the fwmark number
  std::map<std::string, std::string> opts;
};

const std::map<std::string, std::string>& long_names() {
  static const std::map<std::string, std::string> names{{"--add-service", "-A"},
                                                        {"--add-server", "-a"},
                                                        {"--tcp-service", "-t"},
                                                        {"--udp-service", "-u"},
                                                        {"--sctp-service", "--sctp-service"},
                                                        {"--fwmark-service", "-f"},
                                                        {"--scheduler", "-s"},
                                                        {"--persistent", "-p"},
                                                        {"--netmask", "-M"},
                                                        {"--real-server", "-r"},
                                                        {"--masquerading", "-m"},
                                                        {"--gatewaying", "-g"},
                                                        {"--ipip", "-i"},
                                                        {"--weight", "-w"},
                                                        {"--u-threshold", "-x"},
                                                        {"--l-threshold", "-y"},
                                                        {"--ops", "-o"},
                                                        {"--sched-flags", "-b"},
                                                        {"--pe", "--pe"},
                                                        {"--tun-type", "--tun-type"},
                                                        {"--tun-port", "--tun-port"},
                                                        {"--tun-nocsum", "--tun-nocsum"},
                                                        {"--tun-csum", "--tun-csum"},
                                                        {"--tun-remcsum", "--tun-remcsum"}};
  return names;
}

bool takes_value(const std::string& opt) {
  return opt == "-t" || opt == "-u" || opt == "--sctp-service" || opt == "-f" || opt == "-s" || opt == "-M" ||
         opt == "-r" || opt == "-w" || opt == "-x" || opt == "-y" || opt == "-b" || opt == "--pe" ||
         opt == "--tun-type" || opt == "--tun-port";
}

std::string host_of(const std::string& ep) {
  if (!ep.empty() && ep.front() == '[') return ep.substr(1, ep.find(']') - 1);
  auto colon = ep.rfind(':');
  return colon == std::string::npos ? ep : ep.substr(0, colon);
}

std::string port_of(const std::string& ep) {
  auto colon = ep.rfind(':');
  if (colon == std::string::npos || (ep.front() != '[' && ep.find(':') != colon)) return {};
  return ep.substr(colon + 1);
}

std::string method_of(const rule& r) {
  if (r.opts.count("-g") != 0U) return "dr";
  if (r.opts.count("-i") != 0U) return "tun";
  return "nat";
}

std::string service_name(const rule& r) {
  if (r.proto == "fwmark") return "fwmark-" + r.service;
  std::string n = fmt::format("{}-{}-{}", r.proto, host_of(r.service), port_of(r.service));
  for (auto& c : n) {
    if (c == ':') c = '_';
  }
  return n;
}

}  // namespace

import_result import_ipvsadm_text(const std::string& text, const std::string& name) {
  import_result res;
  std::vector<rule> rules;
  std::istringstream in(text);
  std::string line;
  unsigned lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    if (w.empty() || w[0][0] == '#') continue;
    rule r;
    r.line = lineno;
    bool bad = false;
    for (std::size_t i = 0; i < w.size(); ++i) {
      std::string opt = w[i];
      if (auto it = long_names().find(opt); it != long_names().end()) opt = it->second;
      std::string value;
      if (takes_value(opt)) {
        if (i + 1 >= w.size()) {
          res.errors.push_back(fmt::format("{}:{}: {} needs a value", name, lineno, w[i]));
          bad = true;
          break;
        }
        value = w[++i];
      }
      if (opt == "-A" || opt == "-a") {
        r.add_service = opt == "-A";
      } else if (opt == "-t" || opt == "-u" || opt == "--sctp-service" || opt == "-f") {
        r.proto = opt == "-t" ? "tcp" : opt == "-u" ? "udp" : opt == "-f" ? "fwmark" : "sctp";
        r.service = value;
      } else if (opt == "-p" && i + 1 < w.size() && w[i + 1][0] != '-') {
        r.opts[opt] = w[++i];  // -p takes an optional timeout
      } else {
        r.opts[opt] = value;
      }
    }
    if (bad) continue;
    if (r.proto.empty()) {
      res.errors.push_back(fmt::format("{}:{}: not an ipvsadm -S rule", name, lineno));
      continue;
    }
    rules.push_back(std::move(r));
  }

  std::string out = fmt::format("# lbd.conf converted from {} by `lbd import ipvsadm`.\n", name);
  out += "# Review the items listed at the end before use, then run `lbd --check`.\n";
  for (const auto& svc : rules) {
    if (!svc.add_service) continue;
    // The service's forwarding is its first real server's; others that differ override it.
    std::string method = "nat";
    for (const auto& d : rules) {
      if (!d.add_service && d.proto == svc.proto && d.service == svc.service) {
        method = method_of(d);
        break;
      }
    }
    out +=
        fmt::format("\n# from {}:{}\n[[virtual_server]]\nname = {}\n", name, svc.line, toml_string(service_name(svc)));
    if (svc.proto == "fwmark") {
      out += fmt::format("fwmark = {}\n", svc.service);
      if (svc.opts.count("-6") != 0U) out += "family = \"inet6\"\n";
    } else {
      out += fmt::format("address = {}\nprotocol = {}\n", toml_string(svc.service), toml_string(svc.proto));
    }
    if (auto s = svc.opts.find("-s"); s != svc.opts.end())
      out += fmt::format("scheduler = {}\n", toml_string(s->second));
    std::vector<std::string> flags;
    if (auto b = svc.opts.find("-b"); b != svc.opts.end()) {
      std::istringstream parts(b->second);
      for (std::string f; std::getline(parts, f, ',');) flags.push_back(f);
    }
    if (svc.opts.count("-o") != 0U) flags.emplace_back("one-packet");
    if (!flags.empty()) out += fmt::format("scheduler_flags = {}\n", toml_string_array(flags));
    out += fmt::format("forwarding = {}\n", toml_string(method));
    if (svc.opts.count("-p") != 0U) {
      std::vector<std::pair<std::string, std::string>> p;
      const auto& t = svc.opts.at("-p");
      p.emplace_back("timeout", toml_string(seconds_to_duration(t.empty() ? "300" : t)));
      if (auto m = svc.opts.find("-M"); m != svc.opts.end()) p.emplace_back("netmask", toml_string(m->second));
      if (auto pe = svc.opts.find("--pe"); pe != svc.opts.end()) p.emplace_back("pe", toml_string(pe->second));
      out += fmt::format("persistence = {}\n", toml_inline_table(p));
    }
    out += "on_failure = \"remove\"\n";
    out += "check = { type = \"none\" }\n";
    res.not_converted.push_back(
        fmt::format("changed: {}:{}: ipvsadm rules carry no health checks: the real servers of {} "
                    "are always up (check type none) until you add one",
                    name, svc.line, service_name(svc)));
    for (const auto& d : rules) {
      if (d.add_service || d.proto != svc.proto || d.service != svc.service) continue;
      std::string rs = d.opts.count("-r") != 0U ? d.opts.at("-r") : "";
      std::string m = method_of(d);
      // Direct routing and tunnelling keep the service's port: give the address alone.
      if ((m != "nat" && port_of(rs) == port_of(svc.service)) || port_of(rs) == "0") rs = host_of(rs);
      out += fmt::format("\n[[virtual_server.real_server]]\naddress = {}\n", toml_string(rs));
      if (auto wt = d.opts.find("-w"); wt != d.opts.end()) out += fmt::format("weight = {}\n", wt->second);
      if (auto x = d.opts.find("-x"); x != d.opts.end() && x->second != "0") {
        out += fmt::format("upper_threshold = {}\n", x->second);
      }
      if (auto y = d.opts.find("-y"); y != d.opts.end() && y->second != "0") {
        out += fmt::format("lower_threshold = {}\n", y->second);
      }
      if (m != method) out += fmt::format("forwarding = {}\n", toml_string(m));
      if (d.opts.count("--tun-type") != 0U) {
        res.not_converted.push_back(
            fmt::format("refused: {}:{}: tunnel type {} of {}: set virtual_server.tunnel by hand", name, d.line,
                        d.opts.at("--tun-type"), rs));
      }
    }
  }
  for (const auto& d : rules) {
    if (d.add_service) continue;
    bool found = false;
    for (const auto& s : rules) found = found || (s.add_service && s.proto == d.proto && s.service == d.service);
    if (!found) res.errors.push_back(fmt::format("{}:{}: real server of a service never added with -A", name, d.line));
  }
  if (!res.not_converted.empty()) {
    out += "\n# Not converted:\n";
    for (const auto& l : res.not_converted) out += "#   " + l + "\n";
  }
  res.toml = std::move(out);
  return res;
}

import_result import_ipvsadm_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) {
    import_result r;
    r.errors.push_back(path + ": cannot read the file");
    return r;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return import_ipvsadm_text(ss.str(), path);
}

}  // namespace lbd::import
