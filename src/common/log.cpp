// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/log.hpp"

#include "common/log_writer.hpp"

#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace lbd::log {
namespace {

// Lines come from the main loop and the VRRP thread: the sink is called under its mutex, the queue
// (when the daemon writes through a thread of its own, log_writer.hpp) is reached under another, and
// the settings read on every line are atomics.
struct state {
  std::mutex sink_mu;
  sink out;
  std::mutex queue_mu;
  async_writer* queue = nullptr;
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

bool valid_field_name(std::string_view name) {
  // journald's rule (journal_field_valid): 1..64 characters of A-Z, 0-9 and '_', not starting with a
  // digit or '_' (fields starting with '_' are the journal's own, trusted ones).
  if (name.empty() || name.size() > 64) return false;
  if (name[0] == '_' || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::vector<std::string> journal_entry(const record& r, std::string_view identifier) {
  std::vector<std::string> out;
  out.reserve(3 + r.fields.size());
  out.push_back(r.prefix.empty() ? "MESSAGE=" + r.message : fmt::format("MESSAGE={}: {}", r.prefix, r.message));
  out.push_back(fmt::format("PRIORITY={}", static_cast<int>(r.lvl)));
  out.push_back(fmt::format("SYSLOG_IDENTIFIER={}", identifier));
  for (const auto& f : r.fields) {
    if (f.value.empty() || !valid_field_name(f.name)) continue;
    out.push_back(fmt::format("{}={}", f.name, f.value));
  }
  return out;
}

bool journal_stream_matches(std::string_view journal_stream, unsigned long long dev, unsigned long long inode) {
  const auto colon = journal_stream.find(':');
  if (colon == std::string_view::npos) return false;
  auto number = [](std::string_view text, unsigned long long& v) {
    const auto* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, v);
    return !text.empty() && ec == std::errc() && p == end;
  };
  unsigned long long d = 0;
  unsigned long long i = 0;
  return number(journal_stream.substr(0, colon), d) && number(journal_stream.substr(colon + 1), i) && d == dev &&
         i == inode;
}

void set_sink(sink s) {
  std::lock_guard lk(global().sink_mu);
  global().out = std::move(s);
}
void reset_sink() { set_sink(nullptr); }
void set_threshold(level max_level) { global().max = max_level; }
level threshold() { return global().max; }
void set_journal_prefixes(bool on) { global().journal = on; }

void write(level lvl, std::string_view prefix, std::string message, log::fields f) {
  auto& g = global();
  record r{lvl, std::string(prefix), std::move(message), std::move(f)};
  {
    std::lock_guard lk(g.queue_mu);
    if (g.queue != nullptr) {
      g.queue->push(std::move(r));
      return;
    }
  }
  detail::write_now(r);
}

namespace detail {

void write_now(const record& r) {
  auto& g = global();
  std::lock_guard lk(g.sink_mu);
  if (g.out) {
    g.out(r);
  } else {
    write_stderr(r, g.journal.load());
  }
}

bool set_queue(async_writer* q) {
  auto& g = global();
  std::lock_guard lk(g.queue_mu);
  if (q != nullptr && g.queue != nullptr) return false;
  g.queue = q;
  return true;
}

std::uint64_t queue_dropped() {
  auto& g = global();
  std::lock_guard lk(g.queue_mu);
  return g.queue != nullptr ? g.queue->dropped() : 0;
}

}  // namespace detail

}  // namespace lbd::log
