// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/reload_report.hpp"

#include <gtest/gtest.h>

#include "common/address.hpp"

namespace {

using lbd::config::change;
using lbd::config::change_kind;
using lbd::config::config_diff;

TEST(reload_report, empty_diff_says_no_change) { EXPECT_EQ(lbd::daemon::summarize(config_diff{}), "no change"); }

TEST(reload_report, summary_names_every_change_with_its_kind) {
  config_diff d;
  d.global = {"log_level"};
  d.vrrp = {change{change_kind::changed, "web", {"priority"}}, change{change_kind::added, "gw", {}}};
  d.virtual_servers = {change{change_kind::removed, "smtp", {}}};
  d.real_servers = {{change_kind::added, "http", *lbd::parse_endpoint("10.0.1.14:8080"), {}}};
  EXPECT_EQ(lbd::daemon::summarize(d),
            "global log_level; vrrp ~web +gw; virtual_server -smtp; real_server +http/10.0.1.14:8080");
}

TEST(reload_report, only_changed_instances_restart) {
  config_diff d;
  d.vrrp = {change{change_kind::changed, "web", {"priority"}}, change{change_kind::added, "gw", {}},
            change{change_kind::removed, "old", {}}};
  EXPECT_EQ(lbd::daemon::restarted_instances(d), std::vector<std::string>{"web"});
}

TEST(reload_report, json_carries_the_figures) {
  lbd::daemon::reload_report r;
  r.ok = false;
  r.trigger = "SIGHUP";
  r.errors = {"a.conf:1:2: error: x"};
  r.ipvs_ops = 1;
  const auto j = lbd::daemon::to_json(r);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["result"], "refused");
  EXPECT_EQ(j["trigger"], "SIGHUP");
  EXPECT_EQ(j["errors"][0], "a.conf:1:2: error: x");
  EXPECT_EQ(j["ipvs_ops"], 1);
  EXPECT_EQ(j["at"], "1970-01-01T00:00:00.000Z");
}

}  // namespace
