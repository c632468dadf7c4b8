# SPDX-License-Identifier: GPL-2.0-or-later
"""lbctl doctor on a director in a namespace, against deliberately broken setups.

Topology: director (eth0 10.79.0.2/24) and two real servers on one bridge. Each test breaks one
thing (forwarding off, a real server not listening, an nft rule dropping VRRP or the checks, a VIP
left behind with lbd down, a VIP on a BACKUP) and asserts the finding doctor reports for it.
"""

import json
import os
import platform
import socket
import sys
import unittest

from netlab import Lab, require_tools, wait_for

LBCTL = os.environ["LBCTL"]
VIP = "10.79.0.100"

LISTENER = r"""
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(64)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.close()
"""

# A stand-in for lbd's control socket answering "vrrp" with the state given on the command line:
# enough for doctor, which only reads the VRRP states.
FAKE_DAEMON = r"""
import json, os, socket, sys
path, state = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(4)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    line = b""
    while not line.endswith(b"\n"):
        chunk = c.recv(4096)
        if not chunk:
            break
        line += chunk
    request = json.loads(line)
    if request["command"] == "vrrp":
        # One instance as docs/control-protocol.md describes it.
        web = {"name": "web", "interface": "eth0", "vrid": 51, "version": 3, "state": state, "priority": 100,
               "effective_priority": 100, "master": "", "virtual_ips": [], "sync_group": None,
               "fault_reason": "", "vips_held": False, "last_transition": None}
        reply = {"version": "1.0", "ok": True, "result": [web]}
    else:
        reply = {"version": "1.0", "ok": False, "error": "unknown command"}
    c.sendall((json.dumps(reply) + "\n").encode())
    c.close()
"""


class Doctor(unittest.TestCase):
    def setUp(self):
        require_tools("nft", "python3")
        self.lab = Lab("doctor")
        self.lab.__enter__()
        self.addCleanup(self.lab.__exit__, None, None, None)
        self.lab.add_bridge()
        for short, addr in (("dir", "10.79.0.2/24"), ("rs1", "10.79.0.11/24"), ("rs2", "10.79.0.12/24")):
            self.lab.add_ns(short)
            self.lab.attach(short, [addr])
        wait_for(lambda: self.lab.ping_ok("dir", "10.79.0.11"), 10, what="director reaching rs1")
        self.socket = os.path.join(self.lab.dir, "lbd.sock")
        self.conf = os.path.join(self.lab.dir, "lbd.conf")
        with open(self.conf, "w") as f:
            f.write("""
[global]
node_name = "director-a"
control_socket = "%s"

[[vrrp]]
name = "web"
interface = "eth0"
vrid = 51
priority = 150
virtual_ips = ["%s/24"]

[[virtual_server]]
name = "http"
address = "%s:80"
forwarding = "nat"
vrrp = "web"
check = { type = "tcp" }

[[virtual_server.real_server]]
address = "10.79.0.11:8080"

[[virtual_server.real_server]]
address = "10.79.0.12:8080"
""" % (self.socket, VIP, VIP))
        self.listen("rs1", 8080)
        self.sysctl("net.ipv4.ip_forward", "1")

    # -- helpers ------------------------------------------------------------------------------
    def listen(self, short, port):
        p = self.lab.spawn(short, [sys.executable, "-c", LISTENER, str(port)], name="listener")
        wait_for(lambda: "listening" in p.log() or not p.alive(), 10, what="listener in %s" % short)
        self.assertTrue(p.alive(), p.log())
        return p

    def sysctl(self, key, value):
        self.lab.sh(["sysctl", "-qw", "%s=%s" % (key, value)], ns=self.lab.ns("dir"))

    def nft(self, *commands):
        for c in commands:
            self.lab.sh(["nft", c], ns=self.lab.ns("dir"))

    def doctor(self):
        r = self.lab.sh([LBCTL, "doctor", "-f", self.conf, "--timeout", "500ms", "--json"], ns=self.lab.ns("dir"),
                        check=False)
        self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)
        report = json.loads(r.stdout)
        self.assertEqual(r.returncode, 0 if report["ok"] else 1)
        return r.returncode, report["findings"]

    def find(self, findings, topic, severity, text):
        hits = [f for f in findings if f["topic"] == topic and f["severity"] == severity and text in f["what"]]
        self.assertTrue(hits, "no %s %s finding with %r in:\n%s" % (severity, topic, text,
                                                                   json.dumps(findings, indent=1)))
        return hits[0]

    def errors(self, findings):
        return sorted({f["topic"] for f in findings if f["severity"] == "error"})

    def expected_module_errors(self):
        """What the ip_vs check must say on this host, found independently of lbctl."""
        if os.path.exists("/proc/net/ip_vs"):
            return []
        release = platform.release()
        moddir = "/lib/modules/" + release
        if os.path.isdir(moddir):
            with open(os.path.join(moddir, "modules.dep")) as f:
                if any(os.path.basename(l.split(":")[0]).startswith("ip_vs.ko") for l in f):
                    return []
        return ["ipvs-modules"]

    # -- the cases ----------------------------------------------------------------------------
    def test_ipvs_modules_are_reported_as_this_host_has_them(self):
        code, findings = self.doctor()
        if self.expected_module_errors():
            f = self.find(findings, "ipvs-modules", "error", "IPVS is unavailable")
            if not os.path.isdir("/lib/modules/" + platform.release()):
                self.assertIn("has no modules directory /lib/modules/%s" % platform.release(), f["what"])
            self.assertEqual(code, 1)
        else:
            self.find(findings, "ipvs-modules", "ok", "ip_vs")

    def test_a_healthy_director_has_no_other_error(self):
        self.listen("rs2", 8080)
        code, findings = self.doctor()
        self.assertEqual(self.errors(findings), self.expected_module_errors(), json.dumps(findings, indent=1))
        self.find(findings, "ip-forward", "ok", "net.ipv4.ip_forward is 1")
        self.find(findings, "real-server", "ok", "2 of 2 real server endpoints accept TCP connections")
        self.find(findings, "firewall-vrrp", "ok", "no firewall rule drops VRRP on eth0")
        self.find(findings, "daemon", "warning", "lbd is not running: cannot reach lbd at %s" % self.socket)

    def test_ip_forward_off_for_nat(self):
        self.sysctl("net.ipv4.ip_forward", "0")
        code, findings = self.doctor()
        self.assertEqual(code, 1)
        f = self.find(findings, "ip-forward", "error", "net.ipv4.ip_forward is 0")
        self.assertIn("sysctl -w net.ipv4.ip_forward=1", f["fix"])

    def test_real_server_not_listening(self):
        code, findings = self.doctor()
        self.find(findings, "real-server", "warning", "http 10.79.0.12:8080: connection refused")
        # rs1 still answers, so the service as a whole is not an error
        self.assertNotIn("real-server", self.errors(findings))

    def test_nft_rule_dropping_vrrp(self):
        self.listen("rs2", 8080)
        self.nft("add table inet filter",
                 "add chain inet filter input { type filter hook input priority 0; policy accept; }",
                 "add rule inet filter input ct state established,related accept",
                 "add rule inet filter input meta l4proto vrrp counter drop")
        code, findings = self.doctor()
        self.assertEqual(code, 1)
        f = self.find(findings, "firewall-vrrp", "error", "VRRP (protocol 112) arriving on eth0 for vrrp web is dropped")
        self.assertIn("nft table inet filter chain input: meta l4proto vrrp counter packets 0 bytes 0 drop", f["what"])
        self.assertEqual(f["fix"], 'nft insert rule inet filter input iifname "eth0" ip protocol vrrp accept')
        self.assertEqual(self.errors(findings), sorted(["firewall-vrrp"] + self.expected_module_errors()))

    def test_nft_rule_dropping_health_checks(self):
        self.listen("rs2", 8080)
        self.nft("add table ip fw",
                 "add chain ip fw out { type filter hook output priority 0; policy accept; }",
                 "add rule ip fw out ip daddr 10.79.0.12 tcp dport 8080 drop")
        code, findings = self.doctor()
        self.find(findings, "firewall-checks", "error", "health-check connection to 10.79.0.12:8080 is dropped by "
                  "nft table ip fw chain out: ip daddr 10.79.0.12 tcp dport 8080 drop")
        # and the connect itself confirms it
        self.find(findings, "real-server", "warning", "http 10.79.0.12:8080: no answer within 500 ms")

    def test_vip_present_while_lbd_is_not_running(self):
        self.lab.sh(["ip", "addr", "add", VIP + "/24", "dev", "eth0"], ns=self.lab.ns("dir"))
        code, findings = self.doctor()
        self.assertEqual(code, 1)
        f = self.find(findings, "vip", "error", "%s/24 is on eth0 but lbd is not running" % VIP)
        self.assertEqual(f["fix"], "start lbd, or remove it: ip addr del %s/24 dev eth0" % VIP)

    def test_vip_against_the_running_daemons_vrrp_state(self):
        self.lab.sh(["ip", "addr", "add", VIP + "/24", "dev", "eth0"], ns=self.lab.ns("dir"))
        daemon = self.lab.spawn("dir", [sys.executable, "-c", FAKE_DAEMON, self.socket, "BACKUP"], name="fake-lbd")
        wait_for(lambda: "listening" in daemon.log() or not daemon.alive(), 10, what="control socket")
        code, findings = self.doctor()
        self.find(findings, "daemon", "ok", "lbd is running")
        self.find(findings, "vip", "error", "%s/24 is on eth0 while vrrp web is BACKUP" % VIP)
        # The same address on the MASTER is right.
        daemon.signal(15)
        daemon.wait(5)
        os.unlink(self.socket)
        daemon = self.lab.spawn("dir", [sys.executable, "-c", FAKE_DAEMON, self.socket, "MASTER"], name="fake-lbd")
        wait_for(lambda: "listening" in daemon.log() or not daemon.alive(), 10, what="control socket")
        code, findings = self.doctor()
        self.find(findings, "vip", "ok", "%s/24 is on eth0 and vrrp web is MASTER" % VIP)
        self.assertNotIn("vip", self.errors(findings))


if __name__ == "__main__":
    unittest.main()
