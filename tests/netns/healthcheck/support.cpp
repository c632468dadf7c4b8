// SPDX-License-Identifier: GPL-2.0-or-later
#include "support.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <optional>

extern char** environ;  // NOLINT(readability-identifier-naming)

namespace lbd::test {

local_server::local_server(std::vector<std::string> args) {
  if (::access(LBD_TEST_PYTHON3, X_OK) != 0) {
    ADD_FAILURE() << "python3 not found (" << LBD_TEST_PYTHON3 << ")";
    return;
  }
  std::vector<std::string> argv{LBD_TEST_PYTHON3, "-u", LBD_TEST_SERVERS};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  cargv.reserve(argv.size() + 1);
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe";
    return;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  const int err = ::posix_spawn(&pid_, cargv[0], &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (err != 0) {
    ADD_FAILURE() << "cannot start " << LBD_TEST_SERVERS;
    ::close(fds[0]);
    pid_ = -1;
    return;
  }
  // The server prints its port once listening.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    std::array<char, 64> buf{};
    const ssize_t n = ::read(fds[0], buf.data(), buf.size());
    if (n <= 0) break;
    line.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  port_ = static_cast<std::uint16_t>(std::atoi(line.c_str()));
  if (port_ == 0) ADD_FAILURE() << "server " << args[0] << " did not report a port";
}

local_server::~local_server() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
}

endpoint local_server::target() const { return endpoint{boost::asio::ip::make_address("127.0.0.1"), port_}; }

temp_dir::temp_dir() {
  std::string templ = (std::filesystem::temp_directory_path() / "lbd-hc-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) std::abort();
  path_ = templ;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string temp_dir::write_script(const std::string& name, const std::string& text) const {
  const auto p = path_ / name;
  std::ofstream(p) << text;
  std::filesystem::permissions(p, std::filesystem::perms::owner_all);
  return p.string();
}

certs make_certs(const temp_dir& dir, const std::string& name) {
  if (::access(LBD_TEST_OPENSSL, X_OK) != 0) {
    ADD_FAILURE() << "openssl not found (" << LBD_TEST_OPENSSL << ")";
    return {};
  }
  const std::string d = dir.path().string();
  const std::string o = LBD_TEST_OPENSSL;
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  std::ofstream(dir.path() / "ext") << "subjectAltName=DNS:" << name << "\n";
  const std::vector<std::string> cmds = {
      o + " req -x509" + ec + " -keyout " + d + "/ca.key -out " + d + "/ca.crt -days 2 -subj '/CN=lbd test CA'",
      o + " req" + ec + " -keyout " + d + "/srv.key -out " + d + "/srv.csr -subj '/CN=" + name + "'",
      o + " x509 -req -in " + d + "/srv.csr -CA " + d + "/ca.crt -CAkey " + d + "/ca.key -CAcreateserial -out " + d +
          "/srv.crt -days 2 -extfile " + d + "/ext",
      o + " req" + ec + " -keyout " + d + "/client.key -out " + d + "/client.csr -subj '/CN=lbd-client'",
      o + " x509 -req -in " + d + "/client.csr -CA " + d + "/ca.crt -CAkey " + d + "/ca.key -CAcreateserial -out " + d +
          "/client.crt -days 2",
  };
  for (const auto& c : cmds) {
    if (std::system((c + " >/dev/null 2>&1").c_str()) != 0) {
      ADD_FAILURE() << "failed: " << c;
      return {};
    }
  }
  return certs{d + "/ca.crt", d + "/srv.crt", d + "/srv.key", d + "/client.crt", d + "/client.key"};
}

healthcheck::probe_result run_probe(boost::asio::io_context& io, healthcheck::prober& p, const endpoint& target,
                                    const healthcheck::check_params& params, healthcheck::duration timeout) {
  std::optional<healthcheck::probe_result> got;
  io.restart();  // a previous run may have run out of work, which stops the context
  p.async_probe(target, params, timeout, [&](healthcheck::probe_result r) { got = std::move(r); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!got && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(50));
  if (!got) {
    ADD_FAILURE() << "probe did not complete";
    return healthcheck::probe_fail("test", "probe did not complete", {});
  }
  return *got;
}

std::uint16_t closed_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);     // NOLINT: C socket API
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);  // NOLINT: C socket API
  ::close(s);
  return ntohs(a.sin_port);
}

bool process_dead(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string content;
  std::getline(stat, content);
  const auto close = content.rfind(')');
  return close == std::string::npos || close + 2 >= content.size() || content[close + 2] == 'Z' ||
         content[close + 2] == 'X';
}

}  // namespace lbd::test
