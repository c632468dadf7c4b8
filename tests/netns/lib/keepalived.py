# SPDX-License-Identifier: GPL-2.0-or-later
"""Real keepalived (Debian package) as a VRRP peer inside a Lab namespace, for interop tests."""

import os
import re
import signal

from netlab import LabError, require_tools, wait_for


def vrrp_conf(router_id, vrid, priority, version, advert_int, vips, interface="eth0", unicast_src=None,
              unicast_peers=(), preempt=True, auth_pass=None, use_vmac=False):
    lines = ["global_defs {", "  router_id %s" % router_id, "  vrrp_version %d" % version, "}",
             "vrrp_instance VI_%d {" % vrid, "  state BACKUP", "  interface %s" % interface,
             "  virtual_router_id %d" % vrid, "  priority %d" % priority, "  advert_int %s" % advert_int]
    if not preempt:
        lines.append("  nopreempt")
    if use_vmac:
        lines.append("  use_vmac")
    if unicast_peers:
        if unicast_src:
            lines.append("  unicast_src_ip %s" % unicast_src)
        lines.append("  unicast_peer {")
        lines += ["    %s" % p for p in unicast_peers]
        lines.append("  }")
    if auth_pass:
        lines += ["  authentication {", "    auth_type PASS", "    auth_pass %s" % auth_pass, "  }"]
    lines.append("  virtual_ipaddress {")
    # With use_vmac the VIPs go on the macvlan: a `dev` would put them on the interface instead.
    lines += ["    %s" % v if use_vmac else "    %s dev %s" % (v, interface) for v in vips]
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


class Keepalived:
    """keepalived in the foreground of its namespace (-n), VRRP only (-P), logging to its console."""

    def __init__(self, lab, short, conf_text):
        require_tools("keepalived")
        self.lab = lab
        self.short = short
        base = os.path.join(lab.dir, "keepalived-%s" % short)
        self.conf = base + ".conf"
        self.vrrp_pid_file = base + "-vrrp.pid"
        with open(self.conf, "w") as f:
            f.write(conf_text)
        for suffix in (".pid", "-vrrp.pid", "-chk.pid"):
            try:
                os.unlink(base + suffix)
            except FileNotFoundError:
                pass
        self.proc = lab.spawn(short, ["keepalived", "-n", "-l", "-D", "-G", "-P", "-f", self.conf, "-p", base + ".pid",
                                      "-r", self.vrrp_pid_file, "-c", base + "-chk.pid"], name="keepalived")

    def vrrp_child_pid(self):
        def read():
            try:
                with open(self.vrrp_pid_file) as f:
                    return int(f.read().strip() or 0)
            except (OSError, ValueError):
                return 0
        return wait_for(read, 10, what="keepalived's VRRP child pid file")

    def crash(self):
        """SIGKILL of parent and VRRP child in one go: a real crash (the VIP stays behind)."""
        child = self.vrrp_child_pid()
        for pid in (self.proc.pid, child):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(10)

    def stop(self):
        """Clean stop: keepalived sends a priority-0 advert and removes its VIPs."""
        self.proc.signal(signal.SIGTERM)
        self.proc.wait(10)

    def vrrp_state(self):
        """The state of its last "Entering ... STATE" line, None before the first."""
        states = re.findall(r"Entering (MASTER|BACKUP|FAULT) STATE", self.log())
        return states[-1] if states else None

    def log(self):
        return self.proc.log()

    def state_seen(self, state):
        if state not in ("MASTER", "BACKUP", "FAULT"):
            raise LabError("unknown state " + state)
        return ("Entering %s STATE" % state) in self.log()
