# SPDX-License-Identifier: GPL-2.0-or-later
"""notify.master_wait: on becoming MASTER the VIPs (and their gratuitous ARPs) wait for the master
command, of the instance or of its [[sync_group]], or until the wait ends. The master command here
records whether the VIP was on the interface when it started, then waits for the test's go."""

import os
import stat
import unittest

from netlab import wait_for
from vrrplab import VIP, Lbd, VrrpLab, vrrp_section

DB_VIP = "10.77.0.101"


class MasterWait(unittest.TestCase):
    def setUp(self):
        self.lab = VrrpLab("vwait")
        self.lab.__enter__()
        self.addCleanup(self.lab.__exit__, None, None, None)
        self.out = os.path.join(self.lab.dir, "master.out")
        self.go = os.path.join(self.lab.dir, "go")
        self.hook = os.path.join(self.lab.dir, "master-hook")
        # Stands for `conntrackd -c`: a command that takes a while. Its own poll for the go file
        # (at most 30 s) is the slow command, not the test's synchronisation.
        with open(self.hook, "w") as f:
            f.write("#!/bin/sh\n"
                    "echo \"$* vip=$(ip -4 -o addr show dev eth0 | grep -c ' %s/')\" >> %s\n"
                    "i=0\n"
                    "while [ ! -e %s ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done\n"
                    "echo \"$* done\" >> %s\n" % (VIP, self.out, self.go, self.out))
        os.chmod(self.hook, stat.S_IRWXU)
        # The command must not outlive the test when a check fails before the go.
        self.addCleanup(lambda: open(self.go, "w").close())

    def lines(self):
        try:
            with open(self.out) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def started(self, prefix):
        wait_for(lambda: any(l.startswith(prefix + " vip=") for l in self.lines()), 10,
                 what="the master command to start")
        return [l for l in self.lines() if l.startswith(prefix + " vip=")][0]

    def test_vips_wait_for_the_instance_master_command(self):
        notify = 'notify = { master = ["%s", "m"], master_wait = "20s" }\n' % self.hook
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, extra=notify))
        d1.wait_state("MASTER", 10)
        # The command started with the instance MASTER and without its VIP, and the VIP stays away
        # while it runs.
        self.assertEqual(self.started("m web master 150"), "m web master 150 vip=0")
        self.assertEqual((d1.vrrp_status()["state"], d1.vrrp_status()["vips_held"]), ("MASTER", True))
        self.assertEqual(self.lab.vip_holders(), set())
        self.assertNotIn("VIPs added", d1.log())
        open(self.go, "w").close()
        self.lab.wait_vip_only_on("d1", 5)
        wait_for(lambda: "VIPs added after" in d1.log(), 5, what="the release logged")
        self.assertFalse(d1.vrrp_status()["vips_held"])
        self.assertIn("the master command ended (ok)", d1.log())
        self.assertEqual(self.lab.client_neighbour(), self.lab.mac("d1"))

    def test_vips_come_when_the_wait_ends_though_the_command_still_runs(self):
        notify = 'notify = { master = ["%s", "m"], master_wait = "1s" }\n' % self.hook
        d1 = Lbd(self.lab, "d1", vrrp_section(priority=150, extra=notify))
        d1.wait_state("MASTER", 10)
        self.assertEqual(self.started("m web master 150"), "m web master 150 vip=0")
        self.lab.wait_vip_only_on("d1", 5)
        self.assertNotIn("m web master 150 done", self.lines())  # the command is still running
        self.assertIn("the master command is still running after notify.master_wait", d1.log())

    def test_a_sync_group_holds_every_member_for_its_master_command(self):
        group = 'sync_group = "g"\n'
        sections = (vrrp_section(priority=150, extra=group) +
                    vrrp_section(name="db", vrid=52, priority=150, vips=(DB_VIP + "/24",), extra=group) +
                    '[[sync_group]]\nname = "g"\nnotify = { master = ["%s", "grp"], master_wait = "20s" }\n' %
                    self.hook)
        d1 = Lbd(self.lab, "d1", sections)
        for inst in ("web", "db"):
            d1.wait_state("MASTER", 10, instance=inst)
        self.assertEqual(self.started("grp g master"), "grp g master vip=0")
        self.assertEqual(self.lab.vip_holders(), set())
        self.assertEqual(self.lab.vip_holders(DB_VIP), set())
        open(self.go, "w").close()
        self.lab.wait_vip_only_on("d1", 5)
        self.lab.wait_vip_only_on("d1", 5, vip=DB_VIP)
        self.assertIn("sync group g: BACKUP -> MASTER", d1.log())


if __name__ == "__main__":
    unittest.main()
