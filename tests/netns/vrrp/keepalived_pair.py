# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared by test_vrrp_keepalived_v2 and _v3 (two CTest tests, run side by side): the lbd binary
and keepalived 2.2.7 (Debian package) in the same VRID.

For each of VRRPv2 (1 s adverts) and VRRPv3 (100 ms), multicast and unicast, IPv6 (v3, multicast and
unicast) and v2 simple-password authentication: once with
lbd as the higher priority (lbd MASTER, keepalived BACKUP) and once the reverse. Each test checks the
election (the VIP on the master only, the backup stays backup), then stops the master cleanly (a
priority-0 advert: the backup takes over after Skew_Time) and, in the multicast cases, restarts it
and pulls the new master's cable (the other takes over after Master_Down_Interval). tshark decodes
every advert lbd sent as VRRP with a Good checksum.
"""

import time
import unittest

from keepalived import Keepalived, vrrp_conf
from netlab import wait_for
from vrrplab import ADDR, LL, VIP, VIP6, AdvertCapture, Lbd, VrrpLab, measure, timers, vrrp_section

SLACK = 1.5


class LbdWithKeepalived(unittest.TestCase):
    """Base class: the test modules add one test per case."""

    def setUp(self):
        self.lab = VrrpLab("vka")
        self.lab.__enter__()
        self.addCleanup(self.lab.__exit__, None, None, None)
        self.capture = AdvertCapture(self.lab, "d1")

    def tearDown(self):
        self.capture.stop()

    def run_pair(self, version, unicast, lbd_master, v6=False, password=None):
        interval_s = 1.0 if version == 2 else 0.1
        vip = VIP6 if v6 else VIP
        vips = (vip + ("/64" if v6 else "/24"),)
        addr = LL if v6 else ADDR
        lbd_prio, ka_prio = (150, 100) if lbd_master else (100, 150)
        extra = 'unicast_peers = ["%s"]\n' % addr["d2"] if unicast else ""
        if password:
            extra += 'auth = { type = "pass", password = "%s" }\n' % password
        lbd_section = vrrp_section(priority=lbd_prio, version=version, interval="1s" if version == 2 else "100ms",
                                   vips=vips, extra=extra)
        ka_text = vrrp_conf("d2", 51, ka_prio, version, "1" if version == 2 else "0.1", vips,
                            unicast_src=addr["d2"] if unicast else None, unicast_peers=[addr["d1"]] if unicast else (),
                            auth_pass=password)
        lbd = Lbd(self.lab, "d1", lbd_section)
        ka = Keepalived(self.lab, "d2", ka_text)
        start_timeout = timers(version, interval_s, 100)[0] + 5 + SLACK

        def ka_is(state, timeout):
            wait_for(lambda: ka.vrrp_state() == state, timeout, what="keepalived %s" % state)

        master, backup = ("d1", "d2") if lbd_master else ("d2", "d1")
        if lbd_master:
            lbd.wait_state("MASTER", start_timeout)
            ka_is("BACKUP", start_timeout)
        else:
            ka_is("MASTER", start_timeout)
            lbd.wait_state("BACKUP", start_timeout)
        self.lab.wait_vip_only_on(master, 5, vip=vip)
        # The first echo can go unanswered on a loaded host (an IPv6 VIP's neighbour discovery, one
        # 1 s wait): the VIP must answer within a few seconds, not at the first try.
        wait_for(lambda: self.lab.ping_ok("cl", vip), 5, what="the VIP %s answering pings" % vip)
        self.assertEqual(self.lab.neighbour_mac("cl", vip), self.lab.mac(master))

        # Clean stop of the master: the backup takes over after Skew_Time (well before Master_Down).
        _, skew = timers(version, interval_s, 100)
        if lbd_master:
            start = time.monotonic()
            self.assertEqual(lbd.terminate(), 0, lbd.log())
            ka_is("MASTER", skew + SLACK)
        else:
            start = time.monotonic()
            ka.stop()
            lbd.wait_state("MASTER", skew + SLACK)
            self.assertIn("sent priority 0", lbd.transitions()[-1][2])
        took = time.monotonic() - start
        self.assertLess(took, skew + SLACK)
        self.lab.wait_vip_only_on(backup, 5, vip=vip)
        wait_for(lambda: self.lab.ping_ok("cl", vip) and self.lab.neighbour_mac("cl", vip) == self.lab.mac(backup), 5,
                 what="client following the VIP to %s" % backup)

        if not unicast and not v6 and not password:
            # The stopped one comes back and preempts; then its cable is pulled.
            if lbd_master:
                lbd = Lbd(self.lab, "d1", lbd_section)
                lbd.wait_state("MASTER", start_timeout)
                ka_is("BACKUP", 5)
            else:
                ka = Keepalived(self.lab, "d2", ka_text)
                ka_is("MASTER", start_timeout)
                lbd.wait_state("BACKUP", 5)
            self.lab.wait_vip_only_on(master, 5, vip=vip)
            down, _ = timers(version, interval_s, 100)
            self.lab.set_port(master, False)
            if lbd_master:
                measure(lambda: ka.vrrp_state() == "MASTER", down + SLACK)
            else:
                measure(lambda: lbd.state() == "MASTER", down + SLACK)
            wait_for(lambda: self.lab.has_address(backup, vip), 5, what="VIP on %s" % backup)
            self.lab.set_port(master, True)

        self.capture.check(self, {addr["d1"]})
