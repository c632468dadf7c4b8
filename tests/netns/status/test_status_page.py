# SPDX-License-Identifier: GPL-2.0-or-later
"""The status page of a real lbd in a namespace, loaded by headless Chromium.

The real servers' script check lives at a path full of markup, so the reason lbd reports for each
server ("<path> exit 0", "<path> exit 1") carries a <b> and a <script> element if the page does not
escape it; the config file's path carries an <i>. The test reads the DOM Chromium built and keeps
screenshots (phone and desktop) under the build directory.
"""

import json
import os
import stat
import tempfile
import unittest
from html.parser import HTMLParser

from netlab import Lab, LabError, require_tools, wait_for

LBD = os.environ["LBD"]
ARTIFACTS = os.path.join(os.environ.get("LBD_TEST_BUILD_DIR", tempfile.gettempdir()), "test-artifacts",
                         "status-page")
VIP = "10.82.0.100"
UP = "10.82.0.11"
DOWN = "10.82.0.12"
LISTEN = "127.0.0.1:9712"
# Directory names ending in "<" and a file name starting with a tag's tail: the path reads as markup.
CHECK_PARTS = ["<b>x<", "b><script>document.title='pwned'<", "script>"]
CHECK_TEXT = "<b>x</b><script>document.title='pwned'</script>"
CONF_PARTS = ["<i>conf<", "i>.conf"]

CONFIG = """
[global]
node_name = "director-a"
control_socket = "%(socket)s"
metrics_listen = "%(listen)s"

[[vrrp]]
name = "web"
interface = "eth0"
vrid = 61
priority = 150
advert_interval = "100ms"
virtual_ips = ["%(vip)s/24"]

[[virtual_server]]
name = "shop.front-1"
address = "%(vip)s:80"
forwarding = "nat"
vrrp = "web"
check = { type = "script", command = ["%(check)s", "{address}"], interval = "1s", timeout = "900ms", rise = 1, fall = 1 }

[[virtual_server.real_server]]
address = "%(up)s:8080"
weight = 3

[[virtual_server.real_server]]
address = "%(down)s:8080"
weight = 2
"""


class Dom(HTMLParser):
    """Element names and text of a document as the browser serialised it."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


class StatusPageInChromium(unittest.TestCase):
    def setUp(self):
        require_tools("chromium", "curl")
        self.lab = Lab("status")
        self.lab.__enter__()
        self.addCleanup(self.lab.__exit__, None, None, None)
        self.lab.add_bridge()
        self.lab.add_ns("dir")
        self.lab.attach("dir", ["10.82.0.2/24"])

        check = os.path.join(self.lab.dir, *CHECK_PARTS)
        os.makedirs(os.path.dirname(check))
        with open(check, "w") as f:
            f.write('#!/bin/sh\n[ "$1" = "%s" ]\n' % UP)
        os.chmod(check, stat.S_IRWXU)
        self.assertTrue(check.endswith(CHECK_TEXT), check)
        self.check = check

        self.conf = os.path.join(self.lab.dir, *CONF_PARTS)
        os.makedirs(os.path.dirname(self.conf))
        with open(self.conf, "w") as f:
            f.write(CONFIG % {"socket": os.path.join(self.lab.dir, "lbd.sock"), "listen": LISTEN, "vip": VIP,
                              "check": check, "up": UP, "down": DOWN})
        self.lbd = self.lab.spawn("dir", [LBD, "-f", self.conf, "--state-dir", os.path.join(self.lab.dir, "lbd-state")],
                                  name="lbd")
        wait_for(lambda: self.ready() or not self.lbd.alive(), 20, what="lbd MASTER with both checks done")
        self.assertTrue(self.lbd.alive(), self.lbd.log())

    def http(self, path):
        return self.lab.sh(["curl", "-s", "-i", "--max-time", "5", "http://%s%s" % (LISTEN, path)],
                           ns=self.lab.ns("dir"), check=False)

    def status(self):
        r = self.lab.sh(["curl", "-sf", "--max-time", "5", "http://%s/status.json" % LISTEN], ns=self.lab.ns("dir"),
                        check=False)
        return json.loads(r.stdout) if r.returncode == 0 else None

    def ready(self):
        s = self.status()
        if not s or not s["vrrp"] or s["vrrp"][0]["state"] != "MASTER" or not s["services"]:
            return False
        health = {rs["address"]: (rs["health"], rs["reason"]) for rs in s["services"][0]["real_servers"]}
        return (health.get("%s:8080" % UP, ("", ""))[1].endswith("exit 0")
                and health.get("%s:8080" % DOWN, ("", ""))[1].endswith("exit 1"))

    def chromium(self, *args):
        profile = tempfile.mkdtemp(prefix="chromium-", dir=self.lab.dir)
        argv = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile] + list(args)
        argv.append("http://%s/" % LISTEN)
        r = self.lab.sh(argv, ns=self.lab.ns("dir"), check=False, timeout=90)
        if r.returncode != 0:
            raise LabError("chromium failed (%d): %s" % (r.returncode, r.stderr[-2000:]))
        return r

    def test_the_page_shows_the_daemon_and_keeps_markup_as_text(self):
        dump = self.chromium("--window-size=1280,900", "--dump-dom").stdout
        dom = Dom()
        dom.feed(dump)
        text = "".join(dom.text)

        # The browser built no element from a reason or a path.
        self.assertNotIn("b", dom.tags, dump)
        self.assertNotIn("i", dom.tags, dump)
        self.assertEqual(dom.tags.count("script"), 0, dump)
        self.assertIn("<title>lbd on director-a</title>", dump)  # the injected script did not run
        self.assertIn(CHECK_TEXT + " exit 0", text)
        self.assertIn(CHECK_TEXT + " exit 1", text)
        self.assertIn("<i>conf</i>.conf", text)

        self.assertIn('<meta name="viewport" content="width=device-width, initial-scale=1">', dump)
        self.assertIn('<meta http-equiv="refresh" content="5">', dump)
        self.assertIn("lbd on director-a", text)
        self.assertIn("MASTER", text)
        self.assertIn("BACKUP → MASTER", text)
        self.assertIn("shop.front-1", text)
        self.assertIn("tcp %s:80" % VIP, text)
        self.assertIn("%s:8080" % UP, text)
        self.assertIn("%s:8080" % DOWN, text)
        self.assertIn("1 of 2 real servers", text)
        self.assertIn("None since lbd started.", text)

        os.makedirs(ARTIFACTS, exist_ok=True)
        for name, size in (("phone", "412,1400"), ("desktop", "1280,900")):
            path = os.path.join(ARTIFACTS, "status-%s.png" % name)
            if os.path.exists(path):
                os.unlink(path)
            self.chromium("--window-size=" + size, "--screenshot=" + path)
            self.assertTrue(os.path.getsize(path) > 1000, path)
            print("screenshot: %s" % path)
        with open(os.path.join(ARTIFACTS, "status.html"), "w") as f:
            f.write(dump)

    def test_routes_and_refusals(self):
        page = self.http("/")
        self.assertIn("HTTP/1.1 200 OK", page.stdout)
        self.assertIn("Content-Type: text/html; charset=utf-8", page.stdout)
        metrics = self.http("/metrics")
        self.assertIn("Content-Type: text/plain; version=0.0.4; charset=utf-8", metrics.stdout)
        self.assertIn("lbd_", metrics.stdout)
        self.assertTrue(self.http("/nope").stdout.startswith("HTTP/1.1 404"))
        r = self.lab.sh(["curl", "-s", "-i", "-X", "POST", "--max-time", "5", "http://%s/" % LISTEN],
                        ns=self.lab.ns("dir"), check=False)
        self.assertTrue(r.stdout.startswith("HTTP/1.1 405"), r.stdout)


if __name__ == "__main__":
    unittest.main()
