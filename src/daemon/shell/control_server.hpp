// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The control socket lbctl talks to: a Unix stream socket, mode 0600 (root only), one JSON request
// line in, one JSON reply line out. Commands are handlers the daemon registers by name; a handler
// returns its result (as a JSON value, or already written as text when it grows with the table:
// status/answer_text.hpp) or throws control_error for a refusal the client should print.
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <variant>

#include "common/log.hpp"

namespace lbd::daemon {

struct control_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A result already written as compact JSON text.
struct json_text {
  std::string text;
};

class control_server {
 public:
  using result = std::variant<nlohmann::json, json_text>;
  using handler = std::function<result(const nlohmann::json& args)>;

  control_server(boost::asio::io_context& io, std::string path);
  ~control_server();
  control_server(const control_server&) = delete;
  control_server& operator=(const control_server&) = delete;

  void add(const std::string& command, handler h);
  // Binds (replacing a stale socket file), sets mode 0600 and starts accepting; errors are values.
  boost::system::error_code start();
  void stop();

  // Runs one request line through the handlers: used by the server and by tests.
  [[nodiscard]] std::string dispatch(const std::string& request_line) const;

 private:
  void accept();
  void serve(boost::asio::local::stream_protocol::socket socket);

  std::string path_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  std::map<std::string, handler> handlers_;
  log::logger log_{"control"};
};

}  // namespace lbd::daemon
