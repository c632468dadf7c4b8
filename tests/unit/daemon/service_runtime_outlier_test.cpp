// SPDX-License-Identifier: GPL-2.0-or-later
// Passive outlier detection in the service runtime, over the in-memory IPVS and a connection table
// the test writes as the kernel prints it: an ejection takes the server out like a failed check,
// shows in lbctl and the metrics, survives a reload without a second event, and ends on time.
#include <fmt/format.h>

#include "service_runtime_fixture.hpp"

namespace lbd::daemon::test {
namespace {

// /proc/net/ip_vs_conn's IPv4 form: the address as 8 hex digits, the port as 4.
std::string hex(const endpoint& e) { return fmt::format("{:08X} {:04X}", e.address.to_v4().to_uint(), e.port); }

struct outlier_test : service_runtime_test {
  std::string table_text;
  std::optional<std::string> unreadable;
  std::uint16_t next_port = 40000;

  outlier_test() {
    rt->read_connections_with([this]() -> result<std::string, std::string> {
      if (unreadable) return unexpected(*unreadable);
      return "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n" + table_text;
    });
  }
  void open(const char* server, int n, const char* state) {
    for (int i = 0; i < n; ++i) {
      table_text += fmt::format("TCP {} {} {} {:>11} {:>7}\n", hex(endpoint{ep("198.51.100.7:1").address, next_port++}),
                                hex(ep("192.0.2.10:80")), hex(ep(server)), state, 60);
    }
  }
  double events(const char* kind) { return m.value("lbd_outlier_events_total", {{"service", "web"}, {"event", kind}}); }
  nlohmann::json row(std::size_t i) { return nlohmann::json(rt->services())[0]["real_servers"][i]; }
};

const std::string detection =
    R"(outlier_detection = { interval = "1s", min_connections = 5, max_ejection_percent = 50 })";

TEST_F(outlier_test, ABlackHoleIsTakenOutLikeAFailedCheckAndComesBackOnTime) {
  apply(load(service("", detection)));
  settle(2);
  open("10.0.1.12:80", 6, "SYN_RECV");
  ASSERT_TRUE(run_until([&] { return events("ejected") == 1; }));
  // on_failure = drain: weight 0, then deleted once it has no connections (the fake kernel has none).
  ASSERT_TRUE(run_until([&] { return !has("10.0.1.12:80"); }));
  EXPECT_EQ(weight("10.0.1.11:80"), 1U);
  EXPECT_EQ(row(1)["ejected"], "back in 5s (ejection 1 in a row)");
  EXPECT_TRUE(row(0)["ejected"].is_null());
  EXPECT_EQ(m.value("lbd_realservers_ejected", {{"service", "web"}}), 1);
  EXPECT_EQ(m.value("lbd_service_events_total", {{"service", "web"}, {"event", "server_down"}}), 1);

  // A reload that changes the service (one more server) keeps the ejection, without an event.
  apply(load(service("[[virtual_server.real_server]]\naddress = \"10.0.1.13:80\"\n", detection)));
  ASSERT_TRUE(run_until([&] { return has("10.0.1.13:80"); }));
  EXPECT_FALSE(has("10.0.1.12:80"));
  EXPECT_EQ(events("ejected"), 1);
  EXPECT_EQ(m.value("lbd_service_events_total", {{"service", "web"}, {"event", "server_down"}}), 1);
  EXPECT_FALSE(row(1)["ejected"].is_null());

  const double ups = m.value("lbd_service_events_total", {{"service", "web"}, {"event", "server_up"}});
  ASSERT_TRUE(run_until([&] { return events("returned") == 1; }));
  ASSERT_TRUE(run_until([&] { return weight("10.0.1.12:80") == 2; }));
  EXPECT_TRUE(row(1)["ejected"].is_null());
  EXPECT_EQ(m.value("lbd_realservers_ejected", {{"service", "web"}}), 0);
  EXPECT_EQ(m.value("lbd_service_events_total", {{"service", "web"}, {"event", "server_up"}}), ups + 1);
}

TEST_F(outlier_test, AnsweredConnectionsAndAnUnreadableTableEjectNobody) {
  apply(load(service("", detection)));
  settle(2);
  open("10.0.1.11:80", 20, "ESTABLISHED");
  open("10.0.1.12:80", 20, "TIME_WAIT");
  unreadable = "cannot open: No such file or directory";
  time.advance(std::chrono::seconds(3));
  unreadable.reset();
  open("10.0.1.12:80", 3, "SYN_RECV");  // fewer than min_connections
  time.advance(std::chrono::seconds(5));
  EXPECT_EQ(events("ejected"), 0);
  EXPECT_EQ(weight("10.0.1.12:80"), 2U);
}

TEST_F(outlier_test, LeavingTheConfigDropsItsSeries) {
  apply(load(service("", detection)));
  settle(2);
  open("10.0.1.12:80", 6, "SYN_RECV");
  ASSERT_TRUE(run_until([&] { return events("ejected") == 1; }));
  apply(load(service()));
  settle(2);
  EXPECT_EQ(weight("10.0.1.12:80"), 2U);  // a rebuilt monitor without detection: as its checks say
  EXPECT_EQ(m.render().find("lbd_realservers_ejected{"), std::string::npos);
}

}  // namespace
}  // namespace lbd::daemon::test
