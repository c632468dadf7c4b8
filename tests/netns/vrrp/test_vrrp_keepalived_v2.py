# SPDX-License-Identifier: GPL-2.0-or-later
"""lbd and keepalived in one VRID, VRRPv2 (1 s adverts): multicast, unicast, simple password;
each case both ways (see keepalived_pair.py)."""

import unittest

from keepalived_pair import LbdWithKeepalived


class KeepalivedV2(LbdWithKeepalived):
    def test_v2_multicast_lbd_master(self):
        self.run_pair(2, False, True)

    def test_v2_multicast_keepalived_master(self):
        self.run_pair(2, False, False)

    def test_v2_unicast_lbd_master(self):
        self.run_pair(2, True, True)

    def test_v2_unicast_keepalived_master(self):
        self.run_pair(2, True, False)

    def test_v2_password_lbd_master(self):
        self.run_pair(2, False, True, password="s3cret")

    def test_v2_password_keepalived_master(self):
        self.run_pair(2, False, False, password="s3cret")


if __name__ == "__main__":
    unittest.main()
