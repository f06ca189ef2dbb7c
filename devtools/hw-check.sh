#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
#
# Hardware check, for a machine with a ConnectX-6 Dx or ConnectX-7: queries
# the device's TLS capabilities, sets up one TLS context through DevX, sends
# a record and a resync (DUMP) on the driver's own send queue, and checks
# every command and completion. Prints TAP; on a machine without such a
# device it reports a skip.
#
#   devtools/hw-check.sh [--build DIR] [--ib-dev mlx5_0]
#
# Frames go out of the port to 02:00:00:00:7f:01 / 198.18.0.1 (benchmark
# range). Ciphertext on a real wire is checked with tlsoff-sender
# --offload mlx5 and a client on the link peer (doc/mlx5.md).

set -euo pipefail
cd "$(dirname "$0")/.."

build=build
args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--ib-dev) args+=(--ib-dev "$2"); shift 2 ;;
	-h | --help) sed -n '4,15p' "$0"; exit 0 ;;
	*) echo "hw-check.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done

bin=$build/tests/hw/hw_check
if [ ! -x "$bin" ]; then
	echo "hw-check.sh: $bin is not built (meson setup $build; ninja -C $build)" >&2
	exit 1
fi
if [ ! -d /sys/class/infiniband ] || [ -z "$(ls -A /sys/class/infiniband 2>/dev/null)" ]; then
	echo "1..1"
	echo "ok 1 - ConnectX TLS TX hardware check # SKIP no device: no RDMA devices (/sys/class/infiniband is empty)"
	exit 0
fi
exec "$bin" --no-huge -m 256 --no-pci --file-prefix "hwcheck$$" \
	--log-level=lib.eal:error -- "${args[@]}"
