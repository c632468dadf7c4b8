// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What the loader reports: errors make the configuration unusable, warnings do not.
#include <string>
#include <vector>

namespace lbd::config {

enum class severity { warning, error };

struct diagnostic {
  severity level = severity::error;
  std::string file;
  unsigned line = 0;  // 1-based; 0 = no position (e.g. an unreadable file)
  unsigned column = 0;
  std::string message;  // "vrrp[web].priority: 300 is out of range 1-255"
};

// "lbd.conf:12:12: error: vrrp[web].priority: 300 is out of range 1-255"
std::string format(const diagnostic& d);

// Collects the diagnostics of one load, in the order found.
class diagnostic_sink {
 public:
  explicit diagnostic_sink(std::string file) : file_(std::move(file)) {}
  // `file`: where the position is when it is not in the sink's file (an included file).
  void error(unsigned line, unsigned column, std::string message, const std::string* file = nullptr);
  void warning(unsigned line, unsigned column, std::string message, const std::string* file = nullptr);
  [[nodiscard]] bool has_errors() const { return errors_ > 0; }
  [[nodiscard]] const std::string& file() const { return file_; }
  std::vector<diagnostic> take() { return std::move(list_); }

 private:
  std::string file_;
  std::vector<diagnostic> list_;
  unsigned errors_ = 0;
};

}  // namespace lbd::config
