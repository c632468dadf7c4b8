// SPDX-License-Identifier: GPL-2.0-or-later
// Data-path checks: the marks, the fwmark services that carry them, and the checks bound to them.
#include "daemon/services/data_path.hpp"

#include <gtest/gtest.h>

#include "config_text.hpp"
#include "daemon/services/desired_table.hpp"
#include "daemon/services/monitor_inputs.hpp"

namespace lbd::daemon {
namespace {

namespace hc = healthcheck;

using test::load;

endpoint ep(const char* s) { return parse_endpoint(s).value(); }

// Two dr servers with a plain and a data-path check; a nat service with a plain check.
const char* two_dr = R"(
[[virtual_server]]
name = "web"
address = "192.0.2.10:80"
forwarding = "dr"
check = [{ type = "tcp" }, { type = "tcp", data_path = true }]
[[virtual_server.real_server]]
address = "10.0.1.11"
[[virtual_server.real_server]]
address = "10.0.1.12"
[[virtual_server]]
name = "nat"
address = "192.0.2.10:8080"
check = { type = "tcp" }
[[virtual_server.real_server]]
address = "10.0.2.11:8080"
)";

TEST(data_path_marks, one_per_server_with_a_data_path_check_in_the_range) {
  const auto cfg = load(two_dr);
  const auto marks = data_path_marks(cfg);
  ASSERT_EQ(marks.size(), 2U);
  const auto a = marks.at(server_ref{"web", ep("10.0.1.11:80")});
  const auto b = marks.at(server_ref{"web", ep("10.0.1.12:80")});
  EXPECT_NE(a, b);
  EXPECT_TRUE(cfg.ipvs.data_path.contains(a));
  EXPECT_TRUE(cfg.ipvs.data_path.contains(b));
}

TEST(data_path_marks, stay_when_other_servers_come_and_go) {
  const auto before = data_path_marks(load(two_dr));
  std::string more = two_dr;
  more.insert(more.find("[[virtual_server]]\nname = \"nat\""),
              "[[virtual_server.real_server]]\naddress = \"10.0.1.13\"\n");
  const auto after = data_path_marks(load(more));
  ASSERT_EQ(after.size(), 3U);
  for (const auto& [ref, mark] : before) EXPECT_EQ(after.at(ref), mark) << to_string(ref.address);
}

TEST(data_path_marks, collisions_take_the_next_free_mark_and_the_range_bounds_them) {
  std::string tiny = "[ipvs]\ndata_path_fwmark_base = 100\ndata_path_fwmark_count = 2\n";
  tiny += two_dr;
  tiny.insert(tiny.find("[[virtual_server]]\nname = \"nat\""),
              "[[virtual_server.real_server]]\naddress = \"10.0.1.13\"\n");
  const auto marks = data_path_marks(load(tiny));
  ASSERT_EQ(marks.size(), 2U);                   // the third server has no mark: its check runs as a plain one
  EXPECT_EQ(data_path_servers(load(tiny)), 3U);  // which the runtime logs as a warning
  std::set<std::uint32_t> seen;
  for (const auto& entry : marks) seen.insert(entry.second);
  EXPECT_EQ(seen, (std::set<std::uint32_t>{100, 101}));
}

TEST(data_path_services, hold_exactly_their_server_at_weight_one) {
  const auto cfg = load(two_dr);
  const auto marks = data_path_marks(cfg);
  ipvs::desired_state d;
  add_data_path_services(cfg, marks, d);
  ASSERT_EQ(d.services.size(), 2U);
  for (const auto& [ref, mark] : marks) {
    const auto key = ipvs::service_key::mark(ipvs::address_family::ipv4, mark);
    ASSERT_EQ(d.services.count(key), 1U);
    const auto& svc = d.services.at(key);
    EXPECT_EQ(svc.attrs.scheduler, "rr");
    EXPECT_EQ(svc.attrs.flags & ipvs::svc_flag::persistent, 0U);
    ASSERT_EQ(svc.dests.size(), 1U);
    EXPECT_EQ(svc.dests.begin()->first, dest_key_of(ref.address));
    EXPECT_EQ(svc.dests.begin()->second.attrs.weight, 1U);
    EXPECT_EQ(svc.dests.begin()->second.attrs.fwd, ipvs::forwarding::droute);
    EXPECT_EQ(d.owned.count(key), 1U);
    EXPECT_EQ(d.drained.count(key), 0U);
  }
  const auto owned = owned_services(cfg, marks);
  EXPECT_EQ(owned.size(), 4U);  // web, nat and the two fwmark services
}

TEST(data_path_checks, go_to_the_vip_with_the_mark_and_the_plain_one_stays) {
  const auto cfg = load(two_dr);
  const auto marks = data_path_marks(cfg);
  const auto& vs = cfg.virtual_servers.at(0);
  const auto& rs = vs.real_servers.at(0);
  const auto target = data_path_target_of(marks, vs, rs);
  ASSERT_TRUE(target.has_value());
  const auto checks = bind_server_checks(rs, {}, false, &*target);
  ASSERT_EQ(checks.size(), 2U);
  EXPECT_EQ(checks[0]->target, ep("10.0.1.11:80"));
  EXPECT_EQ(hc::route_of(checks[0]->params), nullptr);
  EXPECT_EQ(checks[1]->target, ep("192.0.2.10:80"));
  const auto* route = hc::route_of(checks[1]->params);
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->fwmark, target->fwmark);
  EXPECT_EQ(route->via, rs.address.address);
  EXPECT_EQ(hc::display_name(*checks[1]), "tcp 192.0.2.10:80 via 10.0.1.11 fwmark " + std::to_string(target->fwmark));
  // The other server's data-path check is another check, though its target is the same.
  const auto& other = vs.real_servers.at(1);
  const auto other_target = data_path_target_of(marks, vs, other);
  const auto other_checks = bind_server_checks(other, {}, false, &*other_target);
  EXPECT_NE(hc::canonical_key(*other_checks[1]), hc::canonical_key(*checks[1]));
  // The nat service has no mark.
  EXPECT_FALSE(data_path_target_of(marks, cfg.virtual_servers.at(1), cfg.virtual_servers.at(1).real_servers.at(0)));
}

}  // namespace
}  // namespace lbd::daemon
