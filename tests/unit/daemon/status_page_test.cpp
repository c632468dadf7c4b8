// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/status_page.hpp"

#include <gtest/gtest.h>

namespace lbd::daemon {
namespace {

using namespace std::chrono_literals;
using clock_point = std::chrono::system_clock::time_point;

// 2026-11-21T10:00:00Z
const clock_point now =
    clock_point{} + std::chrono::sys_days{std::chrono::year{2026} / 11 / 21}.time_since_epoch() + 10h;

api::daemon_status sample() {
  return nlohmann::json::parse(R"json({
    "node": "director-a", "config_file": "/etc/lbd/lbd.conf", "started_at": "2026-11-21T08:57:00.000Z",
    "vrrp": [{"name": "web", "interface": "eth0", "vrid": 51, "version": 3, "state": "MASTER", "priority": 150,
              "effective_priority": 140, "master": "10.0.0.2", "virtual_ips": ["10.0.0.100", "10.0.0.101"],
              "sync_group": null, "fault_reason": "", "vips_held": false,
              "last_transition": {"from": "BACKUP", "to": "MASTER", "reason": "master down <timer>",
                                  "at": "2026-11-21T09:57:00.000Z"}},
             {"name": "db", "interface": "eth1", "vrid": 52, "version": 3, "state": "FAULT", "priority": 100,
              "effective_priority": 100, "master": "", "virtual_ips": [], "fault_reason": "eth1 is down", "vips_held": false,
              "last_transition": null}],
    "services": [{"name": "<script>alert(1)</script>", "service": "tcp 10.0.0.100:80", "scheduler": "wlc",
                  "forwarding": "nat", "quorum": false, "sorry_active": true, "vrrp": "web",
                  "active_conns": 7, "inactive_conns": 3,
                  "rates": {"cps": 12, "inpps": 1, "outpps": 2, "inbps": 1500, "outbps": 2500000},
                  "real_servers": [
                    {"address": "10.0.0.11:8080", "health": "down", "reason": "<b>bold</b> & \"quoted\" 'x'",
                     "configured_weight": 3, "weight": null, "kernel_weight": null, "override": null,
                     "override_weight": null, "draining": false, "ejected": "back in 4s (ejection 2 in a row)",
                     "active_conns": 0, "inactive_conns": 0, "rates": null},
                    {"address": "10.0.0.12:8080", "health": "up", "reason": "HTTP 200 from 10.0.0.12:8080",
                     "configured_weight": 3, "weight": 0, "kernel_weight": 0, "override": "drain",
                     "override_weight": null, "draining": true, "active_conns": 7, "inactive_conns": 3,
                     "rates": {"cps": 12, "inpps": 1, "outpps": 2, "inbps": 1500, "outbps": 2500000}}]}],
    "reload": {"ok": false, "result": "refused", "trigger": "SIGHUP", "file": "/etc/lbd/lbd.conf",
               "at": "2026-11-21T09:59:30.000Z", "errors": ["lbd.conf:3: <i>bad</i> value"], "warnings": 0,
               "duration_ms": 1.5, "ipvs_ops": 0, "ipvs_errors": 0, "vrrp_restarted": [], "vrrp_updated": [],
               "summary": "refused: 1 error(s); the running configuration is unchanged"}
  })json")
      .get<api::daemon_status>();
}

bool has(const std::string& page, const std::string& s) { return page.find(s) != std::string::npos; }

TEST(StatusPage, EscapesTheFiveMarkupCharacters) {
  EXPECT_EQ(html_escape(R"(<a href="x">Tom & 'Jerry'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain"), "plain");
  EXPECT_EQ(html_escape(""), "");
}

TEST(StatusPage, MarkupInAServiceNameAndAReasonIsText) {
  const auto page = render_status_page(sample(), now);
  EXPECT_TRUE(has(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(has(page, "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; &#39;x&#39;"));
  EXPECT_TRUE(has(page, "master down &lt;timer&gt;"));
  EXPECT_TRUE(has(page, "lbd.conf:3: &lt;i&gt;bad&lt;/i&gt; value"));
  EXPECT_FALSE(has(page, "<script"));
  EXPECT_FALSE(has(page, "<b>"));
  EXPECT_FALSE(has(page, "<i>"));
  EXPECT_FALSE(has(page, "<timer>"));
}

TEST(StatusPage, IsSelfContainedReadableOnAPhoneAndRefreshes) {
  const auto page = render_status_page(sample(), now);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_TRUE(has(page, R"(<meta name="viewport" content="width=device-width, initial-scale=1">)"));
  EXPECT_TRUE(has(page, R"(<meta http-equiv="refresh" content="5">)"));
  EXPECT_TRUE(has(page, "@media (max-width:700px)"));
  EXPECT_FALSE(has(page, "http://"));
  EXPECT_FALSE(has(page, "https://"));
  EXPECT_FALSE(has(page, "<link rel=\"stylesheet\""));
  EXPECT_FALSE(has(page, "src="));
}

TEST(StatusPage, ShowsNodeUptimeInstancesServersAndTheLastReload) {
  const auto page = render_status_page(sample(), now);
  EXPECT_TRUE(has(page, "<title>lbd on director-a</title>"));
  EXPECT_TRUE(has(page, "up 1h3m"));
  EXPECT_TRUE(has(page, "<code>/etc/lbd/lbd.conf</code>"));
  // States are spelled out and coloured.
  EXPECT_TRUE(has(page, R"(<span class="b ok">MASTER</span>)"));
  EXPECT_TRUE(has(page, R"(<span class="b bad">FAULT</span> eth1 is down)"));
  EXPECT_TRUE(has(page, R"(<span class="b bad">down</span>)"));
  EXPECT_TRUE(has(page, R"(<span class="b ok">up</span>)"));
  EXPECT_TRUE(has(page, "BACKUP → MASTER <span title=\"2026-11-21T09:57:00.000Z\">3m ago</span>"));
  EXPECT_TRUE(has(page, "140 / 150"));
  EXPECT_TRUE(has(page, "10.0.0.100, 10.0.0.101"));
  EXPECT_TRUE(has(page, "NO QUORUM"));
  EXPECT_TRUE(has(page, "sorry server active"));
  EXPECT_TRUE(has(page, "DRAIN"));
  EXPECT_TRUE(
      has(page, R"x(<span class="b bad">EJECTED</span> <span class="sub">back in 4s (ejection 2 in a row)</span>)x"));
  EXPECT_TRUE(has(page, "0 <span class=\"sub\">(configured 3)</span>"));
  EXPECT_TRUE(has(page, "12 conn/s · in 1.5 kB/s · out 2.5 MB/s"));
  EXPECT_TRUE(has(page, R"(<td class="n" data-label="Conn/s">12</td>)"));
  EXPECT_TRUE(has(page, R"(<span class="b bad">REFUSED</span> <span title="2026-11-21T09:59:30.000Z">30s ago</span>)"));
  EXPECT_TRUE(has(page, " by SIGHUP"));
  EXPECT_TRUE(has(page, R"(<span>1 <span class="b ok">MASTER</span></span>)"));
  EXPECT_TRUE(has(page, "1 of 2 real servers"));
}

TEST(StatusPage, AnEmptyStatusStillRenders) {
  const auto page = render_status_page(api::daemon_status{}, now);
  EXPECT_TRUE(has(page, "</html>"));
  EXPECT_TRUE(has(page, "No VRRP instance."));
  EXPECT_TRUE(has(page, "No virtual service."));
  EXPECT_TRUE(has(page, "None since lbd started."));
}

}  // namespace
}  // namespace lbd::daemon
