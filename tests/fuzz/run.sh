#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
#
# Run each libFuzzer target for a fixed time from a fixed seed, as TAP:
#   tests/fuzz/run.sh <build-fuzz dir> [seconds per target]
set -uo pipefail
dir=$1
secs=${2:-60}
targets=(fuzz_tcp_input fuzz_model)
echo "1..${#targets[@]}"
n=0
for t in "${targets[@]}"; do
	n=$((n + 1))
	work=$(mktemp -d /tmp/tlsoff-fuzz.XXXXXX)
	mkdir -p "$work/corpus"
	if ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$dir/tests/fuzz/$t" -seed=1 -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=4096 -print_final_stats=1 "$work/corpus" \
		>"$work/log" 2>&1 </dev/null; then
		runs=$(grep -o 'number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
		echo "ok $n - $t: ${runs:-?} inputs in ${secs} s, no crash, sanitizer report or hang"
	else
		echo "not ok $n - $t"
		grep -v '^TLSOFF\|^# ' "$work/log" | tail -40 | sed 's/^/# /'
	fi
	rm -rf "$work"
done
