// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/reload/reload_report.hpp"

#include <gtest/gtest.h>

#include "common/address.hpp"

namespace {

using lbd::config::change;
using lbd::config::change_kind;
using lbd::daemon::reload_plan;
using lbd::daemon::reload_report;

TEST(reload_report, empty_plan_says_no_change) { EXPECT_EQ(lbd::daemon::summarize(reload_plan{}), "no change"); }

TEST(reload_report, summary_names_every_change_with_its_kind) {
  reload_plan p;
  p.diff.global = {"log_level"};
  p.diff.vrrp = {change{change_kind::changed, "web", {"priority"}}, change{change_kind::changed, "db", {"notify"}},
                 change{change_kind::added, "gw", {}}};
  p.vrrp.restart = {{"web", {"priority"}}};
  p.vrrp.update = {{"db", {"notify"}}};
  p.vrrp.start = {"gw"};
  p.diff.virtual_servers = {change{change_kind::removed, "smtp", {}}};
  p.diff.real_servers = {{change_kind::added, "http", *lbd::parse_endpoint("10.0.1.14:8080"), {}}};
  EXPECT_EQ(lbd::daemon::summarize(p),
            "global log_level; vrrp ~web(restart: priority) ~db(in place: notify) +gw; virtual_server -smtp; "
            "real_server +http/10.0.1.14:8080");

  reload_report r;
  r.result = lbd::api::reload_result::ok;
  r.ipvs_ops = 3;
  r.plan = p;
  EXPECT_EQ(lbd::daemon::journal_line(r),
            "reload ok: global log_level; vrrp ~web(restart: priority) ~db(in place: notify) +gw; virtual_server "
            "-smtp; real_server +http/10.0.1.14:8080; VRRP restarted: web; VRRP in place: db (notify); 3 IPVS "
            "operation(s) (0 failed), 0.0 ms (load 0.0 ms, services 0.0 ms)");
  const nlohmann::json j = lbd::daemon::to_answer(r);
  EXPECT_EQ(j["vrrp_restarted"], nlohmann::json::parse(R"(["web"])"));
  EXPECT_EQ(j["vrrp_updated"], nlohmann::json::parse(R"(["db"])"));
  EXPECT_EQ(j["changes"]["vrrp"]["start"], nlohmann::json::parse(R"(["gw"])"));
}

TEST(reload_report, json_carries_the_figures) {
  reload_report r;
  r.trigger = "SIGHUP";
  r.file = "a.conf";
  r.errors = {"a.conf:1:2: error: x"};
  r.ipvs_ops = 1;
  const nlohmann::json j = lbd::daemon::to_answer(r);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["result"], "refused");
  EXPECT_EQ(j["trigger"], "SIGHUP");
  EXPECT_EQ(j["errors"][0], "a.conf:1:2: error: x");
  EXPECT_EQ(j["ipvs_ops"], 1);
  EXPECT_EQ(j["at"], "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(j["summary"], "refused: 1 error(s); the running configuration is unchanged");
  EXPECT_TRUE(j["vrrp_restarted"].empty());
  EXPECT_TRUE(j["changes"].is_null());
  EXPECT_EQ(lbd::daemon::journal_line(r),
            "reload refused: 1 error(s) in a.conf; still running the previous configuration");
}

}  // namespace
