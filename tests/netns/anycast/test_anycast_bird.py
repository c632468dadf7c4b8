# SPDX-License-Identifier: GPL-2.0-or-later
"""lbd's announced routes through a real routing daemon (BIRD 2), upstream over eBGP.

dir (10.99.0.1, AS 65001) runs anycast_probe (lbd's device and routes) and BIRD, whose kernel
protocol learns the routes of lbd's protocol number from table 100 and exports them over BGP to
rt (10.99.0.254, AS 65000; IPv6 over a second session), whose BIRD installs them in its kernel. The test reads rt's kernel:
what an upstream router would forward on.
"""

import os
import signal
import time
import unittest

from anycast_probe_driver import DEVICE, PROTO, UPSTREAM_BIRD_CONF, Probe
from netlab import Lab, require_tools, wait_for

TABLE = 100

DIR_CONF = """
router id 10.99.0.1;
log stderr all;
protocol device { scan time 10; }
protocol kernel lbd_routes {
  kernel table %(table)d;
  learn;
  scan time 10;
  ipv4 { import where krt_source = %(proto)d; export none; };
}
protocol kernel lbd_routes6 {
  kernel table %(table)d;
  learn;
  scan time 10;
  ipv6 { import where krt_source = %(proto)d; export none; };
}
protocol bgp upstream {
  local 10.99.0.1 as 65001;
  neighbor 10.99.0.254 as 65000;
  connect delay time 1;
  ipv4 { import none; export where proto = "lbd_routes"; };
}
protocol bgp upstream6 {
  local fd99::1 as 65001;
  neighbor fd99::254 as 65000;
  connect delay time 1;
  ipv6 { import none; export where proto = "lbd_routes6"; };
}
""" % {"table": TABLE, "proto": PROTO}



class AnycastThroughBird(unittest.TestCase):
    def test_routes_follow_the_desired_set_and_vanish_with_the_process(self):
        require_tools("bird", "birdc")
        with Lab("anyc") as lab:
            lab.add_bridge()
            lab.add_ns("dir")
            lab.add_ns("rt")
            lab.attach("dir", ["10.99.0.1/24", "fd99::1/64"])
            lab.attach("rt", ["10.99.0.254/24", "fd99::254/64"])
            for short, conf in (("dir", DIR_CONF), ("rt", UPSTREAM_BIRD_CONF)):
                path = os.path.join(lab.dir, "bird-%s.conf" % short)
                with open(path, "w") as f:
                    f.write(conf)
                lab.spawn(short, ["bird", "-f", "-c", path, "-s", os.path.join(lab.dir, "bird-%s.ctl" % short)],
                          name="bird")
            # A route of someone else in the same table, and one in the main table: never lbd's.
            lab.sh(["ip", "-n", lab.ns("dir"), "route", "add", "198.51.100.0/24", "dev", "eth0", "table",
                    str(TABLE)])
            lab.sh(["ip", "-n", lab.ns("dir"), "route", "add", "198.51.101.0/24", "dev", "eth0"])

            def rt_route(dst):
                if ":" in dst:
                    r = lab.sh(["ip", "-6", "-n", lab.ns("rt"), "route", "show", dst], check=False)
                    return "via fd99::1" in r.stdout
                r = lab.sh(["ip", "-n", lab.ns("rt"), "route", "show", dst], check=False)
                return "via 10.99.0.1" in r.stdout

            def dir_routes():
                r = lab.sh(["ip", "-n", lab.ns("dir"), "route", "show", "table", str(TABLE)], check=False)
                return r.stdout

            probe = Probe(lab, "dir", TABLE)
            self.assertEqual(probe.want("192.0.2.10/32", "192.0.2.11/32"), "applied add=2 remove=0")
            self.assertIn("192.0.2.10 dev %s proto %d scope link" % (DEVICE, PROTO), dir_routes())
            wait_for(lambda: rt_route("192.0.2.10") and rt_route("192.0.2.11"), 60,
                     what="the upstream router to install both VIP routes")

            # The same set again: nothing to do. One fewer: only that one is withdrawn.
            self.assertEqual(probe.want("192.0.2.10/32", "192.0.2.11/32"), "applied add=0 remove=0")
            self.assertEqual(probe.want("192.0.2.11/32"), "applied add=0 remove=1")
            wait_for(lambda: not rt_route("192.0.2.10"), 20, what="the withdrawal of 192.0.2.10")
            self.assertTrue(rt_route("192.0.2.11"))
            self.assertIn("198.51.100.0/24 dev eth0", dir_routes())

            # An empty set withdraws lbd's routes and nothing else.
            self.assertEqual(probe.want(), "applied add=0 remove=1")
            wait_for(lambda: not rt_route("192.0.2.11"), 20, what="the withdrawal of 192.0.2.11")
            self.assertIn("198.51.100.0/24 dev eth0", dir_routes())

            # SIGKILL: no clean-up runs, yet the device and its routes go with the process, and the
            # upstream router stops forwarding to this director.
            vips = ("192.0.2.10", "192.0.2.11", "2001:db8::10")
            self.assertEqual(probe.want("192.0.2.10/32", "192.0.2.11/32", "2001:db8::10/128"),
                             "applied add=3 remove=0")
            wait_for(lambda: all(rt_route(v) for v in vips), 60,
                     what="the upstream router to install the three VIP routes")
            killed_at = time.monotonic()
            probe.proc.signal(signal.SIGKILL)
            probe.proc.wait(10)
            wait_for(lambda: not any(rt_route(v) for v in vips), 30,
                     what="the upstream router to drop the routes of the killed process")
            withdrawn_s = time.monotonic() - killed_at
            print("withdrawal at the upstream router after SIGKILL: %.2f s" % withdrawn_s)
            link = lab.sh(["ip", "-n", lab.ns("dir"), "link", "show", DEVICE], check=False)
            self.assertNotEqual(link.returncode, 0, "the device outlived the process")
            self.assertNotIn("192.0.2.1", dir_routes())
            self.assertIn("198.51.100.0/24 dev eth0", dir_routes())
            main = lab.sh(["ip", "-n", lab.ns("dir"), "route", "show"]).stdout
            self.assertIn("198.51.101.0/24 dev eth0", main)

            # A new process announces again.
            probe = Probe(lab, "dir", TABLE)
            self.assertEqual(probe.want("192.0.2.10/32"), "applied add=1 remove=0")
            wait_for(lambda: rt_route("192.0.2.10"), 60, what="the route to come back")


if __name__ == "__main__":
    unittest.main()
