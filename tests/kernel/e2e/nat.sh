# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC1091
# kernel_e2e_nat (and the live demo, scripts/demo.sh): the director pair's story with NAT forwarding.
# shellcheck disable=SC2034 # read by e2e-lib.sh
E2E_MODE=nat
. "$KT_DIR/e2e-lib.sh"
. "$KT_DIR/scenario.sh"
