#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
"""Run test programs that speak TAP and count their tests.

Reads suites from stdin, one per line: "<label>\t<timeout seconds>\t<command>".
Each suite's TAP output is echoed with the label in front. A suite that
crashes, times out or stops short of its plan counts as one more failure.
The last line printed is "N passed, N failed, N skipped".
"""

import os
import re
import signal
import subprocess
import sys
import time

OK_RE = re.compile(r"^(not )?ok\b\s*(\d+)?\s*-?\s*(.*)$")
PLAN_RE = re.compile(r"^1\.\.(\d+)(.*)$")


def run_suite(label, timeout, cmd, totals):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, shell=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            errors="replace", start_new_session=True)
    plan = None
    seen = 0
    failed_here = 0
    timed_out = False

    def kill():
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    deadline = start + timeout
    for line in proc.stdout:
        line = line.rstrip("\n")
        if time.monotonic() > deadline:
            timed_out = True
            kill()
            break
        m = PLAN_RE.match(line)
        if m and plan is None:
            plan = int(m.group(1))
            if plan == 0 and "SKIP" in m.group(2).upper():
                totals["skipped"] += 1
                print(f"[{label}] SKIP {m.group(2).strip(' #')}", flush=True)
            continue
        m = OK_RE.match(line)
        if m:
            seen += 1
            desc = m.group(3)
            if "# SKIP" in desc.upper() or "#SKIP" in desc.upper():
                totals["skipped"] += 1
                print(f"[{label}] skip {desc}", flush=True)
            elif m.group(1):
                totals["failed"] += 1
                failed_here += 1
                print(f"[{label}] FAIL {desc}", flush=True)
            else:
                totals["passed"] += 1
                print(f"[{label}] ok   {desc}", flush=True)
            continue
        print(f"[{label}]      {line}", flush=True)
    try:
        rc = proc.wait(timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        timed_out = True
        kill()
        rc = proc.wait()
    took = time.monotonic() - start
    problem = None
    if timed_out:
        problem = f"timed out after {timeout} s"
    elif plan is None:
        problem = f"no TAP plan (exit code {rc})"
    elif seen < plan:
        problem = f"stopped after {seen} of {plan} tests (exit code {rc})"
    elif rc != 0 and failed_here == 0:
        problem = f"exit code {rc} with no failing test"
    if problem:
        totals["failed"] += 1
        print(f"[{label}] FAIL suite: {problem}", flush=True)
    print(f"[{label}] done in {took:.1f} s", flush=True)


def main():
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    for raw in sys.stdin:
        raw = raw.rstrip("\n")
        if not raw or raw.startswith("#"):
            continue
        label, timeout, cmd = raw.split("\t", 2)
        run_suite(label, int(timeout), cmd, totals)
    print(f"{totals['passed']} passed, {totals['failed']} failed, "
          f"{totals['skipped']} skipped", flush=True)
    return 1 if totals["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
