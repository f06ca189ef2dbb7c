#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
#
# The demo, from a fresh Debian machine as root: install what is missing,
# build, start tlsoff-sender in a network namespace, download a file from it
# with curl (the Linux TCP stack) in another, check its SHA-256, print the
# throughput and the stack's counters, and clean up.
#
#   devtools/demo.sh [--size MiB] [--loss P]

set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=64
loss=0
while [ $# -gt 0 ]; do
	case "$1" in
	--size) size_mib=$2; shift 2 ;;
	--loss) loss=$2; shift 2 ;;
	-h | --help) sed -n '4,11p' "$0"; exit 0 ;;
	*) echo "demo.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
case "$size_mib" in '' | *[!0-9]*) echo "demo.sh: --size wants MiB" >&2; exit 2 ;; esac

devtools/deps.sh
if [ ! -f build/build.ninja ]; then
	meson setup build >/dev/null
fi
ninja -C build >/dev/null

name="demo$$"
name=${name:0:12}
work=$(mktemp -d /tmp/tlsoff-demo.XXXXXX)
sender_pid=
cleanup() {
	[ -n "$sender_pid" ] && kill "$sender_pid" 2>/dev/null && wait "$sender_pid" 2>/dev/null
	devtools/netns.sh down "$name"
	rm -rf "$work"
}
trap cleanup EXIT

devtools/netns.sh up "$name"
mkdir -p "$work/www"
head -c "$((size_mib * 1048576))" /dev/urandom >"$work/www/file.bin"
want=$(sha256sum "$work/www/file.bin" | cut -d' ' -f1)

args=(--ip 198.18.0.2/24 --plain --listen 8080 --root "$work/www"
	--stats-json "$work/stats.json")
if [ "$loss" != 0 ]; then
	args+=(--drop-rate "$loss" --drop-seed 1)
fi
ip netns exec "$name-s" build/examples/tlsoff-sender/tlsoff-sender \
	--no-huge -m 512 --no-pci --file-prefix "$name" \
	--log-level=lib.eal:error --vdev "net_af_packet0,iface=${name}s" \
	-- "${args[@]}" >"$work/sender.log" 2>&1 &
sender_pid=$!
for _ in $(seq 100); do
	grep -q 'tlsoff-sender: ready' "$work/sender.log" && break
	sleep 0.1
done
if ! grep -q 'tlsoff-sender: ready' "$work/sender.log"; then
	cat "$work/sender.log"
	echo "demo.sh: the sender did not start" >&2
	exit 1
fi
grep -m1 "^tlsoff-sender: [0-9]" "$work/sender.log" || true

echo "curl http://198.18.0.2:8080/file.bin (${size_mib} MiB) from namespace $name-c"
speed=$(ip netns exec "$name-c" curl -sS -f -m 300 -o "$work/got.bin" \
	-w '%{speed_download}' http://198.18.0.2:8080/file.bin)
got=$(sha256sum "$work/got.bin" | cut -d' ' -f1)
kill -TERM "$sender_pid"
wait "$sender_pid" || true
sender_pid=

python3 - "$work/stats.json" "$speed" "$want" "$got" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))
speed, want, got = float(sys.argv[2]), sys.argv[3], sys.argv[4]
print(f"sha256 {got} {'matches' if got == want else 'DIFFERS from ' + want}")
print(f"throughput {speed * 8 / 1e6:.0f} Mb/s (curl, one connection, af_packet veth)")
print("stack counters (non-zero):")
for k in sorted(stats):
    v = stats[k]
    if isinstance(v, (int, float)) and v and not isinstance(v, bool):
        print(f"  {k:32} {v}")
sys.exit(0 if got == want else 1)
PY
