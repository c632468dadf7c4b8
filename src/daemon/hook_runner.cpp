// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/hook_runner.hpp"

#include "daemon/vrrp/detached_spawn.hpp"

namespace lbd::daemon {

std::vector<std::string> hook_output_lines(const std::string& out, std::size_t max_lines) {
  constexpr std::size_t max_line = 200;
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < out.size() && lines.size() < max_lines) {
    auto end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(pos, std::min(end - pos, max_line));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(std::move(line));
    pos = end + 1;
  }
  return lines;
}

hook_runner::hook_runner(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}

void hook_runner::run(hook_request h, hook_done done) {
  if (h.argv.empty()) return;
  if (detached_) {
    const auto started = spawn_detached(h.argv);
    if (!started) log_.warning("{} ({}): could not start: {}", h.label, h.argv.front(), started.error());
    if (done) done(started ? "detached" : "failed");
    return;
  }
  process::options o;
  o.argv = std::move(h.argv);
  o.timeout = h.timeout;
  o.capture_stdout = true;
  o.max_stdout = 4096;
  const std::string command = o.argv.front();
  process::async_run(ex_, std::move(o),
                     [logger = log_, label = std::move(h.label), command, done = std::move(done)](process::outcome r) {
                       for (const auto& line : hook_output_lines(r.out)) logger.info("{}: {}", label, line);
                       const bool good = r.started && r.exit_code && *r.exit_code == 0;
                       if (!good) logger.warning("{} ({}): {}", label, command, process::describe(r));
                       if (done) done(good ? "ok" : "failed");
                     });
}

}  // namespace lbd::daemon
