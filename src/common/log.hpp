#pragma once
// Logging with syslog priorities. Under systemd (JOURNAL_STREAM set, or forced) each line carries a
// "<N>" prefix that journald turns into the entry's priority; otherwise a readable level word.
// Every line names its source (`vrrp[web/51]`, `check[http 10.0.1.11:8080]`) through a prefix.
#include <fmt/format.h>

#include <functional>
#include <string>
#include <string_view>

namespace lbd::log {

enum class level : int { emerg = 0, alert, crit, err, warning, notice, info, debug };

std::string_view level_name(level l);

struct record {
  level lvl;
  std::string prefix;
  std::string message;
};

// Where records go. The default sink writes to stderr; tests install a capturing sink.
using sink = std::function<void(const record&)>;
void set_sink(sink s);
void reset_sink();
void set_threshold(level max_level);  // records above (less severe than) this are dropped
level threshold();
void set_journal_prefixes(bool on);  // default: on when JOURNAL_STREAM is in the environment

void write(level lvl, std::string_view prefix, std::string message);

// A named source of log lines.
class logger {
 public:
  explicit logger(std::string prefix) : prefix_(std::move(prefix)) {}
  [[nodiscard]] const std::string& prefix() const { return prefix_; }

  template <typename... Args>
  void log(level lvl, fmt::format_string<Args...> f, Args&&... args) const {
    if (lvl > threshold()) return;
    write(lvl, prefix_, fmt::format(f, std::forward<Args>(args)...));
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
};

}  // namespace lbd::log
