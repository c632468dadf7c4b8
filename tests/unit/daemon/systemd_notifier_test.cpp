// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/systemd_notifier.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace lbd::daemon {
namespace {

// A stand-in for systemd's notify socket: a datagram socket in a temporary directory.
class notify_socket {
 public:
  notify_socket() {
    dir_ = std::filesystem::temp_directory_path() / ("lbd-notify-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "notify").string();
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path_.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    ::unlink(path_.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    timeval tv{5, 0};  // a deadline, so a missing message fails instead of hanging
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  ~notify_socket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd_);
    std::filesystem::remove_all(dir_);
  }
  notify_socket(const notify_socket&) = delete;
  notify_socket& operator=(const notify_socket&) = delete;

  std::string receive() {
    char buf[512];
    auto n = ::recv(fd_, buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  std::filesystem::path dir_;
  std::string path_;
  int fd_ = -1;
};

TEST(SystemdNotifier, SendsLifecycleStates) {
  notify_socket sock;
  boost::asio::io_context io;
  systemd_notifier n(io);
  n.ready();
  EXPECT_EQ(sock.receive(), "READY=1");
  n.reloading();
  auto reloading = sock.receive();
  EXPECT_EQ(reloading.rfind("RELOADING=1\nMONOTONIC_USEC=", 0), 0U) << reloading;
  n.status("2 VRRP instances, 5 services");
  EXPECT_EQ(sock.receive(), "STATUS=2 VRRP instances, 5 services");
  n.stopping();
  EXPECT_EQ(sock.receive(), "STOPPING=1");
}

TEST(SystemdNotifier, WatchdogFromEnvironmentPingsAtOnce) {
  notify_socket sock;
  ::setenv("WATCHDOG_USEC", "4000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  boost::asio::io_context io;
  systemd_notifier n(io);
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  ASSERT_TRUE(n.watchdog_interval().has_value());
  EXPECT_EQ(*n.watchdog_interval(), std::chrono::seconds(4));
  n.start_watchdog();
  EXPECT_EQ(sock.receive(), "WATCHDOG=1");
  n.stop_watchdog();
}

TEST(SystemdNotifier, NoWatchdogOutsideSystemd) {
  ::unsetenv("WATCHDOG_USEC");
  boost::asio::io_context io;
  systemd_notifier n(io);
  EXPECT_FALSE(n.watchdog_interval().has_value());
  n.start_watchdog();  // must not arm anything
  EXPECT_EQ(io.poll(), 0U);
}

}  // namespace
}  // namespace lbd::daemon
