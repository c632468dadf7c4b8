// SPDX-License-Identifier: GPL-2.0-or-later
// lbctl drain --wait: where a drain stands, from the daemon's services answer (pure).
#include "ctl/drain_wait.hpp"

#include <gtest/gtest.h>

namespace lbd::ctl {
namespace {

api::real_server row(const char* address, std::optional<unsigned> kernel_weight, std::uint64_t active) {
  api::real_server r;
  r.address = address;
  r.kernel_weight = kernel_weight;
  r.active_conns = active;
  return r;
}

api::affected_server drained(const char* service, const char* address) {
  api::affected_server a;
  a.service = service;
  a.server.address = address;
  return a;
}

std::vector<api::service> answer(std::optional<double> age, std::uint64_t active_13) {
  api::service web;
  web.name = "web";
  web.stats_age_seconds = age;
  web.real_servers = {row("10.0.1.11:80", 3, 9), row("10.0.1.13:80", 0, active_13)};
  api::service dns;
  dns.name = "dns";
  dns.stats_age_seconds = 0.2;
  dns.real_servers = {row("10.0.1.13:53", std::nullopt, 0)};
  return {web, dns};
}

TEST(drain_wait, CountsOnlyTheDrainedServersStillInTheKernel) {
  const auto p = progress_of(answer(0.5, 4), {drained("web", "10.0.1.13:80"), drained("dns", "10.0.1.13:53")});
  EXPECT_EQ(p.active, 4U);  // 10.0.1.11's 9 are not drained
  EXPECT_EQ(p.in_kernel, 1U);
  EXPECT_EQ(p.gone, 0U);
  EXPECT_EQ(p.read_age, 0.5);  // the older of the two services' reads
  EXPECT_FALSE(drain_finished(p, 10.0));
  EXPECT_EQ(progress_line(p), "1 server in the kernel: 4 active connections (read 0.5 s ago)");
}

TEST(drain_wait, FinishedOnlyOnAReadTakenAfterTheDrainBegan) {
  const std::vector<api::affected_server> d{drained("web", "10.0.1.13:80")};
  const auto p = progress_of(answer(2.0, 0), d);
  EXPECT_EQ(p.active, 0U);
  // Read 2 s ago, drain begun 1 s ago: the read may predate a connection still open.
  EXPECT_FALSE(drain_finished(p, 1.0));
  EXPECT_TRUE(drain_finished(p, 2.5));
  // No read at all yet: not finished, whatever the counts say.
  const auto unread = progress_of(answer(std::nullopt, 0), d);
  EXPECT_FALSE(unread.read_age.has_value());
  EXPECT_FALSE(drain_finished(unread, 100.0));
  EXPECT_EQ(progress_line(unread), "1 server in the kernel: 0 active connections (no kernel read yet)");
}

TEST(drain_wait, AServerThatLeftTheConfigIsNotWaitedFor) {
  const auto p =
      progress_of(answer(0.1, 1), {drained("web", "10.0.1.13:80"), drained("web", "10.0.1.99:80"), drained("x", "a")});
  EXPECT_EQ(p.gone, 2U);
  EXPECT_EQ(p.active, 1U);
  EXPECT_EQ(progress_line(p), "1 server in the kernel: 1 active connection, 2 no longer configured (read 0.1 s ago)");
  const auto none = progress_of(answer(0.1, 0), {drained("web", "10.0.1.99:80")});
  EXPECT_TRUE(drain_finished(none, 1.0));
  EXPECT_EQ(progress_line(none),
            "0 servers in the kernel: 0 active connections, 1 no longer configured (read 0.1 s ago)");
}

}  // namespace
}  // namespace lbd::ctl
