// SPDX-License-Identifier: GPL-2.0-or-later
// Programs run as global.script_user, on real processes: a root lbd switches each child (hooks,
// detached hooks, and through common/process checks and track scripts) to the account, with its
// groups or the one script_group; such a child is not held to the script-security rule (it can do
// no more than its account), while the same program run as root is. Needs root, as switching does.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <optional>

#include "common/detached_spawn.hpp"
#include "common/hook_runner.hpp"
#include "common/process.hpp"
#include "common/script_user.hpp"
#include "support.hpp"

namespace lbd {
namespace {

struct script_user_test : ::testing::Test {
  test::temp_dir dir;
  std::string out;  // where the scripts write: anyone may create files there

  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "switching accounts needs root";
    // The account must reach the scripts and the output directory.
    ASSERT_EQ(::chmod(std::filesystem::path(dir.file("x")).parent_path().c_str(), 0755), 0);
    out = dir.file("out");
    ASSERT_EQ(::mkdir(out.c_str(), 0755), 0);
    ASSERT_EQ(::chmod(out.c_str(), 01777), 0);
  }
  void TearDown() override { script_user::set_current(std::nullopt); }

  static void run_as(const std::string& user, const std::string& group) {
    auto r = script_user::resolve(user, group, script_user::system_accounts());
    ASSERT_TRUE(r) << r.error();
    script_user::set_current(r->who);
  }

  // An executable script that writes its uid, gid and groups into out/`mark`, in directory `sub`.
  std::string script(const std::string& sub, mode_t dir_mode, const std::string& mark) {
    const std::string d = dir.file(sub);
    EXPECT_EQ(::mkdir(d.c_str(), 0755), 0);
    const std::string path = d + "/id.sh";
    std::ofstream(path) << "#!/bin/sh\n{ id -u; id -g; id -G; } > " << out << "/" << mark << "\n";
    EXPECT_EQ(::chmod(path.c_str(), 0755), 0);
    EXPECT_EQ(::chmod(d.c_str(), dir_mode), 0);
    return path;
  }

  std::string run(const std::string& program) {
    boost::asio::io_context io;
    hook_runner runner(io.get_executor());
    std::optional<std::string> result;
    runner.run(hook_request{{program}, "hook", "test"}, [&](std::string_view r) { result = std::string(r); });
    EXPECT_TRUE(test::run_until(io, [&] { return result.has_value(); }));
    return result.value_or("");
  }

  [[nodiscard]] std::vector<std::string> written(const std::string& mark) const {
    return test::read_lines(out + "/" + mark);
  }
};

TEST_F(script_user_test, a_hook_runs_as_the_account_with_its_groups) {
  run_as("nobody", "");
  EXPECT_EQ(run(script("s", 0755, "nobody")), "ok");
  // Debian's nobody: uid 65534, group nogroup (65534), no other group.
  EXPECT_EQ(written("nobody"), (std::vector<std::string>{"65534", "65534", "65534"}));
}

TEST_F(script_user_test, script_group_is_the_only_group) {
  run_as("nobody", "daemon");  // gid 1 on Debian
  EXPECT_EQ(run(script("s", 0755, "grouped")), "ok");
  EXPECT_EQ(written("grouped"), (std::vector<std::string>{"65534", "1", "1"}));
}

TEST_F(script_user_test, the_rule_holds_only_programs_that_run_as_root) {
  const std::string path = script("group", 0775, "unsafe");
  ASSERT_EQ(::chown(dir.file("group").c_str(), 0, 1000), 0);  // a group other than root's may write
  EXPECT_EQ(run(path), "failed");                             // as root: refused
  EXPECT_TRUE(written("unsafe").empty());
  run_as("nobody", "");
  EXPECT_EQ(run(path), "ok");  // as nobody it can do no more than nobody
  EXPECT_EQ(written("unsafe").front(), "65534");
}

TEST_F(script_user_test, a_program_the_account_may_not_run_fails_with_the_reason) {
  run_as("nobody", "");
  const std::string path = script("private", 0700, "never");  // root's directory: nobody cannot enter
  boost::asio::io_context io;
  std::optional<process::outcome> result;
  process::options o;
  o.argv = {path};
  process::async_run(io.get_executor(), o, [&](process::outcome r) { result = std::move(r); });
  ASSERT_TRUE(test::run_until(io, [&] { return result.has_value(); }));
  EXPECT_FALSE(result->started);
  EXPECT_NE(result->error.find("Permission denied"), std::string::npos) << result->error;
  EXPECT_TRUE(written("never").empty());
}

// A track script's or script check's own `user`/`group` (process::options) over the global one.
TEST_F(script_user_test, a_program_with_its_own_account_runs_as_that) {
  run_as("nobody", "");
  const std::string path = script("s", 0755, "own");
  boost::asio::io_context io;
  std::optional<process::outcome> result;
  process::options o;
  o.argv = {path};
  o.user = "daemon";  // uid 1, group daemon (1)
  process::async_run(io.get_executor(), o, [&](process::outcome r) { result = std::move(r); });
  ASSERT_TRUE(test::run_until(io, [&] { return result.has_value(); }));
  EXPECT_EQ(result->exit_code, 0) << result->error;
  EXPECT_EQ(written("own"), (std::vector<std::string>{"1", "1", "1"}));

  result.reset();
  o.user = "no-such-account";
  process::async_run(io.get_executor(), o, [&](process::outcome r) { result = std::move(r); });
  ASSERT_TRUE(test::run_until(io, [&] { return result.has_value(); }));
  EXPECT_FALSE(result->started);
  EXPECT_EQ(result->error, "no account 'no-such-account' on this system");
}

TEST_F(script_user_test, a_detached_hook_runs_as_the_account_too) {
  run_as("nobody", "");
  ASSERT_TRUE(spawn_detached({script("s", 0755, "detached")}));
  boost::asio::io_context io;
  EXPECT_TRUE(test::run_until(io, [&] { return written("detached").size() == 3; }));
  EXPECT_EQ(written("detached").front(), "65534");
}

}  // namespace
}  // namespace lbd
