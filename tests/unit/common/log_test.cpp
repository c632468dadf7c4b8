// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/log.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace lbd::log {
namespace {

TEST(Log, SinkReceivesPrefixAndLevel) {
  std::vector<record> seen;
  set_sink([&](const record& r) { seen.push_back(r); });
  logger l("vrrp[web/51]");
  l.notice("BACKUP -> MASTER ({})", "master down timer expired");
  l.debug("not shown at the default threshold");
  reset_sink();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].lvl, level::notice);
  EXPECT_EQ(seen[0].prefix, "vrrp[web/51]");
  EXPECT_EQ(seen[0].message, "BACKUP -> MASTER (master down timer expired)");
}

TEST(Log, LoggerFieldsThenLineFields) {
  std::vector<record> seen;
  set_sink([&](const record& r) { seen.push_back(r); });
  logger l("service[web]", {{service_field, "web"}});
  l.with({{event_field, "server_down"}, {server_field, "10.0.1.11:8080"}})
      .notice("real server {} down", "10.0.1.11:8080");
  l.notice("no extra fields");
  set_threshold(level::notice);
  l.with({{event_field, "dropped"}}).info("below the threshold: not written");
  set_threshold(level::info);
  reset_sink();
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0].fields,
            (fields{{service_field, "web"}, {event_field, "server_down"}, {server_field, "10.0.1.11:8080"}}));
  EXPECT_EQ(seen[1].fields, (fields{{service_field, "web"}}));
}

TEST(Log, JournalEntry) {
  record r{level::notice,
           "vrrp[web/51]",
           "BACKUP -> MASTER (master down timer expired)",
           {{instance_field, "web"},
            {event_field, "vrrp_transition"},
            {reason_field, ""},
            {"bad name", "x"},
            {"_PID", "1"},
            {reason_field, "master down timer expired"}}};
  EXPECT_EQ(journal_entry(r, "lbd"), (std::vector<std::string>{
                                         "MESSAGE=vrrp[web/51]: BACKUP -> MASTER (master down timer expired)",
                                         "PRIORITY=5",
                                         "SYSLOG_IDENTIFIER=lbd",
                                         "LBD_INSTANCE=web",
                                         "LBD_EVENT=vrrp_transition",
                                         "LBD_REASON=master down timer expired",
                                     }));
  record bare{level::err, "", "plain", {}};
  EXPECT_EQ(journal_entry(bare, "lbd"),
            (std::vector<std::string>{"MESSAGE=plain", "PRIORITY=3", "SYSLOG_IDENTIFIER=lbd"}));
}

TEST(Log, FieldNames) {
  EXPECT_TRUE(valid_field_name("LBD_SERVER"));
  EXPECT_TRUE(valid_field_name("A1"));
  EXPECT_FALSE(valid_field_name(""));
  EXPECT_FALSE(valid_field_name("_PID"));
  EXPECT_FALSE(valid_field_name("1A"));
  EXPECT_FALSE(valid_field_name("lbd_server"));
  EXPECT_FALSE(valid_field_name(std::string(65, 'A')));
}

TEST(Log, JournalStreamMatchesDeviceAndInode) {
  EXPECT_TRUE(journal_stream_matches("8:12345", 8, 12345));
  EXPECT_FALSE(journal_stream_matches("8:12345", 8, 12346));
  EXPECT_FALSE(journal_stream_matches("9:12345", 8, 12345));
  EXPECT_FALSE(journal_stream_matches("8:", 8, 0));
  EXPECT_FALSE(journal_stream_matches(":12345", 0, 12345));
  EXPECT_FALSE(journal_stream_matches("8:12345x", 8, 12345));
  EXPECT_FALSE(journal_stream_matches("812345", 8, 12345));
  EXPECT_FALSE(journal_stream_matches("", 0, 0));
}

}  // namespace
}  // namespace lbd::log
