// SPDX-License-Identifier: GPL-2.0-or-later
// The anycast runtime on a recording host: what it puts on the director, in which order, and what
// it reports.
#include "daemon/anycast/anycast_runtime.hpp"

#include <gtest/gtest.h>

#include "config_text.hpp"

namespace lbd::daemon {
namespace {

using test::load;

// Every change the runtime makes, one line each, and the state it leaves.
struct recording_host final : anycast_host {
  std::vector<std::string>* events;
  bool open_fails = false;
  bool opened = false;
  std::vector<prefix> routes;

  explicit recording_host(std::vector<std::string>* e) : events(e) {}
  status<std::string> open(const config::anycast_routes& where) override {
    close();  // as the kernel's: the old device and its routes go first
    if (open_fails) return unexpected(std::string("/dev/net/tun: No such device"));
    opened = true;
    events->push_back("open " + where.device + " proto " + std::to_string(where.protocol));
    return ok;
  }
  void close() override {
    if (opened) events->push_back("close");
    opened = false;
    routes.clear();
  }
  [[nodiscard]] bool is_open() const override { return opened; }
  result<anycast::route_plan, std::string> set_routes(const std::vector<prefix>& desired) override {
    auto plan = anycast::plan_routes(routes, desired);
    for (const auto& p : plan.add) events->push_back("route + " + to_string(p));
    for (const auto& p : plan.remove) events->push_back("route - " + to_string(p));
    routes = desired;
    return plan;
  }
  status<std::string> add_address(const std::string& ifname, const prefix& p) override {
    events->push_back("addr + " + to_string(p) + " " + ifname);
    return ok;
  }
  status<std::string> remove_address(const std::string& ifname, const prefix& p) override {
    events->push_back("addr - " + to_string(p) + " " + ifname);
    return ok;
  }
};

constexpr const char* routes_246 = "[global]\nanycast_route_protocol = 246\n";
constexpr const char* web = R"(
[ipvs]
sloppy_tcp = true
[[anycast]]
name = "web"
virtual_ips = ["192.0.2.10", "2001:db8::10"]
high_watermark = 75
low_watermark = 50
[[virtual_server]]
name = "http"
address = "192.0.2.10:80"
anycast = "web"
scheduler = "mh"
forwarding = "dr"
[[virtual_server]]
name = "https"
address = "192.0.2.10:443"
anycast = "web"
scheduler = "mh"
forwarding = "dr"
)";
constexpr const char* dns = R"(
[[anycast]]
name = "dns"
virtual_ips = ["192.0.2.53"]
interface = "dummy0"
[[virtual_server]]
name = "dns"
address = "192.0.2.53:53"
protocol = "udp"
anycast = "dns"
scheduler = "mh"
forwarding = "dr"
)";
const std::string two_groups = std::string(routes_246) + web + dns;

struct anycast_runtime_test : ::testing::Test {
  metrics::registry metrics;
  std::vector<std::string> events;
  recording_host* host = nullptr;
  std::unique_ptr<anycast_runtime> runtime;

  void SetUp() override {
    auto h = std::make_unique<recording_host>(&events);
    host = h.get();
    runtime = std::make_unique<anycast_runtime>(metrics, std::move(h));
  }
  std::vector<std::string> take() { return std::exchange(events, {}); }
  double announced(const std::string& group) {
    return metrics.get_gauge("lbd_anycast_announced", "", {{"group", group}}).value();
  }
};

TEST_F(anycast_runtime_test, VipsFirstThenTheDeviceOnlyOnceAGroupIsHealthyEnough) {
  runtime->apply(load(two_groups));
  const std::vector<std::string> vips{"addr + 192.0.2.53/32 dummy0", "addr + 192.0.2.10/32 lo",
                                      "addr + 2001:db8::10/128 lo"};
  EXPECT_EQ(take(), vips);
  // 70 of 100 is under web's high watermark; dns has no live weight: nothing opens.
  runtime->observe({{"http", 40, 50}, {"https", 30, 50}, {"dns", 0, 10}});
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(runtime->status()[0].reason, "live weight below the high watermark 75%");
  runtime->observe({{"http", 50, 50}, {"https", 30, 50}, {"dns", 0, 10}});
  const std::vector<std::string> up{"open lbd-anycast proto 246", "route + 192.0.2.10/32", "route + 2001:db8::10/128"};
  EXPECT_EQ(take(), up);
  EXPECT_EQ(announced("web"), 1.0);
  EXPECT_EQ(announced("dns"), 0.0);
  EXPECT_EQ(metrics.get_counter("lbd_anycast_changes_total", "", {{"group", "web"}, {"action", "announce"}}).value(),
            1.0);
  const auto s = runtime->status();
  ASSERT_EQ(s.size(), 2U);
  EXPECT_TRUE(s[0].announced);
  EXPECT_EQ(s[0].live_weight, 80U);
  EXPECT_EQ(s[0].configured_weight, 100U);
  EXPECT_EQ(s[0].reason, "live weight 80 of 100 (80%) reached the high watermark 75%");
  EXPECT_TRUE(s[0].since.has_value());
  EXPECT_EQ(s[1].interface, "dummy0");
  EXPECT_FALSE(s[1].since.has_value());
  // Inside the band nothing moves; below the low watermark web alone goes.
  runtime->observe({{"http", 30, 50}, {"https", 30, 50}, {"dns", 10, 10}});
  EXPECT_EQ(take(), std::vector<std::string>{"route + 192.0.2.53/32"});
  runtime->observe({{"http", 20, 50}, {"https", 20, 50}, {"dns", 10, 10}});
  const std::vector<std::string> down{"route - 192.0.2.10/32", "route - 2001:db8::10/128"};
  EXPECT_EQ(take(), down);
  EXPECT_EQ(announced("web"), 0.0);
}

TEST_F(anycast_runtime_test, AGracefulStopWithdrawsEverythingAtOnceAndTheVipsGoLast) {
  runtime->apply(load(two_groups));
  runtime->observe({{"http", 50, 50}, {"https", 50, 50}, {"dns", 10, 10}});
  take();
  EXPECT_TRUE(runtime->withdraw_all());
  EXPECT_EQ(take(), std::vector<std::string>{"close"});
  // The services still run during the delay: their passes announce nothing again.
  runtime->observe({{"http", 50, 50}, {"https", 50, 50}, {"dns", 10, 10}});
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(runtime->status()[1].reason, "lbd is stopping");
  runtime->finish();
  const std::vector<std::string> gone{"addr - 192.0.2.53/32 dummy0", "addr - 192.0.2.10/32 lo",
                                      "addr - 2001:db8::10/128 lo"};
  EXPECT_EQ(take(), gone);
  // Nothing announced: no delay to wait.
  anycast_runtime idle(metrics, std::make_unique<recording_host>(&events));
  idle.apply(load(two_groups));
  EXPECT_FALSE(idle.withdraw_all());
}

TEST_F(anycast_runtime_test, AReloadMovesOnlyWhatChanged) {
  runtime->apply(load(two_groups));
  runtime->observe({{"http", 50, 50}, {"https", 50, 50}, {"dns", 10, 10}});
  take();
  // dns leaves the config; web's routes stay as they are.
  runtime->apply(load(std::string(routes_246) + web));
  const std::vector<std::string> dns_gone{"addr - 192.0.2.53/32 dummy0", "route - 192.0.2.53/32"};
  EXPECT_EQ(take(), dns_gone);
  // Another route protocol: a new device, the announced routes through it.
  runtime->apply(load(std::string("[global]\nanycast_route_protocol = 247\n") + web));
  const std::vector<std::string> moved{"close", "open lbd-anycast proto 247", "route + 192.0.2.10/32",
                                       "route + 2001:db8::10/128"};
  EXPECT_EQ(take(), moved);
  // No group left: the device closes.
  runtime->apply(load(""));
  const std::vector<std::string> none{"addr - 192.0.2.10/32 lo", "addr - 2001:db8::10/128 lo", "close"};
  EXPECT_EQ(take(), none);
}

TEST_F(anycast_runtime_test, ADeviceThatCannotOpenIsReportedAndRetried) {
  host->open_fails = true;
  runtime->apply(load(two_groups));
  take();
  runtime->observe({{"http", 50, 50}, {"https", 50, 50}, {"dns", 10, 10}});
  EXPECT_EQ(runtime->status()[0].route_error, "/dev/net/tun: No such device");
  EXPECT_EQ(metrics.get_counter("lbd_anycast_route_errors_total", "").value(), 1.0);
  host->open_fails = false;
  runtime->observe({{"http", 50, 50}, {"https", 50, 50}, {"dns", 10, 10}});
  EXPECT_EQ(take().front(), "open lbd-anycast proto 246");
  EXPECT_EQ(runtime->status()[0].route_error, "");
}

}  // namespace
}  // namespace lbd::daemon
