// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/realserver/host.hpp"

#include <fmt/format.h>
#include <net/if.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/interface_address.hpp"
#include "common/sysctl.hpp"

extern char** environ;

namespace lbd::ctl::realserver {
namespace {

std::optional<bool> link_is_up(const std::string& dev) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  ifreq ifr{};
  dev.copy(ifr.ifr_name, IFNAMSIZ - 1);
  int rc = ::ioctl(fd, SIOCGIFFLAGS, &ifr);
  ::close(fd);
  if (rc != 0) return std::nullopt;
  return (ifr.ifr_flags & IFF_UP) != 0;
}

status<std::string> run_modprobe(const std::string& module) {
  std::string prog = "modprobe";
  std::vector<char*> argv{prog.data(), const_cast<char*>(module.c_str()), nullptr};
  pid_t pid = 0;
  if (int rc = ::posix_spawnp(&pid, "modprobe", nullptr, nullptr, argv.data(), environ); rc != 0) {
    return unexpected(fmt::format("cannot run modprobe: {}", std::strerror(rc)));
  }
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return unexpected(fmt::format("modprobe {} failed", module));
  return ok;
}

}  // namespace

result<host_state, std::string> read_host(const request& r) {
  host_state h;
  for (const auto& key : sysctls_of_interest(r)) {
    if (auto value = read_sysctl(sysctl_key(key))) h.sysctls[key] = *value;
  }
  auto dev = vip_device(r);
  auto up = link_is_up(dev);
  h.device_present = up.has_value();
  h.device_up = up.value_or(false);
  if (h.device_present) {
    auto addrs = netif::list_addresses(dev);
    if (!addrs) return unexpected(addrs.error());
    for (const auto& a : *addrs) h.addresses_on_device.push_back(a.address);
  }
  return h;
}

status<std::string> apply(const change& c) {
  switch (c.what) {
    case change::kind::load_module: return run_modprobe(c.target);
    case change::kind::link_up: return netif::set_link_up(c.target);
    case change::kind::set_sysctl: {
      const auto key = sysctl_key(c.target);
      if (!write_sysctl(key, c.to)) return unexpected(fmt::format("cannot write {}", sysctl_file(key)));
      return ok;
    }
    case change::kind::add_address: return netif::add_address(c.target, *c.address);
    case change::kind::delete_address: return netif::delete_address(c.target, *c.address);
  }
  return unexpected(std::string("unknown change"));
}

}  // namespace lbd::ctl::realserver
