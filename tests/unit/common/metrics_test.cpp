#include "common/metrics.hpp"

#include <gtest/gtest.h>

namespace lbd::metrics {
namespace {

TEST(Metrics, CountersAndGaugesByLabel) {
  registry r;
  r.get_counter("lbd_vrrp_transitions_total", "VRRP transitions", {{"instance", "web"}}).inc();
  r.get_counter("lbd_vrrp_transitions_total", "VRRP transitions", {{"instance", "web"}}).inc(2);
  r.get_gauge("lbd_up", "up").set(1);
  EXPECT_EQ(r.value("lbd_vrrp_transitions_total", {{"instance", "web"}}), 3);
  EXPECT_EQ(r.value("lbd_vrrp_transitions_total", {{"instance", "db"}}), 0);
  EXPECT_EQ(r.value("lbd_up"), 1);
}

TEST(Metrics, RendersTextFormat) {
  registry r;
  r.get_counter("a_total", "things", {{"k", "v\"q"}}).inc();
  auto& h = r.get_histogram("lat_seconds", "latency", {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  auto text = r.render();
  EXPECT_NE(text.find("# TYPE a_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("a_total{k=\"v\\\"q\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_count 3\n"), std::string::npos);
}

TEST(Metrics, TypeClashIsAProgrammingError) {
  registry r;
  r.get_counter("x", "x");
  EXPECT_THROW(r.get_gauge("x", "x"), std::logic_error);
}

}  // namespace
}  // namespace lbd::metrics
