#include "common/log.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace lbd::log {
namespace {

// Lines come from the main loop and the VRRP thread: the sink is called under the mutex, and the
// settings read on every line are atomics.
struct state {
  std::mutex mu;
  sink out;
  std::atomic<level> max{level::info};
  std::atomic<bool> journal{std::getenv("JOURNAL_STREAM") != nullptr};
};

state& global() {
  static state s;
  return s;
}

void write_stderr(const record& r, bool journal) {
  std::string line;
  if (journal) {
    line = fmt::format("<{}>{}: {}\n", static_cast<int>(r.lvl), r.prefix, r.message);
  } else {
    line = fmt::format("{:<7} {}: {}\n", level_name(r.lvl), r.prefix, r.message);
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

std::string_view level_name(level l) {
  switch (l) {
    case level::emerg: return "emerg";
    case level::alert: return "alert";
    case level::crit: return "crit";
    case level::err: return "error";
    case level::warning: return "warning";
    case level::notice: return "notice";
    case level::info: return "info";
    case level::debug: return "debug";
  }
  return "?";
}

void set_sink(sink s) {
  std::lock_guard lk(global().mu);
  global().out = std::move(s);
}
void reset_sink() { set_sink(nullptr); }
void set_threshold(level max_level) { global().max = max_level; }
level threshold() { return global().max; }
void set_journal_prefixes(bool on) { global().journal = on; }

void write(level lvl, std::string_view prefix, std::string message) {
  auto& g = global();
  record r{lvl, std::string(prefix), std::move(message)};
  std::lock_guard lk(g.mu);
  if (g.out) {
    g.out(r);
  } else {
    write_stderr(r, g.journal.load());
  }
}

}  // namespace lbd::log
