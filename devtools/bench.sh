#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
#
# Run tlsoff-bench: every transmit path side by side on the sender core
# (lcore 0) with the receiver and the NIC model on lcore 1. Builds first if
# needed. Options go to tlsoff-bench (see doc/benchmarks.md):
#
#   devtools/bench.sh [--quick] [--json FILE] [--loss P] [--paths a,b] ...
#
# Numbers are only meaningful on a quiet machine: stop other work first.

set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
-h | --help) sed -n '4,11p' "$0"; exit 0 ;;
esac
if [ ! -f build/build.ninja ]; then
	devtools/deps.sh
	meson setup build >/dev/null
fi
ninja -C build examples/tlsoff-bench/tlsoff-bench >/dev/null
exec build/examples/tlsoff-bench/tlsoff-bench -l 0,1 --no-huge -m 1024 \
	--no-pci --file-prefix "bench$$" --log-level=lib.eal:error -- "$@"
