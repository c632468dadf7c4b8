# SPDX-License-Identifier: GPL-2.0-or-later
"""[global] vrrp_realtime_priority and lock_memory on a real lbd in a namespace.

The VRRP thread (named lbd-vrrp) must run SCHED_RR at the configured priority and every page of
lbd must be locked (VmLck), as the kernel reports them; a reload that sets both back must undo
them, and the metrics must say what is in force. The VRRP thread's own loop lag is exported.
"""

import json
import os
import re
import unittest

from netlab import Lab, wait_for

LBD = os.environ["LBD"]


def sanitized_build():
    """ASan and TSan intercept mlockall and lock nothing (they would lock their shadow memory)."""
    cache = os.path.join(os.environ.get("LBD_TEST_BUILD_DIR", ""), "CMakeCache.txt")
    with open(cache) as f:
        text = f.read()
    return re.search(r"^LBD_(SANITIZE|TSAN):BOOL=ON$", text, re.M) is not None
LBCTL = os.environ["LBCTL"]
VIP = "10.83.0.100"
LISTEN = "127.0.0.1:9713"

CONFIG = """
[global]
control_socket = "%(socket)s"
metrics_listen = "%(listen)s"
vrrp_realtime_priority = %(priority)d
lock_memory = %(lock)s

[[vrrp]]
name = "web"
interface = "eth0"
vrid = 71
priority = 150
advert_interval = "100ms"
virtual_ips = ["%(vip)s/24"]
"""


class ProcessTuning(unittest.TestCase):
    def write_config(self, priority, lock):
        with open(self.conf, "w") as f:
            f.write(CONFIG % {"socket": self.socket, "listen": LISTEN, "vip": VIP, "priority": priority,
                              "lock": "true" if lock else "false"})

    def lbctl(self, *args):
        return self.lab.sh([LBCTL, "-s", self.socket] + list(args), ns=self.lab.ns("dir"), check=False)

    def vrrp_thread(self):
        for tid in os.listdir("/proc/%d/task" % self.lbd.pid):
            with open("/proc/%d/task/%s/comm" % (self.lbd.pid, tid)) as f:
                if f.read().strip() == "lbd-vrrp":
                    return int(tid)
        return None

    def locked_kb(self):
        with open("/proc/%d/status" % self.lbd.pid) as f:
            return int(re.search(r"^VmLck:\s+(\d+) kB", f.read(), re.M).group(1))

    def metrics(self):
        r = self.lab.sh(["curl", "-sf", "http://%s/metrics" % LISTEN], ns=self.lab.ns("dir"), check=False)
        return r.stdout if r.returncode == 0 else ""

    def metric(self, text, name):
        m = re.search(r"^%s (\S+)$" % re.escape(name), text, re.M)
        return float(m.group(1)) if m else None

    def test_realtime_vrrp_thread_and_locked_memory_follow_the_config(self):
        with Lab("tuning") as lab:
            self.lab = lab
            lab.add_bridge()
            lab.add_ns("dir")
            lab.attach("dir", ["10.83.0.2/24"])
            self.socket = os.path.join(lab.dir, "lbd.sock")
            self.conf = os.path.join(lab.dir, "lbd.conf")
            self.write_config(20, True)
            self.lbd = lab.spawn("dir", [LBD, "-f", self.conf, "--state-dir", os.path.join(lab.dir, "state")],
                                 name="lbd")
            wait_for(lambda: self.metrics() or not self.lbd.alive(), 15, what="lbd's metrics endpoint")
            self.assertTrue(self.lbd.alive(), self.lbd.log())

            tid = self.vrrp_thread()
            self.assertIsNotNone(tid, "no thread named lbd-vrrp")
            self.assertEqual(os.sched_getscheduler(tid), os.SCHED_RR)
            self.assertEqual(os.sched_getparam(tid).sched_priority, 20)
            self.assertEqual(os.sched_getscheduler(self.lbd.pid), os.SCHED_OTHER, "only the VRRP thread is realtime")
            if sanitized_build():
                print("VmLck not checked: the sanitizer runtime turns mlockall into a no-op")
            else:
                self.assertGreater(self.locked_kb(), 0)
            text = self.metrics()
            self.assertEqual(self.metric(text, "lbd_vrrp_realtime_priority"), 20)
            self.assertEqual(self.metric(text, "lbd_memory_locked"), 1)
            self.assertIsNotNone(self.metric(text, "lbd_vrrp_loop_lag_seconds"))
            self.assertIsNotNone(self.metric(text, "lbd_event_loop_lag_seconds"))

            self.write_config(0, False)
            r = self.lbctl("reload", "--json")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(json.loads(r.stdout)["result"], "ok", r.stdout)
            self.assertEqual(os.sched_getscheduler(tid), os.SCHED_OTHER)
            self.assertEqual(self.locked_kb(), 0)
            text = self.metrics()
            self.assertEqual(self.metric(text, "lbd_vrrp_realtime_priority"), 0)
            self.assertEqual(self.metric(text, "lbd_memory_locked"), 0)
            log = self.lbd.log()
            self.assertIn("VRRP thread now runs SCHED_RR 20 (vrrp_realtime_priority = 20)", log)
            self.assertIn("VRRP thread now runs SCHED_OTHER (vrrp_realtime_priority = 0)", log)


if __name__ == "__main__":
    unittest.main()
