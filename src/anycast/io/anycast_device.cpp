// SPDX-License-Identifier: GPL-2.0-or-later
#include "anycast/io/anycast_device.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/interface_address.hpp"

namespace lbd::anycast::io {

result<std::unique_ptr<anycast_device>, std::string> anycast_device::create(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ) {
    return unexpected(fmt::format("device name '{}' must have 1 to {} characters", name, IFNAMSIZ - 1));
  }
  const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) return unexpected(fmt::format("/dev/net/tun: {}", std::strerror(errno)));
  ifreq req{};
  std::memcpy(req.ifr_name, name.c_str(), name.size());
  req.ifr_flags = IFF_TUN | IFF_NO_PI;
  if (::ioctl(fd, TUNSETIFF, &req) < 0) {
    const int err = errno;
    ::close(fd);
    // EBUSY: another process holds a TUN device of that name; EINVAL: the name is another kind of
    // device. Either way it is not lbd's to take.
    return unexpected(
        fmt::format("cannot create the announcement device {}: {} (is the name used by another "
                    "device or process?)",
                    name, std::strerror(err)));
  }
  // A device of that name left persistent (by hand, or `ip tuntap add`) would outlive lbd and keep
  // its routes announced: make it follow this descriptor like a new one.
  if (::ioctl(fd, TUNSETPERSIST, 0) < 0) {
    const int err = errno;
    ::close(fd);
    return unexpected(fmt::format("{}: cannot make it non-persistent: {}", name, std::strerror(err)));
  }
  auto index = netif::index_of(name);
  if (!index) {
    ::close(fd);
    return unexpected(index.error());
  }
  if (auto up = netif::set_link_up(name); !up) {
    ::close(fd);
    return unexpected(up.error());
  }
  return std::unique_ptr<anycast_device>(new anycast_device(fd, name, *index));
}

anycast_device::~anycast_device() { ::close(fd_); }

}  // namespace lbd::anycast::io
