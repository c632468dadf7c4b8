#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# promtool with its arguments; a missing promtool is a failure with the package to install.
if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found: apt-get install --no-install-recommends prometheus" >&2
  exit 1
fi
exec promtool "$@"
