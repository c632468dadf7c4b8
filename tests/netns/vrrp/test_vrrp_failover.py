# SPDX-License-Identifier: GPL-2.0-or-later
"""Two lbd processes in one VRID: election, failover (crash, link down, clean stop) and preemption."""

import time
import unittest

from netlab import wait_for
from vrrplab import ADDR, VIP, AdvertCapture, Lbd, VrrpLab, timers, vrrp_section

# Generous margins: the host may be a loaded 2-core machine. Lower bounds come from the protocol.
SLACK = 1.5


class LbdPair(unittest.TestCase):
    def setUp(self):
        self.lab = VrrpLab("vfail")
        self.lab.__enter__()
        self.addCleanup(self.lab.__exit__, None, None, None)
        self.capture = AdvertCapture(self.lab, "d1")

    def tearDown(self):
        self.capture.stop()

    def start_pair(self, extra1="", extra2="", p1=150, p2=100, version=3, interval="100ms"):
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=p1, version=version, interval=interval, extra=extra1))
        d2 = Lbd(self.lab, "d2", vrrp_section(priority=p2, version=version, interval=interval, extra=extra2))
        return d1, d2

    def check_adverts(self):
        rows = self.capture.check(self, {ADDR["d1"], ADDR["d2"]})
        return rows

    def test_election_by_priority_then_failover_on_sigkill(self):
        # Started together, either may win the first Master_Down_Interval on a loaded host (the
        # protocol allows it); the higher priority must end up MASTER.
        d1, d2 = self.start_pair()
        d1.wait_state("MASTER", 10)
        d2.wait_state("BACKUP", 10)
        self.lab.wait_vip_only_on("d1", 5)
        self.assertEqual(self.lab.client_neighbour(), self.lab.mac("d1"))
        # A lower priority joining a running MASTER hears its adverts and never takes over.
        d2.kill()
        d2 = Lbd(self.lab, "d2", vrrp_section(priority=100, version=3, interval="100ms"))
        d2.wait_state("BACKUP", 10)
        seen = len(d2.transitions())
        wait_for(lambda: d2.vrrp_status()["master"] == ADDR["d1"], 5, what="d2 to learn the MASTER")
        self.assertNotIn("MASTER", [t[1] for t in d2.transitions()], "the lower priority never took over")
        self.assertEqual(len(d2.transitions()), seen)
        s1 = d1.vrrp_status()
        self.assertEqual((s1["state"], s1["master"], s1["priority"], s1["effective_priority"], s1["vrid"]),
                         ("MASTER", ADDR["d1"], 150, 150, 51))
        self.assertEqual(s1["virtual_ips"], [VIP + "/24"])
        self.assertEqual((s1["last_transition"]["from"], s1["last_transition"]["to"]), ("BACKUP", "MASTER"))
        self.assertRegex(s1["last_transition"]["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        s2 = d2.vrrp_status()
        self.assertEqual((s2["state"], s2["master"], s2["fault_reason"], s2["sync_group"]),
                         ("BACKUP", ADDR["d1"], "", None))

        down, _ = timers(3, 0.1, 100)
        start = time.monotonic()
        d1.kill()  # a crash: no priority-0 advert, the VIP stays behind on d1
        d2.wait_state("MASTER", down + SLACK)
        took = time.monotonic() - start
        self.assertGreaterEqual(took, down - 0.1 - 0.05, "not before Master_Down_Interval minus one advert")
        self.assertIn(VIP, self.lab.addresses("d2"))
        # d2's gratuitous ARPs move the client although the dead d1 still holds the address.
        wait_for(lambda: self.lab.client_neighbour() == self.lab.mac("d2"), 5, what="client ARP entry on d2")
        self.check_adverts()

    def test_failover_on_link_down_and_preemption_back(self):
        d1, d2 = self.start_pair()
        d1.wait_state("MASTER", 10)
        d2.wait_state("BACKUP", 10)
        down, _ = timers(3, 0.1, 100)
        start = time.monotonic()
        self.lab.set_port("d1", False)  # cable pulled
        d2.wait_state("MASTER", down + SLACK)
        took = time.monotonic() - start
        self.assertGreaterEqual(took, down - 0.1 - 0.05)
        d1.wait_state("FAULT", 5)  # its own interface lost carrier
        self.lab.wait_vip_only_on("d2", 5)
        self.assertTrue(self.lab.ping_ok("cl", VIP))

        self.lab.set_port("d1", True)
        d1.wait_state("MASTER", 5)  # back to BACKUP, then preempts the lower priority
        d2.wait_state("BACKUP", 5)
        self.lab.wait_vip_only_on("d1", 5)
        self.assertEqual([t[1] for t in d1.transitions()][-3:], ["FAULT", "BACKUP", "MASTER"])
        self.check_adverts()

    def test_clean_stop_hands_over_after_skew_time(self):
        d1, d2 = self.start_pair()
        d1.wait_state("MASTER", 10)
        d2.wait_state("BACKUP", 10)
        _, skew = timers(3, 0.1, 100)
        start = time.monotonic()
        d1.proc.signal(15)
        d2.wait_state("MASTER", skew + SLACK)
        took = time.monotonic() - start
        self.assertEqual(d1.proc.wait(10), 0, d1.log())
        self.assertIn("sent priority 0", d2.transitions()[-1][2])
        self.assertLess(took, 0.3 + SLACK, "well before Master_Down_Interval: the priority-0 advert was heard")
        self.assertNotIn(VIP, self.lab.addresses("d1"), "the stopped director removed its VIP")
        self.lab.wait_vip_only_on("d2", 5)
        self.assertEqual(d1.transitions()[-1][:2], ("MASTER", "INIT"))
        rows = self.check_adverts()
        self.assertIn("0", [r["vrrp.prio"] for r in rows if r["ip.src"] == ADDR["d1"]], "priority-0 advert on the wire")

    def test_no_preempt_keeps_the_lower_priority_master(self):
        d2 = Lbd(self.lab, "d2", vrrp_section(priority=100))
        d2.wait_state("MASTER", 10)
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, extra="preempt = false\n"))
        d1.wait_state("BACKUP", 10)
        down, _ = timers(3, 0.1, 150)
        # Several Master_Down_Intervals later d2 is still master and d1 never tried.
        time_end = time.monotonic() + 3 * down
        while time.monotonic() < time_end:
            self.assertEqual(d1.state(), "BACKUP")
            self.assertEqual(self.lab.vip_holders(), {"d2"})
            time.sleep(0.05)
        self.check_adverts()

    def test_preempt_delay_tolerates_the_lower_master_for_that_long(self):
        d2 = Lbd(self.lab, "d2", vrrp_section(priority=100))
        d2.wait_state("MASTER", 10)
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, extra="preempt_delay = \"1500ms\"\n"))
        d1.wait_state("BACKUP", 10)
        start = time.monotonic()
        d1.wait_state("MASTER", 1.5 + 1 + SLACK)
        took = time.monotonic() - start
        self.assertGreaterEqual(took, 1.2, "preempted before the delay")
        d2.wait_state("BACKUP", 5)
        self.lab.wait_vip_only_on("d1", 5)
        self.check_adverts()


if __name__ == "__main__":
    unittest.main()
