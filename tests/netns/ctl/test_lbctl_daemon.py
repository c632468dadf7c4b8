# SPDX-License-Identifier: GPL-2.0-or-later
"""lbctl against a real lbd in a namespace: status, checks, overrides, refusals, a refused reload,
and a daemon that is gone.

The host kernel may lack IPVS: lbd then runs VRRP and the checks and reports IPVS as unavailable,
which changes nothing lbctl shows here except the reload of a valid file (ok or partial).
"""

import json
import os
import signal
import sys
import unittest

from netlab import Lab, wait_for

LBD = os.environ["LBD"]
LBCTL = os.environ["LBCTL"]
VIP = "10.81.0.100"
RS = "10.81.0.11:8080"

LISTENER = r"""
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080))
s.listen(64)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.close()
"""

CONFIG = """
[global]
node_name = "director-a"
control_socket = "%(socket)s"

[[vrrp]]
name = "web"
interface = "eth0"
vrid = 51
priority = 150
advert_interval = "100ms"
virtual_ips = ["%(vip)s/24"]

[[virtual_server]]
name = "http"
address = "%(vip)s:80"
forwarding = "nat"
vrrp = "web"
check = { type = "tcp", interval = "300ms", timeout = "200ms", rise = 1, fall = 1 }

[[virtual_server.real_server]]
address = "%(rs)s"
weight = 3
"""


class LbctlAgainstLbd(unittest.TestCase):
    def setUp(self):
        self.lab = Lab("lbctl")
        self.lab.__enter__()
        self.addCleanup(self.lab.__exit__, None, None, None)
        self.lab.add_bridge()
        for short, addr in (("dir", "10.81.0.2/24"), ("rs", "10.81.0.11/24")):
            self.lab.add_ns(short)
            self.lab.attach(short, [addr])
        listener = self.lab.spawn("rs", [sys.executable, "-c", LISTENER], name="listener")
        wait_for(lambda: "listening" in listener.log(), 10, what="real server listening")
        self.socket = os.path.join(self.lab.dir, "lbd.sock")
        self.conf = os.path.join(self.lab.dir, "lbd.conf")
        self.write_config(CONFIG % {"socket": self.socket, "vip": VIP, "rs": RS})
        self.state_file = os.path.join(self.lab.dir, "state.json")
        self.start_lbd("lbd")

    def start_lbd(self, name):
        self.lbd = self.lab.spawn("dir", [LBD, "-f", self.conf, "--state-dir", os.path.join(self.lab.dir, "lbd-state"),
                                          "--state-file", self.state_file], name=name)
        wait_for(lambda: self.state() == "MASTER" or not self.lbd.alive(), 15, what="lbd MASTER")
        self.assertTrue(self.lbd.alive(), self.lbd.log())
        wait_for(lambda: self.server()["health"] == "up", 15, what="the real server up")

    def write_config(self, text):
        with open(self.conf, "w") as f:
            f.write(text)

    def lbctl(self, *args):
        return self.lab.sh([LBCTL, "-s", self.socket] + list(args), ns=self.lab.ns("dir"), check=False)

    def json_of(self, *args):
        r = self.lbctl(*(list(args) + ["--json"]))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return json.loads(r.stdout)

    def state(self):
        r = self.lbctl("vrrp", "--json")
        return json.loads(r.stdout)[0]["state"] if r.returncode == 0 else None

    def server(self):
        return self.json_of("services")[0]["real_servers"][0]

    def test_status_shows_vrrp_services_and_reload(self):
        r = self.lbctl("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("lbd on director-a, config %s" % self.conf, r.stdout)
        self.assertRegex(r.stdout, r"web +eth0 +51 +MASTER +150/150 +10\.81\.0\.2 +%s/24 +BACKUP -> MASTER "
                                   r"(just now|\d+s ago) \(" % VIP)
        self.assertIn("TCP  %s:80 wlc (http, vrrp web)" % VIP, r.stdout)
        self.assertRegex(r.stdout, r"  -> %s +Masq +\S+ +up " % RS)
        self.assertIn("last reload: none since lbd started", r.stdout)
        checks = self.lbctl("checks")
        self.assertEqual(checks.returncode, 0)
        self.assertRegex(checks.stdout, r"tcp %s +up " % RS)

    def test_overrides_are_shown_and_undone(self):
        r = self.lbctl("drain", RS)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(r.stdout.startswith("drained %s in http: " % RS), r.stdout)
        self.assertEqual(self.server()["override"], "drain")
        self.assertIn("[drain]", self.lbctl("services").stdout)

        r = self.lbctl("weight", RS, "7", "--service", "http")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.server()["override"], "weight")
        self.assertEqual(self.server()["override_weight"], 7)
        self.assertIn("[weight 7]", self.lbctl("status").stdout)

        r = self.lbctl("enable", RS)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIsNone(self.server()["override"])

    def test_overrides_outlive_a_stop_and_a_kill(self):
        r = self.lbctl("weight", RS, "7")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.lbctl("drain", RS)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for how, name in ((signal.SIGTERM, "lbd-after-stop"), (signal.SIGKILL, "lbd-after-kill")):
            self.lbd.signal(how)
            self.lbd.wait(10)
            self.start_lbd(name)
            self.assertEqual(self.server()["override"], "drain", "after %s" % how.name)
            self.assertIn("operator override restored from %s: %s in http: drain" % (self.state_file, RS),
                          self.lbd.log())
        r = self.lbctl("enable", RS)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.lbd.signal(signal.SIGTERM)
        self.lbd.wait(10)
        self.start_lbd("lbd-after-enable")
        self.assertIsNone(self.server()["override"])
        with open(self.state_file) as f:
            self.assertEqual(json.load(f), {"version": 1, "overrides": []})

    def test_refusals_exit_one(self):
        r = self.lbctl("drain", "10.81.0.99:80")
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith("lbctl: "), r.stderr)
        self.assertIn("10.81.0.99:80", r.stderr)
        r = self.lbctl("drain", RS, "--service", "nope")
        self.assertEqual(r.returncode, 1, r.stdout)

    def test_reloads(self):
        r = self.lbctl("reload")
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertTrue(r.stdout.startswith("reloaded"), r.stdout + r.stderr)  # ok, or partial without IPVS
        self.assertEqual(self.state(), "MASTER")

        with open(self.conf) as f:
            broken = f.read().replace("priority = 150", "priority = 300")
        self.write_config(broken)
        r = self.lbctl("reload")
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stdout.startswith("reload refused (lbctl, %s), the running config is unchanged:" % self.conf),
                        r.stdout)
        self.assertIn("%s:" % self.conf, r.stdout)
        self.assertIn("error:", r.stdout)
        status = self.lbctl("status").stdout
        self.assertIn("last reload: REFUSED", status)
        self.assertEqual(self.state(), "MASTER")

    def test_doctor_sees_the_vip_on_the_master(self):
        r = self.lab.sh([LBCTL, "doctor", "-f", self.conf, "--json"], ns=self.lab.ns("dir"), check=False)
        findings = json.loads(r.stdout)["findings"]
        self.assertTrue([f for f in findings if f["topic"] == "vip" and f["severity"] == "ok"
                         and f["what"] == "%s/24 is on eth0 and vrrp web is MASTER" % VIP], findings)
        self.assertTrue([f for f in findings if f["topic"] == "daemon" and f["severity"] == "ok"], findings)

    def test_a_stopped_daemon_is_a_failure(self):
        # Exit 1: the command line was right, the daemon could not be reached (2 is for usage errors).
        self.lbd.signal(signal.SIGTERM)
        self.lbd.wait(10)
        r = self.lbctl("status")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(), "lbctl: cannot reach lbd at %s: No such file or directory "
                                           "(is lbd running?)" % self.socket)


if __name__ == "__main__":
    unittest.main()
