// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What the hook tests share: a temporary directory removed at the end, file reading, and running an
// io_context until a condition holds (with a deadline, never a sleep).
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace lbd::test {

class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The file's lines, or nothing when it does not exist (yet).
std::vector<std::string> read_lines(const std::string& path);

// Runs `io` until `done()` or `limit` passed; returns done().
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = std::chrono::seconds(20));

// Whether a process with this pid exists (a zombie counts as gone).
bool process_alive(int pid);

}  // namespace lbd::test
