# SPDX-License-Identifier: GPL-2.0-or-later
"""[[vrrp]] virtual_routes and virtual_rules follow the VIPs, in a real kernel (a namespace).

A stale route a previous run left (one of the instance's, protocol 245) is removed when lbd starts
(in FAULT: a track script fails on demand), and a route of someone else to the same destination
in another table is never touched. lbd alone on the link becomes MASTER: its VIP is added, then
the routes (one in table 100 through a gateway, one whose source is the VIP, a blackhole) and the
rule, all with protocol 245. A reload that replaces one route changes just that one, in place.
FAULT: the rule and routes go, then the VIP. Back to MASTER, all come back; a stop removes them.
"""

import json
import os
import re
import unittest

from netlab import Lab, wait_for

LBD = os.environ["LBD"]
LBCTL = os.environ["LBCTL"]
VIP = "10.86.0.100"

CONFIG = """
[global]
control_socket = "%(socket)s"

[[vrrp]]
name = "web"
interface = "eth0"
vrid = 73
priority = 150
advert_interval = "100ms"
virtual_ips = ["%(vip)s/24"]
track_scripts = [{ name = "up", command = ["/bin/sh", "-c", "test ! -e %(down)s"], interval = "100ms", timeout = "90ms" }]
virtual_routes = [
  { to = "0.0.0.0/0", via = "10.86.0.1", table = 100 },
  { to = "10.87.0.0/16", dev = "eth0", src = "%(vip)s" },
  %(last)s,
]
virtual_rules = [{ from = "%(vip)s/32", table = 100, priority = 1000 }]
"""


class VirtualRoutes(unittest.TestCase):
    def ip(self, *args):
        return self.lab.sh(["ip"] + list(args), ns=self.lab.ns("dir")).stdout

    def routes(self):
        """lbd's routes (protocol 245) of all tables, as `ip route` prints them up to proto/scope/src."""
        out = self.ip("-4", "route", "show", "table", "all", "proto", "245")
        return sorted(re.split(r" (?:proto|scope|src) ", line)[0].strip() for line in out.splitlines() if line.strip())

    def rules(self):
        return [line.strip() for line in self.ip("-4", "rule", "show").splitlines() if "lookup 100" in line]

    def has_vip(self):
        return self.lab.has_address("dir", VIP)

    def test_routes_and_rules_follow_the_vips(self):
        with Lab("vroutes") as lab:
            self.lab = lab
            lab.add_bridge()
            lab.add_ns("dir")
            lab.attach("dir", ["10.86.0.2/24"])
            down = os.path.join(lab.dir, "down")
            conf = os.path.join(lab.dir, "lbd.conf")
            socket = os.path.join(lab.dir, "lbd.sock")
            with open(conf, "w") as f:
                f.write(CONFIG % {"socket": socket, "vip": VIP, "down": down,
                                  "last": '{ to = "10.88.0.0/16", type = "blackhole", table = 100 }'})
            # Left by "a previous run", and someone else's route to the same destination.
            self.ip("route", "add", "blackhole", "10.88.0.0/16", "table", "100", "proto", "245")
            self.ip("route", "add", "10.88.0.0/16", "via", "10.86.0.1", "table", "200")
            # As `ip route show table all` prints them (sorted): the table shows unless it is main.
            expected = ["10.87.0.0/16 dev eth0", "blackhole 10.88.0.0/16 table 100",
                        "default via 10.86.0.1 dev eth0 table 100"]

            open(down, "w").close()  # FAULT from the start: only the clean-up can remove the stale route
            lbd = lab.spawn("dir", [LBD, "-f", conf, "--state-dir", os.path.join(lab.dir, "state")], name="lbd")
            wait_for(lambda: self.routes() == [] or not lbd.alive(), 10, what="the stale route removed at start")
            self.assertTrue(lbd.alive(), lbd.log())
            self.assertFalse(self.has_vip())
            self.assertIn("via 10.86.0.1", self.ip("-4", "route", "show", "table", "200"), "someone else's route")

            os.unlink(down)  # MASTER: the VIP, then the routes and the rule
            wait_for(lambda: self.has_vip() or not lbd.alive(), 15, what="MASTER with the VIP")
            self.assertTrue(lbd.alive(), lbd.log())
            wait_for(lambda: self.routes() == expected, 5, what="the routes with the VIP: %s" % self.routes())
            self.assertIn("src %s" % VIP, self.ip("-4", "route", "show", "10.87.0.0/16"))
            self.assertEqual(len(self.rules()), 1, self.rules())
            self.assertTrue(self.rules()[0].startswith("1000:"), self.rules())
            self.assertIn("from %s lookup 100" % VIP, self.rules()[0])

            # A reload that changes the list: in place, the VIP and the routes kept never leave.
            with open(conf, "w") as f:
                f.write(CONFIG % {"socket": socket, "vip": VIP, "down": down,
                                  "last": '{ to = "10.89.0.0/16", dev = "eth0", table = 100 }'})
            r = lab.sh([LBCTL, "-s", socket, "reload", "--json"], ns=lab.ns("dir"), check=False)
            self.assertEqual(json.loads(r.stdout)["result"], "ok", r.stdout + r.stderr)
            changed = ["10.87.0.0/16 dev eth0", "10.89.0.0/16 dev eth0 table 100",
                       "default via 10.86.0.1 dev eth0 table 100"]
            self.assertEqual(self.routes(), changed)
            self.assertTrue(self.has_vip())
            self.assertIn("virtual routes and rules changed in place: 1 removed, 1 added", lbd.log())
            self.assertIn("0 kept, 1 updated in place, 0 restarted", lbd.log())
            self.assertEqual(lbd.log().count("-> MASTER"), 1, "no transition on the reload")
            expected = changed

            open(down, "w").close()  # FAULT: rules, routes, then the VIP go
            wait_for(lambda: not self.has_vip(), 10, what="the VIP released in FAULT")
            self.assertEqual(self.routes(), [])
            self.assertEqual(self.rules(), [])
            self.assertIn("via 10.86.0.1", self.ip("-4", "route", "show", "table", "200"), "someone else's route")

            os.unlink(down)  # MASTER again
            wait_for(lambda: self.has_vip() and self.routes() == expected and len(self.rules()) == 1, 10,
                     what="routes and rule back with the VIP")

            lbd.signal(15)
            wait_for(lambda: not lbd.alive(), 10, what="lbd stopped")
            self.assertEqual(self.routes(), [])
            self.assertEqual(self.rules(), [])
            self.assertFalse(self.has_vip())
            log = lbd.log()
            self.assertIn("virtual routes and rules added: 4 of 4", log)
            self.assertIn("virtual routes and rules removed: 4 of 4", log)


if __name__ == "__main__":
    unittest.main()
