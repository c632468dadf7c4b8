// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's IPVS statistics written as Prometheus text at a scrape: each family's HELP and TYPE
// once, a group's entry points summed as one service, label values escaped, the kernel's counters as
// exact integers, nothing for services the kernel does not hold.
#include "daemon/services/stats_exposition.hpp"

#include <gtest/gtest.h>

namespace lbd::daemon {
namespace {

ipvs::service_key tcp(const char* vip) {
  return ipvs::service_key::inet(ipvs::protocol::tcp, parse_endpoint(vip).value());
}
ipvs::dest_key dk(const char* server) {
  const auto e = parse_endpoint(server).value();
  return ipvs::dest_key{e.address, e.port};
}

TEST(stats_exposition, OneServiceWithOneServerIsWrittenWhole) {
  ipvs::table kernel;
  auto& svc = kernel[tcp("192.0.2.10:80")];
  svc.stats = {5, 60, 40, 6000, 4000};
  auto& d = svc.dests[dk("10.0.1.11:80")].counters;
  d.active = 2;
  d.inactive = 1;
  d.stats = {5, 60, 40, 6000, 4000};
  const std::vector<ipvs::service_key> keys{tcp("192.0.2.10:80")};
  EXPECT_EQ(render_ipvs_stats({{"web", &keys}}, kernel),
            "# HELP lbd_ipvs_realserver_active_connections Active connections to the real server\n"
            "# TYPE lbd_ipvs_realserver_active_connections gauge\n"
            "lbd_ipvs_realserver_active_connections{service=\"web\",server=\"10.0.1.11:80\"} 2\n"
            "# HELP lbd_ipvs_realserver_bytes_total Bytes to and from the real server, by direction\n"
            "# TYPE lbd_ipvs_realserver_bytes_total counter\n"
            "lbd_ipvs_realserver_bytes_total{service=\"web\",server=\"10.0.1.11:80\",direction=\"in\"} 6000\n"
            "lbd_ipvs_realserver_bytes_total{service=\"web\",server=\"10.0.1.11:80\",direction=\"out\"} 4000\n"
            "# HELP lbd_ipvs_realserver_connections_total Connections the kernel scheduled to the real server\n"
            "# TYPE lbd_ipvs_realserver_connections_total counter\n"
            "lbd_ipvs_realserver_connections_total{service=\"web\",server=\"10.0.1.11:80\"} 5\n"
            "# HELP lbd_ipvs_realserver_inactive_connections Inactive connections to the real server\n"
            "# TYPE lbd_ipvs_realserver_inactive_connections gauge\n"
            "lbd_ipvs_realserver_inactive_connections{service=\"web\",server=\"10.0.1.11:80\"} 1\n"
            "# HELP lbd_ipvs_realserver_packets_total Packets to and from the real server, by direction\n"
            "# TYPE lbd_ipvs_realserver_packets_total counter\n"
            "lbd_ipvs_realserver_packets_total{service=\"web\",server=\"10.0.1.11:80\",direction=\"in\"} 60\n"
            "lbd_ipvs_realserver_packets_total{service=\"web\",server=\"10.0.1.11:80\",direction=\"out\"} 40\n"
            "# HELP lbd_ipvs_service_bytes_total Bytes through the service, by direction\n"
            "# TYPE lbd_ipvs_service_bytes_total counter\n"
            "lbd_ipvs_service_bytes_total{service=\"web\",direction=\"in\"} 6000\n"
            "lbd_ipvs_service_bytes_total{service=\"web\",direction=\"out\"} 4000\n"
            "# HELP lbd_ipvs_service_connections_total Connections the kernel scheduled for the service\n"
            "# TYPE lbd_ipvs_service_connections_total counter\n"
            "lbd_ipvs_service_connections_total{service=\"web\"} 5\n"
            "# HELP lbd_ipvs_service_packets_total Packets through the service, by direction\n"
            "# TYPE lbd_ipvs_service_packets_total counter\n"
            "lbd_ipvs_service_packets_total{service=\"web\",direction=\"in\"} 60\n"
            "lbd_ipvs_service_packets_total{service=\"web\",direction=\"out\"} 40\n");
}

TEST(stats_exposition, AGroupIsOneServiceAndNamesAreEscaped) {
  ipvs::table kernel;
  const std::uint64_t big = (std::uint64_t{1} << 60) + 1;  // beyond a double's exact integers
  for (const char* vip : {"192.0.2.10:80", "192.0.2.11:80"}) {
    auto& svc = kernel[tcp(vip)];
    svc.stats.conns = 7;
    svc.dests[dk("10.0.1.11:80")].counters.stats.inbytes = big;
  }
  kernel[tcp("192.0.2.99:80")].stats.conns = 1;  // not one of lbd's
  const std::vector<ipvs::service_key> group{tcp("192.0.2.10:80"), tcp("192.0.2.11:80")};
  const std::vector<ipvs::service_key> absent{tcp("192.0.2.20:80")};
  const auto text = render_ipvs_stats({{"we\"b\\", &group}, {"gone", &absent}}, kernel);
  EXPECT_NE(text.find("lbd_ipvs_service_connections_total{service=\"we\\\"b\\\\\"} 14\n"), std::string::npos) << text;
  EXPECT_NE(
      text.find("lbd_ipvs_realserver_bytes_total{service=\"we\\\"b\\\\\",server=\"10.0.1.11:80\",direction=\"in\"} "
                "2305843009213693954\n"),
      std::string::npos)
      << text;
  EXPECT_EQ(text.find("gone"), std::string::npos);
  EXPECT_EQ(text.find("192.0.2.99"), std::string::npos);
  std::size_t types = 0;
  for (auto at = text.find("# TYPE "); at != std::string::npos; at = text.find("# TYPE ", at + 1)) ++types;
  EXPECT_EQ(types, 8U);
  EXPECT_EQ(render_ipvs_stats({{"gone", &absent}}, kernel), "");
}

}  // namespace
}  // namespace lbd::daemon
