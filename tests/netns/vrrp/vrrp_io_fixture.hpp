// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The fixture of the VRRP I/O tests: each test in a fresh network namespace of its own
// (unshare(CLONE_NEWNET): nothing to clean up, nothing shared with a parallel test) with a veth pair.
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include "vrrp/io/instance_runner.hpp"
#include "vrrp/io/link_monitor.hpp"

namespace lbd::vrrp::io::test {

using namespace std::chrono_literals;
namespace ip = boost::asio::ip;

struct command_result {
  int status = -1;
  std::string output;
};

inline command_result run(const std::string& cmd) {
  command_result r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr) r.output += buf.data();
  r.status = ::pclose(p);
  return r;
}

inline void must(const std::string& cmd) {
  auto r = run(cmd);
  ASSERT_EQ(r.status, 0) << cmd << ": " << r.output;
}

// A fresh namespace with veth pair a<pid> <-> b<pid>, both up, with IPv4 and link-local IPv6.
class vrrp_io_netns : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::unshare(CLONE_NEWNET), 0) << "unshare(CLONE_NEWNET) needs root: " << std::strerror(errno);
    a_ = "va" + std::to_string(::getpid());
    b_ = "vb" + std::to_string(::getpid());
    ASSERT_NO_FATAL_FAILURE(must("ip link set lo up"));
    ASSERT_NO_FATAL_FAILURE(must("ip link add " + a_ + " type veth peer name " + b_));
    ASSERT_NO_FATAL_FAILURE(must("ip addr add 10.99.0.1/24 dev " + a_));
    ASSERT_NO_FATAL_FAILURE(must("ip addr add 10.99.0.2/24 dev " + b_));
    ASSERT_NO_FATAL_FAILURE(must("ip addr add fe80::a/64 dev " + a_ + " nodad"));
    ASSERT_NO_FATAL_FAILURE(must("ip addr add fe80::b/64 dev " + b_ + " nodad"));
    // Both ends live in this one namespace, so each side's source address is local to us: without
    // accept_local the kernel drops such IPv4 packets as martians.
    for (const auto& dev : {std::string("all"), a_, b_}) {
      ASSERT_NO_FATAL_FAILURE(must("sysctl -qw net.ipv4.conf." + dev + ".accept_local=1"));
      ASSERT_NO_FATAL_FAILURE(must("sysctl -qw net.ipv4.conf." + dev + ".rp_filter=0"));
    }
    ASSERT_NO_FATAL_FAILURE(must("ip link set " + a_ + " up"));
    ASSERT_NO_FATAL_FAILURE(must("ip link set " + b_ + " up"));
    // Carrier comes a moment after "up" (the kernel's link watch): wait for it on both ends.
    ASSERT_TRUE(run_until([this] { return link_is_up(a_) == true && link_is_up(b_) == true; }))
        << "veth pair never got carrier";
  }

  // Runs the io_context until `done` holds or the deadline passes.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds deadline = 5s) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
      if (std::chrono::steady_clock::now() > end) return false;
      io_.restart();
      io_.run_for(5ms);
    }
    return true;
  }

  std::string addresses(const std::string& dev) { return run("ip -o addr show dev " + dev).output; }

  boost::asio::io_context io_;
  std::string a_;
  std::string b_;
};

// An instance "web" (VRID 51, VRRPv3 at 100 ms, VIP 10.99.0.100/24) on `dev`.
inline instance_config runner_config(const std::string& dev, const char* address, std::uint8_t priority) {
  instance_config c;
  c.name = "web";
  c.interface = dev;
  c.vrid = 51;
  c.version = version::v3;
  c.priority = priority;
  c.advert_interval = centiseconds(10);
  c.primary_address = ip::make_address(address);
  c.virtual_ips = {prefix{ip::make_address("10.99.0.100"), 24}};
  c.garp.repeat = 2;
  return c;
}

}  // namespace lbd::vrrp::io::test
