// SPDX-License-Identifier: GPL-2.0-or-later
// `lbd import`'s exit statuses and how -o writes: only a result that passes the config check, never
// over an existing file without a backup, and nothing at all when something was refused or changed
// unless --allow-changes.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "import/import_cli.hpp"

namespace lbd::import {
namespace {

namespace fs = std::filesystem;

const char* const same_behaviour = R"(virtual_server 192.0.2.40 80 {
    delay_loop 5
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.5.11 80 {
        TCP_CHECK {
            connect_timeout 2
        }
    }
}
)";

class import_cli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lbd-import-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    auto p = (dir_ / name).string();
    std::ofstream(p) << text;
    return p;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
};

TEST_F(import_cli, SameBehaviourExitsZeroAndBacksUpWhatItReplaces) {
  auto in = write("keepalived.conf", same_behaviour);
  auto out = (dir_ / "lbd.conf").string();
  ASSERT_EQ(run_import({"keepalived", in, out, false}), exit_converted);
  std::string first = read(out);
  EXPECT_NE(first.find("address = \"192.0.2.40:80\""), std::string::npos) << first;
  EXPECT_FALSE(fs::exists(out + ".bak")) << "nothing to back up the first time";

  std::ofstream(out) << "# edited by hand\n";
  ASSERT_EQ(run_import({"keepalived", in, out, false}), exit_converted);
  EXPECT_EQ(read(out + ".bak"), "# edited by hand\n");
  EXPECT_EQ(read(out), first);
  std::ofstream(out) << "# edited again\n";
  ASSERT_EQ(run_import({"keepalived", in, out, false}), exit_converted);
  EXPECT_EQ(read(out + ".bak"), "# edited by hand\n") << "an older backup is never overwritten";
  EXPECT_EQ(read(out + ".bak.1"), "# edited again\n");
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << "temporary file left behind";
  }
}

TEST_F(import_cli, RefusedOrChangedExitsThreeAndWritesNothingWithoutAllowChanges) {
  auto in = write("keepalived.conf", std::string(same_behaviour) + "static_ipaddress {\n 192.0.2.41/24 dev eth0\n}\n");
  auto out = write("lbd.conf", "# the running configuration\n");
  EXPECT_EQ(run_import({"keepalived", in, out, false}), exit_changes);
  EXPECT_EQ(read(out), "# the running configuration\n");
  EXPECT_FALSE(fs::exists(out + ".bak"));

  EXPECT_EQ(run_import({"keepalived", in, out, true}), exit_converted);
  EXPECT_NE(read(out).find("refused: " + in + ":12: static_ipaddress"), std::string::npos) << read(out);
  EXPECT_EQ(read(out + ".bak"), "# the running configuration\n");
}

TEST_F(import_cli, AResultThatFailsTheCheckIsNeverWritten) {
  // vrid 300 converts as written and fails lbd's check (1-255).
  auto in = write("keepalived.conf",
                  "vrrp_instance V {\n interface eth0\n virtual_router_id 300\n priority 100\n"
                  " virtual_ipaddress {\n 10.0.0.1/24\n }\n}\n");
  auto out = write("lbd.conf", "# the running configuration\n");
  EXPECT_EQ(run_import({"keepalived", in, out, true}), exit_failed);
  EXPECT_EQ(read(out), "# the running configuration\n");
  EXPECT_FALSE(fs::exists(out + ".bak"));
}

TEST_F(import_cli, UnreadableInputAndUnwritableOutputFail) {
  EXPECT_EQ(run_import({"keepalived", (dir_ / "missing.conf").string(), (dir_ / "o.conf").string(), true}),
            exit_failed);
  EXPECT_FALSE(fs::exists(dir_ / "o.conf"));
  auto in = write("keepalived.conf", same_behaviour);
  EXPECT_EQ(run_import({"keepalived", in, (dir_ / "no-such-dir" / "lbd.conf").string(), true}), exit_failed);
}

}  // namespace
}  // namespace lbd::import
