// SPDX-License-Identifier: GPL-2.0-or-later
// lbctl end to end: the real binary against a real control_server (canned answers) on a temporary
// socket: arguments reach the daemon, answers are printed, exit codes say what happened.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <mutex>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "daemon/shell/control_server.hpp"
#include "status/answers.hpp"

namespace lbd {
namespace {

struct run_result {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

run_result run(const std::string& program, const std::string& args) {
  std::string command = program + " " + args + " 2>&1";
  run_result r;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

run_result lbctl(const std::string& args) { return run(LBCTL_PATH, args); }

nlohmann::json canned_status() {
  std::ifstream in(std::string(LBD_CTL_TEST_DATA) + "/status.json");
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str());
}

class lbctl_cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("lbctl-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    socket_ = (dir_ / "lbd.sock").string();
    server_ = std::make_unique<daemon::control_server>(io_, socket_);
    auto status = canned_status();
    server_->add("status", [status](const nlohmann::json&) { return status; });
    server_->add("vrrp", [status](const nlohmann::json&) { return status["vrrp"]; });
    server_->add("anycast", [](const nlohmann::json&) { return nlohmann::json::array(); });
    server_->add("services", [this, status](const nlohmann::json&) {
      auto services = status["services"];
      const int left = drain_answers_left_;
      if (left < 0) return services;
      // drain --wait: answers read just now, 10.0.1.13:8080's two connections gone after `left` more.
      for (auto& svc : services) svc["stats_age_seconds"] = 0.0;
      if (left == 0) services[0]["real_servers"][2]["active_conns"] = 0;
      drain_answers_left_ = left > 0 ? left - 1 : 0;
      return services;
    });
    server_->add("checks", [](const nlohmann::json&) {
      api::check c;
      c.name = "tcp 10.0.1.11:8080";
      c.type = "tcp";
      c.target = "10.0.1.11:8080";
      c.state = api::health::up;
      c.reason = "connected";
      return nlohmann::json(std::vector<api::check>{c});
    });
    server_->add("reload", [this](const nlohmann::json&) {
      const bool ok = reload_ok_;
      api::reload_report r;
      r.result = ok ? api::reload_result::ok : api::reload_result::refused;
      r.trigger = "lbctl";
      r.file = "/etc/lbd/lbd.conf";
      if (!ok) r.errors = {"/etc/lbd/lbd.conf:3:1: error: bad"};
      r.ipvs_ops = 1;
      r.duration_ms = 2;
      r.summary = ok ? "1 real server added" : "refused: 1 error(s); the running configuration is unchanged";
      return nlohmann::json(r);
    });
    for (const char* name : {"drain", "enable", "weight"}) {
      server_->add(name, [this, name = std::string(name)](const nlohmann::json& args) {
        const std::lock_guard lock(mu_);
        last_args_ = args;
        if (args.at("server") != "10.0.1.13:8080") {
          throw daemon::control_error("no real server " + args.at("server").get<std::string>() + " in any service");
        }
        api::affected_server a;
        a.service = "http";
        a.server.address = "10.0.1.13:8080";
        a.server.state = api::health::up;
        a.server.configured_weight = 3;
        a.server.weight = name == "drain" ? 0U : 3U;
        if (name == "weight") a.server.weight = args.at("weight").get<unsigned>();
        return nlohmann::json(std::vector<api::affected_server>{a});
      });
    }
    ASSERT_FALSE(server_->start());
    loop_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    boost::asio::post(io_, [this] { server_->stop(); });
    loop_.join();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string s() const { return "-s " + socket_ + " "; }

  boost::asio::io_context io_;
  std::filesystem::path dir_;
  std::string socket_;
  std::unique_ptr<daemon::control_server> server_;
  std::thread loop_;
  // The server runs on its own thread: what it shares with the test body is atomic or locked.
  std::atomic<bool> reload_ok_{true};
  std::atomic<int> drain_answers_left_{-1};  // -1: the canned services answer as it is
  std::mutex mu_;
  nlohmann::json last_args_;  // guarded by mu_
  nlohmann::json last_args() {
    const std::lock_guard lock(mu_);
    return last_args_;
  }
};

TEST_F(lbctl_cli, StatusForHumans) {
  auto r = lbctl(s() + "status");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("lbd on director-a, config /etc/lbd/lbd.conf"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("150/150   10.0.0.1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("BACKUP -> MASTER"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TCP  192.0.2.10:80 wlc (http, also 192.0.2.11:80, vrrp web)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  -> 10.0.1.12:8080      Masq     0       down     0           0          down: connection "
                       "refused"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("last reload: ok"), std::string::npos) << r.out;
}

TEST_F(lbctl_cli, JsonIsTheDaemonsAnswer) {
  for (const char* cmd : {"status", "vrrp", "services"}) {
    auto r = lbctl(s() + cmd + " --json");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    auto expected = canned_status();
    auto printed = nlohmann::json::parse(r.out);
    EXPECT_EQ(printed, std::string(cmd) == "status" ? expected : expected[cmd]) << cmd;
  }
}

TEST_F(lbctl_cli, AnycastShowsTheRoutingDaemonInTextOnly) {
  // Whatever routing daemon this machine has or lacks: one more part, never a failure. A socket
  // nobody holds keeps a system-wide BIRD out of it.
  auto r = lbctl(s() + "anycast --bird-socket " + (dir_ / "bird.ctl").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("no anycast groups\n\nRouting daemon", 0), 0U) << r.out;
  r = lbctl(s() + "anycast --json --bird-socket " + (dir_ / "bird.ctl").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out), nlohmann::json::array()) << r.out;
}

TEST_F(lbctl_cli, SocketOptionAfterTheCommand) {
  auto r = lbctl("checks -s " + socket_);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("tcp 10.0.1.11:8080  up      connected"), std::string::npos) << r.out;
}

TEST_F(lbctl_cli, OverridesCarryTheirArguments) {
  auto r = lbctl(s() + "drain 10.0.1.13:8080 --service http");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "drained 10.0.1.13:8080 in http: weight 0 (configured weight 3), up\n");
  EXPECT_EQ(last_args(), (nlohmann::json{{"server", "10.0.1.13:8080"}, {"service", "http"}}));

  r = lbctl(s() + "weight 10.0.1.13:8080 7");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "weight set 10.0.1.13:8080 in http: weight 7 (configured weight 3), up\n");
  EXPECT_EQ(last_args(), (nlohmann::json{{"server", "10.0.1.13:8080"}, {"weight", 7}}));

  r = lbctl(s() + "enable 10.0.1.13:8080 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)[0]["weight"], 3);
}

// A person's command that polls twice a second: this test takes about a second.
TEST_F(lbctl_cli, DrainWaitReturnsOnceTheConnectionsHaveEnded) {
  drain_answers_left_ = 2;
  auto r = lbctl(s() + "drain 10.0.1.13:8080 --wait --timeout 20s");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("drained 10.0.1.13:8080 in http: weight 0 (configured weight 3), up\n"
                       "waiting: 1 server in the kernel: 2 active connections (read 0.0 s ago)\n"
                       "drained: no active connection left after "),
            std::string::npos)
      << r.out;
  EXPECT_EQ(drain_answers_left_, 0);

  // The connections never end: it gives up after its timeout, exit status 1.
  drain_answers_left_ = 1000;
  r = lbctl(s() + "drain 10.0.1.13:8080 --wait --timeout 1s");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("lbctl: still draining after 1s: 1 server in the kernel: 2 active connections"),
            std::string::npos)
      << r.out;

  r = lbctl(s() + "drain 10.0.1.13:8080 --wait --json");
  EXPECT_EQ(r.exit_code, 2) << r.out;  // a usage error: --wait prints text
  r = lbctl(s() + "drain 10.0.1.13:8080 --wait --timeout 0s");
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST_F(lbctl_cli, RefusalExitsOne) {
  auto r = lbctl(s() + "drain 10.0.1.99:80");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "lbctl: no real server 10.0.1.99:80 in any service\n");
}

TEST_F(lbctl_cli, Reload) {
  auto r = lbctl(s() + "reload");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "reloaded (lbctl, /etc/lbd/lbd.conf): 1 real server added; 1 IPVS op, 0 errors; 2 ms\n");
  reload_ok_ = false;
  r = lbctl(s() + "reload");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "reload refused (lbctl, /etc/lbd/lbd.conf), the running config is unchanged:\n"
            "  /etc/lbd/lbd.conf:3:1: error: bad\n");
  r = lbctl(s() + "reload --json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(nlohmann::json::parse(r.out)["ok"].get<bool>());
}

// A daemon that answers one canned line on its own socket, whatever the request.
class canned_daemon {
 public:
  canned_daemon(std::string path, std::string line) : path_(std::move(path)), acceptor_(io_) {
    acceptor_.open(boost::asio::local::stream_protocol());
    acceptor_.bind(boost::asio::local::stream_protocol::endpoint(path_));
    acceptor_.listen();
    thread_ = std::thread([this, line = std::move(line)] {
      boost::system::error_code ec;
      auto s = acceptor_.accept(ec);
      if (ec) return;
      boost::asio::streambuf request;
      boost::asio::read_until(s, request, '\n', ec);
      boost::asio::write(s, boost::asio::buffer(line + "\n"), ec);
    });
  }
  ~canned_daemon() {
    thread_.join();
    ::unlink(path_.c_str());
  }
  canned_daemon(const canned_daemon&) = delete;
  canned_daemon& operator=(const canned_daemon&) = delete;

 private:
  std::string path_;
  boost::asio::io_context io_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  std::thread thread_;
};

TEST_F(lbctl_cli, AnotherMajorProtocolVersionIsRefusedByName) {
  const auto path = (dir_ / "future.sock").string();
  {
    const canned_daemon future(path, R"({"version":"2.0","ok":true,"result":[],"new":"shape"})");
    auto r = lbctl("-s " + path + " services");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out,
              "lbctl: lbd speaks control protocol 2.0, this lbctl knows 1.x: use the lbctl of the same release as the "
              "running lbd\n");
  }
  {
    const canned_daemon old(path, R"({"ok":true,"result":[]})");
    auto r = lbctl("-s " + path + " vrrp");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("lbctl: the answer carries no protocol version"), std::string::npos) << r.out;
  }
  {
    // A later minor version of the same major: its extra members are ignored.
    const canned_daemon newer(path, R"({"version":"1.9","ok":true,"result":[],"added":1})");
    auto r = lbctl("-s " + path + " services");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.out, "no virtual services\n");
  }
}

TEST_F(lbctl_cli, AnAnswerBreakingTheContractIsAFailureNamingTheMember) {
  const auto path = (dir_ / "broken.sock").string();
  const auto answer = [&](const std::string& command, const std::string& line) {
    const canned_daemon broken(path, line);
    return lbctl("-s " + path + " " + command);
  };
  auto r = answer("vrrp", R"({"version":"1.0","ok":true,"result":[{"name":"web","state":"LEADER"}]})");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "lbctl: unexpected answer to vrrp: missing \"interface\"\n");
  // The services are read one at a time as they arrive; a broken one is named the same way.
  r = answer("services", R"({"version":"1.5","ok":true,"result":[{"name":"web"}]})");
  EXPECT_EQ(r.out, "lbctl: unexpected answer to services: missing \"service\"\n");
  auto status = canned_status();
  status["services"][0].erase("scheduler");
  r = answer("status", R"({"version":"1.5","ok":true,"result":)" + status.dump() + "}");
  EXPECT_EQ(r.out, "lbctl: unexpected answer to status: missing \"scheduler\"\n");
  // A newer daemon's services this lbctl cannot read: it is told which side to upgrade.
  r = answer("services", R"({"version":"2.0","ok":true,"result":[{"name":"web"}]})");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("lbd speaks control protocol 2.0"), std::string::npos) << r.out;
}

TEST_F(lbctl_cli, NoDaemonIsAFailure) {
  auto missing = (dir_ / "nobody.sock").string();
  auto r = lbctl("-s " + missing + " status");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "lbctl: cannot reach lbd at " + missing + ": No such file or directory (is lbd running?)\n");
}

// The conventions of all three programs: --version from the project version, 0 ok, 1 failure,
// 2 usage error naming the valid commands, --help 0.
TEST(cli_conventions, VersionIsTheProjectVersion) {
  for (const auto& [program, name] :
       {std::pair{LBCTL_PATH, "lbctl"}, std::pair{LBD_PATH, "lbd"}, std::pair{LBD_IPVS_PATH, "lbd-ipvs"}}) {
    auto r = run(program, "--version");
    EXPECT_EQ(r.exit_code, 0) << name;
    EXPECT_EQ(r.out, std::string(name) + " " + LBD_PROJECT_VERSION + "\n");
    r = run(program, "--help");
    EXPECT_EQ(r.exit_code, 0) << name << r.out;
  }
}

TEST(cli_conventions, UsageErrorsExitTwoAndNameTheCommands) {
  auto r = lbctl("bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')),
            "lbctl: unknown command 'bogus'; commands: status, vrrp, anycast, services, checks, reload, drain, enable, "
            "weight, doctor, ipvs, realserver");
  r = lbctl("");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("lbctl: a command is required; commands: status, vrrp,"), std::string::npos) << r.out;
  r = lbctl("-s /nonexistent bogus");  // an option's value is not taken for the command
  EXPECT_NE(r.out.find("unknown command 'bogus'"), std::string::npos) << r.out;
  r = lbctl("status --bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("lbctl: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--bogus"), std::string::npos) << r.out;
  r = lbctl("ipvs --stats --rate");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = lbctl("ipvs -c -t notanaddr");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("'notanaddr' is not an IPv4 or IPv6 address"), std::string::npos) << r.out;
  EXPECT_EQ(lbctl("ipvs -6").exit_code, 2);  // -6 needs -f

  r = run(LBD_IPVS_PATH, "bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("lbd-ipvs: unknown command 'bogus'; commands: list, apply, flush-owned, dump-json"),
            std::string::npos)
      << r.out;
  r = run(LBD_IPVS_PATH, "--batch 7 config bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("lbd-ipvs: unknown command 'bogus'; commands: get, set"), std::string::npos) << r.out;
  r = run(LBD_IPVS_PATH, "daemon");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("lbd-ipvs: 'daemon' needs a command; commands: start, stop, show"), std::string::npos) << r.out;

  r = run(LBD_PATH, "--bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("lbd: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("commands: import"), std::string::npos) << r.out;
  r = run(LBD_PATH, "import nonsense file");
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST(cli_conventions, FailuresExitOne) {
  EXPECT_EQ(run(LBD_PATH, "--check /nonexistent/lbd.conf").exit_code, 1);
  EXPECT_EQ(run(LBD_PATH, "import ipvsadm /nonexistent/rules").exit_code, 1);
  EXPECT_EQ(run(LBD_IPVS_PATH, "apply /nonexistent/table.json").exit_code, 1);
  EXPECT_EQ(lbctl("-s /nonexistent/lbd.sock vrrp").exit_code, 1);
  // The command line is right; the configuration it names cannot be loaded.
  EXPECT_EQ(lbctl("doctor -f /nonexistent/lbd.conf").exit_code, 1);
  EXPECT_EQ(lbctl("doctor --timeout soon").exit_code, 2);
}

}  // namespace
}  // namespace lbd
