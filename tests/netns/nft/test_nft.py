# SPDX-License-Identifier: GPL-2.0-or-later
"""lbd's nftables table (FULLNAT source NAT) reconciled against the kernel in a fresh namespace."""

import json
import os
import unittest

from netlab import Lab, require_tools, wait_for

RECONCILE = os.environ["NFT_RECONCILE"]
POOL4 = "10.79.0.1-10.79.0.4"
POOL6 = "fd00:79::1"
SERVICES = ["tcp,192.0.2.10,80", "tcp,192.0.2.10,443", "udp,192.0.2.10,53", "tcp,2001:db8::10,80"]
OTHER = """table ip other {
    set keep { type ipv4_addr; elements = { 198.51.100.1 }; }
    chain input { type filter hook input priority 0; policy accept; ip saddr @keep counter; }
    chain postrouting { type nat hook postrouting priority srcnat; policy accept; oifname "lo" masquerade; }
}
"""


class NftTable(unittest.TestCase):
    def setUp(self):
        require_tools("nft")
        self.lab = Lab("nft")
        self.lab.__enter__()
        self.addCleanup(self.lab.__exit__, None, None, None)
        self.ns = self.lab.add_ns("fw")
        # Someone else's table, which lbd must never touch.
        path = os.path.join(self.lab.dir, "other.nft")
        with open(path, "w") as f:
            f.write(OTHER)
        self.nft("-f", path)
        self.other = self.nft("list", "table", "ip", "other")

    def tearDown(self):
        self.assertEqual(self.nft("list", "table", "ip", "other"), self.other, "the unrelated table is untouched")

    def nft(self, *args):
        return self.lab.sh(["nft"] + list(args), ns=self.ns).stdout

    def reconcile(self, services=SERVICES, pool4=POOL4, pool6=POOL6):
        argv = [RECONCILE, "--table", "lbd"]
        if pool4:
            argv += ["--pool4", pool4]
        if pool6:
            argv += ["--pool6", pool6]
        for s in services:
            argv += ["--service", s]
        r = self.lab.sh(argv, ns=self.ns, check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def listing(self):
        """{set name: elements}, [chains], [rules as nft prints them], the table's handle (a new table
        gets a new one; rule handles restart with the table)."""
        items = json.loads(self.nft("-j", "-a", "list", "table", "inet", "lbd"))["nftables"]
        sets = {}
        for i in items:
            if "set" in i:
                sets[i["set"]["name"]] = sorted(tuple(e["concat"]) for e in i["set"].get("elem", []))
        chains = [(i["chain"]["name"], i["chain"]["hook"], i["chain"]["prio"]) for i in items if "chain" in i]
        handle = [i["table"]["handle"] for i in items if "table" in i][0]
        rules = [line.strip() for line in self.nft("list", "chain", "inet", "lbd", "postrouting").splitlines()
                 if line.strip().startswith("meta")]
        return sets, chains, rules, handle

    def assert_desired(self, services=SERVICES):
        sets, chains, rules, _ = self.listing()
        want = {"fullnat%s_%s" % (f, p): [] for f in "46" for p in ("tcp", "udp", "sctp")}
        for s in services:
            proto, addr, port = s.split(",")
            want["fullnat%s_%s" % ("6" if ":" in addr else "4", proto)].append((addr, int(port)))
        self.assertEqual(sets, {k: sorted(v) for k, v in want.items()})
        self.assertEqual(chains, [("postrouting", "postrouting", 100)])
        self.assertEqual(len(rules), 6, rules)
        self.assertIn("meta l4proto tcp ct original ip daddr . ct original proto-dst @fullnat4_tcp "
                      "snat ip to 10.79.0.1-10.79.0.4 fully-random", rules)
        self.assertIn("meta l4proto udp ct original ip6 daddr . ct original proto-dst @fullnat6_udp "
                      "snat ip6 to fd00:79::1 fully-random", rules)

    def test_creates_the_table_then_adopts_it_without_writing(self):
        self.assertEqual(self.reconcile()["kind"], "create")
        self.assert_desired()
        again = self.reconcile()
        self.assertEqual(again, {"kind": "none", "commands": []})

    def test_one_pass_repairs_edits_from_outside(self):
        self.reconcile()
        _, _, _, handle = self.listing()
        for edit in (["flush", "table", "inet", "lbd"],
                     ["add", "rule", "inet", "lbd", "postrouting", "counter"],
                     ["delete", "chain", "inet", "lbd", "postrouting"],
                     ["add", "set", "inet", "lbd", "extra", "{ type ipv4_addr; }"],
                     ["add", "table", "inet", "lbd", "{ flags dormant; }"]):
            self.nft(*edit)
            self.assertEqual(self.reconcile()["kind"], "replace", edit)
            self.assert_desired()
            self.assertEqual(self.reconcile()["kind"], "none", edit)
        # An element removed or added from outside is put right element by element.
        self.nft("delete", "element", "inet", "lbd", "fullnat4_tcp", "{ 192.0.2.10 . 80 }")
        self.nft("add", "element", "inet", "lbd", "fullnat4_udp", "{ 192.0.2.99 . 5353 }")
        fix = self.reconcile()
        self.assertEqual(fix["kind"], "elements")
        self.assertEqual(fix["commands"], ["delete element inet lbd fullnat4_udp { 192.0.2.99 . 5353 }",
                                           "add element inet lbd fullnat4_tcp { 192.0.2.10 . 80 }"])
        self.assert_desired()
        self.assertNotEqual(self.listing()[3], handle, "the table was replaced meanwhile")

    def test_changed_services_are_an_incremental_batch(self):
        self.reconcile()
        _, _, _, handle = self.listing()
        changed = [s for s in SERVICES if s != "tcp,192.0.2.10,443"] + ["sctp,192.0.2.11,3868", "udp,2001:db8::11,53"]
        step = self.reconcile(changed)
        self.assertEqual(step["kind"], "elements")
        self.assertTrue(all(" element inet lbd " in c for c in step["commands"]), step["commands"])
        self.assertEqual(len(step["commands"]), 3, step["commands"])
        self.assert_desired(changed)
        self.assertEqual(self.listing()[3], handle, "the table was not replaced")

    def test_changed_pool_replaces_the_rules(self):
        self.reconcile()
        self.assertEqual(self.reconcile(pool4="10.79.0.1-10.79.0.8")["kind"], "replace")
        self.assertIn("snat ip to 10.79.0.1-10.79.0.8 fully-random", " ".join(self.listing()[2]))

    def test_nothing_wanted_removes_the_table(self):
        self.reconcile()
        gone = self.reconcile(services=[], pool4=None, pool6=None)
        self.assertEqual(gone, {"kind": "remove", "commands": ["delete table inet lbd"]})
        self.assertNotIn("table inet lbd", self.nft("list", "tables"))
        self.assertEqual(self.reconcile(services=[], pool4=None, pool6=None)["kind"], "none")


# Tells each client the address it sees the connection come from, on every port given.
PEER_SERVER = """
import socket, sys, threading
def serve(port):
    s = socket.socket(socket.AF_INET6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen()
    while True:
        c, peer = s.accept()
        c.sendall(peer[0].removeprefix("::ffff:").encode())
        c.close()
for port in sys.argv[2:]:
    threading.Thread(target=serve, args=(int(port),), daemon=True).start()
serve(int(sys.argv[1]))
"""
ASK_PEER = """
import socket, sys
with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5) as s:
    print(s.recv(100).decode())
"""


class NftSnatTraffic(unittest.TestCase):
    """client -> router (lbd's table) -> server: the rules rewrite the source of connections to a
    listed address:port to the pool, and of no other. Without IPVS the original destination is the
    server itself; with IPVS it is the VIP (the guest tier)."""

    def setUp(self):
        require_tools("nft", "python3")
        self.lab = Lab("nftsn")
        self.lab.__enter__()
        self.addCleanup(self.lab.__exit__, None, None, None)
        for short in ("cl", "rt", "sv"):
            self.lab.add_ns(short)
        self.link("cl", "eth0", ["10.80.1.2/24", "fd00:80:1::2/64"], "rt", "eth1", ["10.80.1.1/24", "fd00:80:1::1/64"])
        # The pool's addresses are the router's, so the server's replies to them reach it.
        self.link("sv", "eth0", ["10.80.2.2/24", "fd00:80:2::2/64"], "rt", "eth2",
                  ["10.80.2.1/24", "fd00:80:2::1/64", "10.80.2.100/24", "10.80.2.101/24", "fd00:80:2::100/64"])
        for short, gw4, gw6 in (("cl", "10.80.1.1", "fd00:80:1::1"), ("sv", "10.80.2.1", "fd00:80:2::1")):
            self.lab.sh(["ip", "-n", self.lab.ns(short), "route", "add", "default", "via", gw4])
            self.lab.sh(["ip", "-n", self.lab.ns(short), "-6", "route", "add", "default", "via", gw6])
        for key in ("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"):
            self.lab.sh(["sysctl", "-qw", key], ns=self.lab.ns("rt"))
        self.lab.spawn("sv", ["python3", "-c", PEER_SERVER, "8080", "8081"], name="peer-server")
        wait_for(lambda: ":8081 " in self.lab.sh(["ss", "-Hltn"], ns=self.lab.ns("sv")).stdout, 10,
                 what="the server listening")

    def link(self, a, a_if, a_addrs, b, b_if, b_addrs):
        self.lab.sh(["ip", "-n", self.lab.ns(a), "link", "add", a_if, "type", "veth", "peer", "name", b_if,
                     "netns", self.lab.ns(b)])
        for short, ifname, addrs in ((a, a_if, a_addrs), (b, b_if, b_addrs)):
            for addr in addrs:
                self.lab.sh(["ip", "-n", self.lab.ns(short), "addr", "add", addr, "dev", ifname]
                            + (["nodad"] if ":" in addr else []))
            self.lab.sh(["ip", "-n", self.lab.ns(short), "link", "set", ifname, "up"])

    def seen_by_server(self, address, port):
        r = self.lab.sh(["python3", "-c", ASK_PEER, address, str(port)], ns=self.lab.ns("cl"), check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def test_connections_to_listed_services_leave_from_the_pool(self):
        self.assertEqual(self.seen_by_server("10.80.2.2", 8080), "10.80.1.2", "baseline: no source NAT")
        r = self.lab.sh([RECONCILE, "--table", "lbd", "--pool4", "10.80.2.100-10.80.2.101", "--pool6", "fd00:80:2::100",
                         "--service", "tcp,10.80.2.2,8080", "--service", "tcp,fd00:80:2::2,8080"],
                        ns=self.lab.ns("rt"), check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        for _ in range(4):
            self.assertIn(self.seen_by_server("10.80.2.2", 8080), ("10.80.2.100", "10.80.2.101"))
            self.assertEqual(self.seen_by_server("fd00:80:2::2", 8080), "fd00:80:2::100")
        self.assertEqual(self.seen_by_server("10.80.2.2", 8081), "10.80.1.2", "a port not listed keeps its source")
        self.assertEqual(self.seen_by_server("fd00:80:2::2", 8081), "fd00:80:1::2")


if __name__ == "__main__":
    unittest.main()
