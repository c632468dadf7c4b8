# SPDX-License-Identifier: GPL-2.0-or-later
"""Two lbd processes in one VRID: unicast, IPv6, tracking, split brain, notify hooks, sync groups."""

import os
import re
import stat
import time
import unittest

from netlab import LabError, wait_for
from vrrplab import (ADDR, LL, VIP, VIP6, AdvertCapture, DumpcapCapture, Lbd, VrrpLab, arp_replies_from, measure,
                     timers, vrrp_section)

SLACK = 1.5


class LbdFeatures(unittest.TestCase):
    def setUp(self):
        self.lab = VrrpLab("vfeat")
        self.lab.__enter__()
        self.addCleanup(self.lab.__exit__, None, None, None)
        self.capture = AdvertCapture(self.lab, "d1")

    def tearDown(self):
        self.capture.stop()

    def test_unicast_adverts_go_to_the_peer_only(self):
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, extra='unicast_peers = ["%s"]\n' % ADDR["d2"]))
        d2 = Lbd(self.lab, "d2", vrrp_section(priority=100, extra='unicast_peers = ["%s"]\n' % ADDR["d1"]))
        d1.wait_state("MASTER", 10)
        d2.wait_state("BACKUP", 10)
        self.lab.wait_vip_only_on("d1", 5)
        d1.kill()
        d2.wait_state("MASTER", timers(3, 0.1, 100)[0] + SLACK)
        both_ways = {(ADDR["d1"], ADDR["d2"]), (ADDR["d2"], ADDR["d1"])}
        # d2's first advert as master may still be in the capture's buffer: wait for it, not for any.
        rows = self.capture.check(self, {ADDR["d1"], ADDR["d2"]},
                                  until=lambda rows: both_ways <= {(r["ip.src"], r["ip.dst"]) for r in rows})
        self.assertEqual({(r["ip.src"], r["ip.dst"]) for r in rows}, both_ways, "unicast both ways, no multicast")

    def test_ipv6_vrrpv3(self):
        vips = (VIP6 + "/64",)
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, vips=vips))
        d2 = Lbd(self.lab, "d2", vrrp_section(priority=100, vips=vips))
        d1.wait_state("MASTER", 10)
        d2.wait_state("BACKUP", 10)
        self.lab.wait_vip_only_on("d1", 5, vip=VIP6)
        self.assertTrue(self.lab.ping_ok("cl", VIP6))
        self.assertEqual(self.lab.neighbour_mac("cl", VIP6), self.lab.mac("d1"))
        self.lab.set_port("d1", False)
        d2.wait_state("MASTER", timers(3, 0.1, 100)[0] + SLACK)
        # d2's unsolicited neighbour advertisement moves the client.
        wait_for(lambda: self.lab.ping_ok("cl", VIP6) and self.lab.neighbour_mac("cl", VIP6) == self.lab.mac("d2"), 5,
                 what="client reaching the IPv6 VIP on d2")
        rows = self.capture.check(self, {LL["d1"], LL["d2"]})
        self.assertEqual({r["ipv6.dst"] for r in rows}, {"ff02::12"})
        self.assertEqual({r["vrrp.version"] for r in rows}, {"3"})

    def test_tracked_interface_down_means_fault_and_the_peer_takes_over(self):
        self.lab.add_dummy_link("d1", "eth1")
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, extra='track_interfaces = [{ name = "eth1" }]\n'))
        d2 = Lbd(self.lab, "d2", vrrp_section(priority=100))
        d1.wait_state("MASTER", 10)
        d2.wait_state("BACKUP", 10)
        self.lab.set_link("d1", "eth1p", False)  # eth1 loses its carrier
        d1.wait_state("FAULT", 5)
        self.assertIn("eth1", d1.transitions()[-1][2])
        st = d1.vrrp_status()
        self.assertEqual((st["state"], st["master"]), ("FAULT", ""))
        self.assertIn("eth1", st["fault_reason"])
        d2.wait_state("MASTER", 1 + SLACK)  # d1 sent priority 0 as it left: Skew_Time
        self.lab.wait_vip_only_on("d2", 5)
        self.lab.set_link("d1", "eth1p", True)
        d1.wait_state("MASTER", 5)
        d2.wait_state("BACKUP", 5)
        self.lab.wait_vip_only_on("d1", 5)
        self.assertEqual([t[1] for t in d1.transitions()][-3:], ["FAULT", "BACKUP", "MASTER"])
        self.capture.check(self, {ADDR["d1"], ADDR["d2"]})

    def test_instance_on_a_missing_interface_starts_once_the_interface_appears(self):
        # eth1 does not exist yet: lbd starts anyway, says why the instance does not run, and tries
        # again on its own (1 s, 2 s, 4 s, then every 5 s) until the interface is there.
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, interface="eth1", vips=("10.79.1.100/24",)))

        def failed_starts():
            try:
                m = re.match(r"not running \((\d+) failed starts\): ", d1.vrrp_status()["fault_reason"])
                return int(m.group(1)) if m else 0
            except (OSError, LabError):
                return 0  # the control socket is not up yet
        wait_for(lambda: failed_starts() >= 3, 10, what="d1 to try the instance three times")
        self.assertEqual(d1.vrrp_status()["state"], "INIT")
        self.lab.add_dummy_link("d1", "eth1")
        self.lab.sh(["ip", "-n", self.lab.ns("d1"), "addr", "add", "10.79.1.11/24", "dev", "eth1"])
        d1.wait_state("MASTER", 5 + 3 * 0.1 + SLACK)  # the longest retry delay, then Master_Down_Interval
        self.assertIn("instance web started (it could not before: ", d1.log())
        # Each reason once (no interface, then no address if a retry fell between the two steps
        # above), not once per retry.
        reasons = [line for line in d1.log().splitlines() if line.startswith("error") and "vrrp instance 'web'" in line]
        self.assertTrue(reasons, d1.log())
        self.assertEqual(len(reasons), len(set(reasons)), d1.log())
        self.assertIn("10.79.1.100/24", self.lab.sh(["ip", "-n", self.lab.ns("d1"), "addr", "show", "dev", "eth1"]).stdout)

    def test_ipv6_instance_waits_for_duplicate_address_detection(self):
        # A new link-local address is tentative for dad_transmits x 1 s; the kernel refuses it as
        # a source until then.
        ns = self.lab.ns("d1")
        self.lab.add_dummy_link("d1", "eth1")
        self.lab.sh(["sysctl", "-q", "-w", "net.ipv6.conf.eth1.accept_dad=1", "net.ipv6.conf.eth1.dad_transmits=5"],
                    ns=ns)
        self.lab.sh(["ip", "-n", ns, "addr", "add", "fe80::79/64", "dev", "eth1"])
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, interface="eth1", vips=("2001:db8:79::100/64",)))

        def reason():
            try:
                return d1.vrrp_status()["fault_reason"]
            except (OSError, LabError):
                return ""  # the control socket is not up yet
        wait_for(lambda: "fe80::79 on eth1 is still tentative (duplicate address detection)" in reason(), 5,
                 what="d1 to wait for duplicate address detection")
        self.assertIn("tentative", self.lab.sh(["ip", "-n", ns, "-6", "addr", "show", "dev", "eth1"]).stdout)
        d1.wait_state("MASTER", 5 + 5 + 3 * 0.1 + SLACK)  # DAD, the longest retry delay, Master_Down_Interval
        self.assertNotIn("tentative", self.lab.sh(["ip", "-n", ns, "-6", "addr", "show", "dev", "eth1"]).stdout)

    def test_track_script_weight_lowers_the_priority_below_the_peer(self):
        flag = os.path.join(self.lab.dir, "healthy")
        open(flag, "w").close()
        script = ('track_scripts = [{ name = "healthy", command = ["/usr/bin/test", "-e", "%s"], interval = "200ms", '
                  'timeout = "150ms", weight = -60, fall = 2, rise = 2 }]\n' % flag)
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, extra=script))
        d2 = Lbd(self.lab, "d2", vrrp_section(priority=100))
        d1.wait_state("MASTER", 10)
        d2.wait_state("BACKUP", 10)
        os.unlink(flag)  # 150 - 60 = 90 < 100: d2 preempts after two failures
        d2.wait_state("MASTER", 0.4 + 0.5 + SLACK)
        d1.wait_state("BACKUP", 2)
        self.assertIn("higher priority", d1.transitions()[-1][2])
        st = d1.vrrp_status()
        self.assertEqual((st["priority"], st["effective_priority"], st["master"]), (150, 90, ADDR["d2"]))
        self.lab.wait_vip_only_on("d2", 5)
        open(flag, "w").close()
        d1.wait_state("MASTER", 0.4 + 0.5 + SLACK)
        self.lab.wait_vip_only_on("d1", 5)
        self.assertIn("priority 150 -> 90", d1.log().replace("priority 90 -> 150", ""))
        self.assertIn("priority 90 -> 150", d1.log())
        rows = self.capture.check(self, {ADDR["d1"], ADDR["d2"]})
        self.assertIn("90", {r["vrrp.prio"] for r in rows if r["ip.src"] == ADDR["d1"]})

    def test_split_brain_heals_to_one_master_and_the_survivor_sends_garp(self):
        arp = DumpcapCapture(self.lab, "cl", "eth0", "arp")
        section = vrrp_section(interval="1s", priority=150)
        d1 = Lbd(self.lab, "d1", section)
        d2 = Lbd(self.lab, "d2", vrrp_section(interval="1s", priority=100))
        d1.wait_state("MASTER", 10)
        d2.wait_state("BACKUP", 10)
        self.lab.isolate("d1", True)
        self.lab.isolate("d2", True)
        d2.wait_state("MASTER", timers(3, 1.0, 100)[0] + SLACK)
        self.assertEqual(self.lab.vip_holders(), {"d1", "d2"}, "both masters while the directors cannot hear each other")
        self.assertEqual(d1.state(), "MASTER")

        heal = time.time()
        self.lab.isolate("d1", False)
        self.lab.isolate("d2", False)
        took = measure(lambda: d2.state() == "BACKUP", 1.0 + SLACK)
        self.assertLessEqual(took, 1.0 + 0.5, "one master within one advert interval (+ observation)")
        self.assertEqual(d1.state(), "MASTER")
        self.lab.wait_vip_only_on("d1", 2)
        # Once a whole advert interval passed without conflict, d1 repeats its gratuitous ARPs.
        wait_for(lambda: "master conflict over" in d1.log(), 2 + SLACK, what="d1 to see the conflict end")
        # The capture file lags behind the wire: wait for the frames to be written.
        wait_for(lambda: arp_replies_from(arp.path, self.lab.mac("d1"), VIP, heal), 5,
                 what="gratuitous ARP from the survivor after the conflict")
        arp.stop()
        self.assertEqual(self.lab.client_neighbour(), self.lab.mac("d1"))
        self.capture.check(self, {ADDR["d1"], ADDR["d2"]})

    def run_notify_hooks(self, arguments):
        """Starts d1 alone with every notify hook writing its arguments to a file; returns the lines
        of its start (BACKUP, then MASTER) and of its stop, each sorted."""
        out = os.path.join(self.lab.dir, "notify.out")
        hook = os.path.join(self.lab.dir, "hook")
        with open(hook, "w") as f:
            f.write("#!/bin/sh\necho \"$*\" >> %s\n" % out)
        os.chmod(hook, stat.S_IRWXU)
        notify = 'notify = { master = ["%s", "m"], backup = ["%s", "b"], stop = ["%s", "s"], any = ["%s", "any"]%s }\n' % (
            hook, hook, hook, hook, arguments)
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, extra=notify))
        d1.wait_state("MASTER", 10)

        def lines():
            try:
                with open(out) as f:
                    return f.read().splitlines()
            except FileNotFoundError:
                return []
        wait_for(lambda: len(lines()) >= 4, 5, what="four notify lines")
        start = lines()
        self.assertEqual(d1.terminate(), 0)
        wait_for(lambda: len(lines()) >= 6, 5, what="the stop hooks")
        self.capture.check(self, {ADDR["d1"]})
        return start, sorted(lines()[4:])

    def test_notify_hooks_get_instance_state_and_priority(self):
        start, stop = self.run_notify_hooks("")
        self.assertEqual(sorted(start), sorted(["b web backup 150", "any web 150 backup", "m web master 150",
                                                "any web 150 master"]))
        self.assertLess(start.index("b web backup 150"), start.index("m web master 150"))
        self.assertEqual(stop, ["any web 150 stop", "s web stop 150"])

    def test_notify_hooks_with_keepalived_arguments(self):
        # keepalived's convention: notify_* get nothing, notify gets INSTANCE NAME STATE PRIORITY.
        start, stop = self.run_notify_hooks(', arguments = "keepalived"')
        self.assertEqual(sorted(start), sorted(["b", "any INSTANCE web BACKUP 150", "m",
                                                "any INSTANCE web MASTER 150"]))
        self.assertLess(start.index("b"), start.index("m"))
        self.assertEqual(stop, ["any INSTANCE web STOP 150", "s"])

    def test_sync_group_members_move_together(self):
        self.lab.add_dummy_link("d1", "eth1")
        db_vip = ("10.77.0.101/24",)
        g = 'sync_group = "g"\n'
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, extra=g) +
                 vrrp_section(name="db", vrid=52, priority=150, vips=db_vip,
                              extra=g + 'track_interfaces = [{ name = "eth1" }]\n'))
        d2 = Lbd(self.lab, "d2", vrrp_section(priority=100, extra=g) +
                 vrrp_section(name="db", vrid=52, priority=100, vips=db_vip, extra=g))
        for inst in ("web", "db"):
            d1.wait_state("MASTER", 10, instance=inst)
            d2.wait_state("BACKUP", 10, instance=inst)
        # Only db tracks eth1, but the group takes web along.
        self.lab.set_link("d1", "eth1p", False)
        for inst in ("web", "db"):
            d1.wait_state("FAULT", 5, instance=inst)
            d2.wait_state("MASTER", 1 + SLACK, instance=inst)
        self.assertIn("sync group g", d1.transitions("web")[-1][2])
        self.lab.wait_vip_only_on("d2", 5)
        self.lab.wait_vip_only_on("d2", 5, vip="10.77.0.101")
        self.lab.set_link("d1", "eth1p", True)
        for inst in ("web", "db"):
            d1.wait_state("MASTER", 5, instance=inst)
            d2.wait_state("BACKUP", 5, instance=inst)
        self.capture.check(self, {ADDR["d1"], ADDR["d2"]})

    def test_reload_keeps_unchanged_instances_and_restarts_changed_ones(self):
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150))
        d2 = Lbd(self.lab, "d2", vrrp_section(priority=100))
        d1.wait_state("MASTER", 10)
        d2.wait_state("BACKUP", 10)

        def reload(sections):
            n = d1.log().count("configuration applied")
            d1.reload(sections)
            wait_for(lambda: d1.log().count("configuration applied") > n, 10, what="d1 to apply the new config")

        # Only a new notify command: web is updated in place, and the report, the journal line and
        # the metrics say so.
        before = len(d1.transitions())
        notify = 'notify = { any = ["/bin/true"] }\n'
        reload(vrrp_section(priority=150, extra=notify))
        report = d1.control("status")["reload"]
        self.assertEqual(report["vrrp_restarted"], [])
        self.assertEqual(report["vrrp_updated"], ["web"])
        self.assertEqual(report["changes"]["vrrp"]["update"], [{"name": "web", "settings": ["notify"]}])
        self.assertEqual(report["changes"]["vrrp"]["restart"], [])
        self.assertEqual(report["summary"], "vrrp ~web(in place: notify)")
        # The log thread writes the reload's line a moment after the reload has answered.
        journal = wait_for(lambda: re.findall(r"reload \w+: vrrp ~web\(in place: notify\)[^\n]*", d1.log()), 5,
                           what="the reload's journal line")
        self.assertEqual(len(journal), 1, d1.log())
        self.assertIn("VRRP in place: web (notify)", journal[0])
        self.assertNotIn("reload: ", d1.log(), "one journal line per reload")
        self.assertEqual(len(d1.transitions()), before, "web went through no transition")
        self.assertEqual(self.lab.vip_holders(), {"d1"})

        # A second instance: web keeps running, db starts.
        db = vrrp_section(name="db", vrid=52, priority=150, vips=("10.77.0.101/24",))
        reload(vrrp_section(priority=150, extra=notify) + db)
        d1.wait_state("MASTER", 10, instance="db")
        self.assertEqual(len(d1.transitions()), before, "web went through no transition")
        self.assertEqual(d1.control("status")["reload"]["changes"]["vrrp"]["start"], ["db"])
        self.assertEqual(self.lab.vip_holders(), {"d1"})
        self.assertIn("10.77.0.101", self.lab.addresses("d1"))

        # db leaves the config: it stops (VIP removed); a lower priority restarts web, d2 takes over.
        reload(vrrp_section(priority=90))
        d1.wait_state("INIT", 5, instance="db")
        self.assertNotIn("10.77.0.101", self.lab.addresses("d1"))
        d2.wait_state("MASTER", 5)
        d1.wait_state("BACKUP", 5)
        self.assertEqual([t[1] for t in d1.transitions()][-3:], ["MASTER", "INIT", "BACKUP"])
        self.lab.wait_vip_only_on("d2", 5)
        self.capture.check(self, {ADDR["d1"], ADDR["d2"]})


if __name__ == "__main__":
    unittest.main()
