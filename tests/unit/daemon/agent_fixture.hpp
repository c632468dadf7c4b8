// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A fake agent for the runtime tests: each query is answered, on the loop, with the line set for
// its target (parsed as the agent prober parses it), or as unreachable when none is set.
#include <map>
#include <string>

#include "daemon/services/agent_checks.hpp"
#include "healthcheck/agent_reply.hpp"
#include "service_runtime_fixture.hpp"

namespace lbd::daemon::test {

struct fake_agents {
  explicit fake_agents(asio::io_context& io) : io_(io) {}
  agent_query query() {
    return [this](const endpoint& target, const hc::agent_params& params, hc::duration, hc::agent_handler h) {
      ++queries[target];
      last_send = params.send;
      hc::agent_result r;
      const auto it = lines.find(target);
      if (it == lines.end()) {
        r.probe = hc::probe_fail("timeout", "no agent reply from " + to_string(target), milliseconds(1));
      } else if (auto parsed = hc::parse_agent_reply(it->second); parsed.reply) {
        r.probe = hc::probe_ok("agent reply from " + to_string(target) + ": " + it->second, milliseconds(1));
        r.reply = std::move(parsed.reply);
      } else {
        r.probe = hc::probe_fail("malformed", "malformed agent reply: " + parsed.reason, milliseconds(1));
      }
      asio::post(io_, [r = std::move(r), h = std::move(h)]() mutable { h(std::move(r)); });
    };
  }
  asio::io_context& io_;
  std::map<endpoint, std::string> lines;  // by agent address (the real server's, the agent's port)
  std::map<endpoint, int> queries;
  std::string last_send;
};

// The runtime of service_runtime_test with its agents answered by a fake_agents.
struct agent_runtime_test : service_runtime_test {
  fake_agents agents{io};
  agent_runtime_test() {
    rt = std::make_unique<service_runtime>(io, m, kernel, probes, time, kernel_stats_reader{}, agents.query());
  }

  // service() with an agent on every real server (the service's default) and 10.0.1.11 at weight
  // 100; `options` go into the virtual_server table too.
  static std::string agent_service(
      const std::string& agent = R"(agent = { port = 8081, send = "state\n", interval = "100ms", timeout = "50ms" })",
      const std::string& options = "") {
    auto text = service("", agent + "\n" + options);
    const std::string first = "address = \"10.0.1.11:80\"\n";
    text.insert(text.find(first) + first.size(), "weight = 100\n");
    return text;
  }
  std::uint32_t upper(const char* d) { return kernel.fake.kernel().at(web_key).dests.at(dk(d)).attrs.u_threshold; }
  // Sets what the agent of 10.0.1.11 answers and waits until the kernel's weight of it is `w`.
  bool says(const std::string& line, std::uint32_t w) {
    agents.lines[ep("10.0.1.11:8081")] = line;
    return run_until([&] { return has("10.0.1.11:80") && weight("10.0.1.11:80") == w; });
  }
  double events(const char* event) { return m.value("lbd_agent_events_total", {{"service", "web"}, {"event", event}}); }
};

}  // namespace lbd::daemon::test
