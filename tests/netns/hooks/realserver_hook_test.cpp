// SPDX-License-Identifier: GPL-2.0-or-later
// The hooks the service runtime starts, as real programs: a real server's notify up/down and the
// quorum up/down commands run with the arguments lbd.conf(5) documents, and are counted in
// lbd_hook_runs_total. Checks answer from a fake prober; IPVS is the in-memory fake backend.
#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <set>

#include "config/diff.hpp"
#include "config/load.hpp"
#include "daemon/services/service_runtime.hpp"
#include "ipvs/fake_backend.hpp"
#include "support.hpp"

namespace lbd::daemon {
namespace {

namespace asio = boost::asio;
namespace hc = healthcheck;
using std::chrono::milliseconds;

// Answers every probe at once: up, unless its target is in `down`.
class fake_prober final : public hc::prober {
 public:
  explicit fake_prober(asio::io_context& io) : io_(io) {}
  void async_probe(const endpoint& target, const hc::check_params&, hc::duration, hc::probe_handler h) override {
    const bool ok = down.count(target) == 0;
    asio::post(io_, [ok, h = std::move(h)] {
      h(ok ? hc::probe_ok("fake ok", milliseconds(1)) : hc::probe_fail("refused", "fake refused", milliseconds(1)));
    });
  }
  asio::io_context& io_;
  std::set<endpoint> down;
};

// A hook command that appends its arguments to `file`, one line per run: "[a][b][c]".
std::string recorder(const std::string& file) {
  return R"(["/bin/sh", "-c", "printf '[%s]' \"$@\" >> )" + file + R"(; echo >> )" + file + R"(", "hook"])";
}

TEST(RealServerHooks, RunWithTheDocumentedArguments) {
  test::temp_dir dir;
  const auto server_file = dir.file("server");
  const auto quorum_file = dir.file("quorum");
  const std::string text = R"(
[global]
reconcile_interval = "1h"
[[virtual_server]]
name = "web"
address = "192.0.2.10:80"
quorum = { min_weight = 1, up = )" +
                           recorder(quorum_file) + ", down = " + recorder(quorum_file) + R"( }
check = { type = "tcp", interval = "20ms", timeout = "10ms", rise = 1, fall = 1 }
[[virtual_server.real_server]]
address = "10.0.1.11:80"
notify = { up = )" + recorder(server_file) +
                           ", down = " + recorder(server_file) + " }\n";
  auto loaded = config::load_string(text, "test.conf");
  for (const auto& d : loaded.diagnostics) {
    if (!loaded.ok()) ADD_FAILURE() << d.message;
  }
  ASSERT_TRUE(loaded.ok());

  asio::io_context io;
  metrics::registry m;
  ipvs::fake_backend kernel;
  fake_prober probes(io);
  service_runtime rt(io, m, kernel, probes, healthcheck::steady_time());
  rt.apply(*loaded.cfg, config::diff(config::config{}, *loaded.cfg));  // the first apply, as at start

  // Down at first (initial_state), then the first probe succeeds.
  ASSERT_TRUE(test::run_until(
      io, [&] { return test::read_lines(server_file).size() == 1 && test::read_lines(quorum_file).size() == 1; }));
  EXPECT_EQ(test::read_lines(server_file)[0], "[web][10.0.1.11:80][up][fake ok]");
  EXPECT_EQ(test::read_lines(quorum_file)[0], "[web][1][1]");

  probes.down.insert(parse_endpoint("10.0.1.11:80").value());
  ASSERT_TRUE(test::run_until(
      io, [&] { return test::read_lines(server_file).size() == 2 && test::read_lines(quorum_file).size() == 2; }));
  EXPECT_EQ(test::read_lines(server_file)[1], "[web][10.0.1.11:80][down][fake refused]");
  EXPECT_EQ(test::read_lines(quorum_file)[1], "[web][0][1]");

  // Each run ended and was counted once (the file is written before the hook exits).
  ASSERT_TRUE(test::run_until(io, [&] {
    return m.value("lbd_hook_runs_total", {{"kind", "realserver_notify"}, {"result", "ok"}}) == 2 &&
           m.value("lbd_hook_runs_total", {{"kind", "quorum"}, {"result", "ok"}}) == 2;
  }));
  rt.stop(config::exit_policy::keep);
}

}  // namespace
}  // namespace lbd::daemon
