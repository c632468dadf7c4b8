// SPDX-License-Identifier: GPL-2.0-or-later
// The script-security rule on real programs, through the hook runner (every program lbd runs goes
// through common/process): as root, a script in a directory others may write to is not started,
// with the reason; the same script in a safe directory runs; with the rule off it runs anyway.
// Unprivileged, the rule does not apply (lbd then runs nothing as root), so these tests need root.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <optional>

#include "common/hook_runner.hpp"
#include "common/script_security.hpp"
#include "support.hpp"

namespace lbd {
namespace {

struct script_security_test : ::testing::Test {
  std::vector<log::record> records;
  metrics::registry m;
  test::temp_dir dir;

  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "the rule applies to programs run as root";
    log::set_sink([this](const log::record& r) { records.push_back(r); });
  }
  void TearDown() override {
    log::reset_sink();
    script_security::set_enforced(true);
  }

  // An executable script that writes "ran" into `mark`, in directory `sub` of mode `mode`.
  std::string script_in(const std::string& sub, mode_t mode, const std::string& mark) {
    const std::string d = dir.file(sub);
    EXPECT_EQ(::mkdir(d.c_str(), 0755), 0);
    const std::string path = d + "/hook.sh";
    std::ofstream(path) << "#!/bin/sh\necho ran > " << mark << "\n";
    EXPECT_EQ(::chmod(path.c_str(), 0755), 0);
    EXPECT_EQ(::chmod(d.c_str(), mode), 0);  // after the umask
    return path;
  }

  std::string run(boost::asio::io_context& io, const std::string& program) {
    hook_runner runner(io.get_executor(), &m);
    std::optional<std::string> result;
    runner.run(hook_request{{program}, "guarded hook", "test"}, [&](std::string_view r) { result = std::string(r); });
    EXPECT_TRUE(test::run_until(io, [&] { return result.has_value(); }));
    return result.value_or("");
  }
};

TEST_F(script_security_test, a_script_others_may_replace_is_not_started) {
  boost::asio::io_context io;
  const std::string mark = dir.file("mark");
  const std::string open = script_in("open", 0777, mark);
  EXPECT_EQ(run(io, open), "failed");
  EXPECT_TRUE(test::read_lines(mark).empty());  // never ran
  bool logged = false;
  for (const auto& r : records) {
    logged = logged || r.message.find("could not start: refused by the script-security rule: " + dir.file("open") +
                                      " is writable by everyone") != std::string::npos;
  }
  EXPECT_TRUE(logged);

  const std::string safe = script_in("safe", 0755, mark);
  EXPECT_EQ(run(io, safe), "ok");
  EXPECT_EQ(test::read_lines(mark), std::vector<std::string>{"ran"});
}

TEST_F(script_security_test, with_the_rule_off_it_runs) {
  boost::asio::io_context io;
  const std::string mark = dir.file("mark");
  const std::string path = script_in("group", 0775, mark);
  ASSERT_EQ(::chown(dir.file("group").c_str(), 0, 1000), 0);  // a group other than root's may write
  EXPECT_EQ(run(io, path), "failed");
  script_security::set_enforced(false);
  EXPECT_EQ(run(io, path), "ok");
  EXPECT_EQ(test::read_lines(mark), std::vector<std::string>{"ran"});
}

}  // namespace
}  // namespace lbd
