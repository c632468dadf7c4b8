# SPDX-License-Identifier: GPL-2.0-or-later
"""[global] script_user and script_security, and a track script's own user, on a real lbd.

A track script and a notify command record the account they ran as: with script_user = "nobody"
both run as nobody (and the track script passes only then: it exits 0 only as uid 65534), the
metric says so, and a track script with its own `user` runs as that account throughout; a reload
to script_user = "root" makes the next runs root's; a reload to an account that does not exist is
refused with the reason and the old account stays in force. A script in a directory another group
may write runs as nobody and is refused as root.
"""

import json
import os
import re
import unittest

from netlab import Lab, wait_for

LBD = os.environ["LBD"]
LBCTL = os.environ["LBCTL"]
VIP = "10.84.0.100"
LISTEN = "127.0.0.1:9714"

CONFIG = """
[global]
control_socket = "%(socket)s"
metrics_listen = "%(listen)s"
script_user = "%(user)s"

[[vrrp]]
name = "web"
interface = "eth0"
vrid = 72
priority = 150
advert_interval = "100ms"
virtual_ips = ["%(vip)s/24"]
track_scripts = [
  { name = "as-nobody", command = ["%(track)s"], interval = "500ms", timeout = "450ms", weight = 0 },
  { name = "own", command = ["%(own)s"], interval = "500ms", timeout = "450ms", weight = 0, user = "daemon" },
]
notify = { any = ["%(notify)s"] }
"""

# Records the uid, and succeeds only as nobody: the instance is FAULT unless the switch happened.
# Each account marks its own file (in the sticky directory only a file's owner may replace it).
TRACK = """#!/bin/sh
touch %(out)s/track-$(id -u)
[ "$(id -u)" = 65534 ]
"""
# A track script with its own account (daemon, uid 1), whatever script_user says.
OWN = """#!/bin/sh
touch %(out)s/own-$(id -u)
[ "$(id -u)" = 1 ]
"""
NOTIFY = """#!/bin/sh
echo "$(id -u) $*" >> %(out)s/notify
"""


class ScriptUser(unittest.TestCase):
    def write_config(self, user):
        with open(self.conf, "w") as f:
            f.write(CONFIG % {"socket": self.socket, "listen": LISTEN, "vip": VIP, "user": user,
                              "track": self.track, "own": self.own, "notify": self.notify})

    def script(self, directory, name, text):
        path = os.path.join(directory, name)
        with open(path, "w") as f:
            f.write(text % {"out": self.out})
        os.chmod(path, 0o755)
        return path

    def lbctl(self, *args):
        return self.lab.sh([LBCTL, "-s", self.socket] + list(args), ns=self.lab.ns("dir"), check=False)

    def metrics(self):
        r = self.lab.sh(["curl", "-sf", "http://%s/metrics" % LISTEN], ns=self.lab.ns("dir"), check=False)
        return r.stdout if r.returncode == 0 else ""

    def metric(self, name):
        m = re.search(r"^%s (\S+)$" % re.escape(name), self.metrics(), re.M)
        return float(m.group(1)) if m else None

    def marks(self, script):
        return sorted(f for f in os.listdir(self.out) if f.startswith(script + "-"))

    def read(self, name):
        try:
            with open(os.path.join(self.out, name)) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def state(self):
        r = self.lbctl("vrrp", "--json")
        if r.returncode != 0:
            return None
        return json.loads(r.stdout)[0]["state"]

    def reload(self):
        r = self.lbctl("reload", "--json")
        self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)
        return json.loads(r.stdout)

    def test_scripts_run_as_the_configured_account(self):
        with Lab("scriptuser") as lab:
            self.lab = lab
            lab.add_bridge()
            lab.add_ns("dir")
            lab.attach("dir", ["10.84.0.2/24"])
            os.chmod(lab.dir, 0o755)  # nobody must reach the scripts
            self.out = os.path.join(lab.dir, "out")
            os.mkdir(self.out)
            os.chmod(self.out, 0o1777)
            scripts = os.path.join(lab.dir, "scripts")
            os.mkdir(scripts)
            self.track = self.script(scripts, "track.sh", TRACK)
            self.notify = self.script(scripts, "notify.sh", NOTIFY)
            self.own = self.script(scripts, "own.sh", OWN)
            self.socket = os.path.join(lab.dir, "lbd.sock")
            self.conf = os.path.join(lab.dir, "lbd.conf")
            self.write_config("nobody")
            self.lbd = lab.spawn("dir", [LBD, "-f", self.conf, "--state-dir", os.path.join(lab.dir, "state")],
                                 name="lbd")
            wait_for(lambda: self.state() == "MASTER" or not self.lbd.alive(), 15, what="MASTER as nobody")
            self.assertTrue(self.lbd.alive(), self.lbd.log())
            self.assertEqual(self.marks("track"), ["track-65534"])
            wait_for(lambda: "65534 " in self.read("notify"), 20, what="the notify command as nobody")
            self.assertIn("run as nobody (uid 65534, group nogroup)", self.lbd.log())
            self.assertEqual(self.metric("lbd_script_uid"), 65534)

            # An account that does not exist: refused, nobody stays.
            self.write_config("no-such-account")
            answer = self.reload()
            self.assertEqual(answer["result"], "refused", answer)
            self.assertIn("no account 'no-such-account' on this system", json.dumps(answer))
            self.assertEqual(self.metric("lbd_script_uid"), 65534)

            # root: the track script now fails (not uid 65534), the instance goes FAULT.
            self.write_config("root")
            self.assertEqual(self.reload()["result"], "ok")
            wait_for(lambda: "track-0" in self.marks("track"), 20, what="the track script as root")
            wait_for(lambda: self.state() == "FAULT", 20, what="FAULT once the track script runs as root")
            wait_for(lambda: re.search(r"^0 .*fault", self.read("notify"), re.M), 20,
                     what="the notify command as root")
            self.assertEqual(self.metric("lbd_script_uid"), 0)
            self.assertEqual(self.marks("own"), ["own-1"], "a track script's own user stays")

            # A directory another group may write: nobody's scripts run, root's are refused.
            os.chmod(scripts, 0o775)
            os.chown(scripts, 0, 1000)
            self.write_config("nobody")
            self.assertEqual(self.reload()["result"], "ok")
            wait_for(lambda: self.state() == "MASTER", 20, what="MASTER again as nobody, rule or not")
            wait_for(lambda: re.search(r"^65534 .*master", self.read("notify"), re.M), 20,
                     what="the notify command as nobody again")
            self.write_config("root")
            self.assertEqual(self.reload()["result"], "ok")
            wait_for(lambda: self.state() == "FAULT", 20, what="FAULT: root's track script is refused")
            refusal = "refused by the script-security rule: %s is writable by group 1000" % scripts
            wait_for(lambda: "track_script[as-nobody]: failed: could not start: " + refusal in self.lbd.log(), 20,
                     what="the track script's refusal in the log")
            wait_for(lambda: "notify fault (%s): could not start: %s" % (self.notify, refusal) in self.lbd.log(), 20,
                     what="the notify command's refusal in the log")

if __name__ == "__main__":
    unittest.main()
