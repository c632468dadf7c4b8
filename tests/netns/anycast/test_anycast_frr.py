# SPDX-License-Identifier: GPL-2.0-or-later
"""lbd's announced routes through FRR (zebra + bgpd, Debian 12's 8.4), upstream over eBGP.

dir (10.99.0.1, AS 65001) runs anycast_probe (lbd's device and routes) and an FRR of its own: zebra
learns the kernel routes, bgpd redistributes those through the device lbd-anycast (route-map
LBD-ANYCAST, `match interface`) to rt (10.99.0.254, AS 65000; IPv6 over a second session), whose
BIRD installs them in its kernel. The test reads rt's kernel: what an upstream router would forward
on. lbd's routes live in the main table, where zebra learns kernel routes: FRR 8.4 imports another
table only for IPv4 (`ip import-table`; it has no `ipv6 import-table`).

Each FRR daemon runs in the foreground with its paths (config, pid file, zebra API socket, vty
sockets) in the lab directory, a pathspace of the test's own (-N) for any other, and no TCP vty,
so it shares nothing with a system-wide FRR. They drop privileges to the package's user frr, as a
system-wide FRR does.
"""

import os
import shutil
import signal
import time
import unittest

from anycast_probe_driver import DEVICE, PROTO, UPSTREAM_BIRD_CONF, Probe
from netlab import Lab, require_tools, wait_for

FRR_DIR = "/usr/lib/frr"
MAIN_TABLE = 254
FOREIGN_TABLE = 100

# zebra needs nothing: it learns every kernel route of the main table on its own.
ZEBRA_CONF = """
hostname dir
log stdout informational
"""

BGPD_CONF = """
hostname dir
log stdout informational
!
route-map LBD-ANYCAST permit 10
 match interface %(device)s
!
router bgp 65001
 bgp router-id 10.99.0.1
 no bgp default ipv4-unicast
 ! The redistribution route-map is this session's whole export policy.
 no bgp ebgp-requires-policy
 neighbor 10.99.0.254 remote-as 65000
 neighbor 10.99.0.254 timers connect 1
 neighbor 10.99.0.254 advertisement-interval 0
 neighbor fd99::254 remote-as 65000
 neighbor fd99::254 timers connect 1
 neighbor fd99::254 advertisement-interval 0
 address-family ipv4 unicast
  redistribute kernel route-map LBD-ANYCAST
  neighbor 10.99.0.254 activate
 exit-address-family
 address-family ipv6 unicast
  redistribute kernel route-map LBD-ANYCAST
  neighbor fd99::254 activate
 exit-address-family
!
"""



def pathspace(lab, short):
    """FRR's name for the test's instance: any path not given on the command line lands under it
    (/run/frr/NAME/...), away from a system-wide FRR's. The daemons create that directory."""
    return "lbd-test-%s" % lab.ns(short)


def remove_pathspace(name):
    path = os.path.join("/run/frr", name)
    if os.path.isdir(path):
        os.rmdir(path)  # fails if FRR put a file there: a path the test should name itself


def start_frr(lab, short, configs):
    """zebra and bgpd of FRR in namespace `short`: config, pid files, zebra's API socket and vty
    sockets in the lab directory, anything else under the test's pathspace."""
    base = os.path.join(lab.dir, "frr-%s" % short)
    vty = os.path.join(base, "vty")
    os.makedirs(vty)
    for daemon in ("zebra", "bgpd"):
        with open(os.path.join(base, "%s.conf" % daemon), "w") as f:
            f.write(configs[daemon])
    # The daemons run as the package's user frr: let them through the lab directory into theirs.
    os.chmod(lab.dir, 0o711)
    for name in [base, vty] + [os.path.join(base, f) for f in os.listdir(base)]:
        shutil.chown(name, "frr", "frr")
    zserv = os.path.join(base, "zserv.api")
    procs = []
    for daemon in ("zebra", "bgpd"):
        proc = lab.spawn(short, [os.path.join(FRR_DIR, daemon), "-f", os.path.join(base, "%s.conf" % daemon),
                                 "-i", os.path.join(base, "%s.pid" % daemon), "-z", zserv,
                                 "-N", pathspace(lab, short), "--vty_socket", vty, "-P", "0",
                                 "--log", "stdout"], name=daemon)
        sock = os.path.join(vty, "%s.vty" % daemon)
        wait_for(lambda: os.path.exists(sock) or not proc.alive(), 20, what="%s's vty socket" % daemon)
        if not proc.alive():
            raise AssertionError("%s failed: %s" % (daemon, proc.log()))
        procs.append(proc)
    return vty, procs


def assert_configs_taken(procs):
    """A daemon carries on past a configuration line it does not know: the test must not. Called
    once the routes are upstream, that is after the daemons read their configuration."""
    for proc in procs:
        if "No such command" in proc.log() or "Unknown command" in proc.log():
            raise AssertionError("%s rejected a configuration line: %s" % (proc.name, proc.log()))


def link_local_ready(lab, short):
    r = lab.sh(["ip", "-6", "-n", lab.ns(short), "addr", "show", "dev", "eth0", "scope", "link"], check=False)
    return "inet6 fe80::" in r.stdout and "tentative" not in r.stdout


class AnycastThroughFrr(unittest.TestCase):
    def test_routes_follow_the_desired_set_and_vanish_with_the_process(self):
        table = MAIN_TABLE
        require_tools("bird", os.path.join(FRR_DIR, "zebra"), os.path.join(FRR_DIR, "bgpd"), "vtysh")
        with Lab("anyf") as lab:
            self.addCleanup(remove_pathspace, pathspace(lab, "dir"))
            lab.add_bridge()
            lab.add_ns("dir")
            lab.add_ns("rt")
            lab.attach("dir", ["10.99.0.1/24", "fd99::1/64"])
            lab.attach("rt", ["10.99.0.254/24", "fd99::254/64"])
            # Routes of someone else, present before FRR starts: one in another table, and one per
            # family in lbd's, the main table. zebra learns those as kernel routes like lbd's; only
            # the route-map keeps them home.
            lab.sh(["ip", "-n", lab.ns("dir"), "route", "add", "198.51.100.0/24", "dev", "eth0", "table",
                    str(FOREIGN_TABLE)])
            lab.sh(["ip", "-n", lab.ns("dir"), "route", "add", "198.51.101.0/24", "dev", "eth0"])
            lab.sh(["ip", "-6", "-n", lab.ns("dir"), "route", "add", "2001:db8:f::/64", "dev", "eth0"])
            rt_conf = os.path.join(lab.dir, "bird-rt.conf")
            with open(rt_conf, "w") as f:
                f.write(UPSTREAM_BIRD_CONF)
            lab.spawn("rt", ["bird", "-f", "-c", rt_conf, "-s", os.path.join(lab.dir, "bird-rt.ctl")], name="bird")
            # bgpd takes the IPv6 session's link-local next hop from eth0 when it starts and waits
            # forever if the address is still tentative then; a real director has long had one.
            wait_for(lambda: link_local_ready(lab, "dir"), 20, what="eth0's IPv6 link-local address in dir")
            vty, frr = start_frr(lab, "dir", {"zebra": ZEBRA_CONF, "bgpd": BGPD_CONF % {"device": DEVICE}})

            def vtysh(command):
                r = lab.sh(["vtysh", "--vty_socket", vty, "-c", command], ns=lab.ns("dir"), check=False)
                return r.stdout + r.stderr

            def rt_route(dst):
                if ":" in dst:
                    # Over IPv6 bgpd sends its link-local next hop too, which BIRD prefers.
                    r = lab.sh(["ip", "-6", "-n", lab.ns("rt"), "route", "show", dst], check=False)
                    return "dev eth0 proto bird" in r.stdout
                r = lab.sh(["ip", "-n", lab.ns("rt"), "route", "show", dst], check=False)
                return "via 10.99.0.1" in r.stdout

            def dir_routes():
                r = lab.sh(["ip", "-n", lab.ns("dir"), "route", "show", "table", str(table)], check=False)
                return r.stdout

            def wait_upstream(condition, timeout, what):
                try:
                    wait_for(condition, timeout, what=what)
                except Exception:
                    print(vtysh("show bgp summary"))
                    print(vtysh("show ip route"))
                    print(vtysh("show bgp ipv4 unicast"))
                    print(vtysh("show bgp ipv6 unicast"))
                    raise

            probe = Probe(lab, "dir", table)
            self.assertEqual(probe.want("192.0.2.10/32", "192.0.2.11/32", "2001:db8::10/128"),
                             "applied add=3 remove=0")
            self.assertIn("192.0.2.10 dev %s proto %d scope link" % (DEVICE, PROTO), dir_routes())
            wait_upstream(lambda: all(rt_route(v) for v in ("192.0.2.10", "192.0.2.11", "2001:db8::10")), 60,
                          "the upstream router to install the three VIP routes")
            assert_configs_taken(frr)
            # The other kernel routes reached zebra as well, and went no further.
            for foreign in ("198.51.100.0/24", "198.51.101.0/24", "2001:db8:f::/64"):
                self.assertFalse(rt_route(foreign), "%s was announced" % foreign)

            # The same set again: nothing to do. One fewer: only that one is withdrawn.
            self.assertEqual(probe.want("192.0.2.10/32", "192.0.2.11/32", "2001:db8::10/128"),
                             "applied add=0 remove=0")
            self.assertEqual(probe.want("192.0.2.11/32", "2001:db8::10/128"), "applied add=0 remove=1")
            wait_upstream(lambda: not rt_route("192.0.2.10"), 20, "the withdrawal of 192.0.2.10")
            self.assertTrue(rt_route("192.0.2.11"))
            self.assertTrue(rt_route("2001:db8::10"))

            # An empty set withdraws lbd's routes and nothing else.
            self.assertEqual(probe.want(), "applied add=0 remove=2")
            wait_upstream(lambda: not rt_route("192.0.2.11") and not rt_route("2001:db8::10"), 20,
                          "the withdrawal of 192.0.2.11 and 2001:db8::10")
            dir_table = lab.sh(["ip", "-n", lab.ns("dir"), "route", "show", "table", str(FOREIGN_TABLE)]).stdout
            self.assertIn("198.51.100.0/24 dev eth0", dir_table)
            self.assertIn("198.51.101.0/24 dev eth0", lab.sh(["ip", "-n", lab.ns("dir"), "route", "show"]).stdout)

            # SIGKILL: no clean-up runs, yet the device and its routes go with the process, zebra
            # sees them go, and the upstream router stops forwarding to this director.
            vips = ("192.0.2.10", "192.0.2.11", "2001:db8::10")
            self.assertEqual(probe.want("192.0.2.10/32", "192.0.2.11/32", "2001:db8::10/128"),
                             "applied add=3 remove=0")
            wait_upstream(lambda: all(rt_route(v) for v in vips), 60,
                          "the upstream router to install the three VIP routes")
            killed_at = time.monotonic()
            probe.proc.signal(signal.SIGKILL)
            probe.proc.wait(10)
            wait_upstream(lambda: not any(rt_route(v) for v in vips), 30,
                          "the upstream router to drop the routes of the killed process")
            withdrawn_s = time.monotonic() - killed_at
            print("withdrawal at the upstream router after SIGKILL: %.2f s" % withdrawn_s)
            link = lab.sh(["ip", "-n", lab.ns("dir"), "link", "show", DEVICE], check=False)
            self.assertNotEqual(link.returncode, 0, "the device outlived the process")
            self.assertNotIn("192.0.2.1", dir_routes())
            self.assertIn("198.51.100.0/24 dev eth0",
                          lab.sh(["ip", "-n", lab.ns("dir"), "route", "show", "table", str(FOREIGN_TABLE)]).stdout)

            # A new process announces again.
            probe = Probe(lab, "dir", table)
            self.assertEqual(probe.want("192.0.2.10/32", "2001:db8::10/128"), "applied add=2 remove=0")
            wait_upstream(lambda: rt_route("192.0.2.10") and rt_route("2001:db8::10"), 60,
                          "the routes to come back")


if __name__ == "__main__":
    unittest.main()
