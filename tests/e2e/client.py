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
  tlsget HOST PORT PATH            get over TLS, with version and cipher
  hsabort HOST PORT rst|fin        half a ClientHello, then RST or FIN
  garbage HOST PORT                an HTTP request instead of a ClientHello
  silent HOST PORT                 connect, send nothing, wait to be closed

With --tls, reset, seq, conc and get run over TLS too. TLS options:
--tls-version 1.2|1.3, --ciphers LIST (TLS 1.2 suites, OpenSSL names),
--keylog FILE (the client's secrets, NSS key log format). The server's
certificate is not verified: the sender's ephemeral one is self-signed.
"""

import argparse
import hashlib
import json
import socket
import ssl
import struct
import sys
import threading
import time


def tls_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["http/1.1"])
    if args.tls_version is not None:
        v = {"1.2": ssl.TLSVersion.TLSv1_2,
             "1.3": ssl.TLSVersion.TLSv1_3}[args.tls_version]
        ctx.minimum_version = v
        ctx.maximum_version = v
    if args.ciphers:
        ctx.set_ciphers(args.ciphers)
    if args.keylog:
        ctx.keylog_filename = args.keylog
    return ctx


def connect(host, port, timeout, ctx):
    s = socket.create_connection((host, port), timeout=timeout)
    if ctx is None:
        return s
    try:
        return ctx.wrap_socket(s, server_hostname=None)
    except BaseException:
        s.close()
        raise


def read_response(s):
    """Read one response off s; returns (status, body digest, len, length)."""
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


def http_get(host, port, path, timeout=120.0, ctx=None, info=None):
    """One request on a new connection; returns (status, body digest, len).
    With info (a dict), TLS version, cipher and ALPN are put there."""
    s = connect(host, port, timeout, ctx)
    try:
        if info is not None and ctx is not None:
            info["version"] = s.version()
            info["cipher"] = s.cipher()[0]
            info["alpn"] = s.selected_alpn_protocol()
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
                  "Connection: close\r\n\r\n".encode())
        return read_response(s)
    finally:
        s.close()


def cmd_get(args, ctx):
    info = {}
    status, digest, got, length = http_get(args.host, args.port, args.path,
                                           ctx=ctx, info=info)
    info.update({"status": status, "sha256": digest, "bytes": got,
                 "content_length": length})
    return info


def cmd_reset(args, ctx):
    s = connect(args.host, args.port, 30, ctx)
    s.sendall(f"GET {args.path} HTTP/1.1\r\nHost: {args.host}\r\n\r\n"
              .encode())
    got = 0
    while got < args.n:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += len(chunk)
    # SO_LINGER with a zero timeout: close() sends RST, not FIN.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    return {"read": got}


def cmd_seq(args, ctx):
    ok = 0
    errors = []
    digests = set()
    start = time.monotonic()
    for _ in range(args.n):
        try:
            status, digest, got, length = http_get(args.host, args.port,
                                                   args.path, 30, ctx)
            if status == 200 and got == length:
                ok += 1
                digests.add(digest)
            else:
                errors.append(f"status {status} got {got} of {length}")
        except (OSError, ValueError) as e:
            errors.append(str(e))
    return {"ok": ok, "errors": errors[:5], "digests": sorted(digests),
            "seconds": time.monotonic() - start}


def cmd_conc(args, ctx):
    results = [None] * args.n

    def one(i):
        try:
            results[i] = http_get(args.host, args.port, args.path, 120, ctx)
        except (OSError, ValueError) as e:
            results[i] = ("error", str(e))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(args.n)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = [r for r in results if r and r[0] == 200 and r[2] == r[3]]
    errors = [str(r) for r in results if not (r and r[0] == 200)]
    return {"ok": len(ok), "digests": sorted({r[1] for r in ok}),
            "errors": errors[:5], "seconds": time.monotonic() - start}


def client_hello(args):
    """The bytes of a real ClientHello, made without a network."""
    out = ssl.MemoryBIO()
    obj = tls_context(args).wrap_bio(ssl.MemoryBIO(), out)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def wait_closed(s, timeout):
    """Read until the server closes; how it did, and the bytes it sent."""
    s.settimeout(timeout)
    got = 0
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return "eof", got
            got += len(chunk)
    except ConnectionResetError:
        return "reset", got
    except socket.timeout:
        return "open", got


def cmd_hsabort(args, ctx):
    hello = client_hello(args)
    s = socket.create_connection((args.host, args.port), timeout=10)
    half = hello[:len(hello) // 2]
    s.sendall(half)
    time.sleep(0.2)
    if args.path == "rst":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        s.close()
        return {"sent": len(half), "of": len(hello), "closed_by": "rst"}
    s.shutdown(socket.SHUT_WR)
    how, got = wait_closed(s, 10)
    s.close()
    return {"sent": len(half), "of": len(hello), "closed_by": "fin",
            "server": how, "reply_bytes": got}


def cmd_garbage(args, ctx):
    s = socket.create_connection((args.host, args.port), timeout=10)
    s.sendall(f"GET / HTTP/1.1\r\nHost: {args.host}\r\n\r\n".encode())
    how, got = wait_closed(s, 10)
    s.close()
    return {"server": how, "reply_bytes": got}


def cmd_silent(args, ctx):
    s = socket.create_connection((args.host, args.port), timeout=10)
    start = time.monotonic()
    how, got = wait_closed(s, 30)
    s.close()
    return {"server": how, "reply_bytes": got,
            "seconds": time.monotonic() - start}


COMMANDS = {
    "get": cmd_get, "tlsget": cmd_get, "reset": cmd_reset, "seq": cmd_seq,
    "conc": cmd_conc, "hsabort": cmd_hsabort, "garbage": cmd_garbage,
    "silent": cmd_silent,
}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("cmd", choices=sorted(COMMANDS))
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("path", nargs="?", default="/")
    ap.add_argument("n", nargs="?", type=int, default=0)
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--tls-version", choices=["1.2", "1.3"])
    ap.add_argument("--ciphers")
    ap.add_argument("--keylog")
    args = ap.parse_args(argv[1:])
    use_tls = args.tls or args.cmd == "tlsget"
    ctx = tls_context(args) if use_tls else None
    print(json.dumps(COMMANDS[args.cmd](args, ctx)))


if __name__ == "__main__":
    main(sys.argv)
