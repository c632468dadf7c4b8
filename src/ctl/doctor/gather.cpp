// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/doctor/gather.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/interface_address.hpp"
#include "common/sysctl.hpp"
#include "ctl/control_client.hpp"
#include "ctl/doctor/firewall_parse.hpp"
#include "ctl/run_tool.hpp"
#include "status/answers.hpp"

namespace lbd::ctl::doctor {
namespace {

namespace fs = std::filesystem;

std::string module_name(std::string path) {
  auto slash = path.rfind('/');
  if (slash != std::string::npos) path.erase(0, slash + 1);
  auto dot = path.find(".ko");
  if (dot != std::string::npos) path.erase(dot);
  std::replace(path.begin(), path.end(), '-', '_');
  return path;
}

// Module names listed one per line (modules.builtin) or before a colon (modules.dep).
bool read_module_list(const fs::path& file, std::set<std::string>& out) {
  std::ifstream in(file);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon != std::string::npos) line.erase(colon);
    if (!line.empty()) out.insert(module_name(line));
  }
  return true;
}

module_facts read_modules() {
  module_facts m;
  utsname u{};
  if (::uname(&u) == 0) m.kernel_release = u.release;
  std::error_code ec;
  m.ipvs_in_kernel = fs::exists("/proc/net/ip_vs", ec);
  std::ifstream proc("/proc/modules");
  std::string line;
  while (std::getline(proc, line)) m.loaded.insert(module_name(line.substr(0, line.find(' '))));
  fs::path dir = fs::path("/lib/modules") / m.kernel_release;
  m.modules_dir_present = !m.kernel_release.empty() && fs::is_directory(dir, ec);
  if (m.modules_dir_present) {
    read_module_list(dir / "modules.dep", m.available);
    m.builtin_list_readable = read_module_list(dir / "modules.builtin", m.builtin);
  }
  return m;
}

daemon_facts ask_daemon(const std::string& socket) {
  daemon_facts d;
  auto reply = request(socket, "vrrp", nlohmann::json::object(), std::chrono::seconds(3));
  if (!reply) {
    // A refusal or an answer in another protocol version still means a daemon answered.
    d.reachable = reply.error().what != call_error::kind::unreachable;
    d.error = reply.error().message;
    return d;
  }
  d.reachable = true;
  try {
    for (const auto& i : api::parse_answer<std::vector<api::vrrp_instance>>(*reply, "vrrp")) {
      d.vrrp_state[i.name] = std::string(api::to_string(i.state));
    }
  } catch (const api::contract_error& e) {
    d.error = e.what();
  }
  return d;
}

interface_facts read_interface(const std::string& name) {
  interface_facts i;
  if (!netif::index_of(name)) return i;
  i.present = true;
  if (auto list = netif::list_addresses(name)) {
    for (const auto& a : *list) i.addresses.push_back(a.address);
  }
  return i;
}

// All connects at once, each with the same deadline.
std::vector<probe_result> probe(const std::vector<endpoint>& targets, std::chrono::milliseconds timeout) {
  std::vector<probe_result> out(targets.size());
  std::vector<pollfd> fds;
  std::vector<std::size_t> which;
  for (std::size_t k = 0; k < targets.size(); ++k) {
    out[k].target = targets[k];
    auto ep = boost::asio::ip::tcp::endpoint(targets[k].address, targets[k].port);
    int fd = ::socket(ep.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      out[k].error = fmt::format("socket: {}", std::strerror(errno));
      continue;
    }
    if (::connect(fd, ep.data(), static_cast<socklen_t>(ep.size())) == 0) {
      out[k].connected = true;
      ::close(fd);
      continue;
    }
    if (errno != EINPROGRESS) {
      out[k].error = std::strerror(errno);
      ::close(fd);
      continue;
    }
    fds.push_back({fd, POLLOUT, 0});
    which.push_back(k);
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t pending = fds.size();
  while (pending > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    int n = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (std::size_t j = 0; j < fds.size(); ++j) {
      if (fds[j].fd < 0 || fds[j].revents == 0) continue;
      int err = 0;
      socklen_t len = sizeof(err);
      ::getsockopt(fds[j].fd, SOL_SOCKET, SO_ERROR, &err, &len);
      auto& r = out[which[j]];
      r.connected = err == 0;
      if (err == ECONNREFUSED) {
        r.error = "connection refused: nothing listens on that port";
      } else if (err != 0) {
        r.error = std::strerror(err);
      }
      ::close(fds[j].fd);
      fds[j].fd = -1;
      --pending;
    }
  }
  for (std::size_t j = 0; j < fds.size(); ++j) {
    if (fds[j].fd < 0) continue;
    out[which[j]].error =
        fmt::format("no answer within {} ms (host down, or a firewall drops the connection)", timeout.count());
    ::close(fds[j].fd);
  }
  return out;
}

std::optional<std::string> find_program(const std::string& name) {
  std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/bin:/bin";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    auto candidate = fs::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return std::nullopt;
}

void append(firewall::ruleset& to, firewall::ruleset from) {
  for (auto& c : from.chains) to.chains.push_back(std::move(c));
}

firewall_facts read_firewall() {
  firewall_facts f;
  auto nft = find_program("nft");
  if (nft) {
    auto json = run_tool({*nft, "-j", "list", "ruleset"});
    auto listing = run_tool({*nft, "-a", "list", "ruleset"});
    if (!json) {
      f.problems.push_back(json.error());
    } else if (auto parsed = firewall::parse_nft(*json, listing ? *listing : std::string())) {
      f.inspected = true;
      append(f.rules, std::move(*parsed));
    } else {
      f.problems.push_back(parsed.error());
    }
  }
  // iptables-nft rules are nftables rules, already read above; legacy iptables keeps its own.
  auto ipt = find_program("iptables-save");
  if (ipt) {
    auto version = run_tool({*ipt, "--version"});
    bool legacy = version && version->find("legacy") != std::string::npos;
    if (legacy || !nft) {
      for (auto [tool, family] : {std::pair{"iptables-save", 4}, std::pair{"ip6tables-save", 6}}) {
        auto path = find_program(tool);
        if (!path) continue;
        auto text = run_tool({*path});
        if (!text) {
          f.problems.push_back(text.error());
        } else if (auto parsed = firewall::parse_iptables_save(*text, family)) {
          f.inspected = true;
          append(f.rules, std::move(*parsed));
        } else {
          f.problems.push_back(parsed.error());
        }
      }
    }
  }
  if (!nft && !ipt) f.problems.emplace_back("neither nft nor iptables-save is installed");
  return f;
}

}  // namespace

facts gather(const survey& s, const gather_options& o) {
  facts f;
  f.modules = read_modules();
  for (const auto& key : s.sysctls) {
    if (auto v = read_sysctl(sysctl_key(key))) f.sysctls[key] = *v;
  }
  f.daemon = ask_daemon(o.socket);
  for (const auto& name : s.interfaces) f.interfaces[name] = read_interface(name);
  f.probes = probe(s.probes, o.connect_timeout);
  f.firewall = read_firewall();
  return f;
}

}  // namespace lbd::ctl::doctor
