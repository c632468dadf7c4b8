// SPDX-License-Identifier: GPL-2.0-or-later
// The typed answers: every struct survives JSON and back, enums parse strictly, broken answers
// say which member is wrong, members a reader does not know are ignored.
#include <gtest/gtest.h>

#include "sample_answers.hpp"
#include "status/answers.hpp"

namespace lbd::api {
namespace {

using namespace std::chrono_literals;
using namespace samples;

template <typename T>
T round_trip(const T& v) {
  const nlohmann::json j = v;
  // Through text too: what crosses the socket.
  return nlohmann::json::parse(j.dump()).get<T>();
}

TEST(answers, a_reload_report_of_a_1_0_daemon_has_no_phase_times) {
  nlohmann::json j = full_report();
  j.erase("load_ms");
  j.erase("services_ms");
  const auto r = j.get<reload_report>();
  EXPECT_FALSE(r.load_ms.has_value());
  EXPECT_FALSE(r.services_ms.has_value());
  EXPECT_EQ(r.duration_ms, 4.5);
}

TEST(answers, every_struct_survives_json_and_back) {
  EXPECT_EQ(round_trip(full_server()), full_server());
  EXPECT_EQ(round_trip(real_server{}), real_server{});
  EXPECT_EQ(round_trip(full_service()), full_service());
  EXPECT_EQ(round_trip(full_instance()), full_instance());
  EXPECT_EQ(round_trip(vrrp_instance{}), vrrp_instance{});
  EXPECT_EQ(round_trip(full_report()), full_report());
  reload_report refused;
  refused.errors = {"lbd.conf:3:1: error: bad"};
  EXPECT_EQ(round_trip(refused), refused);
  check c{"tcp 10.0.1.11:8080", "tcp",       "10.0.1.11:8080", health::up, "connected", 1.5, 3, 0, 9, at(1764000002500),
          {"http", "smtp"},     std::nullopt};
  EXPECT_EQ(round_trip(c), c);
  EXPECT_EQ(round_trip(check{}), check{});
  c.data_path = check_data_path{1279397063, "10.0.1.11"};
  EXPECT_EQ(round_trip(c), c);
  const nlohmann::json routed = c;
  EXPECT_EQ(routed.at("data_path").at("fwmark"), 1279397063);
  EXPECT_EQ(routed.at("data_path").at("real_server"), "10.0.1.11");
  EXPECT_TRUE(nlohmann::json(check{}).at("data_path").is_null());
  affected_server a{"http", full_server()};
  EXPECT_EQ(round_trip(a), a);
  const anycast_group g = full_anycast();
  EXPECT_EQ(round_trip(g), g);
  EXPECT_EQ(round_trip(anycast_group{}), anycast_group{});
  EXPECT_TRUE(nlohmann::json(anycast_group{}).at("since").is_null());
  daemon_status s{"director-a", "/etc/lbd/lbd.conf", at(1764000000000), {full_instance()}, {full_service()},
                  {g},          full_report()};
  EXPECT_EQ(round_trip(s), s);
  s.reload.reset();
  EXPECT_EQ(round_trip(s), s);
  // A 1.4 daemon has no anycast groups to tell of.
  nlohmann::json older = s;
  older.erase("anycast");
  s.anycast.clear();
  EXPECT_EQ(older.get<daemon_status>(), s);
}

TEST(answers, wire_names_are_the_documented_ones) {
  const nlohmann::json rs = full_server();
  EXPECT_EQ(rs.at("health"), "down");
  EXPECT_EQ(rs.at("override"), "weight");
  EXPECT_EQ(rs.at("rates").at("cps"), 1);
  EXPECT_TRUE(nlohmann::json(real_server{}).at("weight").is_null());
  const nlohmann::json s = full_service();
  EXPECT_EQ(s.at("service"), "tcp 192.0.2.10:80");
  EXPECT_EQ(s.at("forwarding"), "dr");
  const nlohmann::json v = full_instance();
  EXPECT_EQ(v.at("state"), "FAULT");
  EXPECT_EQ(v.at("last_transition").at("at"), "2025-11-24T16:00:00.123Z");
  const nlohmann::json r = full_report();
  EXPECT_EQ(r.at("ok"), false);
  EXPECT_EQ(r.at("result"), "partial");
  EXPECT_EQ(r.at("changes").at("vrrp").at("restart")[0].at("settings")[0], "priority");
  const nlohmann::json a = affected_server{"http", full_server()};
  EXPECT_EQ(a.at("service"), "http");
  EXPECT_EQ(a.at("address"), "10.0.1.11:8080");
}

TEST(answers, enums_parse_strictly) {
  EXPECT_EQ(parse_vrrp_state("MASTER"), vrrp_state::master);
  EXPECT_THROW(parse_vrrp_state("master"), contract_error);
  EXPECT_THROW(parse_health("UP"), contract_error);
  EXPECT_THROW(parse_forwarding("masq"), contract_error);
  EXPECT_THROW(parse_override_kind(""), contract_error);
  EXPECT_THROW(parse_reload_result("okay"), contract_error);
  try {
    parse_health("sick");
    FAIL();
  } catch (const contract_error& e) {
    EXPECT_STREQ(e.what(), "unknown health \"sick\" (expected one of: up, down, pending)");
  }
  nlohmann::json rs = full_server();
  rs["health"] = "sick";
  EXPECT_THROW(rs.get<real_server>(), contract_error);
  rs["health"] = 1;  // the enum's number is not its word
  EXPECT_THROW(rs.get<real_server>(), contract_error);
}

TEST(answers, a_broken_answer_names_the_member) {
  nlohmann::json s = full_service();
  s["real_servers"][0].erase("address");
  try {
    (void)parse_answer<service>(s, "services");
    FAIL();
  } catch (const contract_error& e) {
    EXPECT_STREQ(e.what(), "unexpected answer to services: \"real_servers\": missing \"address\"");
  }
  nlohmann::json rs = full_server();
  rs["configured_weight"] = -1;
  EXPECT_THROW(rs.get<real_server>(), contract_error);
  rs = full_server();
  rs["draining"] = 1;
  EXPECT_THROW(rs.get<real_server>(), contract_error);
  rs = full_server();
  rs["active_conns"] = true;
  EXPECT_THROW(rs.get<real_server>(), contract_error);
  nlohmann::json v = full_instance();
  v["last_transition"]["at"] = "yesterday";
  EXPECT_THROW(v.get<vrrp_instance>(), contract_error);
  nlohmann::json r = full_report();
  r["ok"] = true;  // contradicts "result": "partial"
  EXPECT_THROW(r.get<reload_report>(), contract_error);
}

TEST(answers, unknown_members_are_ignored_and_nullable_ones_may_be_absent) {
  nlohmann::json s = full_service();
  s["added_in_a_later_minor"] = {{"anything", 1}};
  s["real_servers"][0]["also_new"] = "x";
  EXPECT_EQ(s.get<service>(), full_service());
  s.erase("rates");
  s.erase("stats_age_seconds");
  const auto parsed = s.get<service>();
  EXPECT_FALSE(parsed.stats);
  EXPECT_FALSE(parsed.stats_age_seconds);
}

}  // namespace
}  // namespace lbd::api
