// SPDX-License-Identifier: GPL-2.0-or-later
// Passive outlier detection, pure: reads of the connection table in, ejections out.
#include "daemon/services/outliers.hpp"

#include <gtest/gtest.h>

namespace lbd::daemon {
namespace {

using namespace std::chrono_literals;
using kind = outlier_event::kind;

endpoint ep(const char* text) { return *parse_endpoint(text, true); }

config::outlier_settings settings() {
  config::outlier_settings s;
  s.interval = 1s;
  s.min_connections = 5;
  s.unanswered_percent = 50;
  s.max_ejection_percent = 50;
  s.base_ejection_time = 5s;
  s.max_ejection_time = 20s;
  return s;
}

// The connection table as a test builds it: client ports count up, one row per connection.
struct table_builder {
  std::vector<ipvs::connection> rows;
  std::uint16_t next_port = 10000;
  // `n` new connections to `server`, in `state`; returns their first client port.
  std::uint16_t open(const char* server, int n, const char* state) {
    const auto first = next_port;
    for (int i = 0; i < n; ++i) {
      rows.push_back({"TCP", endpoint{ip_address::from_string("198.51.100.7"), next_port++}, ep("192.0.2.10:80"),
                      ep(server), state, 60, "", "", ""});
    }
    return first;
  }
  // Moves `n` (default: every) connection of `server` still in SYN_RECV to ESTABLISHED: answered.
  void answer(const char* server, int n = 1 << 30) {
    for (auto& r : rows) {
      if (n > 0 && r.destination == ep(server) && r.state == "SYN_RECV") {
        r.state = "ESTABLISHED";
        --n;
      }
    }
  }
};

struct detector_test : testing::Test {
  outlier_clock::time_point t0{};
  outlier_clock::time_point now = t0;
  std::vector<endpoint> servers{ep("10.0.1.1:80"), ep("10.0.1.2:80"), ep("10.0.1.3:80"), ep("10.0.1.4:80")};
  outlier_detector d{settings(), servers};
  table_builder table;
  std::vector<outlier_event> read(outlier_clock::duration step = 1s) {
    now += step;
    return d.on_read(table.rows, now);
  }
  // One interval in which every server gets `n` new connections and all but `silent` answer them.
  std::vector<outlier_event> traffic(int n, const char* silent) {
    for (const auto& s : servers) table.open(to_string(s).c_str(), n, "SYN_RECV");
    auto first = read();
    for (const auto& s : servers) {
      if (to_string(s) != silent) table.answer(to_string(s).c_str());
    }
    auto second = read(0s);
    first.insert(first.end(), second.begin(), second.end());
    return first;
  }
};

TEST_F(detector_test, a_server_that_answers_nothing_is_ejected_with_its_evidence) {
  table.open("10.0.1.3:80", 10, "SYN_RECV");
  EXPECT_TRUE(read().empty());  // primes: rows of unknown age are not judged
  EXPECT_TRUE(read().empty());  // and are not judged later either
  // Ten new connections each; the one read after them shows rs3's still unanswered.
  const auto events = traffic(10, "10.0.1.3:80");
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].what, kind::ejected);
  EXPECT_EQ(events[0].server, ep("10.0.1.3:80"));
  EXPECT_EQ(events[0].evidence,
            "10 of 10 new connections unanswered for 1s or more (the last read); out for 5s (ejection 1 in a row)");
  ASSERT_TRUE(d.ejection(ep("10.0.1.3:80")));
  EXPECT_EQ(d.ejection(ep("10.0.1.3:80"))->until, now + 5s);
  EXPECT_EQ(d.ejected_count(), 1U);
}

TEST_F(detector_test, answered_connections_and_too_few_unanswered_eject_nobody) {
  read();
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(traffic(20, "").empty());
  // 4 unanswered per read: below min_connections in one read, but the last reads add up.
  table.open("10.0.1.2:80", 4, "SYN_RECV");
  EXPECT_TRUE(read().empty());
  EXPECT_TRUE(read().empty());  // 4 unanswered: under min_connections, also with the reads before
  EXPECT_EQ(d.ejected_count(), 0U);
}

TEST_F(detector_test, evidence_adds_up_over_the_last_reads) {
  read();
  for (int i = 0; i < 3; ++i) {
    table.open("10.0.1.2:80", 2, "SYN_RECV");
    EXPECT_TRUE(read().empty());
  }
  table.open("10.0.1.2:80", 0, "SYN_RECV");
  const auto events = read();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].what, kind::ejected);
  EXPECT_EQ(events[0].evidence.substr(0, 70), "6 of 6 new connections unanswered for 1s or more (the last 3 reads); o");
}

TEST_F(detector_test, ejection_ends_on_time_and_doubles_when_it_comes_again_soon) {
  read();
  table.open("10.0.1.4:80", 6, "SYN_RECV");
  read();
  ASSERT_EQ(read().at(0).what, kind::ejected);
  auto events = read(5s);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].what, kind::returned);
  EXPECT_EQ(events[0].evidence, "back after 5s");
  EXPECT_FALSE(d.ejection(ep("10.0.1.4:80")));
  // The old rows, still in SYN_RECV, are not judged again: the first read back only primes.
  EXPECT_TRUE(read().empty());
  table.open("10.0.1.4:80", 6, "SYN_RECV");
  read();
  events = read();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_NE(events[0].evidence.find("out for 10s (ejection 2 in a row)"), std::string::npos) << events[0].evidence;
  read(10s);  // back
  read(25s);  // stayed in longer than it was out: the next ejection starts over
  table.open("10.0.1.4:80", 6, "SYN_RECV");
  read();
  events = read();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_NE(events[0].evidence.find("out for 5s (ejection 1 in a row)"), std::string::npos) << events[0].evidence;
}

TEST_F(detector_test, ejection_time_stops_at_the_maximum) {
  read();
  std::string last;
  for (int i = 0; i < 4; ++i) {
    table.open("10.0.1.1:80", 6, "SYN_RECV");
    read();
    const auto events = read();
    ASSERT_EQ(events.size(), 1U);
    last = events[0].evidence;
    read(d.ejection(ep("10.0.1.1:80"))->until - now);  // back
    read();                                            // primed
  }
  EXPECT_NE(last.find("out for 20s (ejection 4 in a row)"), std::string::npos) << last;
}

TEST_F(detector_test, the_cap_holds_the_second_server_and_says_so_once) {
  auto s = settings();
  s.max_ejection_percent = 25;  // one of four
  d.configure(s, servers);
  read();
  table.open("10.0.1.1:80", 10, "SYN_RECV");
  table.open("10.0.1.2:80", 10, "SYN_RECV");
  table.open("10.0.1.3:80", 6, "ESTABLISHED");
  read();
  table.answer("10.0.1.1:80", 4);
  auto events = read();
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].what, kind::ejected);  // the worse first: 100% unanswered against 60%
  EXPECT_EQ(events[0].server, ep("10.0.1.2:80"));
  EXPECT_EQ(events[1].what, kind::held);
  EXPECT_EQ(events[1].server, ep("10.0.1.1:80"));
  EXPECT_EQ(events[1].evidence.substr(0, 20), "6 of 10 new connecti");
  EXPECT_NE(events[1].evidence.find("1 of 4 servers already out (max_ejection_percent 25)"), std::string::npos);
  EXPECT_TRUE(read().empty());  // still bad, still held: said once
}

TEST_F(detector_test, most_servers_failing_together_is_not_theirs_to_pay_for) {
  read();
  table.open("10.0.1.1:80", 10, "SYN_RECV");
  table.open("10.0.1.2:80", 10, "SYN_RECV");
  table.open("10.0.1.3:80", 10, "SYN_RECV");
  read();
  const auto events = read();
  ASSERT_EQ(events.size(), 3U);
  for (const auto& e : events) {
    EXPECT_EQ(e.what, kind::held);
    EXPECT_NE(e.evidence.find("3 of 4 servers look bad at once"), std::string::npos) << e.evidence;
  }
  EXPECT_EQ(d.ejected_count(), 0U);
}

TEST_F(detector_test, a_fwmark_server_without_port_takes_every_port_and_other_protocols_are_ignored) {
  outlier_detector fw(settings(), {ep("10.0.1.1:0"), ep("10.0.1.2:0"), ep("10.0.1.3:0")});
  fw.on_read({}, now);
  std::vector<ipvs::connection> rows;
  for (std::uint16_t i = 0; i < 6; ++i) {
    const auto port = static_cast<std::uint16_t>(i % 2 == 0 ? 80 : 443);
    rows.push_back({"TCP", endpoint{ip_address::from_string("198.51.100.7"), static_cast<std::uint16_t>(20000 + i)},
                    endpoint{ip_address::from_string("192.0.2.10"), port},
                    endpoint{ip_address::from_string("10.0.1.2"), port}, "SYN_RECV", 60, "", "", ""});
    rows.push_back({"UDP", endpoint{ip_address::from_string("198.51.100.7"), static_cast<std::uint16_t>(30000 + i)},
                    endpoint{ip_address::from_string("192.0.2.10"), 53},
                    endpoint{ip_address::from_string("10.0.1.3"), 53}, "UDP", 60, "", "", ""});
  }
  EXPECT_TRUE(fw.on_read(rows, now + 1s).empty());
  const auto events = fw.on_read(rows, now + 2s);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].server, ep("10.0.1.2:0"));
}

TEST_F(detector_test, a_new_config_keeps_the_servers_that_stay) {
  read();
  table.open("10.0.1.4:80", 6, "SYN_RECV");
  read();
  ASSERT_EQ(read().size(), 1U);
  d.configure(settings(), {ep("10.0.1.4:80"), ep("10.0.1.5:80"), ep("10.0.1.1:80")});
  EXPECT_TRUE(d.ejection(ep("10.0.1.4:80")));
  EXPECT_EQ(read(5s).at(0).what, kind::returned);
}

}  // namespace
}  // namespace lbd::daemon
