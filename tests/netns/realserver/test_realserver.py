# SPDX-License-Identifier: GPL-2.0-or-later
"""lbctl realserver on a real server in a namespace, seen from a client on the same segment."""

import json
import os
import subprocess
import unittest

from netlab import Lab, wait_for

LBCTL = os.environ["LBCTL"]
VIP = "10.78.0.100"
VIP6 = "fd00:78::100"


class RealServerSetup(unittest.TestCase):
    def setUp(self):
        self.lab = Lab("rsetup")
        self.lab.__enter__()
        self.addCleanup(self.lab.__exit__, None, None, None)
        self.lab.add_bridge()
        for short, addrs in (("rs", ["10.78.0.21/24", "fd00:78::21/64"]), ("cl", ["10.78.0.2/24", "fd00:78::2/64"])):
            self.lab.add_ns(short)
            self.lab.attach(short, addrs)
        wait_for(lambda: self.lab.ping_ok("cl", "10.78.0.21"), 10, what="client reaching the real server")

    def lbctl(self, *args):
        return self.lab.sh([LBCTL, "realserver"] + list(args), ns=self.lab.ns("rs"), check=False)

    def sysctl(self, key):
        return self.lab.sh(["cat", "/proc/sys/" + key.replace(".", "/")], ns=self.lab.ns("rs")).stdout.strip()

    def lo_addresses(self):
        return self.lab.addresses("rs", "lo")

    def test_dr_setup_silences_arp_for_the_vip_and_is_idempotent(self):
        # Without the helper, a VIP on lo is answered for on eth0 (Linux's weak host model).
        self.lab.sh(["ip", "addr", "add", VIP + "/32", "dev", "lo"], ns=self.lab.ns("rs"))
        self.assertTrue(self.lab.ping_ok("cl", VIP), "baseline: the real server answers ARP for a VIP on lo")
        self.lab.sh(["ip", "addr", "del", VIP + "/32", "dev", "lo"], ns=self.lab.ns("rs"))
        self.lab.sh(["ip", "neigh", "flush", "dev", "eth0"], ns=self.lab.ns("cl"))

        dry = self.lbctl("setup", "--vip", VIP, "--dry-run")
        self.assertEqual(dry.returncode, 0, dry.stderr)
        self.assertIn("would set net.ipv4.conf.all.arp_ignore 0 -> 1", dry.stdout)
        self.assertIn("would set net.ipv4.conf.all.arp_announce 0 -> 2", dry.stdout)
        self.assertIn("would add %s/32 to lo" % VIP, dry.stdout)
        self.assertEqual(self.sysctl("net.ipv4.conf.all.arp_ignore"), "0", "dry run changed nothing")
        self.assertNotIn(VIP, self.lo_addresses())

        done = self.lbctl("setup", "--vip", VIP)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(self.sysctl("net.ipv4.conf.all.arp_ignore"), "1")
        self.assertEqual(self.sysctl("net.ipv4.conf.all.arp_announce"), "2")
        self.assertIn(VIP, self.lo_addresses())
        self.assertFalse(self.lab.ping_ok("cl", VIP), "after setup nobody on the segment answers for the VIP")

        again = self.lbctl("setup", "--vip", VIP, "--json")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(json.loads(again.stdout)["changes"], [], "second run changes nothing")

        down = self.lbctl("teardown", "--vip", VIP)
        self.assertEqual(down.returncode, 0, down.stderr)
        self.assertIn("delete %s/32 from lo" % VIP, down.stdout)
        self.assertNotIn(VIP, self.lo_addresses())
        self.assertIn("nothing to change", self.lbctl("teardown", "--vip", VIP).stdout)

    def test_dr_ipv6_puts_the_vip_on_lo_without_touching_arp(self):
        done = self.lbctl("setup", "--vip", VIP6, "--json")
        self.assertEqual(done.returncode, 0, done.stderr)
        changes = [c["change"] for c in json.loads(done.stdout)["changes"]]
        self.assertEqual(changes, ["add %s/128 to lo" % VIP6])
        self.assertIn(VIP6, self.lo_addresses())
        self.assertEqual(self.sysctl("net.ipv4.conf.all.arp_ignore"), "0")
        self.assertFalse(self.lab.ping_ok("cl", VIP6), "a VIP on lo is not answered for on eth0")

    def test_bad_vip_is_refused(self):
        r = self.lbctl("setup", "--vip", "10.78.0.300")
        self.assertEqual(r.returncode, 2)
        self.assertIn("is not an IPv4 or IPv6 address", r.stderr)


if __name__ == "__main__":
    unittest.main()
