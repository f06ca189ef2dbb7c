#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
"""Smoke test of tlsoff-bench: `--quick --verify --json` must run every
path at both record sizes, move the bytes it was asked to and have the
receivers verify every one of them. No timing is asserted (the numbers
are for doc/benchmarks.md, measured on a quiet machine). Output is TAP."""

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATHS = ["plain", "plain-ring", "tls-sw-openssl", "tls-sw-ipsec-mb",
         "tls-nic-model", "raw-aead-openssl", "raw-aead-ipsec-mb",
         "openssl-kernel-tcp"]
SIZES = [16384, 4096]
BYTES = 8 << 20


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = ap.parse_args()
    binary = os.path.join(args.build, "examples", "tlsoff-bench",
                          "tlsoff-bench")
    if not os.access(binary, os.X_OK):
        print(f"1..0 # SKIP {binary} not built")
        return 0
    tmp = tempfile.mkdtemp(prefix="tlsoff-bench-smoke-")
    out = os.path.join(tmp, "bench.json")
    cmd = [binary, "-l", "0,1", "--no-huge", "-m", "1024", "--no-pci",
           "--file-prefix", f"bsmoke{os.getpid()}",
           "--log-level=lib.eal:error", "--", "--quick", "--verify",
           "--rounds", "1", "--bytes", str(BYTES), "--json", out]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    n = 0
    failed = 0

    def ok(cond, desc, diag=None):
        nonlocal n, failed
        n += 1
        print(f"{'ok' if cond else 'not ok'} {n} - {desc}")
        if not cond:
            failed += 1
            if diag:
                for line in str(diag).splitlines()[-20:]:
                    print(f"#   {line}")

    ok(r.returncode == 0, "tlsoff-bench --quick --verify exits 0",
       r.stdout + r.stderr)
    try:
        with open(out) as f:
            res = json.load(f)
    except (OSError, ValueError) as e:
        res = {"results": []}
        ok(False, "--json wrote a JSON file", e)
    else:
        ok(isinstance(res.get("machine"), str) and res["machine"],
           "--json names the machine")
    got = {(x["path"], x["record_size"]): x for x in res["results"]}
    for size in SIZES:
        for p in PATHS:
            x = got.get((p, size))
            want_bytes = BYTES // size * size if p.startswith("raw") \
                else BYTES
            ok(x is not None and x["ok"] and x["bytes"] == want_bytes and
               x["verified_bytes"] == want_bytes and
               x["busy_cycles"] > 0 and x["cycles_per_byte"] > 0 and
               x["gbps_per_core"] > 0,
               f"{p} at {size}: ran, moved {want_bytes} bytes, all "
               "verified", json.dumps(x))
            if p in ("tls-sw-openssl", "tls-sw-ipsec-mb", "tls-nic-model") \
                    and x is not None:
                ok(x["records"] >= -(-BYTES // size),
                   f"{p} at {size}: records of at most {size} bytes",
                   json.dumps(x))
    print(f"1..{n}")
    subprocess.run(["rm", "-rf", tmp], check=False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
