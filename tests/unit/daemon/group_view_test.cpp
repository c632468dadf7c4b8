// SPDX-License-Identifier: GPL-2.0-or-later
// A group's entry points shown as one service: statistics and counters summed (pure).
#include "daemon/services/group_view.hpp"

#include <gtest/gtest.h>

namespace lbd::daemon {
namespace {

ipvs::service_key key(const char* s) { return ipvs::service_key::inet(ipvs::protocol::tcp, parse_endpoint(s).value()); }
ipvs::dest_key dest(const char* s) {
  const auto e = parse_endpoint(s).value();
  return ipvs::dest_key{e.address, e.port};
}

ipvs::service with(std::uint64_t conns, std::uint32_t active, std::uint32_t weight) {
  ipvs::service s;
  s.attrs.scheduler = "wlc";
  s.stats.conns = conns;
  s.stats.cps = conns;
  ipvs::dest d;
  d.attrs.weight = weight;
  d.counters.active = active;
  d.counters.stats.conns = conns;
  s.dests[dest("10.0.1.11:80")] = d;
  return s;
}

TEST(group_view, NoneOfTheEntryPointsInTheTable) {
  const ipvs::table t{{key("192.0.2.99:80"), with(1, 1, 1)}};
  const group_view v(t, {key("192.0.2.10:80"), key("192.0.2.11:80")});
  EXPECT_EQ(v.get(), nullptr);
}

TEST(group_view, OneEntryPointIsTheTablesOwn) {
  const ipvs::table t{{key("192.0.2.10:80"), with(7, 2, 3)}};
  const group_view v(t, {key("192.0.2.10:80"), key("192.0.2.11:80")});
  EXPECT_EQ(v.get(), &t.at(key("192.0.2.10:80")));
}

TEST(group_view, SeveralEntryPointsAreSummed) {
  ipvs::table t{{key("192.0.2.10:80"), with(7, 2, 3)}, {key("192.0.2.11:80"), with(5, 1, 3)}};
  ipvs::dest only_here;
  only_here.counters.inactive = 4;
  t[key("192.0.2.11:80")].dests[dest("10.0.1.12:80")] = only_here;
  const group_view v(t, {key("192.0.2.10:80"), key("192.0.2.11:80")});
  ASSERT_NE(v.get(), nullptr);
  const auto& s = *v.get();
  EXPECT_EQ(s.attrs.scheduler, "wlc");
  EXPECT_EQ(s.stats.conns, 12U);
  EXPECT_EQ(s.stats.cps, 12U);
  ASSERT_EQ(s.dests.size(), 2U);
  const auto& d = s.dests.at(dest("10.0.1.11:80"));
  EXPECT_EQ(d.attrs.weight, 3U);  // the same in every entry point: not summed
  EXPECT_EQ(d.counters.active, 3U);
  EXPECT_EQ(d.counters.stats.conns, 12U);
  EXPECT_EQ(s.dests.at(dest("10.0.1.12:80")).counters.inactive, 4U);
}

}  // namespace
}  // namespace lbd::daemon
