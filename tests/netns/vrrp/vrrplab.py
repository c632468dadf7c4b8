# SPDX-License-Identifier: GPL-2.0-or-later
"""Two directors and a client on one bridge, for the VRRP tests of the lbd binary.

    d1   10.77.0.11/24  fe80::11  2001:db8:77::11/64 --+
    d2   10.77.0.12/24  fe80::12  2001:db8:77::12/64 --+-- br0 (own namespace)
    cl   10.77.0.2/24   fe80::2   2001:db8:77::2/64  --+    VIPs 10.77.0.100/24, 2001:db8:77::100/64

Duplicate address detection is off in every namespace, so the fixed link-local addresses are usable
at once and no autoconfigured one is left tentative. A director's state is read from lbd's own log
(the one notice line per transition, `vrrp[web/51]: BACKUP -> MASTER (reason)`), never guessed.
"""

import json
import os
import re
import signal
import socket
import subprocess
import time

from netlab import Capture, Lab, LabError, require_tools, wait_for

LBD = os.environ.get("LBD", "")

VIP = "10.77.0.100"
VIP6 = "2001:db8:77::100"
ADDR = {"d1": "10.77.0.11", "d2": "10.77.0.12", "cl": "10.77.0.2"}
LL = {"d1": "fe80::11", "d2": "fe80::12", "cl": "fe80::2"}
ADDR6 = {"d1": "2001:db8:77::11", "d2": "2001:db8:77::12", "cl": "2001:db8:77::2"}

TRANSITION = re.compile(r"vrrp\[([^/\]]+)/\d+\]: (INIT|BACKUP|MASTER|FAULT) -> (INIT|BACKUP|MASTER|FAULT) \((.*)\)$",
                        re.M)


def timers(version, interval_s, priority):
    """RFC 5798 / 3768 Master_Down_Interval and Skew_Time in seconds."""
    if version == 2:
        skew = (256 - priority) / 256.0
    else:
        skew = (256 - priority) * interval_s / 256.0
    return 3 * interval_s + skew, skew


def toml_list(items):
    return "[" + ", ".join('"%s"' % i for i in items) + "]"


def vrrp_section(name="web", vrid=51, priority=100, version=3, interval="100ms", vips=(VIP + "/24",),
                 interface="eth0", extra=""):
    return ("[[vrrp]]\nname = \"%s\"\ninterface = \"%s\"\nvrid = %d\npriority = %d\nversion = %d\n"
            "advert_interval = \"%s\"\nvirtual_ips = %s\n%s\n" %
            (name, interface, vrid, priority, version, interval, toml_list(vips), extra))


class Lbd:
    """`lbd -f FILE` in the foreground of a namespace; output (stderr) into the lab's log file."""

    def __init__(self, lab, short, sections):
        if not LBD:
            raise LabError("LBD (path of the lbd binary) is not set")
        self.lab = lab
        self.short = short
        n = len([p for p in lab.processes if p.name == "lbd"])
        self.conf = os.path.join(lab.dir, "lbd-%s-%d.conf" % (short, n))
        self.socket = os.path.join(lab.dir, "lbd-%s-%d.sock" % (short, n))
        with open(self.conf, "w") as f:
            f.write("[global]\nnode_name = \"%s\"\ncontrol_socket = \"%s\"\n\n" % (short, self.socket))
            f.write(sections)
        # Its own state directory, kept across restarts of the same director within a test: daemons
        # of tests running side by side must not read each other's saved VRRP state.
        state = os.path.join(lab.dir, "lbd-state-%s" % short)
        self.proc = lab.spawn(short, [LBD, "-f", self.conf, "--state-dir", state], name="lbd")

    def log(self):
        return self.proc.log()

    def transitions(self, instance="web"):
        return [(m.group(2), m.group(3), m.group(4)) for m in TRANSITION.finditer(self.log())
                if m.group(1) == instance]

    def state(self, instance="web"):
        t = self.transitions(instance)
        return t[-1][1] if t else None

    def wait_state(self, state, timeout, instance="web"):
        def reached():
            if not self.proc.alive():
                raise LabError("lbd in %s exited (%s):\n%s" % (self.short, self.proc.popen.returncode, self.log()))
            return self.state(instance) == state
        wait_for(reached, timeout, what="%s/%s to be %s" % (self.short, instance, state))

    def control(self, command):
        """One request on the control socket (what lbctl does); returns the result."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.settimeout(10)
            c.connect(self.socket)
            c.sendall((json.dumps({"command": command}) + "\n").encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = c.recv(65536)
                if not chunk:
                    break
                data += chunk
        reply = json.loads(data)
        if not reply.get("ok"):
            raise LabError("%s: %s" % (command, reply.get("error")))
        return reply["result"]

    def vrrp_status(self, instance="web"):
        for v in self.control("vrrp"):
            if v["name"] == instance:
                return v
        raise LabError("no instance %s in the status" % instance)

    def kill(self):
        self.proc.signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self, timeout=10):
        self.proc.signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def reload(self, sections):
        with open(self.conf) as f:
            head = f.read().split("[[vrrp]]", 1)[0]
        with open(self.conf, "w") as f:
            f.write(head + sections)
        self.proc.signal(signal.SIGHUP)


class VrrpLab(Lab):
    """d1, d2 and cl on one bridge (see the module comment)."""

    def __init__(self, name, extra_ns=()):
        super().__init__(name)
        self.extra_ns = extra_ns

    def __exit__(self, exc_type, exc, tb):
        if os.environ.get("LBD_KEEP_LAB"):  # debugging: keep configs, logs and captures
            self.close()
            print("lab files kept in %s" % self.dir)
            return False
        return super().__exit__(exc_type, exc, tb)

    def __enter__(self):
        super().__enter__()
        self.add_bridge()
        for short in ("d1", "d2", "cl") + tuple(self.extra_ns):
            full = self.add_ns(short)
            for conf in ("all", "default"):
                self.sh(["sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % conf], ns=full)
            # Only our fixed link-local addresses: the primary address is predictable.
            self.sh(["sysctl", "-qw", "net.ipv6.conf.default.addr_gen_mode=1"], ns=full)
        for short in ("d1", "d2", "cl"):
            self.attach(short, [ADDR[short] + "/24", LL[short] + "/64", ADDR6[short] + "/64"])
        return self

    def vip_holders(self, vip=VIP):
        return {s for s in ("d1", "d2") if self.has_address(s, vip)}

    def wait_vip_only_on(self, short, timeout, vip=VIP):
        wait_for(lambda: self.vip_holders(vip) == {short}, timeout, what="VIP %s only on %s" % (vip, short))

    def isolate(self, short, on):
        """Bridge port isolation: isolated ports do not hear each other, the client still hears both."""
        self.sh(["bridge", "link", "set", "dev", "p-%s" % short, "isolated", "on" if on else "off"], ns=self.bridge_ns)

    def client_neighbour(self, vip=VIP):
        self.ping_ok("cl", vip)
        return self.neighbour_mac("cl", vip)

    def add_dummy_link(self, short, ifname):
        """A veth pair inside `short` whose far end (ifname + 'p') pulls ifname's carrier."""
        ns = self.ns(short)
        self.sh(["ip", "-n", ns, "link", "add", ifname, "type", "veth", "peer", "name", ifname + "p"])
        self.sh(["ip", "-n", ns, "link", "set", ifname, "up"])
        self.sh(["ip", "-n", ns, "link", "set", ifname + "p", "up"])

    def set_link(self, short, ifname, up):
        self.sh(["ip", "-n", self.ns(short), "link", "set", ifname, "up" if up else "down"])


class DumpcapCapture(Capture):
    """Like netlab's Capture, but captured by dumpcap alone (Wireshark's capture engine, which tshark
    itself runs): it starts in a fraction of tshark's time on a loaded host and writes each frame at
    once. tshark still decodes the file (decode())."""

    def __init__(self, lab, short, ifname, capture_filter):  # pylint: disable=super-init-not-called
        require_tools("dumpcap", "tshark")
        self.lab = lab
        self.path = os.path.join(lab.dir, "%s-%s-%d.pcapng" % (short, ifname, len(lab.processes)))
        self.proc = lab.spawn(short, ["dumpcap", "-q", "-i", ifname, "-f", capture_filter, "-w", self.path],
                              name="dumpcap")
        wait_for(lambda: "Capturing on" in self.proc.log() or not self.proc.alive(), 20,
                 what="dumpcap to start capturing")
        if not self.proc.alive():
            raise LabError("dumpcap failed: " + self.proc.log())


class AdvertCapture(DumpcapCapture):
    """VRRP on eth0 of `short`. check() asserts that tshark decoded every advert from `sources` as
    VRRP with a Good checksum, and that there was at least one."""

    def __init__(self, lab, short):
        super().__init__(lab, short, "eth0", "ip proto 112 or ip6 proto 112")

    FIELDS = ["ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "vrrp.version", "vrrp.prio", "vrrp.checksum.status"]

    def _rows(self, sources):
        try:
            rows = self.decode("vrrp", self.FIELDS)
        except subprocess.CalledProcessError:  # read while being written: a partial last block
            return []
        return [r for r in rows if (r.get("ip.src") or r.get("ipv6.src")) in sources]

    def adverts(self, sources, until=bool):
        # The capture writes with a delay of its own: see the adverts the test waits for (by default
        # any) in the file before stopping.
        try:
            wait_for(lambda: until(self._rows(sources)), 5, interval=0.2, what="the adverts in the capture file")
        except LabError:
            pass  # check() reports the empty capture
        self.stop()
        return self._rows(sources)

    def check(self, test, sources, until=bool):
        mine = self.adverts(sources, until)
        test.assertGreater(len(mine), 0, "no advert from %s captured" % sorted(sources))
        bad = [r for r in mine if r.get("vrrp.checksum.status") != "1"]
        test.assertEqual(bad, [], "adverts without a Good checksum")
        return mine


def measure(condition, timeout, interval=0.002):
    """Seconds until condition() holds, polled often; fails at the deadline."""
    start = time.monotonic()
    wait_for(condition, timeout, interval=interval)
    return time.monotonic() - start


def arp_replies_from(capture_path, mac, vip, after_epoch):
    """Gratuitous ARPs claiming `vip` for `mac`, sent after `after_epoch`."""
    r = subprocess.run(["tshark", "-n", "-r", capture_path, "-Y",
                        "arp.isgratuitous == 1 && arp.src.proto_ipv4 == %s && arp.src.hw_mac == %s" % (vip, mac), "-T", "fields", "-e",
                        "frame.time_epoch"], capture_output=True, text=True, check=False)
    return [float(t) for t in r.stdout.split() if float(t) > after_epoch]
