# SPDX-License-Identifier: GPL-2.0-or-later
"""anycast_probe (lbd's announcement device and routes) driven from a netns test."""

import os
import subprocess

from netlab import Process, wait_for

PROTO = 245
DEVICE = "lbd-anycast"


# The upstream router of both tests: BIRD at 10.99.0.254 / fd99::254 (AS 65000), installing in its
# kernel whatever the director (10.99.0.1 / fd99::1, AS 65001) announces.
# bgpd may reset a session it opened before zebra told it the interface's addresses; BIRD then
# waits out its error wait time (60 s by default) before it accepts the session again.
UPSTREAM_BIRD_CONF = """
router id 10.99.0.254;
log stderr all;
protocol device { scan time 10; }
protocol kernel { ipv4 { import none; export all; }; }
protocol kernel { ipv6 { import none; export all; }; }
protocol bgp director {
  local 10.99.0.254 as 65000;
  neighbor 10.99.0.1 as 65001;
  connect delay time 1;
  error wait time 1, 5;
  ipv4 { import all; export none; };
}
protocol bgp director6 {
  local fd99::254 as 65000;
  neighbor fd99::1 as 65001;
  connect delay time 1;
  error wait time 1, 5;
  ipv6 { import all; export none; };
}
"""


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
