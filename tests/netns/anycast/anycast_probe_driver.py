# SPDX-License-Identifier: GPL-2.0-or-later
"""anycast_probe (lbd's announcement device and routes) driven from a netns test."""

import os
import subprocess

from netlab import Process, wait_for

PROTO = 245
DEVICE = "lbd-anycast"


class Probe:
    """anycast_probe in a namespace with its routes in `table`, fed desired sets line by line."""

    def __init__(self, lab, short, table):
        log_path = os.path.join(lab.dir, "%s-anycast_probe-%d.log" % (short, len(lab.processes)))
        out = open(log_path, "wb")
        popen = subprocess.Popen(["ip", "netns", "exec", lab.ns(short), os.environ["ANYCAST_PROBE"], DEVICE,
                                  str(table), str(PROTO)], stdin=subprocess.PIPE, stdout=out,
                                 stderr=subprocess.STDOUT)
        out.close()
        self.proc = Process(popen, "anycast_probe", log_path)
        lab.processes.append(self.proc)
        self.answers = 0
        wait_for(lambda: "ready" in self.proc.log() or not self.proc.alive(), 10, what="anycast_probe to start")
        if not self.proc.alive():
            raise AssertionError("anycast_probe failed: " + self.proc.log())

    def want(self, *prefixes):
        self.proc.popen.stdin.write((" ".join(prefixes) + "\n").encode())
        self.proc.popen.stdin.flush()
        self.answers += 1
        lines = wait_for(lambda: self._answers_if(self.answers), 10, what="anycast_probe to answer")
        return lines[-1]

    def _answers_if(self, n):
        lines = [l for l in self.proc.log().splitlines() if l.startswith(("applied", "error"))]
        return lines if len(lines) >= n else None
