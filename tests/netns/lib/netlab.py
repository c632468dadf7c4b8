# SPDX-License-Identifier: GPL-2.0-or-later
"""Network-namespace lab for lbd's netns test tier.

A Lab creates its own namespaces (names carry the test's PID, so two CTest jobs never collide),
joins them with veth pairs to a bridge that lives in a namespace of its own (the root namespace is
never touched), starts processes inside them and tracks them by PID. On exit, whatever happened, it
stops those processes (by PID, SIGTERM then SIGKILL) and deletes the namespaces, which removes their
interfaces too.

Synchronisation is always wait_for(condition, deadline): never a bare sleep.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time


class LabError(Exception):
    pass


def require_tools(*tools):
    """A missing tool fails the test loudly; the tier never skips."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        raise LabError("missing tools: %s (scripts/setup.sh installs them)" % " ".join(missing))


def wait_for(condition, timeout, interval=0.01, what="condition"):
    """Polls condition() until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise LabError("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


class Process:
    def __init__(self, popen, name, log_path):
        self.popen = popen
        self.name = name
        self.log_path = log_path

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def signal(self, sig):
        if self.alive():
            os.kill(self.popen.pid, sig)

    def wait(self, timeout):
        return self.popen.wait(timeout=timeout)

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


class Lab:
    def __init__(self, name, keep_dir=None):
        self.prefix = "%s%d" % (name[:6], os.getpid())
        self.dir = keep_dir or tempfile.mkdtemp(prefix="lbd-%s-" % name)
        os.makedirs(self.dir, exist_ok=True)
        self.namespaces = []
        self.processes = []
        self.bridge_ns = None

    # -- lifetime ---------------------------------------------------------------------------
    def __enter__(self):
        if os.geteuid() != 0:
            raise LabError("the netns tier needs root")
        require_tools("ip")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        if exc_type is None:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            print("lab files kept in %s" % self.dir)
        return False

    def close(self):
        for p in reversed(self.processes):
            p.signal(signal.SIGTERM)
        deadline = time.monotonic() + 3
        for p in reversed(self.processes):
            try:
                p.popen.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.signal(signal.SIGKILL)
                p.popen.wait()
        self.processes = []
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL, check=False)
        self.namespaces = []

    # -- topology ---------------------------------------------------------------------------
    def ns(self, short):
        """Full namespace name for a short one ("d1" -> "vrrp1234-d1")."""
        return "%s-%s" % (self.prefix, short)

    def add_ns(self, short):
        full = self.ns(short)
        subprocess.run(["ip", "netns", "del", full], stderr=subprocess.DEVNULL, check=False)
        self.sh(["ip", "netns", "add", full])
        self.namespaces.append(full)
        self.sh(["ip", "-n", full, "link", "set", "lo", "up"])
        return full

    def add_bridge(self):
        self.bridge_ns = self.add_ns("br")
        self.sh(["ip", "-n", self.bridge_ns, "link", "add", "br0", "type", "bridge"])
        self.sh(["ip", "-n", self.bridge_ns, "link", "set", "br0", "up"])
        return self.bridge_ns

    def attach(self, short, addresses, ifname="eth0"):
        """veth from namespace `short` (as ifname) to the bridge; port named after the host."""
        port = "p-%s" % short
        full = self.ns(short)
        self.sh(["ip", "-n", self.bridge_ns, "link", "add", port, "type", "veth", "peer", "name", ifname,
                 "netns", full])
        self.sh(["ip", "-n", self.bridge_ns, "link", "set", port, "master", "br0", "up"])
        for a in addresses:
            args = ["ip", "-n", full, "addr", "add", a, "dev", ifname]
            if ":" in a:
                args.append("nodad")
            self.sh(args)
        self.sh(["ip", "-n", full, "link", "set", ifname, "up"])
        return port

    def set_port(self, short, up):
        """Cable pull (or plug) of a host's bridge port."""
        self.sh(["ip", "-n", self.bridge_ns, "link", "set", "p-%s" % short, "up" if up else "down"])

    # -- running things ---------------------------------------------------------------------
    def sh(self, argv, ns=None, check=True, timeout=30):
        if ns is not None:
            argv = ["ip", "netns", "exec", ns] + list(argv)
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise LabError("%s failed (%d): %s" % (" ".join(argv), r.returncode, r.stderr.strip()))
        return r

    def spawn(self, short, argv, name=None, env=None):
        """Starts argv in namespace `short`; output goes to a log file in the lab dir."""
        name = name or os.path.basename(argv[0])
        log_path = os.path.join(self.dir, "%s-%s-%d.log" % (short, name, len(self.processes)))
        log = open(log_path, "wb")
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        popen = subprocess.Popen(["ip", "netns", "exec", self.ns(short)] + list(argv), stdout=log,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=full_env)
        log.close()
        p = Process(popen, name, log_path)
        self.processes.append(p)
        return p

    # -- observations -----------------------------------------------------------------------
    def addresses(self, short, ifname="eth0"):
        r = self.sh(["ip", "-n", self.ns(short), "-o", "addr", "show", "dev", ifname], check=False)
        return set(re.findall(r"inet6? ([0-9a-fA-F:.]+)/", r.stdout))

    def has_address(self, short, address, ifname="eth0"):
        return address in self.addresses(short, ifname)

    def mac(self, short, ifname="eth0"):
        r = self.sh(["ip", "-n", self.ns(short), "-o", "link", "show", ifname])
        m = re.search(r"link/ether ([0-9a-f:]+)", r.stdout)
        return m.group(1) if m else None

    def neighbour_mac(self, short, address, ifname="eth0"):
        r = self.sh(["ip", "-n", self.ns(short), "neigh", "show", address, "dev", ifname], check=False)
        m = re.search(r"lladdr ([0-9a-f:]+)", r.stdout)
        return m.group(1) if m else None

    def ping_ok(self, short, address, wait_s=1):
        require_tools("ping")
        flag = "-6" if ":" in address else "-4"
        r = self.sh(["ping", flag, "-c1", "-W%d" % wait_s, address], ns=self.ns(short), check=False)
        return r.returncode == 0


class Capture:
    """tshark on an interface of a namespace; decode() reads the file back with tshark fields."""

    def __init__(self, lab, short, ifname, capture_filter):
        require_tools("tshark")
        self.lab = lab
        self.path = os.path.join(lab.dir, "%s-%s.pcapng" % (short, ifname))
        self.proc = lab.spawn(short, ["tshark", "-n", "-q", "-i", ifname, "-f", capture_filter, "-w", self.path],
                              name="tshark")
        wait_for(lambda: "Capturing on" in self.proc.log() or not self.proc.alive(), 20,
                 what="tshark to start capturing")
        if not self.proc.alive():
            raise LabError("tshark failed: " + self.proc.log())

    def stop(self):
        self.proc.signal(signal.SIGINT)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.signal(signal.SIGKILL)

    def decode(self, display_filter, fields):
        args = ["tshark", "-n", "-r", self.path, "-Y", display_filter, "-T", "fields", "-E", "separator=/t"]
        for f in fields:
            args += ["-e", f]
        r = subprocess.run(args, capture_output=True, text=True, check=True)
        rows = []
        for line in r.stdout.splitlines():
            values = line.split("\t")
            rows.append(dict(zip(fields, values)))
        return rows
