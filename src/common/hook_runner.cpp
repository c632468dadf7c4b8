// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/hook_runner.hpp"

#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/query.hpp>

#include <fmt/format.h>

#include "common/detached_spawn.hpp"
#include "common/duration.hpp"

namespace lbd {
namespace {

// What the runners of one io_context share: whether the daemon is stopping. An Asio service, so a
// runner made anywhere on the loop (the service runtime's, the app's) sees the same flag without
// being handed one.
class hook_state final : public boost::asio::execution_context::service {
 public:
  using key_type = hook_state;
  static boost::asio::execution_context::id id;  // NOLINT(readability-identifier-naming): Asio's name

  explicit hook_state(boost::asio::execution_context& ctx) : boost::asio::execution_context::service(ctx) {}

  std::shared_ptr<bool> detached = std::make_shared<bool>(false);

 private:
  void shutdown() override {}
};

boost::asio::execution_context::id hook_state::id;

}  // namespace

std::string_view hook_result(const process::outcome& o) {
  if (o.timed_out) return "timeout";
  return o.started && o.exit_code && *o.exit_code == 0 ? "ok" : "failed";
}

std::string hook_outcome_text(const process::outcome& o, std::chrono::nanoseconds timeout) {
  if (!o.started || !o.timed_out) return process::describe(o);
  // Whole seconds as seconds ("60s", as lbd.conf(5) words it), not "1m".
  const bool whole = timeout % std::chrono::seconds(1) == std::chrono::nanoseconds::zero();
  const std::string t = whole ? fmt::format("{}s", std::chrono::duration_cast<std::chrono::seconds>(timeout).count())
                              : format_duration(timeout);
  return "timeout after " + t + ", process group killed";
}

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

hook_runner::hook_runner(const boost::asio::any_io_executor& ex, metrics::registry* m)
    : ex_(ex),
      metrics_(m),
      detached_(
          boost::asio::use_service<hook_state>(boost::asio::query(ex, boost::asio::execution::context)).detached) {}

void hook_runner::finish(const hook_request& h, std::string_view result, const hook_done& done) const {
  if (metrics_ != nullptr) {
    metrics_
        ->get_counter("lbd_hook_runs_total", "Hooks run (notify and quorum commands), by kind and how they ended",
                      {{"kind", h.kind}, {"result", std::string(result)}})
        .inc();
  }
  if (done) done(result);
}

void hook_runner::run(hook_request h, hook_done done) {
  if (h.argv.empty()) return;
  if (*detached_) {
    const auto started = spawn_detached(h.argv);
    if (started) {
      log_.with({{log::hook_field, h.label}}).info("{} ({}): started detached", h.label, h.argv.front());
    } else {
      log_.with({{log::hook_field, h.label}})
          .warning("{} ({}): could not start: {}", h.label, h.argv.front(), started.error());
    }
    finish(h, started ? "detached" : "failed", done);
    return;
  }
  process::options o;
  o.argv = h.argv;
  o.timeout = h.timeout;
  o.capture_stdout = true;
  o.max_stdout = 4096;
  o.spare_on_destroy = detached_;
  process::async_run(ex_, std::move(o),
                     [runner = *this, h = std::move(h), done = std::move(done)](const process::outcome& r) {
                       const auto tagged = [&] { return runner.log_.with({{log::hook_field, h.label}}); };
                       for (const auto& out : hook_output_lines(r.out)) tagged().info("{}: {}", h.label, out);
                       const auto result = hook_result(r);
                       const auto text = hook_outcome_text(r, h.timeout);
                       if (result == "ok") {
                         tagged().info("{} ({}): {}", h.label, h.argv.front(), text);
                       } else {
                         tagged().warning("{} ({}): {}", h.label, h.argv.front(), text);
                       }
                       runner.finish(h, result, done);
                     });
}

}  // namespace lbd
