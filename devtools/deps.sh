#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
#
# The one list of what librte_tlsoff needs from Debian (bookworm), installed
# when missing. Re-running is fast: dpkg is asked first, apt only if needed.

set -euo pipefail

PKGS=(
	# build
	build-essential meson ninja-build pkg-config git
	libdpdk-dev libssl-dev libipsec-mb-dev libibverbs-dev
	# sanitizers and fuzzing
	clang libclang-rt-14-dev
	# end-to-end tests and the demo: namespaces, real clients, checks
	iproute2 ethtool iputils-ping procps psmisc curl wget openssl
	python3 python3-cryptography
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}; run as root to install" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
