// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/control_client.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "status/protocol.hpp"

namespace lbd::ctl {
namespace {

class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

bool wait_ready(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(left.count())) == 1;
}

unexpected<call_error> unreachable(std::string message) {
  return unexpected(call_error{call_error::kind::unreachable, std::move(message)});
}

}  // namespace

result<nlohmann::json, call_error> request(const std::string& socket_path, const std::string& command,
                                           const nlohmann::json& args, std::chrono::milliseconds timeout,
                                           const nlohmann::json::parser_callback_t& while_parsing) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  fd_guard fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return unreachable(fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(addr.sun_path)) {
    return unreachable(fmt::format("control socket path too long: {}", socket_path));
  }
  socket_path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int e = errno;
    return unreachable(
        fmt::format("cannot reach lbd at {}: {} ({})", socket_path, std::strerror(e),
                    e == EACCES || e == EPERM ? "the control socket is root only: run as root" : "is lbd running?"));
  }
  std::string line = nlohmann::json{{"command", command}, {"args", args}}.dump() + "\n";
  std::size_t sent = 0;
  while (sent < line.size()) {
    if (!wait_ready(fd.get(), POLLOUT, deadline)) {
      return unreachable(fmt::format("lbd at {} did not take the request within {}s", socket_path,
                                     std::chrono::duration_cast<std::chrono::seconds>(timeout).count()));
    }
    auto n = ::send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0) return unreachable(fmt::format("sending to lbd at {}: {}", socket_path, std::strerror(errno)));
    sent += static_cast<std::size_t>(n);
  }
  std::string reply;
  std::vector<char> buf(std::size_t{64} * 1024);
  // Only the new bytes are searched for the end of the line: searching the whole reply after each
  // read made a 30 MB answer (100,000 real servers) cost seconds of memchr.
  bool complete = false;
  while (!complete) {
    if (!wait_ready(fd.get(), POLLIN, deadline)) {
      return unreachable(fmt::format("lbd at {} did not answer within {}s", socket_path,
                                     std::chrono::duration_cast<std::chrono::seconds>(timeout).count()));
    }
    auto n = ::recv(fd.get(), buf.data(), buf.size(), 0);
    if (n < 0) return unreachable(fmt::format("reading from lbd at {}: {}", socket_path, std::strerror(errno)));
    if (n == 0) break;
    const auto got = static_cast<std::size_t>(n);
    complete = std::memchr(buf.data(), '\n', got) != nullptr;
    reply.append(buf.data(), got);
  }
  nlohmann::json parsed = nlohmann::json::parse(reply, while_parsing, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return unreachable(reply.empty() ? fmt::format("lbd at {} closed the connection without an answer", socket_path)
                                     : std::string("lbd answered something that is not a JSON object"));
  }
  try {
    auto opened = api::open_reply(parsed);
    if (!opened.ok) return unexpected(call_error{call_error::kind::refused, std::move(opened.error)});
    return std::move(opened.result);
  } catch (const api::contract_error& e) {
    return unexpected(call_error{call_error::kind::incompatible, e.what()});
  }
}

result<nlohmann::json, std::string> call(const std::string& socket_path, const std::string& command,
                                         const nlohmann::json& args, std::chrono::milliseconds timeout) {
  auto r = request(socket_path, command, args, timeout);
  if (!r) return unexpected(std::move(r.error().message));
  return std::move(*r);
}

}  // namespace lbd::ctl
