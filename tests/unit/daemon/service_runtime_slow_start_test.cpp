// SPDX-License-Identifier: GPL-2.0-or-later
// Slow start in the service runtime, over the in-memory IPVS on fake time: a server whose check
// passes again climbs from 10% of its weight once a second without a dump of the kernel per step,
// shows in lbctl and the metrics, and goes on where it was across a reload and a restart.
#include <unistd.h>

#include <filesystem>

#include "service_runtime_fixture.hpp"

namespace lbd::daemon::test {
namespace {

using namespace std::chrono_literals;

const std::string third = R"([[virtual_server.real_server]]
address = "10.0.1.13:80"
weight = 100
)";
const std::string fourth = R"([[virtual_server.real_server]]
address = "10.0.1.14:80"
)";
const std::string ten_seconds = "slow_start = \"10s\"\n";

struct slow_start_test : service_runtime_test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("lbd-slow-start-test-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::size_t dumps = 0;

  slow_start_test() {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    kernel.on_snapshot = [this] { ++dumps; };
  }
  ~slow_start_test() override { std::filesystem::remove_all(dir); }

  nlohmann::json row(std::size_t i) { return nlohmann::json(rt->services())[0]["real_servers"][i]; }
  double events(const char* kind) { return m.value("lbd_slow_start_events_total", {{"event", kind}}); }

  // The third server fails its check and passes it again: its ramp starts now.
  void bounce() {
    probes.down.insert(ep("10.0.1.13:80"));
    ASSERT_TRUE(run_until([&] { return !has("10.0.1.13:80"); }));
    probes.down.erase(ep("10.0.1.13:80"));
    ASSERT_TRUE(run_until([&] { return has("10.0.1.13:80"); }));
  }
  // The weights the kernel holds at each of the next `n` seconds.
  std::vector<std::uint32_t> seconds(int n) {
    std::vector<std::uint32_t> out;
    for (int i = 0; i < n; ++i) {
      time.advance(1s);
      out.push_back(weight("10.0.1.13:80"));
    }
    return out;
  }
};

TEST_F(slow_start_test, AServerBackFromAFailureClimbsOnceASecondWithoutADumpPerStep) {
  apply(load(service(third, ten_seconds)));
  settle(3);
  EXPECT_EQ(weight("10.0.1.13:80"), 100U);  // a cold start does not ramp
  EXPECT_EQ(events("started"), 0);
  bounce();
  EXPECT_EQ(weight("10.0.1.13:80"), 10U);
  EXPECT_EQ(events("started"), 1);
  EXPECT_EQ(row(2)["slow_start"], "slow start 0/10 s to weight 100");
  EXPECT_TRUE(row(0)["slow_start"].is_null());
  EXPECT_EQ(m.value("lbd_realservers_slow_starting", {{"service", "web"}}), 1);
  const auto before = dumps;
  EXPECT_EQ(seconds(10), (std::vector<std::uint32_t>{19, 28, 37, 46, 55, 64, 73, 82, 91, 100}));
  EXPECT_EQ(dumps, before);
  EXPECT_EQ(weight_gauge("10.0.1.13:80"), 100);
  EXPECT_EQ(events("finished"), 1);
  EXPECT_TRUE(row(2)["slow_start"].is_null());
  EXPECT_EQ(m.value("lbd_realservers_slow_starting", {{"service", "web"}}), 0);
  // The others never moved.
  EXPECT_EQ(weight("10.0.1.12:80"), 2U);
}

TEST_F(slow_start_test, AReloadInTheMiddleGoesOnWithTheRamp) {
  apply(load(service(third, ten_seconds)));
  settle(3);
  bounce();
  EXPECT_EQ(seconds(4).back(), 46U);
  // A reload that changes the service (one more server): neither back to 10% nor on to 100%.
  apply(load(service(third + fourth, ten_seconds)));
  EXPECT_EQ(weight("10.0.1.13:80"), 46U);
  EXPECT_EQ(row(2)["slow_start"], "slow start 4/10 s to weight 100");
  EXPECT_EQ(seconds(1).back(), 55U);
  // The server the reload added ramps as well (weight 1: it stays 1).
  ASSERT_TRUE(run_until([&] { return has("10.0.1.14:80"); }));
  EXPECT_EQ(events("started"), 2);
  // slow_start turned off by a reload: full weight at once.
  apply(load(service(third + fourth)));
  EXPECT_EQ(weight("10.0.1.13:80"), 100U);
  EXPECT_EQ(events("cancelled"), 2);
}

TEST_F(slow_start_test, ARestartGoesOnWithTheRampFromTheStateFile) {
  const auto file = (dir / "state.json").string();
  rt->keep_overrides_in(file);
  apply(load(service(third, ten_seconds)));
  settle(3);
  bounce();
  EXPECT_EQ(seconds(3).back(), 37U);
  // What a restart (or a SIGKILL and a start) does: a new runtime over the same kernel and file.
  rt.reset();
  rt = std::make_unique<service_runtime>(io, m, kernel, probes, time);
  rt->keep_overrides_in(file);
  applied.reset();
  apply(load(service(third, ten_seconds)));
  EXPECT_EQ(weight("10.0.1.13:80"), 37U);
  EXPECT_EQ(row(2)["slow_start"], "slow start 3/10 s to weight 100");
  EXPECT_EQ(seconds(7), (std::vector<std::uint32_t>{46, 55, 64, 73, 82, 91, 100}));
  // Once over, nothing is left to restore.
  rt.reset();
  rt = std::make_unique<service_runtime>(io, m, kernel, probes, time);
  rt->keep_overrides_in(file);
  applied.reset();
  apply(load(service(third, ten_seconds)));
  EXPECT_TRUE(row(2)["slow_start"].is_null());
}

}  // namespace
}  // namespace lbd::daemon::test
