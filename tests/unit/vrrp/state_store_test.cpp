// SPDX-License-Identifier: GPL-2.0-or-later
// The saved state on disk: whole-file writes, an absent file, names that cannot be file names.
#include "vrrp/io/state_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fsm_helpers.hpp"

namespace lbd::vrrp::io {
namespace {

class state_store : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) / ("lbd-state-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(state_store, SavesAndLoads) {
  const auto c = test::web_config();
  saved_state s;
  s.instance = c.name;
  s.identity = identity_of(c);
  s.role = state::master;
  s.last_advert = time_point(std::chrono::seconds(42));
  s.advert_interval = c.advert_interval;
  s.interface = c.interface;
  s.vips = c.virtual_ips;
  const std::string path = state_path(dir_.string(), c.name);
  EXPECT_EQ(path, (dir_ / "vrrp-web.state").string());
  ASSERT_TRUE(save_state(path, s));
  auto back = load_state(path);
  ASSERT_TRUE(back) << back.error();
  ASSERT_TRUE(*back);
  EXPECT_EQ(**back, s);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  s.role = state::backup;
  s.vips.clear();
  ASSERT_TRUE(save_state(path, s));
  EXPECT_EQ(**load_state(path), s);
}

TEST_F(state_store, AbsentFileIsNoState) {
  auto r = load_state((dir_ / "vrrp-none.state").string());
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
}

TEST_F(state_store, GarbageIsAnError) {
  const auto path = (dir_ / "vrrp-web.state").string();
  std::ofstream(path) << "role MASTER\n";
  EXPECT_FALSE(load_state(path));
}

TEST_F(state_store, NamesThatAreNoFileNames) {
  EXPECT_EQ(state_path("/run/lbd", "../etc"), "");
  EXPECT_EQ(state_path("/run/lbd", "a/b"), "");
  EXPECT_EQ(state_path("/run/lbd", ""), "");
  EXPECT_EQ(state_path("", "web"), "");
}

TEST_F(state_store, ReleaseOfAnEmptyDirectoryIsNothing) {
  std::vector<std::string> report;
  EXPECT_TRUE(release_vips(dir_.string(), report));
  EXPECT_TRUE(report.empty());
}

}  // namespace
}  // namespace lbd::vrrp::io
