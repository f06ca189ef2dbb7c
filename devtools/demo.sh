#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
#
# The demo, from a fresh Debian machine as root: install what is missing,
# build, start tlsoff-sender in a network namespace serving HTTPS with its
# TLS records encrypted by the NIC (the mlx5 NIC model here: no ConnectX),
# drop 1% of its data segments on the way out, download a file from it
# with curl (OpenSSL over the Linux TCP stack) in another namespace, check
# its SHA-256, print the throughput and the resync counters (each
# retransmission brought the NIC's crypto state back in step), clean up.
#
#   devtools/demo.sh [--size MiB] [--loss P] [--offload mlx5|sw] [--plain]

set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=64
loss=0.01
offload=mlx5
plain=
while [ $# -gt 0 ]; do
	case "$1" in
	--size) size_mib=$2; shift 2 ;;
	--loss) loss=$2; shift 2 ;;
	--offload) offload=$2; shift 2 ;;
	--plain) plain=1; shift ;;
	-h | --help) sed -n '4,13p' "$0"; exit 0 ;;
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

if [ -n "$plain" ]; then
	args=(--ip 198.18.0.2/24 --plain --listen 8080)
	url=http://198.18.0.2:8080/file.bin
else
	args=(--ip 198.18.0.2/24 --listen 8443 --offload "$offload")
	url=https://198.18.0.2:8443/file.bin
fi
args+=(--root "$work/www" --stats-json "$work/stats.json")
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
grep "^tlsoff-sender: \|no ConnectX" "$work/sender.log" | grep -v ready || true

echo "curl $url (${size_mib} MiB, $loss of the sender's data segments dropped) from namespace $name-c"
# -k: the sender's certificate is an ephemeral self-signed one.
speed=$(ip netns exec "$name-c" curl -sS -k -f -m 300 -o "$work/got.bin" \
	-w '%{speed_download}' "$url")
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
mode = stats.get("mode")
if mode == "tls" and stats.get("offload") == "sw":
    print(f"TLS {stats.get('tls.version')} {stats.get('tls.cipher')}, records "
          f"sealed in software by: {stats.get('crypto.engine')}")
elif mode == "tls":
    print(f"TLS {stats.get('tls.version')} {stats.get('tls.cipher')}, records "
          f"encrypted by: {stats.get('offload')} (software engine, for "
          f"connections the device cannot take: {stats.get('crypto.engine')})")
def show(title, keys):
    print(title)
    for k in keys:
        print(f"  {k:28} {stats.get(k, 0)}")
show("loss and repair:", ["tcp.injected_drops", "tcp.retransmits",
                          "tcp.retransmit_bytes", "tcp.fast_retransmits",
                          "tcp.rto_fires"])
if mode == "tls":
    show("records:", ["tls.records", "tls.nic_records", "tls.bytes",
                      "tls.nic_fallbacks"])
if any(k.startswith("mlx5.") for k in stats):
    show("NIC (resync):", ["mlx5.encrypted_packets", "mlx5.encrypted_bytes",
                           "mlx5.ooo_packets", "mlx5.resyncs",
                           "mlx5.dump_wqes", "mlx5.dump_bytes",
                           "mlx5.skip_no_sync", "mlx5.drop_no_sync",
                           "mlx5.ctx_created", "mlx5.fw_commands",
                           "mlx5.cqe_errors"])
    rb = stats.get("tcp.retransmit_bytes", 0)
    if rb:
        print(f"  DUMP bytes per retransmitted byte: "
              f"{stats.get('mlx5.dump_bytes', 0) / rb:.2f}")
sys.exit(0 if got == want else 1)
PY
