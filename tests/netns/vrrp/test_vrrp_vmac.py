# SPDX-License-Identifier: GPL-2.0-or-later
"""use_vmac against keepalived 2.2.7 with use_vmac on the same VRID (RFC 5798 section 7.3).

lbd (d1, priority 150) and keepalived (d2, priority 100) each put the VIP on a private macvlan
vrrp.51 whose MAC is the virtual router MAC. Checked on the lbd side: the macvlan and its settings
(arp_ignore, accept_local, rp_filter; arp_ignore and arp_filter on eth0), the VIP on the macvlan
only, adverts leaving from the virtual MAC with eth0's address as source, and every ARP reply for
the VIP the client hears carrying the virtual MAC (eth0 never answers for it). A clean stop hands
the VIP to keepalived, removes the macvlan and gives eth0 its settings back; lbd comes back,
preempts, and the client's entry for the VIP is the virtual MAC again (lbd's eth0 gets
arp_announce=2 too, so its ARP requests never name the VIP; keepalived's do). Killed (no clean-up), lbd leaves the macvlan; the
next lbd keeps it. IPv6: the macvlan carries the instance's link-local address and the IPv6 virtual
MAC, and the client reaches the VIP through it.
"""

import unittest

from keepalived import Keepalived, vrrp_conf
from netlab import wait_for
from vrrplab import ADDR, LL, VIP, VIP6, DumpcapCapture, Lbd, VrrpLab, vrrp_section

VMAC4 = "00:00:5e:00:01:33"
VMAC6 = "00:00:5e:00:02:33"


class Vmac(unittest.TestCase):
    def setUp(self):
        self.lab = VrrpLab("vmac")
        self.lab.__enter__()
        self.addCleanup(self.lab.__exit__, None, None, None)

    def sysctl(self, short, key):
        return self.lab.sh(["sysctl", "-n", key], ns=self.lab.ns(short)).stdout.strip()

    def base_arp(self):
        return [self.sysctl("d1", "net.ipv4.conf.eth0." + k) for k in ("arp_ignore", "arp_filter", "arp_announce")]

    def link(self, short, ifname="vrrp.51"):
        """`ip -d link show` of the interface, "" when there is none."""
        return self.lab.sh(["ip", "-n", self.lab.ns(short), "-d", "link", "show", ifname], check=False).stdout

    def macs(self):
        """Who is who, for a failure message."""
        return "eth0 of d1 %s, of d2 %s; client's neighbours:\n%s" % (
            self.lab.mac("d1"), self.lab.mac("d2"),
            self.lab.sh(["ip", "-n", self.lab.ns("cl"), "neigh"], check=False).stdout)

    def ka_is(self, ka, state, timeout=10):
        wait_for(lambda: ka.vrrp_state() == state, timeout, what="keepalived %s" % state)

    def test_ipv4_with_keepalived(self):
        lab = self.lab
        capture = DumpcapCapture(lab, "cl", "eth0", "ip proto 112 or arp")
        base_arp = self.base_arp()
        section = vrrp_section(priority=150, extra="use_vmac = true\n")
        lbd = Lbd(lab, "d1", section)
        ka = Keepalived(lab, "d2", vrrp_conf("d2", 51, 100, 3, "0.1", (VIP + "/24",), use_vmac=True))
        lbd.wait_state("MASTER", 10)
        self.ka_is(ka, "BACKUP")

        link = self.link("d1")
        self.assertIn("macvlan mode private", link)
        self.assertIn("link/ether " + VMAC4, link)
        self.assertIn("vrrp.51@eth0", link)
        self.assertTrue(lab.has_address("d1", VIP, "vrrp.51"))
        self.assertFalse(lab.has_address("d1", VIP, "eth0"))
        for key, want in (("vrrp/51.arp_ignore", "1"), ("vrrp/51.accept_local", "1"), ("vrrp/51.rp_filter", "0"),
                          ("eth0.arp_ignore", "1"), ("eth0.arp_filter", "1"), ("eth0.arp_announce", "2")):
            self.assertEqual(self.sysctl("d1", "net.ipv4.conf." + key), want, key)

        # The client reaches the VIP through the virtual MAC; d2 (BACKUP, macvlan up, no VIP) stays quiet.
        wait_for(lambda: lab.ping_ok("cl", VIP), 10, what="the VIP answering")
        self.assertEqual(lab.neighbour_mac("cl", VIP), VMAC4, self.macs())

        # Clean stop: keepalived takes over under the same MAC. keepalived 2.2.7 leaves the base's
        # arp_announce alone, so its base's ARP requests for the client name the VIP as sender and
        # the client's entry may end on d2's own MAC: both are accepted here, the VIP must answer.
        self.assertEqual(lbd.terminate(), 0, lbd.log())
        self.ka_is(ka, "MASTER")
        wait_for(lambda: lab.ping_ok("cl", VIP), 10, what="the VIP answering from keepalived")
        self.assertIn(lab.neighbour_mac("cl", VIP), (VMAC4, lab.mac("d2")), self.macs())
        self.assertEqual(self.link("d1"), "", "the macvlan removed at stop")
        self.assertEqual(self.base_arp(), base_arp, "eth0's settings restored")

        # Back: lbd preempts.
        lbd = Lbd(lab, "d1", section)
        lbd.wait_state("MASTER", 10)
        self.ka_is(ka, "BACKUP")
        wait_for(lambda: lab.ping_ok("cl", VIP), 10, what="the VIP answering from lbd again")
        wait_for(lambda: lab.ping_ok("cl", VIP) and lab.neighbour_mac("cl", VIP) == VMAC4, 10,
                 what="the client's entry on the virtual MAC again: " + self.macs())

        capture.stop()
        adverts = capture.decode("vrrp && ip.src == %s" % ADDR["d1"], ["eth.src", "ip.src"])
        self.assertGreater(len(adverts), 0)
        self.assertEqual({a["eth.src"] for a in adverts}, {VMAC4}, "lbd's adverts leave from the virtual MAC")
        replies = capture.decode("arp.opcode == 2 && arp.src.proto_ipv4 == %s" % VIP, ["arp.src.hw_mac"])
        self.assertGreater(len(replies), 0, "ARP replies for the VIP")
        self.assertEqual({r["arp.src.hw_mac"] for r in replies}, {VMAC4}, "only the virtual MAC answers for the VIP")

        # Killed: the macvlan (and the VIP) stay; the next lbd keeps the macvlan.
        lbd.kill()
        self.ka_is(ka, "MASTER")
        self.assertIn("link/ether " + VMAC4, self.link("d1"))
        lbd = Lbd(lab, "d1", section)
        lbd.wait_state("MASTER", 10)
        self.assertIn("vrrp.51 on eth0 kept from an earlier run", lbd.log())
        self.ka_is(ka, "BACKUP")
        wait_for(lambda: lab.ping_ok("cl", VIP), 10, what="the VIP answering after the restart")
        self.assertEqual(lab.neighbour_mac("cl", VIP), VMAC4, self.macs())

    def test_ipv6_with_keepalived(self):
        lab = self.lab
        section = vrrp_section(priority=150, vips=(VIP6 + "/64",), extra="use_vmac = true\n")
        lbd = Lbd(lab, "d1", section)
        ka = Keepalived(lab, "d2", vrrp_conf("d2", 51, 100, 3, "0.1", (VIP6 + "/64",), use_vmac=True))
        lbd.wait_state("MASTER", 10)
        self.ka_is(ka, "BACKUP")
        self.assertIn("link/ether " + VMAC6, self.link("d1"))
        self.assertTrue(lab.has_address("d1", LL["d1"], "vrrp.51"), "the link-local source copied onto the macvlan")
        self.assertTrue(lab.has_address("d1", VIP6, "vrrp.51"))
        wait_for(lambda: lab.ping_ok("cl", VIP6), 10, what="the IPv6 VIP answering")
        self.assertEqual(lab.neighbour_mac("cl", VIP6), VMAC6)
        self.assertEqual(lbd.terminate(), 0, lbd.log())
        self.ka_is(ka, "MASTER")
        wait_for(lambda: lab.ping_ok("cl", VIP6), 10, what="the IPv6 VIP answering from keepalived")
        self.assertEqual(lab.neighbour_mac("cl", VIP6), VMAC6)


if __name__ == "__main__":
    unittest.main()
