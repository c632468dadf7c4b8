// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Small pieces the health-check benchmarks share: a cheap HTTP 200 listener, the process's CPU
// time, percentiles, and the results file (one line per run with date and load average).
#include <sys/resource.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lbd::bench {

constexpr std::string_view http_response = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";

// Accepts on `a` until it is closed. A connection that sends bytes gets the fixed HTTP response;
// a silent one (a TCP connect check) is dropped at its EOF. `accepts` counts connections.
inline void serve(boost::asio::ip::tcp::acceptor& a, std::uint64_t& accepts) {
  a.async_accept([&a, &accepts](const boost::system::error_code& ec, boost::asio::ip::tcp::socket s) {
    if (ec == boost::asio::error::operation_aborted || !a.is_open()) return;
    if (!ec) {
      ++accepts;
      auto sock = std::make_shared<boost::asio::ip::tcp::socket>(std::move(s));
      auto buf = std::make_shared<std::array<char, 2048>>();
      sock->async_read_some(boost::asio::buffer(*buf), [sock, buf](const boost::system::error_code& rec, std::size_t) {
        if (rec) return;
        boost::asio::async_write(*sock, boost::asio::buffer(http_response),
                                 [sock](const boost::system::error_code&, std::size_t) {});
      });
    }
    serve(a, accepts);
  });
}

inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Times this process went to sleep waiting for something (voluntary context switches): its
// wake-ups. In a TCG guest each costs far more than a check's own system calls.
inline long wakeups() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_nvcsw;
}

// Sorts v; p in [0, 1].
inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// "0.52/0.61/0.70" (1, 5, 15 min) from /proc/loadavg.
inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a;
  std::string b;
  std::string c;
  in >> a >> b >> c;
  return a + "/" + b + "/" + c;
}

// Prints `line` and appends "<UTC date> load=<1 5 15> <line>" to `path` (directories created).
inline void report(const std::string& path, const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  if (path.empty() || path == "-") return;
  const std::filesystem::path out = path;
  std::error_code ec;
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), ec);
  const std::time_t now = std::time(nullptr);
  std::array<char, 32> stamp{};
  std::strftime(stamp.data(), stamp.size(), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::ofstream(out, std::ios::app) << stamp.data() << " load=" << load_average() << " " << line << "\n";
}

}  // namespace lbd::bench
