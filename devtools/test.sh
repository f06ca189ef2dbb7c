#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
#
# Everything a change must pass, from a fresh Debian machine as root:
# install what is missing, build with -Werror, build the unit tests again
# with ASan+UBSan, run every suite (unit, sanitized unit, end to end with
# real clients in network namespaces, plain HTTP and TLS). The last line is
# "N passed, N failed, N skipped", counting individual tests.
#
#   devtools/test.sh [--full] [--no-e2e]
#     --full     the larger end-to-end matrix, and fuzzing for 10 minutes
#     --no-e2e   unit suites only (no namespaces needed)

set -euo pipefail
cd "$(dirname "$0")/.."

full=
e2e=1
fuzz_secs=60
for arg in "$@"; do
	case "$arg" in
	--full) full=--full; fuzz_secs=600 ;;
	--no-e2e) e2e= ;;
	-h | --help) sed -n '4,13p' "$0"; exit 0 ;;
	*) echo "test.sh: unknown option '$arg'" >&2; exit 2 ;;
	esac
done

fail_build() {
	echo "test.sh: $1 failed" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

devtools/deps.sh || fail_build "installing dependencies"

# (Re)configure a build directory with exactly these options, then build.
build() {
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "$@" >/dev/null || return 1
	else
		meson setup "$dir" "$@" >/dev/null || return 1
	fi
	ninja -C "$dir" >"$dir.log" 2>&1 || { tail -40 "$dir.log"; return 1; }
}

build build -Dwerror=true -Dtests=true -Dexamples=true || fail_build "build"
build build-asan -Dwerror=true -Db_sanitize=address,undefined \
	-Db_lundef=false -Dexamples=false -Dtests=true || fail_build "sanitizer build"
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false \
		-Dexamples=false -Db_sanitize=address,undefined -Db_lundef=false \
		>/dev/null || fail_build "fuzz setup"
fi
build build-fuzz || fail_build "fuzz build"

san="ASAN_OPTIONS=detect_leaks=0:abort_on_error=1"
san="$san UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
{
	for t in build/tests/unit/test_*; do
		[ -x "$t" ] && [ -f "$t" ] || continue
		printf 'unit/%s\t300\t%s\n' "$(basename "$t")" "$t"
	done
	for t in build-asan/tests/unit/test_*; do
		[ -x "$t" ] && [ -f "$t" ] || continue
		printf 'asan/%s\t900\t%s %s\n' "$(basename "$t")" "$san" "$t"
	done
	printf 'fuzz\t%s\ttests/fuzz/run.sh build-fuzz %s\n' "$((2 * fuzz_secs + 120))" "$fuzz_secs"
	# A real ConnectX is checked only where there is one: a skip here.
	printf 'hw-check\t120\tdevtools/hw-check.sh --build build\n'
	printf 'bench-smoke\t300\tpython3 tests/bench_smoke.py --build build\n'
	if [ -n "$e2e" ]; then
		printf 'e2e\t2400\tpython3 tests/e2e/e2e.py --build build %s\n' "$full"
		printf 'e2e-tls\t%s\tpython3 tests/e2e/e2e_tls.py --build build %s\n' \
			"$([ -n "$full" ] && echo 2400 || echo 900)" "$full"
		printf 'e2e-offload\t%s\tpython3 tests/e2e/e2e_offload.py --build build %s\n' \
			"$([ -n "$full" ] && echo 2400 || echo 900)" "$full"
	fi
} | python3 devtools/tap_run.py
