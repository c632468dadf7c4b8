# SPDX-License-Identifier: GPL-2.0-or-later
"""lbd's announced routes through a real routing daemon (BIRD 2), upstream over eBGP.

dir (10.99.0.1, AS 65001) runs anycast_probe (lbd's device and routes) and BIRD, whose kernel
protocol learns the routes of lbd's protocol number from table 100 and exports them over BGP to
rt (10.99.0.254, AS 65000; IPv6 over a second session), whose BIRD installs them in its kernel. The test reads rt's kernel:
what an upstream router would forward on. `lbctl anycast` shows dir's sessions as birdc reads them.
"""

import os
import re
import signal
import socket
import subprocess
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


# A real lbd on dir with one anycast group. This host's kernel has no IPVS, so lbd never completes a
# reconcile pass and the group stays withdrawn (its device is never opened): what `lbctl anycast`
# shows of it is real, and the probe's device and routes stay the only ones.
LBD_CONF = """
[global]
control_socket = "%(socket)s"
anycast_device = "lbd-any2"
[ipvs]
sloppy_tcp = true
[[anycast]]
name = "web"
virtual_ips = ["192.0.2.50"]
[[virtual_server]]
name = "http"
address = "192.0.2.50:80"
anycast = "web"
scheduler = "mh"
forwarding = "dr"
[[virtual_server.real_server]]
address = "10.99.0.21:80"
"""


def lbctl_anycast(lbd_socket, bird_socket):
    r = subprocess.run([os.environ["LBCTL"], "-s", lbd_socket, "anycast", "--bird-socket", bird_socket],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise AssertionError("lbctl anycast exited %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    return r.stdout



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

            # lbctl anycast: the group as lbd has it, then both sessions as birdc shows them.
            lbd_socket = os.path.join(lab.dir, "lbd.sock")
            lbd_conf = os.path.join(lab.dir, "lbd.conf")
            with open(lbd_conf, "w") as f:
                f.write(LBD_CONF % {"socket": lbd_socket})
            lab.spawn("dir", [os.environ["LBD"], "-f", lbd_conf], name="lbd")
            wait_for(lambda: os.path.exists(lbd_socket), 30, what="lbd's control socket")
            bird_ctl = os.path.join(lab.dir, "bird-dir.ctl")

            def sessions_up():
                out = lbctl_anycast(lbd_socket, bird_ctl)
                up = [re.search(r"^  %s +Established +\S" % s, out, re.M) for s in ("upstream", "upstream6")]
                return out if all(up) else None

            shown = wait_for(sessions_up, 30, interval=0.5, what="lbctl anycast to show both sessions Established")
            print(shown)
            self.assertRegex(shown, r"^GROUP +VIRTUAL IPS +ROUTES .*\nweb +192\.0\.2\.50 on lo +withdrawn +0/0 \(0%\) +"
                                    r"0%-0% +- +waiting for the first IPVS pass\n\n"
                                    r"Routing daemon \(BIRD 2\.[0-9.]+, birdc\):\n  SESSION +STATE +SINCE +INFO\n")
            # A BIRD that takes the connection and never answers: birdc is killed after lbctl's 2 s and
            # the command still succeeds.
            hung_ctl = os.path.join(lab.dir, "hung.ctl")
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as hung:
                hung.bind(hung_ctl)
                hung.listen(1)
                asked_at = time.monotonic()
                out = lbctl_anycast(lbd_socket, hung_ctl)
                print("lbctl anycast with a BIRD that does not answer: %.2f s" % (time.monotonic() - asked_at))
                self.assertLess(time.monotonic() - asked_at, 10)
            self.assertIn("Routing daemon (BIRD, birdc): sessions not read: /usr/sbin/birdc: timed out", out)

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
