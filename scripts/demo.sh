#!/usr/bin/env bash
# README command 1: installs what is needed, builds, and runs lbd's main job.
# Until the daemon lands, that job is checking the example configuration and printing it
# normalised, with every default resolved.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "== lbd --check etc/lbd.conf --print"
build/src/daemon/lbd --check etc/lbd.conf --print
