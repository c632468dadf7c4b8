// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The HTTP listener on metrics_listen, served from the event loop with Boost.Beast:
//   GET /metrics       the metrics registry in the Prometheus text format
//   GET /              a read-only HTML status page (when a status source is given)
//   GET /status.json   the same status as JSON, as `lbctl status --json` prints it, with the
//                      control protocol's "version" (docs/control-protocol.md)
// HEAD too; any other method is 405, any other path 404. One request per connection, bounded in
// size, in time and in the number of connections served at once, so a slow or hostile client
// cannot hold the daemon's loop or memory.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/address.hpp"
#include "common/log.hpp"
#include "status/answers.hpp"

namespace lbd::daemon {

struct http_limits {
  std::size_t max_connections = 4;  // further connections are closed at once
  std::size_t max_header_bytes = std::size_t{8} * 1024;
  std::size_t max_body_bytes = 1024;
  std::chrono::milliseconds read_timeout{5000};    // for the whole request
  std::chrono::milliseconds write_timeout{30000};  // for the whole response
};

class metrics_endpoint {
 public:
  // Both are called per request, so the daemon can refresh kernel-derived values first. Without a
  // status source, / and /status.json are 404.
  metrics_endpoint(boost::asio::io_context& io, std::function<std::string()> render,
                   std::function<api::daemon_status()> status = {}, http_limits limits = {});
  ~metrics_endpoint();
  metrics_endpoint(const metrics_endpoint&) = delete;
  metrics_endpoint& operator=(const metrics_endpoint&) = delete;

  // /status.json written by `write` (pretty, with the protocol version) instead of from `status`:
  // the daemon writes its services one at a time (api::service_stream) instead of a vector of all.
  void write_status_json_with(std::function<std::string()> write);

  boost::system::error_code start(const endpoint& listen);
  void stop();
  // The bound endpoint (its port is the real one when started with port 0).
  [[nodiscard]] endpoint local_endpoint() const;

  struct shared;  // what connections still in flight need after the endpoint is gone

 private:
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<shared> shared_;
  log::logger log_{"metrics"};
};

}  // namespace lbd::daemon
