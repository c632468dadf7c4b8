// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Raw IP socket for VRRP (protocol 112) on one interface and one address family, on Asio.
// Multicast mode joins 224.0.0.18 / ff02::12 on the interface; unicast mode joins nothing. Adverts
// leave with TTL / hop limit 255 and our primary address as source (set per packet with PKTINFO:
// bind() would also filter what we receive by destination). Received packets come with their TTL /
// hop limit and addresses, ready for vrrp::parse().
#include <boost/asio/generic/raw_protocol.hpp>
#include <boost/asio/io_context.hpp>

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "common/address.hpp"
#include "common/result.hpp"
#include "vrrp/types.hpp"

namespace lbd::vrrp::io {

inline const ip_address multicast_v4 = boost::asio::ip::make_address("224.0.0.18");
inline const ip_address multicast_v6 = boost::asio::ip::make_address("ff02::12");

struct socket_config {
  std::string interface;
  ip_address source;      // our primary address on that interface (family of the socket)
  bool multicast = true;  // false: unicast peers only
};

struct received {
  std::span<const std::byte> payload;  // the VRRP message; valid only during the callback
  std::uint8_t ttl = 0;
  ip_address source;
  ip_address destination;
};

// Why a received datagram never reached the VRRP parser.
enum class rx_drop : std::uint8_t { bad_ip_header, missing_control };
std::string_view to_string(rx_drop d);

class vrrp_socket {
 public:
  using packet_handler = std::function<void(const received&)>;
  using drop_handler = std::function<void(rx_drop)>;

  static result<std::unique_ptr<vrrp_socket>, std::string> open(boost::asio::io_context& io, const socket_config& c);

  // Starts receiving; runs until close(). Errors other than EAGAIN/EINTR are reported once and stop
  // the loop.
  void start(packet_handler on_packet, drop_handler on_drop, std::function<void(boost::system::error_code)> on_error);
  boost::system::error_code send(std::span<const std::byte> message, const ip_address& destination);
  void close();

  [[nodiscard]] unsigned ifindex() const { return ifindex_; }
  [[nodiscard]] const socket_config& config() const { return config_; }
  [[nodiscard]] const ip_address& group() const { return config_.source.is_v4() ? multicast_v4 : multicast_v6; }

 private:
  vrrp_socket(boost::asio::io_context& io, socket_config c, unsigned ifindex);
  void wait();
  void drain();

  // Expires with the object. A wait that completed just before the object was destroyed is still
  // queued with success; its handler checks this before touching the object.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  boost::asio::basic_raw_socket<boost::asio::generic::raw_protocol> socket_;
  socket_config config_;
  unsigned ifindex_;
  packet_handler on_packet_;
  drop_handler on_drop_;
  std::function<void(boost::system::error_code)> on_error_;
  std::array<std::byte, 65536> buffer_{};
};

}  // namespace lbd::vrrp::io
