#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
"""Clients the end-to-end tests run inside the client namespace.

Each subcommand prints one JSON object on stdout and exits 0 when it could
run (the test decides what the result means):
  reset HOST PORT PATH NBYTES      read NBYTES of a response, then send RST
  seq HOST PORT PATH COUNT         COUNT connections one after another
  conc HOST PORT PATH COUNT        COUNT connections at the same time
  get HOST PORT PATH               one request; sha256 and length of the body
"""

import hashlib
import json
import socket
import struct
import sys
import threading
import time


def http_get(host, port, path, timeout=120.0):
    """One request on a new connection; returns (status, body digest, len)."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
                  "Connection: close\r\n\r\n".encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the headers")
            buf += chunk
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = None
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            if k.strip().lower() == "content-length":
                length = int(v.strip())
        h = hashlib.sha256()
        got = len(rest)
        h.update(rest)
        while length is None or got < length:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            h.update(chunk)
            got += len(chunk)
        return status, h.hexdigest(), got, length
    finally:
        s.close()


def cmd_get(host, port, path):
    status, digest, got, length = http_get(host, port, path)
    return {"status": status, "sha256": digest, "bytes": got,
            "content_length": length}


def cmd_reset(host, port, path, nbytes):
    s = socket.create_connection((host, port), timeout=30)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    got = 0
    while got < nbytes:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += len(chunk)
    # SO_LINGER with a zero timeout: close() sends RST, not FIN.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    return {"read": got}


def cmd_seq(host, port, path, count):
    ok = 0
    errors = []
    digests = set()
    start = time.monotonic()
    for _ in range(count):
        try:
            status, digest, got, length = http_get(host, port, path, 30)
            if status == 200 and got == length:
                ok += 1
                digests.add(digest)
            else:
                errors.append(f"status {status} got {got} of {length}")
        except (OSError, ValueError) as e:
            errors.append(str(e))
    return {"ok": ok, "errors": errors[:5], "digests": sorted(digests),
            "seconds": time.monotonic() - start}


def cmd_conc(host, port, path, count):
    results = [None] * count

    def one(i):
        try:
            results[i] = http_get(host, port, path, 120)
        except (OSError, ValueError) as e:
            results[i] = ("error", str(e))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = [r for r in results if r and r[0] == 200 and r[2] == r[3]]
    errors = [str(r) for r in results if not (r and r[0] == 200)]
    return {"ok": len(ok), "digests": sorted({r[1] for r in ok}),
            "errors": errors[:5], "seconds": time.monotonic() - start}


def main(argv):
    cmd, host, port, path = argv[1], argv[2], int(argv[3]), argv[4]
    if cmd == "get":
        out = cmd_get(host, port, path)
    elif cmd == "reset":
        out = cmd_reset(host, port, path, int(argv[5]))
    elif cmd == "seq":
        out = cmd_seq(host, port, path, int(argv[5]))
    elif cmd == "conc":
        out = cmd_conc(host, port, path, int(argv[5]))
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
