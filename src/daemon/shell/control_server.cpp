// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/control_server.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "common/heap_trim.hpp"
#include "status/answer_text.hpp"
#include "status/protocol.hpp"

namespace lbd::daemon {
namespace {

constexpr std::size_t max_request_bytes = std::size_t{64} * 1024;
constexpr auto client_deadline = std::chrono::seconds(5);
constexpr auto answer_deadline = std::chrono::seconds(60);

// One connection: read a line (bounded in size and time), answer it, close.
struct client_session : std::enable_shared_from_this<client_session> {
  client_session(boost::asio::local::stream_protocol::socket s, const control_server& srv)
      : socket(std::move(s)), server(srv), deadline(socket.get_executor()), request(max_request_bytes) {}

  void start() {
    auto self = shared_from_this();
    deadline.expires_after(client_deadline);
    deadline.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->socket.close();
    });
    boost::asio::async_read_until(socket, request, '\n', [self](const boost::system::error_code& ec, std::size_t n) {
      if (ec) {
        self->deadline.cancel();
        return;
      }
      std::string line(boost::asio::buffers_begin(self->request.data()),
                       boost::asio::buffers_begin(self->request.data()) + static_cast<std::ptrdiff_t>(n));
      self->reply = self->server.dispatch(line);
      self->reply += '\n';
      // The answer has a deadline of its own: a large one (30 MB for 100,000 real servers) takes a
      // slow reader longer than the request's; one that stops reading still lets go of it.
      self->deadline.expires_after(answer_deadline);
      self->deadline.async_wait([self](const boost::system::error_code& wait_ec) {
        if (!wait_ec) self->socket.close();
      });
      boost::asio::async_write(self->socket, boost::asio::buffer(self->reply),
                               [self](const boost::system::error_code&, std::size_t) {
                                 self->deadline.cancel();
                                 const auto size = self->reply.size();
                                 std::string().swap(self->reply);
                                 trim_heap_after(size);
                               });
    });
  }

  boost::asio::local::stream_protocol::socket socket;
  const control_server& server;
  boost::asio::steady_timer deadline;
  boost::asio::streambuf request;
  std::string reply;
};

}  // namespace

control_server::control_server(boost::asio::io_context& io, std::string path) : path_(std::move(path)), acceptor_(io) {}

control_server::~control_server() { stop(); }

void control_server::add(const std::string& command, handler h) { handlers_[command] = std::move(h); }

boost::system::error_code control_server::start() {
  boost::system::error_code ec;
  ::unlink(path_.c_str());  // a socket file left by a previous run
  // Created 0600 from the start: no window in which another user could connect.
  mode_t old = ::umask(0177);
  acceptor_.open(boost::asio::local::stream_protocol(), ec);
  if (!ec) acceptor_.bind(boost::asio::local::stream_protocol::endpoint(path_), ec);
  ::umask(old);
  if (!ec) ::chmod(path_.c_str(), 0600);
  if (!ec) acceptor_.listen(16, ec);
  if (ec) {
    log_.err("cannot listen on {}: {}", path_, ec.message());
    acceptor_.close();
    return ec;
  }
  accept();
  return {};
}

void control_server::stop() {
  if (acceptor_.is_open()) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    ::unlink(path_.c_str());
  }
}

void control_server::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, boost::asio::local::stream_protocol::socket s) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (!ec) std::make_shared<client_session>(std::move(s), *this)->start();
    if (acceptor_.is_open()) accept();
  });
}

std::string control_server::dispatch(const std::string& request_line) const {
  // Names and reasons can carry bytes that are not UTF-8 (a real server's answer): written as
  // U+FFFD, never an exception out of the event loop.
  const auto dump = [](const nlohmann::json& j) { return api::dump_text(j); };
  try {
    auto request = nlohmann::json::parse(request_line);
    if (!request.is_object() || !request.contains("command") || !request["command"].is_string()) {
      throw control_error("request must be an object with a string \"command\"");
    }
    auto name = request["command"].get<std::string>();
    auto it = handlers_.find(name);
    if (it == handlers_.end()) throw control_error("unknown command '" + name + "'");
    nlohmann::json args = request.contains("args") ? request["args"] : nlohmann::json::object();
    auto r = it->second(args);
    if (auto* text = std::get_if<json_text>(&r)) return api::answer_text(std::move(text->text));
    return dump(api::answer(std::move(std::get<nlohmann::json>(r))));
  } catch (const nlohmann::json::exception& e) {
    return dump(api::refusal(std::string("malformed request: ") + e.what()));
  } catch (const control_error& e) {
    return dump(api::refusal(e.what()));
  }
}

}  // namespace lbd::daemon
