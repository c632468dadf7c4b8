// SPDX-License-Identifier: GPL-2.0-or-later
// include = [...]: files and globs merged into the main file, every error at its own file:line:column.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/load.hpp"

namespace lbd::config {
namespace {

namespace fs = std::filesystem;

// A directory of its own under /tmp, removed with what the test wrote into it.
class include_test : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lbd-include.XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fs::create_directory(dir_ / "conf.d");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  // The errors (these services belong to no vrrp instance: a warning each).
  std::vector<std::string> formatted(const load_result& r) {
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics) {
      if (d.level == severity::error) out.push_back(format(d));
    }
    return out;
  }

  fs::path dir_;
};

std::string service(const std::string& name, int port) {
  return "[[virtual_server]]\nname = \"" + name + "\"\naddress = \"192.0.2.10:" + std::to_string(port) +
         "\"\n[[virtual_server.real_server]]\naddress = \"10.0.1.11:8080\"\n";
}

const char* const vrrp_web =
    "[[vrrp]]\nname = \"web\"\ninterface = \"eth0\"\nvrid = 51\nvirtual_ips = [\"192.0.2.10/24\"]\n";

TEST_F(include_test, GlobsAreReadInNameOrderAfterTheMainFilesOwnTables) {
  write("conf.d/20-b.conf", service("b", 82));
  write("conf.d/10-a.conf", service("a", 81) + vrrp_web);
  write("conf.d/README", "not TOML at all");
  const auto main = write("lbd.conf", "include = [\"conf.d/*.conf\"]\n" + service("main", 80));
  // From another working directory: patterns are relative to the main file.
  const auto cwd = fs::current_path();
  fs::current_path("/");
  auto r = load_file(main);
  fs::current_path(cwd);
  ASSERT_TRUE(r.ok()) << testing::PrintToString(formatted(r));
  ASSERT_EQ(r.cfg->virtual_servers.size(), 3U);
  EXPECT_EQ(r.cfg->virtual_servers[0].name, "main");
  EXPECT_EQ(r.cfg->virtual_servers[1].name, "a");
  EXPECT_EQ(r.cfg->virtual_servers[2].name, "b");
  ASSERT_EQ(r.cfg->vrrp.size(), 1U);
  EXPECT_EQ(r.cfg->vrrp[0].name, "web");
}

TEST_F(include_test, AnErrorInAnIncludedFileNamesThatFileLineAndColumn) {
  const auto web =
      write("conf.d/web.conf",
            "# web\n[[virtual_server]]\nname = \"web\"\naddress = \"192.0.2.10:80\"\nscheduler = \"rrr\"\n");
  const auto broken = write("conf.d/zz.conf", "[[virtual_server]]\nname = \n");
  const auto main = write("lbd.conf", "include = [\"conf.d/*.conf\"]\n[global]\nreconcile_interval = \"1x\"\n");
  auto r = load_file(main);
  EXPECT_FALSE(r.ok());
  const auto lines = formatted(r);
  ASSERT_EQ(lines.size(), 3U) << testing::PrintToString(lines);
  EXPECT_EQ(lines[0].rfind(main + ":3:22: error: global.reconcile_interval:", 0), 0U) << lines[0];
  EXPECT_EQ(lines[1].rfind(web + ":5:13: error: virtual_server[web].scheduler: 'rrr' is not valid", 0), 0U) << lines[1];
  EXPECT_EQ(lines[2].rfind(broken + ":2:8: error:", 0), 0U) << lines[2];
}

TEST_F(include_test, DuplicatesAcrossFilesPointAtTheLaterOne) {
  const auto again = write("conf.d/again.conf", "\n" + service("main", 81));
  const auto main = write("lbd.conf", "include = [\"conf.d/again.conf\"]\n" + service("main", 80));
  auto r = load_file(main);
  ASSERT_FALSE(r.ok());
  const auto lines = formatted(r);
  ASSERT_EQ(lines.size(), 1U) << testing::PrintToString(lines);
  EXPECT_EQ(lines[0].rfind(again + ":3:8: error: virtual_server[main].name:", 0), 0U) << lines[0];
}

TEST_F(include_test, OnlyServicesAndInstancesMayBeIncluded) {
  const auto g = write("conf.d/global.conf", "[global]\nnode_name = \"x\"\n");
  const auto main = write("lbd.conf", "include = [\"conf.d/global.conf\"]\n");
  auto r = load_file(main);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(formatted(r),
            std::vector<std::string>{
                g + ":1:2: error: global: only [[vrrp]], [[sync_group]] and [[virtual_server]] tables may be in "
                    "an included file (this one belongs in the main file)"});
}

TEST_F(include_test, AMissingFileIsAnErrorAnEmptyGlobIsNot) {
  const auto main = write("lbd.conf", "include = [\"conf.d/*.conf\", \"extra.conf\", \"lbd.conf\"]\n");
  auto r = load_file(main);
  ASSERT_FALSE(r.ok());
  const auto lines = formatted(r);
  ASSERT_EQ(lines.size(), 2U) << testing::PrintToString(lines);
  EXPECT_EQ(lines[0], main + ":1:29: error: include[1]: " + (dir_ / "extra.conf").string() +
                          ": cannot open: No such file or directory");
  EXPECT_EQ(lines[1].rfind(main + ":1:43: error: include[2]: ", 0), 0U) << lines[1];
  EXPECT_NE(lines[1].find("included twice (or is the main file)"), std::string::npos) << lines[1];
}

TEST_F(include_test, ADeviceIsNotReadEvenWhenAPatternMatchesIt) {
  const auto main = write("lbd.conf", "include = [\"/dev/zer[o]\"]\n");
  auto r = load_file(main);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(formatted(r), std::vector<std::string>{main + ":1:12: error: include[0]: /dev/zero: not a regular file"});
}

}  // namespace
}  // namespace lbd::config
