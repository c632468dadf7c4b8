// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What the native benchmarks read of their own process and append to their results files.
#include <array>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

namespace lbd::bench {

// A field of /proc/self/status in kB (VmHWM: peak resident size; VmRSS: now); -1 if absent.
inline long status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// The one-minute load average: the figures of a shared host are read beside it.
inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

inline double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// "<UTC time> host_load=<load> | <line>" appended to `results` (its folder created).
inline void append_result(const std::string& results, const std::string& host_load, const std::string& line) {
  std::filesystem::create_directories(std::filesystem::path(results).parent_path());
  std::ofstream out(results, std::ios::app);
  std::array<char, 32> stamp{};
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(stamp.data(), stamp.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  out << stamp.data() << " host_load=" << host_load << " | " << line << "\n";
}

}  // namespace lbd::bench
