# SPDX-License-Identifier: GPL-2.0-or-later
"""lbd and keepalived in one VRID, VRRPv3 (100 ms adverts): multicast, unicast, IPv6 multicast and unicast;
each case both ways (see keepalived_pair.py)."""

import unittest

from keepalived_pair import LbdWithKeepalived


class KeepalivedV3(LbdWithKeepalived):
    def test_v3_multicast_lbd_master(self):
        self.run_pair(3, False, True)

    def test_v3_multicast_keepalived_master(self):
        self.run_pair(3, False, False)

    def test_v3_unicast_lbd_master(self):
        self.run_pair(3, True, True)

    def test_v3_unicast_keepalived_master(self):
        self.run_pair(3, True, False)

    def test_v3_ipv6_unicast_lbd_master(self):
        self.run_pair(3, True, True, v6=True)

    def test_v3_ipv6_unicast_keepalived_master(self):
        self.run_pair(3, True, False, v6=True)

    def test_v3_ipv6_lbd_master(self):
        self.run_pair(3, False, True, v6=True)

    def test_v3_ipv6_keepalived_master(self):
        self.run_pair(3, False, False, v6=True)



if __name__ == "__main__":
    unittest.main()
