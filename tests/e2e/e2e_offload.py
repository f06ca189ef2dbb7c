#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
"""End-to-end tests of the NIC offload: tlsoff-sender --offload mlx5 (the
NIC model here: no ConnectX) against real clients in another network
namespace, the same clients and checks as e2e_tls.py, plus what only the
offload has. Output is TAP; run as root.

Default run (about 2 minutes on 2 cores):
  transfer    curl (4 files in parallel, 1 KiB .. 64 MiB), wget, Python ssl
              and s_client at 0%, 1% and 5% loss, TLS 1.2 and 1.3,
              AES-128-GCM and AES-256-GCM; bodies by SHA-256; the stats say
              the NIC encrypted the records, without error completions or
              unsynced drops, and under loss that it was resynced (resyncs,
              DUMP bytes)
  keyupdate   s_client's KeyUpdate requests during a 64 MiB body at 1% loss:
              a device context per key epoch
  recordsize  --record-size 1000 at 1% loss
  marker      a file made of a known plaintext marker, served at 1% loss
              with --pcap: the body arrives intact, the capture holds the
              whole stream (TLS 1.2: the certificate is visible in it) and
              never the marker
  chacha20    falls back to software per connection (tls.nic_fallbacks)
  negative    --test-no-resync at 5% loss: the client fails with a bad
              record MAC (the model is strict: no resync, wrong ciphertext)
--full: every version x key size x loss rate, keyupdate for both key sizes,
record sizes 1000 and 4096.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from common import CLIENT, ROOT, SERVER_IP, Env, Tap, make_files, stat
import e2e_tls
from e2e_tls import (F16M, F1M, PORT, Run, curl, describe, python_get,
                     suite_of, negotiated)

MARKER = b"TLSOFF-PLAINTEXT-MARKER-0123456789abcdef-"


def test_marker(run, version):
    """The capture of what the NIC sent never shows the plaintext."""
    tap = run.tap
    label = f"marker, TLS {version}, 1% loss"
    name = "marker.txt"
    body = MARKER * (4 * 1024 * 1024 // len(MARKER))
    path = os.path.join(run.root, name)
    with open(path, "wb") as f:
        f.write(body)
    import hashlib
    run.files[name] = (len(body), hashlib.sha256(body).hexdigest())
    pcap = os.path.join(run.tmp, f"cap-{version}.pcap")
    snd = run.start(["--root", run.root, "--tls-version", version,
                     "--cipher", "aes128gcm", "--drop-rate", "0.01",
                     "--drop-seed", "3", "--pcap", pcap], label)
    if snd is None:
        return
    got = curl(run, name, version)
    stats = snd.stop()
    tap.ok(run.check(name, got), f"{label}: body intact", describe(got))
    try:
        with open(pcap, "rb") as f:
            cap = f.read()
    except OSError as e:
        cap = b""
        tap.diag(f"{label}: {e}")
    tap.ok(len(cap) > len(body) and cap[:4] == b"\xd4\xc3\xb2\xa1",
           f"{label}: the capture holds the stream ({len(cap)} B)")
    if version == "1.2":
        # Control: the handshake's clear text is in it (the search works).
        tap.ok(b"tlsoff-sender" in cap,
               f"{label}: the certificate (clear in TLS 1.2) is in the "
               "capture")
    tap.ok(MARKER[:24] not in cap,
           f"{label}: the plaintext marker is nowhere in the capture")
    tap.ok(stat(stats, "mlx5.resyncs") > 0 and
           stat(stats, "mlx5.dump_bytes") > 0,
           f"{label}: retransmissions went through resyncs",
           json.dumps({k: stat(stats, k) for k in
                       ("mlx5.resyncs", "mlx5.dump_bytes",
                        "tcp.retransmits")}))
    os.unlink(path)
    del run.files[name]


def test_chacha_fallback(run):
    tap = run.tap
    label = "ChaCha20 through --offload mlx5"
    snd = run.start(["--root", run.root, "--cipher", "chacha20",
                     "--drop-rate", "0.01"], label)
    if snd is None:
        return
    got = curl(run, F1M, "1.3", suite_of("1.3", "chacha20"))
    stats = snd.stop()
    tap.ok(run.check(F1M, got) and
           negotiated(got, "1.3", suite_of("1.3", "chacha20")),
           f"{label}: curl right", describe(got))
    tap.ok(stat(stats, "tls.nic_fallbacks") >= 1 and
           stat(stats, "mlx5.encrypted_packets") == 0 and
           stat(stats, "mlx5.plain_packets") > 0,
           f"{label}: sealed in software, sent through the device",
           json.dumps({k: stat(stats, k) for k in
                       ("tls.nic_fallbacks", "mlx5.encrypted_packets",
                        "mlx5.plain_packets")}))


def test_negative(run):
    """Resync off (a test switch): a correct client must refuse."""
    tap = run.tap
    label = "--test-no-resync, 5% loss"
    snd = run.start(["--root", run.root, "--tls-version", "1.3",
                     "--cipher", "aes128gcm", "--drop-rate", "0.05",
                     "--drop-seed", "9", "--test-no-resync"], label)
    if snd is None:
        return
    got = python_get(run, F16M, "1.3")
    stats = snd.stop()
    err = (got.get("err") or "").lower()
    tap.ok(not got["ok"] and ("bad record mac" in err or
                              "bad_record_mac" in err or
                              "decryption_failed" in err),
           f"{label}: Python ssl fails with a bad record MAC",
           (got.get("err") or "")[-600:])
    tap.ok(stat(stats, "mlx5.ooo_packets") > 0 and
           stat(stats, "mlx5.resyncs") == 0,
           f"{label}: out-of-order frames went out without resync",
           json.dumps({k: stat(stats, k) for k in
                       ("mlx5.ooo_packets", "mlx5.resyncs",
                        "tcp.injected_drops")}))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--only", help="run the steps whose name has this")
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
    env = Env("off")
    tmp = tempfile.mkdtemp(prefix="tlsoff-e2e-off-")
    began = time.monotonic()
    try:
        root, files = make_files(tmp)
        run = Run(tap, env, binary, tmp, root, files, args.full,
                  offload="mlx5")
        engine = run.engines[-1]
        if args.full:
            matrix = [(loss, v, c, engine) for loss in (0.0, 0.01, 0.05)
                      for v in ("1.3", "1.2")
                      for c in ("aes128gcm", "aes256gcm")]
            updates = [("aes128gcm", engine), ("aes256gcm", engine)]
            sizes = [(1000, F16M), (4096, F16M)]
        else:
            # Every loss rate, version and key size at least twice.
            matrix = [(0.0, "1.3", "aes128gcm", engine),
                      (0.0, "1.2", "aes256gcm", engine),
                      (0.01, "1.3", "aes256gcm", engine),
                      (0.01, "1.2", "aes128gcm", engine),
                      (0.05, "1.3", "aes128gcm", engine),
                      (0.05, "1.2", "aes256gcm", engine)]
            updates = [("aes256gcm", engine)]
            sizes = [(1000, F16M)]
        steps = []
        for m in matrix:
            steps.append((f"transfer {m}",
                          lambda m=m: e2e_tls.test_transfer(run, *m)))
        for u in updates:
            steps.append((f"keyupdate {u}",
                          lambda u=u: e2e_tls.test_key_update(run, *u)))
        for size, name in sizes:
            steps.append((f"recordsize {size}",
                          lambda s=size, n=name:
                          e2e_tls.test_record_size(run, s, n)))
        steps += [("marker 1.3", lambda: test_marker(run, "1.3")),
                  ("marker 1.2", lambda: test_marker(run, "1.2")),
                  ("chacha20", lambda: test_chacha_fallback(run)),
                  ("negative", lambda: test_negative(run))]
        for name, fn in steps:
            if args.only and args.only not in name:
                continue
            t0 = time.monotonic()
            try:
                fn()
            except Exception as e:  # one broken step must not hide the rest
                tap.ok(False, f"{name}: step raised {type(e).__name__}", e)
            tap.diag(f"step {name}: {time.monotonic() - t0:.1f} s")
    finally:
        env.close()
        subprocess.run(["rm", "-rf", tmp], check=False)
    tap.diag(f"all steps: {time.monotonic() - began:.0f} s")
    tap.done()
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
