#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
"""End-to-end tests: tlsoff-sender --plain against the real Linux TCP stack.

The sender runs in one network namespace on net_af_packet; curl, wget,
ping and Python clients run in another; devtools/netns.sh joins them with a
veth pair. Content is always checked by SHA-256. Loss is injected by the
stack itself (--drop-rate). Output is TAP; run as root. The same over TLS,
the default mode, is e2e_tls.py.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

from common import (CLIENT, ROOT, SERVER_IP, Env, Sender, Tap, make_files,
                    parallel, pattern_sha256, stat)
import common

PORT = 8080


def plain_sender(env, binary, args, tmp):
    """The sender in --plain mode."""
    return Sender(env, binary, args, tmp, plain=True, port=PORT)


def curl_get(env, name, extra=(), timeout=300):
    """Download /name with curl; returns (ok, sha256 or error)."""
    ok, got, _ = common.curl_get(env, f"http://{SERVER_IP}:{PORT}/{name}",
                                 extra, timeout)
    return ok, got


def test_transfers(tap, env, binary, tmp, root, files, loss, full):
    """Every file, 4 in parallel, at one loss rate; then wget."""
    label = f"{int(loss * 100)}% loss"
    args = ["--root", root]
    if loss > 0:
        args += ["--drop-rate", str(loss), "--drop-seed", "7"]
    snd = plain_sender(env, binary, args, tmp)
    names = sorted(files, key=lambda n: files[n][0])
    start = time.monotonic()
    res = parallel(lambda n: curl_get(env, n), names, 4)
    took = time.monotonic() - start
    total = sum(files[n][0] for n in names)
    for n, (ok, got) in zip(names, res):
        tap.ok(ok and got == files[n][1],
               f"curl {n} ({files[n][0]} B), 4 in parallel, {label}",
               got if not ok else f"sha256 {got} != {files[n][1]}")
    tap.diag(f"{label}: {total / took / 1e6 * 8:.0f} Mb/s over {took:.1f} s")
    wname = names[-2] if not full else names[-1]
    out = f"/tmp/{env.name}-wget"
    r = env.client(["wget", "-q", "-O", out, "-T", "120",
                    f"http://{SERVER_IP}:{PORT}/{wname}"], timeout=400)
    digest = None
    if r.returncode == 0:
        with open(out, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        os.unlink(out)
    tap.ok(digest == files[wname][1], f"wget {wname}, {label}", r.stderr)
    stats = snd.stop()
    tap.ok(stats is not None, f"stats JSON written at exit ({label})",
           snd.tail())
    if loss > 0:
        tap.ok(stat(stats, "tcp.injected_drops") > 0 and
               stat(stats, "tcp.retransmits") >= stat(stats, "tcp.injected_drops") * 0.5,
               f"losses were injected and repaired ({label})",
               json.dumps({k: stat(stats, k) for k in
                           ("tcp.injected_drops", "tcp.retransmits",
                            "tcp.fast_retransmits", "tcp.rto_fires")}))
        tap.diag(f"{label}: injected {stat(stats, 'tcp.injected_drops')}, "
                 f"retransmits {stat(stats, 'tcp.retransmits')}, "
                 f"fast {stat(stats, 'tcp.fast_retransmits')}, "
                 f"rto {stat(stats, 'tcp.rto_fires')}")
    else:
        tap.ok(stat(stats, "tcp.injected_drops") == 0 and
               stat(stats, "tcp.bytes_out") >= total,
               "no loss injected at 0%; every byte sent",
               json.dumps(stats)[:500] if stats else snd.tail())


def test_basics(tap, env, binary, tmp, root, files):
    snd = plain_sender(env, binary, ["--root", root], tmp)
    r = env.client(["ping", "-c", "3", "-i", "0.2", "-W", "2", SERVER_IP],
                   timeout=30)
    tap.ok(r.returncode == 0 and " 0% packet loss" in r.stdout,
           "ping answered", r.stdout + r.stderr)
    # Keep-alive: two files on one connection.
    a, b = "f1024.bin", "f65537.bin"
    r = env.client(["curl", "-sS", "-v", "-o", "/dev/null", "-o", "/dev/null",
                    f"http://{SERVER_IP}:{PORT}/{a}",
                    f"http://{SERVER_IP}:{PORT}/{b}"], timeout=60)
    tap.ok(r.returncode == 0 and "Re-using existing connection" in r.stderr,
           "keep-alive: two requests on one connection", r.stderr[-800:])
    r = env.client(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                    f"http://{SERVER_IP}:{PORT}/missing.bin"], timeout=30)
    tap.ok(r.stdout == "404", "missing file is 404", r.stdout + r.stderr)
    r = env.client(["curl", "-s", "--path-as-is", "-o", "/dev/null", "-w",
                    "%{http_code}",
                    f"http://{SERVER_IP}:{PORT}/../../../etc/passwd"],
                   timeout=30)
    tap.ok(r.stdout in ("400", "403", "404"),
           "path traversal refused", r.stdout + r.stderr)
    # A client that resets mid-transfer: freed and counted; serving goes on.
    r = env.client(["python3", CLIENT, "reset", SERVER_IP, str(PORT),
                    "/f67108864.bin", "300000"], timeout=60)
    time.sleep(0.5)
    ok, got = curl_get(env, "f1048576.bin")
    tap.ok(r.returncode == 0 and ok and got == files["f1048576.bin"][1],
           "after a client reset the server goes on serving",
           r.stdout + r.stderr + str(got))
    # 200 sequential connections.
    r = env.client(["python3", CLIENT, "seq", SERVER_IP, str(PORT),
                    "/f1024.bin", "200"], timeout=300)
    res = json.loads(r.stdout) if r.returncode == 0 else {}
    tap.ok(res.get("ok") == 200 and
           res.get("digests") == [files["f1024.bin"][1]],
           "200 sequential connections", r.stdout + r.stderr)
    # 50 concurrent connections, 1 MiB each.
    r = env.client(["python3", CLIENT, "conc", SERVER_IP, str(PORT),
                    "/f1048576.bin", "50"], timeout=300)
    res = json.loads(r.stdout) if r.returncode == 0 else {}
    tap.ok(res.get("ok") == 50 and
           res.get("digests") == [files["f1048576.bin"][1]],
           "50 concurrent connections", r.stdout + r.stderr)
    stats = snd.stop()
    tap.ok(stat(stats, "tcp.conn_reset") >= 1,
           "the reset connection is counted (tcp.conn_reset)",
           json.dumps(stats)[:800] if stats else snd.tail())
    tap.ok(stat(stats, "tcp.conn_accepted") >= 253,
           "every connection accepted and counted",
           f"tcp.conn_accepted = {stat(stats, 'tcp.conn_accepted')}")
    tap.ok(stat(stats, "icmp.echo_replies") >= 3, "echo replies counted")
    tap.ok(stat(stats, "mode") == "plain" and
           stat(stats, "tls.handshakes") == 0 and
           stat(stats, "tls.records") == 0,
           "--plain: stats say mode plain, and no TLS happened",
           json.dumps({k: stat(stats, k) for k in
                       ("mode", "tls.handshakes", "tls.records")}))


def test_slow_reader(tap, env, binary, tmp, root, files):
    """A reader slower than the sender: windows close, probes reopen them."""
    env.sysctl_client("net.ipv4.tcp_rmem", "4096 8192 16384")
    try:
        snd = plain_sender(env, binary, ["--root", root], tmp)
        name = "f65537.bin"
        ok, got = curl_get(env, name, ["--limit-rate", "20k"], timeout=120)
        stats = snd.stop()
    finally:
        env.sysctl_client("net.ipv4.tcp_rmem", "4096 131072 6291456")
    tap.ok(ok and got == files[name][1], "slow reader gets the right bytes",
           got)
    tap.ok(stat(stats, "tcp.zero_windows") > 0 and
           stat(stats, "tcp.persist_probes") > 0,
           "the slow reader closed the window and the sender probed it",
           json.dumps({k: stat(stats, k) for k in
                       ("tcp.zero_windows", "tcp.persist_probes")}))


def test_bytes_and_exit(tap, env, binary, tmp):
    """/bytes/N pattern without --root, and --exit-after."""
    snd = plain_sender(env, binary, ["--exit-after", "2"], tmp)
    n = 3 * 1000 * 1000 + 7
    r = env.client(["python3", CLIENT, "get", SERVER_IP, str(PORT),
                    f"/bytes/{n}"], timeout=120)
    res = json.loads(r.stdout) if r.returncode == 0 else {}
    tap.ok(res.get("sha256") == pattern_sha256(n),
           "/bytes/N follows the documented pattern", r.stdout + r.stderr)
    r = env.client(["curl", "-s", "-o", "/dev/null",
                    f"http://{SERVER_IP}:{PORT}/bytes/10"], timeout=30)
    try:
        rc = snd.proc.wait(15)
    except subprocess.TimeoutExpired:
        rc = None
    stats = snd.stop()
    tap.ok(rc == 0 and stats is not None,
           "--exit-after 2 exits cleanly and writes the stats",
           f"exit code {rc}\n" + snd.tail())


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--full", action="store_true",
                    help="wget takes the 64 MiB file instead of 16 MiB")
    args = ap.parse_args()
    tap = Tap()
    binary = os.path.join(args.build, "examples", "tlsoff-sender",
                          "tlsoff-sender")
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root for network namespaces")
        return 0
    if not os.access(binary, os.X_OK):
        print(f"1..0 # SKIP {binary} not built")
        return 0
    env = Env()
    tmp = tempfile.mkdtemp(prefix="tlsoff-e2e-")
    try:
        root, files = make_files(tmp)
        steps = [
            ("basics", lambda: test_basics(tap, env, binary, tmp, root, files)),
            ("bytes", lambda: test_bytes_and_exit(tap, env, binary, tmp)),
            ("slow reader", lambda: test_slow_reader(tap, env, binary, tmp,
                                                     root, files)),
        ]
        for loss in (0.0, 0.01, 0.05):
            steps.append((f"loss {loss}", lambda loss=loss: test_transfers(
                tap, env, binary, tmp, root, files, loss, args.full)))
        for name, fn in steps:
            try:
                fn()
            except Exception as e:  # one broken step must not hide the rest
                tap.ok(False, f"{name}: step raised {type(e).__name__}", e)
    finally:
        env.close()
        subprocess.run(["rm", "-rf", tmp], check=False)
    tap.done()
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
