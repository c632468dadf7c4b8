// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Logging with syslog priorities. Under systemd each line either goes to the journal as a structured
// entry (stderr is the journal's stream: JOURNAL_STREAM names stderr's device and inode) with lbd's own
// fields, or carries a "<N>" prefix that journald turns into the entry's priority; elsewhere it starts
// with a readable level word. Every line names its source (`vrrp[web/51]`, `check[http 10.0.1.11:8080]`)
// through a prefix.
#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lbd::log {

enum class level : int { emerg = 0, alert, crit, err, warning, notice, info, debug };

std::string_view level_name(level l);

// A journal field besides MESSAGE and PRIORITY, e.g. {"LBD_SERVER", "10.0.1.11:8080"}. Names are the
// constants below (static strings, so a field costs one string for its value); they follow journald's
// rule: upper-case letters, digits and '_', not starting with '_'.
struct field {
  std::string_view name;
  std::string value;
  bool operator==(const field&) const = default;
};
using fields = std::vector<field>;

inline constexpr std::string_view instance_field = "LBD_INSTANCE";  // VRRP instance name
inline constexpr std::string_view service_field = "LBD_SERVICE";    // virtual server name
inline constexpr std::string_view server_field = "LBD_SERVER";      // real server ip:port
inline constexpr std::string_view event_field = "LBD_EVENT";        // vrrp_transition, server_down, reload...
inline constexpr std::string_view reason_field = "LBD_REASON";      // why, in a few words
inline constexpr std::string_view hook_field = "LBD_HOOK";          // a hook's label: "vrrp[web] notify master"

struct record {
  level lvl;
  std::string prefix;
  std::string message;
  log::fields fields;  // the logger's fixed fields, then the line's own
};

// The journal entry of a record, one "NAME=value" per field: MESSAGE (prefix included, as on stderr),
// PRIORITY, SYSLOG_IDENTIFIER, then the record's fields in order; a field with an empty value or an
// invalid name is left out. Pure, so the entry is tested without a journal.
std::vector<std::string> journal_entry(const record& r, std::string_view identifier);
bool valid_field_name(std::string_view name);

// Whether JOURNAL_STREAM ("DEV:INODE", decimal) names this device and inode: stderr is then connected
// to the journal itself rather than inherited through a pipe or a file (sd-daemon's rule).
bool journal_stream_matches(std::string_view journal_stream, unsigned long long dev, unsigned long long inode);

// Where records go. The default sink writes to stderr; tests install a capturing sink, and the daemon
// the journal sink (common/journal_sink.hpp) when stderr is the journal.
using sink = std::function<void(const record&)>;
void set_sink(sink s);
void reset_sink();
void set_threshold(level max_level);  // records above (less severe than) this are dropped
level threshold();
void set_journal_prefixes(bool on);  // default: on when JOURNAL_STREAM is in the environment

void write(level lvl, std::string_view prefix, std::string message, log::fields f = {});

class async_writer;
namespace detail {
void write_now(const record& r);  // to the sink, by the calling thread
bool set_queue(async_writer* q);  // false if another writer is active
std::uint64_t queue_dropped();    // records the active writer dropped
}  // namespace detail

class logger;

// One line's extra fields: `log_.with({{event_field, "server_down"}}).notice(...)`. Lives for one
// statement. The fields are used only at state changes, a few lines a second at most, so their cost
// (a small vector of strings) does not matter; lines without fields pay nothing.
class line {
 public:
  line(const logger& l, log::fields extra) : logger_(l), extra_(std::move(extra)) {}

  template <typename... Args>
  void log(level lvl, fmt::format_string<Args...> f, Args&&... args);
  template <typename... Args>
  void err(fmt::format_string<Args...> f, Args&&... a) {
    log(level::err, f, std::forward<Args>(a)...);
  }
  template <typename... Args>
  void warning(fmt::format_string<Args...> f, Args&&... a) {
    log(level::warning, f, std::forward<Args>(a)...);
  }
  template <typename... Args>
  void notice(fmt::format_string<Args...> f, Args&&... a) {
    log(level::notice, f, std::forward<Args>(a)...);
  }
  template <typename... Args>
  void info(fmt::format_string<Args...> f, Args&&... a) {
    log(level::info, f, std::forward<Args>(a)...);
  }

 private:
  const logger& logger_;
  log::fields extra_;
};

// A named source of log lines, with fields every line of it carries (e.g. LBD_INSTANCE).
class logger {
 public:
  explicit logger(std::string prefix, log::fields fixed = {}) : prefix_(std::move(prefix)), fixed_(std::move(fixed)) {}
  [[nodiscard]] const std::string& prefix() const { return prefix_; }
  [[nodiscard]] const log::fields& fixed_fields() const { return fixed_; }

  // This line with extra fields.
  [[nodiscard]] line with(log::fields extra) const { return line(*this, std::move(extra)); }

  template <typename... Args>
  void log(level lvl, fmt::format_string<Args...> f, Args&&... args) const {
    if (lvl > threshold()) return;
    write(lvl, prefix_, fmt::format(f, std::forward<Args>(args)...), fixed_);
  }
  template <typename... Args>
  void err(fmt::format_string<Args...> f, Args&&... a) const {
    log(level::err, f, std::forward<Args>(a)...);
  }
  template <typename... Args>
  void warning(fmt::format_string<Args...> f, Args&&... a) const {
    log(level::warning, f, std::forward<Args>(a)...);
  }
  template <typename... Args>
  void notice(fmt::format_string<Args...> f, Args&&... a) const {
    log(level::notice, f, std::forward<Args>(a)...);
  }
  template <typename... Args>
  void info(fmt::format_string<Args...> f, Args&&... a) const {
    log(level::info, f, std::forward<Args>(a)...);
  }
  template <typename... Args>
  void debug(fmt::format_string<Args...> f, Args&&... a) const {
    log(level::debug, f, std::forward<Args>(a)...);
  }

 private:
  std::string prefix_;
  log::fields fixed_;
};

template <typename... Args>
void line::log(level lvl, fmt::format_string<Args...> f, Args&&... args) {
  if (lvl > threshold()) return;
  log::fields all = logger_.fixed_fields();
  all.insert(all.end(), std::make_move_iterator(extra_.begin()), std::make_move_iterator(extra_.end()));
  write(lvl, logger_.prefix(), fmt::format(f, std::forward<Args>(args)...), std::move(all));
}

}  // namespace lbd::log
