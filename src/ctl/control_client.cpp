#include "ctl/control_client.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

}  // namespace

result<nlohmann::json, std::string> call(const std::string& socket_path, const std::string& command,
                                         const nlohmann::json& args, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  fd_guard fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return unexpected(fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(addr.sun_path)) return unexpected(std::string("control socket path too long"));
  socket_path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return unexpected(fmt::format("cannot connect to lbd at {}: {} (is lbd running? are you root?)", socket_path,
                                  std::strerror(errno)));
  }
  std::string request = nlohmann::json{{"command", command}, {"args", args}}.dump() + "\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_ready(fd.get(), POLLOUT, deadline)) return unexpected(std::string("timed out sending to lbd"));
    auto n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) return unexpected(fmt::format("send: {}", std::strerror(errno)));
    sent += static_cast<std::size_t>(n);
  }
  std::string reply;
  char buf[4096];
  while (reply.find('\n') == std::string::npos) {
    if (!wait_ready(fd.get(), POLLIN, deadline)) return unexpected(std::string("timed out waiting for lbd's answer"));
    auto n = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (n < 0) return unexpected(fmt::format("recv: {}", std::strerror(errno)));
    if (n == 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  try {
    auto parsed = nlohmann::json::parse(reply);
    if (!parsed.value("ok", false)) return unexpected(parsed.value("error", std::string("lbd refused the command")));
    return parsed.contains("result") ? parsed["result"] : nlohmann::json();
  } catch (const nlohmann::json::exception&) {
    return unexpected(std::string("lbd answered something that is not JSON"));
  }
}

}  // namespace lbd::ctl
