// SPDX-License-Identifier: GPL-2.0-or-later
// The operator's overrides in lbd's state file (lbd --state-file): restored by the next runtime (a
// restart), a broken file reported and left alone, a server that left the config dropped from it, a
// failed write counted while the override still applies.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/text_file.hpp"
#include "service_runtime_fixture.hpp"

namespace lbd::daemon::test {
namespace {

struct service_runtime_state : service_runtime_test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("lbd-state-test-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::string file = (dir / "state.json").string();

  void SetUp() override {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  // What a restart does: a new runtime over the same kernel and state file.
  void restart() {
    rt.reset();
    rt = std::make_unique<service_runtime>(io, m, kernel, probes, time);
    rt->keep_overrides_in(file);
    applied.reset();
  }
  nlohmann::json row(std::size_t i) { return nlohmann::json(rt->services())[0]["real_servers"][i]; }
};

TEST_F(service_runtime_state, OverridesOutliveARestart) {
  rt->keep_overrides_in(file);
  apply(load(service()));
  settle(2);
  EXPECT_FALSE(std::filesystem::exists(file));  // nothing to keep yet
  ASSERT_TRUE(rt->drain("10.0.1.11:80", std::nullopt));
  ASSERT_TRUE(rt->set_weight("10.0.1.12:80", std::nullopt, 5));
  ASSERT_TRUE(std::filesystem::exists(file));

  restart();
  apply(load(service()));
  EXPECT_EQ(row(0)["override"], "drain");
  EXPECT_EQ(row(1)["override"], "weight");
  EXPECT_EQ(row(1)["override_weight"], 5);
  EXPECT_EQ(m.value("lbd_overrides_active", {}), 2);
  ASSERT_TRUE(run_until([&] { return dests() == 1 && weight("10.0.1.12:80") == 5; }));

  // Enabling both leaves nothing to restore.
  ASSERT_TRUE(rt->enable("10.0.1.11:80", std::nullopt));
  ASSERT_TRUE(rt->enable("10.0.1.12:80", std::nullopt));
  restart();
  apply(load(service()));
  EXPECT_TRUE(row(0)["override"].is_null());
  EXPECT_TRUE(row(1)["override"].is_null());
}

TEST_F(service_runtime_state, ABrokenFileIsReportedAndLeftAlone) {
  std::ofstream(file) << "{\"version\": 1, \"overrides\": [{\"service\": \"web\"";
  rt->keep_overrides_in(file);
  apply(load(service()));
  EXPECT_TRUE(row(0)["override"].is_null());
  EXPECT_EQ(m.value("lbd_state_file_errors_total", {{"op", "read"}}), 1);
  EXPECT_EQ(read_text_file(file).value(), "{\"version\": 1, \"overrides\": [{\"service\": \"web\"");
}

TEST_F(service_runtime_state, AServerThatLeftTheConfigLeavesTheFile) {
  rt->keep_overrides_in(file);
  apply(load(service()));
  ASSERT_TRUE(rt->drain("10.0.1.12:80", std::nullopt));
  restart();
  // 10.0.1.12 is no longer configured when lbd starts again.
  std::string text = service();
  text.erase(text.find("[[virtual_server.real_server]]\naddress = \"10.0.1.12:80\""));
  apply(load(text));
  EXPECT_EQ(m.value("lbd_overrides_active", {}), 0);
  EXPECT_EQ(read_text_file(file).value().find("10.0.1.12"), std::string::npos);
}

TEST_F(service_runtime_state, AFailedWriteIsCountedAndTheOverrideStillApplies) {
  file = (dir / "missing-directory" / "state.json").string();
  rt->keep_overrides_in(file);
  apply(load(service()));
  settle(2);
  ASSERT_TRUE(rt->drain("10.0.1.11:80", std::nullopt));
  EXPECT_EQ(m.value("lbd_state_file_errors_total", {{"op", "write"}}), 1);
  EXPECT_EQ(row(0)["override"], "drain");
}

}  // namespace
}  // namespace lbd::daemon::test
