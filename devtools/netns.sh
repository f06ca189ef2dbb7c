#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
#
# Two network namespaces joined by a veth pair: <name>-s holds the DPDK
# process (net_af_packet on the veth end <name>s, no kernel address) and
# <name>-c a real Linux client at 198.18.<n>.1/24 on <name>c. Addresses are
# from the benchmarking range (RFC 2544). The kernel side of the veth has its
# offloads off so af_packet sees real, checksummed, MTU-sized frames.
#
#   netns.sh up <name> [subnet-octet]    create (replacing a stale pair)
#   netns.sh down <name>                 remove
# <name> must be at most 12 characters (interface names are limited to 15).

set -euo pipefail

cmd=${1:-}
name=${2:-}
octet=${3:-0}
if [ -z "$cmd" ] || [ -z "$name" ] || [ ${#name} -gt 12 ]; then
	echo "usage: $0 up|down <name (<= 12 chars)> [subnet octet]" >&2
	exit 2
fi

down() {
	ip netns del "$name-s" 2>/dev/null || true
	ip netns del "$name-c" 2>/dev/null || true
	ip link del "${name}s" 2>/dev/null || true
}

up() {
	down
	ip netns add "$name-s"
	ip netns add "$name-c"
	ip link add "${name}s" type veth peer name "${name}c"
	ip link set "${name}s" netns "$name-s"
	ip link set "${name}c" netns "$name-c"
	for ns in "$name-s" "$name-c"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		ip netns exec "$ns" ip link set lo up
	done
	ip netns exec "$name-s" ip link set "${name}s" up
	ip netns exec "$name-c" ip addr add "198.18.$octet.1/24" dev "${name}c"
	ip netns exec "$name-c" ip link set "${name}c" up
	ip netns exec "$name-s" ethtool -K "${name}s" tx off rx off tso off \
		gso off gro off >/dev/null 2>&1 || true
	ip netns exec "$name-c" ethtool -K "${name}c" tx off rx off tso off \
		gso off gro off >/dev/null 2>&1 || true
}

case "$cmd" in
up) up ;;
down) down ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
