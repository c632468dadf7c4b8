#pragma once
// Serves the metrics registry in the Prometheus text format on GET /metrics, from the event loop.
// Deliberately minimal HTTP/1.1: one request per connection, bounded in size and time.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <string>

#include "common/address.hpp"
#include "common/log.hpp"

namespace lbd::daemon {

class metrics_endpoint {
 public:
  // render() is called per scrape, so the daemon can refresh kernel-derived gauges first.
  metrics_endpoint(boost::asio::io_context& io, std::function<std::string()> render);

  boost::system::error_code start(const endpoint& listen);
  void stop();
  // The bound endpoint (its port is the real one when started with port 0).
  [[nodiscard]] endpoint local_endpoint() const;

 private:
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  std::function<std::string()> render_;
  log::logger log_{"metrics"};
};

}  // namespace lbd::daemon
