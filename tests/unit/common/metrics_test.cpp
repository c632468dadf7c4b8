// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/metrics.hpp"

#include <gtest/gtest.h>

namespace lbd::metrics {
namespace {

TEST(Metrics, CountersAndGaugesByLabel) {
  registry r;
  r.get_counter("lbd_vrrp_transitions_total", "VRRP transitions", {{"vrrp_instance", "web"}}).inc();
  r.get_counter("lbd_vrrp_transitions_total", "VRRP transitions", {{"vrrp_instance", "web"}}).inc(2);
  r.get_gauge("lbd_up", "up").set(1);
  EXPECT_EQ(r.value("lbd_vrrp_transitions_total", {{"vrrp_instance", "web"}}), 3);
  EXPECT_EQ(r.value("lbd_vrrp_transitions_total", {{"vrrp_instance", "db"}}), 0);
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
  r.get_counter("x_total", "x");
  EXPECT_THROW(r.get_gauge("x_total", "x"), std::logic_error);
}

TEST(Metrics, CounterNamesEndInTotal) {
  registry r;
  EXPECT_THROW(r.get_counter("lbd_ipvs_service_bytes", "bytes"), std::logic_error);
  EXPECT_THROW(r.get_counter("_total", "nothing before the suffix"), std::logic_error);
  EXPECT_NO_THROW(r.get_counter("lbd_ipvs_service_bytes_total", "bytes"));
}

TEST(Metrics, CounterTakesItsTotalFromAnExternalSource) {
  registry r;
  auto& c = r.get_counter("lbd_ipvs_service_packets_total", "packets", {{"direction", "in"}});
  c.set_total(1000);
  c.set_total(1500);
  EXPECT_EQ(r.value("lbd_ipvs_service_packets_total", {{"direction", "in"}}), 1500);
  EXPECT_NE(r.render().find("# TYPE lbd_ipvs_service_packets_total counter\n"
                            "lbd_ipvs_service_packets_total{direction=\"in\"} 1500\n"),
            std::string::npos);
}

TEST(Metrics, EscapesHelpAndLabelValues) {
  EXPECT_EQ(escape_help("a\\b\nc\"d"), "a\\\\b\\nc\"d");
  EXPECT_EQ(escape_label_value("a\\b\nc\"d"), "a\\\\b\\nc\\\"d");
  registry r;
  r.get_gauge("g", "line one\nC:\\path", {{"server", "x\\y\n\"z\""}}).set(2);
  const auto text = r.render();
  EXPECT_NE(text.find("# HELP g line one\\nC:\\\\path\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{server=\"x\\\\y\\n\\\"z\\\"\"} 2\n"), std::string::npos) << text;
}

TEST(Metrics, RendersSeveralRegistriesAsOneExposition) {
  registry vrrp;
  registry main;
  vrrp.get_counter("lbd_ipvs_errors_total", "refused", {{"op", "a"}}).inc();
  main.get_counter("lbd_ipvs_errors_total", "refused", {{"op", "b"}}).inc(2);
  main.get_gauge("lbd_checks_running", "checks").set(3);
  const auto text = render({&vrrp, &main});
  EXPECT_EQ(text,
            "# HELP lbd_checks_running checks\n# TYPE lbd_checks_running gauge\nlbd_checks_running 3\n"
            "# HELP lbd_ipvs_errors_total refused\n# TYPE lbd_ipvs_errors_total counter\n"
            "lbd_ipvs_errors_total{op=\"a\"} 1\nlbd_ipvs_errors_total{op=\"b\"} 2\n");
  registry other;
  other.get_gauge("lbd_ipvs_errors_total", "wrong type");
  EXPECT_THROW((void)render({&vrrp, &other}), std::logic_error);
}

}  // namespace
}  // namespace lbd::metrics
