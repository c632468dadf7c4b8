// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Test support: local servers started by PID and killed by PID, temporary directories, certs made
// with the openssl CLI, and running one probe to completion.
#include <sys/types.h>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "healthcheck/prober.hpp"

namespace lbd::test {

// A server from servers.py. The constructor fails the test (gtest ADD_FAILURE) if it cannot start.
class local_server {
 public:
  explicit local_server(std::vector<std::string> args);
  local_server(const local_server&) = delete;
  local_server& operator=(const local_server&) = delete;
  ~local_server();
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] endpoint target() const;
  [[nodiscard]] bool running() const { return pid_ > 0 && port_ != 0; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

class temp_dir {
 public:
  temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir();
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // Writes an executable file.
  std::string write_script(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

struct certs {
  std::string ca;    // CA certificate
  std::string cert;  // server certificate for `name`, signed by the CA
  std::string key;
  std::string client_cert;  // a client certificate (CN lbd-client), signed by the CA
  std::string client_key;
};
// Makes a CA and a server certificate for `name` with the openssl CLI; empty paths on failure.
certs make_certs(const temp_dir& dir, const std::string& name);

// Runs one probe to its end (at most 30 s of real time) and returns its result.
healthcheck::probe_result run_probe(boost::asio::io_context& io, healthcheck::prober& p, const endpoint& target,
                                    const healthcheck::check_params& params, healthcheck::duration timeout);

// A loopback port nothing listens on (bound, then closed).
std::uint16_t closed_port();

// True when `pid` no longer exists or is a zombie (dead, waiting for its parent).
bool process_dead(pid_t pid);

}  // namespace lbd::test
