#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
"""End-to-end tests of TLS: tlsoff-sender in its default mode (HTTPS, records
framed and sealed by librte_tlsoff) against real clients in another network
namespace: curl (OpenSSL), wget (GnuTLS), Python ssl and openssl s_client.
Every body is checked by SHA-256, every negotiated version and suite against
what was asked, and the sender's counters at exit. Loss is injected by the
stack (--drop-rate). Output is TAP; run as root.

Default run (about 2 minutes on 2 cores):
  options     refused command lines, --help (no network needed)
  clients     0% loss: curl, Python and s_client for TLS 1.2 and 1.3 and
              each cipher (the client's choice), wget for both versions;
              keep-alive, HEAD, 404, --keylog against the clients' key logs,
              the ephemeral certificate (fields, and curl --cacert with it)
  robust      handshakes aborted (RST, FIN) and garbage instead of a
              ClientHello, a reset mid-body, each followed by a download;
              200 sequential and 50 concurrent connections
  transfer    every file (1 KiB .. 64 MiB), 4 curl in parallel, then wget
              (16 MiB), Python (16 MiB) and s_client (1 MiB), at 0%, 1% and
              5% loss, each with TLS 1.2 and 1.3 and both engines, each
              cipher under loss (the server picks it: --cipher)
  keyupdate   s_client asks for the server's KeyUpdate ("K") during a 64 MiB
              body at 1% loss, then updates its own ("k") before a second
              request; each cipher, engines alternating
  recordsize  --record-size 1000 and 4096 at 1% loss
  cert        --cert/--key with an RSA certificate that curl verifies;
              TLS 1.2 then uses ECDHE-RSA suites
--full (about 10 minutes): transfer for every version x cipher x engine x
loss rate, with bigger files for the single clients (wget and Python 64 MiB,
s_client 16 MiB); keyupdate for every cipher x engine; record sizes 1, 100,
1000, 4096 and 16384; --sndbuf 32M.
"""

import argparse
import hashlib
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import time

from common import (CLIENT, ROOT, SERVER_IP, Env, Sender, SenderFailed, Tap,
                    have, make_files, parallel, sha256_file, stat)
import common

PORT = 8443
# --cipher: (TLS 1.3 suite, TLS 1.2 suite with an ECDSA key, ... RSA key)
SUITES = {
    "aes128gcm": ("TLS_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256",
                  "ECDHE-RSA-AES128-GCM-SHA256"),
    "aes256gcm": ("TLS_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384",
                  "ECDHE-RSA-AES256-GCM-SHA384"),
    "chacha20": ("TLS_CHACHA20_POLY1305_SHA256",
                 "ECDHE-ECDSA-CHACHA20-POLY1305",
                 "ECDHE-RSA-CHACHA20-POLY1305"),
}
F1K, F64K, F1M, F16M, F64M = ("f1024.bin", "f65537.bin", "f1048576.bin",
                              "f16777216.bin", "f67108864.bin")


def suite_of(version, cipher, rsa=False):
    s13, ecdsa, rsa12 = SUITES[cipher]
    return s13 if version == "1.3" else (rsa12 if rsa else ecdsa)


class Run:
    """What every step needs: TAP, namespaces, binary, files, options."""

    def __init__(self, tap, env, binary, tmp, root, files, full,
                 offload="sw"):
        self.offload = offload          # --offload for every sender
        # What the stats must say: no ConnectX here, so the NIC model.
        self.device = "sw" if offload == "sw" else "mlx5-model"
        self.tap = tap
        self.env = env
        self.binary = binary
        self.tmp = tmp
        self.root = root
        self.files = files
        self.full = full
        self.engines = [e for e in ("openssl", "ipsec-mb")
                        if engine_built(binary, e)]

    def url(self, name):
        return f"https://{SERVER_IP}:{PORT}/{name}"

    def start(self, args, label):
        """A sender, or None after a reported failure or skip."""
        engine = args[args.index("--crypto") + 1] if "--crypto" in args \
            else None
        if engine is not None and engine not in self.engines:
            self.tap.skip(label, f"--crypto {engine} is not built in")
            return None
        if self.offload != "sw" and "--offload" not in args:
            args = list(args) + ["--offload", self.offload]
        try:
            return Sender(self.env, self.binary, args, self.tmp, port=PORT)
        except SenderFailed as e:
            if engine is not None and f"engine {engine} unavailable" in \
                    e.output:
                self.tap.skip(label, f"--crypto {engine} does not run on "
                              "this CPU")
            else:
                self.tap.ok(False, f"{label}: the sender starts", e.output)
            return None

    def check(self, name, got):
        """True when a client result has the right body."""
        return got.get("ok") and got.get("sha256") == self.files[name][1]


def engine_built(binary, engine):
    """The options are parsed before --help: it exits 0 iff accepted."""
    r = subprocess.run([binary, "--", "--crypto", engine, "--help"],
                       capture_output=True, text=True)
    return r.returncode == 0


# ---- clients: each returns a dict with ok, sha256, version, cipher, err ----

def curl(run, name, version=None, suite=None, extra=(), timeout=300,
         insecure=True):
    """insecure: -k, for the self-signed ephemeral certificate."""
    args = ["-v"] + (["-k"] if insecure else [])
    if version == "1.2":
        args += ["--tls-max", "1.2"] + (["--ciphers", suite] if suite else [])
    elif version == "1.3":
        args += ["--tlsv1.3"] + (["--tls13-ciphers", suite] if suite else [])
    ok, got, err = common.curl_get(run.env, run.url(name), args + list(extra),
                                   timeout)
    m = re.search(r"SSL connection using (TLSv[\d.]+) / (\S+)", err)
    return {"ok": ok, "sha256": got if ok else None,
            "version": m.group(1) if m else None,
            "cipher": m.group(2) if m else None,
            "err": None if ok else got}


def wget(run, name, version):
    ok, got = common.wget_get(run.env, run.url(name), [
        "--no-check-certificate", f"--secure-protocol=TLSv1_{version[-1]}"])
    return {"ok": ok, "sha256": got if ok else None, "err": got}


def python_get(run, name, version=None, suite=None, keylog=None):
    args = ["python3", CLIENT, "tlsget", SERVER_IP, str(PORT), f"/{name}"]
    if version:
        args += ["--tls-version", version]
    if suite and version == "1.2":
        args += ["--ciphers", suite]
    if keylog:
        args += ["--keylog", keylog]
    r = run.env.client(args, timeout=300)
    try:
        res = json.loads(r.stdout)
    except ValueError:
        return {"ok": False, "err": r.stdout + r.stderr}
    return {"ok": res.get("status") == 200 and
            res.get("bytes") == res.get("content_length"),
            "sha256": res.get("sha256"), "version": res.get("version"),
            "cipher": res.get("cipher"), "alpn": res.get("alpn"),
            "err": r.stdout + r.stderr}


def s_client_args(version, suite):
    args = ["openssl", "s_client", "-connect", f"{SERVER_IP}:{PORT}"]
    if version == "1.2":
        args += ["-tls1_2"] + (["-cipher", suite] if suite else [])
    elif version == "1.3":
        args += ["-tls1_3"] + (["-ciphersuites", suite] if suite else [])
    return args


def split_response(data):
    """(status, Content-Length, body) of one response in data."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0] else None
    length = None
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        if k.strip().lower() == "content-length":
            length = int(v.strip())
    return status, length, body


def s_client_raw(run, req, version=None, suite=None):
    """-brief -ign_eof: the responses alone on stdout, the summary on
    stderr; the requests come on stdin. (stdout bytes, stderr text)"""
    p = subprocess.run(["ip", "netns", "exec", run.env.ns_c] +
                       s_client_args(version, suite) + ["-brief", "-ign_eof"],
                       input=req, capture_output=True, timeout=300)
    return p.stdout, p.stderr.decode(errors="replace")


def s_client(run, name, version=None, suite=None):
    req = f"GET /{name} HTTP/1.1\r\nHost: {SERVER_IP}\r\n" \
        "Connection: close\r\n\r\n"
    out, err = s_client_raw(run, req.encode(), version, suite)
    status, length, body = split_response(out)
    pv = re.search(r"Protocol version: (\S+)", err)
    cs = re.search(r"Ciphersuite: (\S+)", err)
    ok = status == 200 and length == len(body)
    return {"ok": ok, "sha256": hashlib.sha256(body).hexdigest(),
            "version": pv.group(1) if pv else None,
            "cipher": cs.group(1) if cs else None,
            "err": f"status {status}, {len(body)} of {length} bytes\n" +
            err[-600:]}


def negotiated(got, version, suite):
    return got.get("version") == f"TLSv{version}" and \
        (suite is None or got.get("cipher") == suite)


def describe(got):
    return json.dumps({k: got.get(k) for k in
                       ("ok", "version", "cipher", "sha256", "err")})[:1500]


# ---- the sender's counters ----

def check_common_stats(run, stats, label, handshakes=None, failures=0,
                       engine=None, version=None, cipher=None):
    tap = run.tap
    if not tap.ok(stats is not None, f"{label}: stats JSON written at exit"):
        return
    want = {"mode": "tls", "offload": run.device}
    if engine is not None:
        want["crypto.engine"] = engine
    if version is not None:
        want["tls.version"] = version
    if cipher is not None:
        want["tls.cipher"] = cipher
    got = {k: stats.get(k) for k in want}
    said = ", ".join(f"{k} {v}" for k, v in want.items())
    tap.ok(got == want, f"{label}: stats say {said}", json.dumps(got))
    hs = stat(stats, "tls.handshakes")
    hf = stat(stats, "tls.handshake_failures")
    tap.ok((handshakes is None or hs == handshakes) and hf == failures,
           f"{label}: tls.handshakes {hs if handshakes is None else handshakes}"
           f", tls.handshake_failures {failures}",
           f"tls.handshakes {hs}, tls.handshake_failures {hf}")
    tap.ok(stat(stats, "tls.records") > 0 and
           stat(stats, "tls.handoffs") >= max(hs, 1) and
           stat(stats, "tls.key_update_failures") == 0,
           f"{label}: the library framed the records (tls.records > 0, "
           "a hand-off per handshake)",
           json.dumps({k: stat(stats, k) for k in
                       ("tls.records", "tls.bytes", "tls.handoffs",
                        "tls.handoff_refused", "tls.key_update_failures")}))
    if run.device != "sw" and cipher != "chacha20":
        keys = ("tls.records", "tls.nic_records", "tls.nic_fallbacks",
                "mlx5.encrypted_packets", "mlx5.encrypted_bytes",
                "mlx5.cqe_errors", "mlx5.drop_no_sync")
        tap.ok(stat(stats, "tls.nic_records") > 0 and
               stat(stats, "mlx5.encrypted_packets") > 0 and
               stat(stats, "mlx5.encrypted_bytes") >=
               stat(stats, "tls.bytes") and
               stat(stats, "mlx5.cqe_errors") == 0 and
               stat(stats, "mlx5.drop_no_sync") == 0,
               f"{label}: the NIC encrypted the records (no error "
               "completions, nothing dropped unsynced)",
               json.dumps({k: stat(stats, k) for k in keys}))


def check_loss_stats(run, stats, label, loss, body_bytes, cipher=None):
    tap = run.tap
    inj = stat(stats, "tcp.injected_drops")
    rtx = stat(stats, "tcp.retransmits")
    tap.ok(stat(stats, "tls.bytes") >= body_bytes and
           stat(stats, "http.bytes_sent") >= body_bytes,
           f"{label}: every body byte went into a record "
           f"(tls.bytes >= {body_bytes})",
           json.dumps({k: stat(stats, k) for k in
                       ("tls.bytes", "http.bytes_sent", "tls.records")}))
    if loss > 0:
        tap.ok(inj > 0 and rtx >= inj * 0.5,
               f"{label}: losses were injected and repaired",
               json.dumps({k: stat(stats, k) for k in
                           ("tcp.injected_drops", "tcp.retransmits",
                            "tcp.fast_retransmits", "tcp.rto_fires")}))
        tap.diag(f"{label}: injected {inj}, retransmits {rtx}, "
                 f"rto {stat(stats, 'tcp.rto_fires')}")
        if run.device != "sw" and cipher != "chacha20":
            keys = ("mlx5.ooo_packets", "mlx5.resyncs", "mlx5.dump_wqes",
                    "mlx5.dump_bytes", "mlx5.skip_no_sync",
                    "mlx5.drop_no_sync")
            tap.ok(stat(stats, "mlx5.resyncs") > 0 and
                   stat(stats, "mlx5.dump_bytes") > 0 and
                   stat(stats, "mlx5.dump_wqes") > 0,
                   f"{label}: the NIC was resynced (resyncs, DUMP bytes)",
                   json.dumps({k: stat(stats, k) for k in keys}))
            tap.diag(f"{label}: " + ", ".join(
                f"{k} {stat(stats, k)}" for k in keys))
    else:
        tap.ok(inj == 0, f"{label}: no loss injected at 0%", f"injected {inj}")


# ---- steps ----

def test_options(run):
    """Refusals happen before the EAL: no namespace, no hugepages."""
    tap = run.tap
    cert = os.path.join(run.tmp, "opt.crt")
    key = os.path.join(run.tmp, "opt.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=opt"], capture_output=True, check=True)
    ip = ["--ip", f"{SERVER_IP}/24"]
    cases = [
        (["--offload", "sideways"], ["--offload", "unknown"]),
        (["--pcap", "x.pcap"], ["--pcap needs a NIC", "--offload"]),
        (["--test-no-resync"], ["--test-no-resync needs a NIC"]),
        (["--plain", "--offload", "mlx5"],
         ["--offload is a TLS option", "--plain"]),
        (["--crypto", "aesni"], ["--crypto", "aesni"]),
        (["--cipher", "rc4"], ["--cipher", "rc4"]),
        (["--tls-version", "1.1"], ["--tls-version", "1.1"]),
        (["--record-size", "0"], ["--record-size", "1..16384"]),
        (["--record-size", "16385"], ["--record-size", "1..16384"]),
        (["--plain", "--cipher", "chacha20"],
         ["--cipher is a TLS option", "--plain"]),
        (["--cert", cert], ["--cert needs --key"]),
        (["--key", key], ["--key needs --cert"]),
        (["--cert", "/nonexistent.pem", "--key", key],
         ["--cert", "/nonexistent.pem", "No such file"]),
        (["--cert", key, "--key", key], ["--cert", key, "no PEM certificate"]),
        (["--cert", cert, "--key", cert], ["--key", cert]),
        (["--keylog", "/nonexistent-dir/keys"],
         ["--keylog", "/nonexistent-dir/keys"]),
    ]
    for args, words in cases:
        r = subprocess.run([run.binary, "--"] + ip + args,
                           capture_output=True, text=True, timeout=30)
        shown = " ".join(os.path.basename(a) if a.startswith(run.tmp) else a
                         for a in args)
        tap.ok(r.returncode == 2 and all(w in r.stderr for w in words),
               f"refused with a message naming it: {shown}",
               f"exit {r.returncode}: {r.stderr.strip()}")
    if "ipsec-mb" in run.engines:
        tap.skip("--crypto ipsec-mb refused when not built in",
                 "intel-ipsec-mb is built in here")
    else:
        r = subprocess.run([run.binary, "--"] + ip + ["--crypto", "ipsec-mb"],
                           capture_output=True, text=True, timeout=30)
        tap.ok(r.returncode == 2 and "not built" in r.stderr,
               "--crypto ipsec-mb refused when not built in", r.stderr)
    r = subprocess.run([run.binary, "--help"], capture_output=True, text=True)
    missing = [o for o in ("--cert", "--key", "--tls-version", "--cipher",
                           "--offload", "--crypto", "--record-size",
                           "--keylog", "--plain", "--pcap", "mlx5", "TLS_AES_128_GCM_SHA256",
                           "ECDHE-ECDSA-CHACHA20-POLY1305", "tls.handshakes")
               if o not in r.stdout]
    tap.ok(r.returncode == 0 and not missing, "--help documents the TLS options",
           f"missing: {missing}")


def client_matrix(run, version):
    """(label, function) of every client for @version, each cipher."""
    out = []
    for cipher in SUITES:
        suite = suite_of(version, cipher)
        out.append((f"curl TLS {version} {suite}",
                    lambda s=suite: curl(run, F1M, version, s), suite))
        out.append((f"s_client TLS {version} {suite}",
                    lambda s=suite: s_client(run, F1M, version, s), suite))
        if version == "1.2":
            # Python's ssl cannot pick TLS 1.3 suites: there, only 1.3 below.
            out.append((f"Python ssl TLS {version} {suite}",
                        lambda s=suite: python_get(run, F1M, version, s),
                        suite))
    if version == "1.3":
        out.append((f"Python ssl TLS 1.3 (server picks "
                    f"{suite_of('1.3', 'aes128gcm')})",
                    lambda: python_get(run, F1M, "1.3"),
                    suite_of("1.3", "aes128gcm")))
    return out


def test_clients(run):
    tap, env = run.tap, run.env
    keylog = os.path.join(run.tmp, "server-keys.log")
    snd = run.start(["--root", run.root, "--keylog", keylog], "clients")
    if snd is None:
        return
    conns = 0
    for version in ("1.3", "1.2"):
        for label, fn, suite in client_matrix(run, version):
            if label.startswith("curl") and not have("curl") or \
                    label.startswith("s_client") and not have("openssl"):
                tap.skip(label, "client not installed")
                continue
            got = fn()
            conns += 1
            tap.ok(run.check(F1M, got) and negotiated(got, version, suite),
                   f"{label}: 1 MiB, right bytes and suite", describe(got))
        if have("wget"):
            got = wget(run, F16M, version)
            conns += 1
            tap.ok(run.check(F16M, got), f"wget (GnuTLS) TLS {version}: "
                   "16 MiB, right bytes", describe(got))
        else:
            tap.skip(f"wget TLS {version}", "wget not installed")
    got = python_get(run, F1K, "1.3")
    conns += 1
    tap.ok(got.get("alpn") == "http/1.1", "ALPN: the server picks http/1.1",
           describe(got))

    # Keep-alive: two bodies on one TLS connection.
    outs = [os.path.join(run.tmp, f"ka{i}") for i in range(2)]
    r = env.client(["curl", "-sS", "-k", "-v", "-o", outs[0], "-o", outs[1],
                    run.url(F64K), run.url(F1M)], timeout=60)
    conns += 1
    digests = [sha256_file(o) if os.path.exists(o) else None for o in outs]
    tap.ok(r.returncode == 0 and "Re-using existing connection" in r.stderr
           and digests == [run.files[F64K][1], run.files[F1M][1]],
           "keep-alive: two bodies on one TLS connection", r.stderr[-800:])
    # Pipelining, the first request with a body (read and dropped).
    req = (f"GET /{F1K} HTTP/1.1\r\nHost: {SERVER_IP}\r\n"
           "Content-Length: 5\r\n\r\nHELLO"
           f"GET /{F64K} HTTP/1.1\r\nHost: {SERVER_IP}\r\n"
           "Connection: close\r\n\r\n").encode()
    out, err = s_client_raw(run, req)
    conns += 1
    st1, len1, rest = split_response(out)
    st2, len2, body2 = split_response(rest[len1 or 0:])
    tap.ok(st1 == 200 and st2 == 200 and
           hashlib.sha256(rest[:len1 or 0]).hexdigest() == run.files[F1K][1]
           and hashlib.sha256(body2).hexdigest() == run.files[F64K][1],
           "two pipelined requests (one with a body) answered in order",
           f"{st1} {len1} {st2} {len2} {len(body2)}\n{err[-500:]}")
    r = env.client(["curl", "-sS", "-k", "-I", run.url(F16M)], timeout=30)
    conns += 1
    tap.ok(r.returncode == 0 and r.stdout.startswith("HTTP/1.1 200") and
           f"Content-Length: {16 << 20}" in r.stdout,
           "HEAD over TLS: the head alone", r.stdout + r.stderr)
    r = env.client(["curl", "-s", "-k", "-o", "/dev/null", "-w",
                    "%{http_code}", run.url("missing.bin")], timeout=30)
    conns += 1
    tap.ok(r.stdout == "404", "missing file over TLS is 404",
           r.stdout + r.stderr)

    # The clients' key logs: every line must be in the server's.
    ckeys = [os.path.join(run.tmp, f"client-keys-{v}.log")
             for v in ("curl13", "curl12", "py13", "py12")]
    envv = dict(os.environ, SSLKEYLOGFILE=ckeys[0])
    env.client(["curl", "-sS", "-k", "--tlsv1.3", "-o", "/dev/null",
                run.url(F1K)], env=envv, timeout=30)
    envv = dict(os.environ, SSLKEYLOGFILE=ckeys[1])
    env.client(["curl", "-sS", "-k", "--tls-max", "1.2", "-o", "/dev/null",
                run.url(F1K)], env=envv, timeout=30)
    python_get(run, F1K, "1.3", keylog=ckeys[2])
    python_get(run, F1K, "1.2", keylog=ckeys[3])
    conns += 4

    # The ephemeral certificate, as a client gets it.
    pem = os.path.join(run.tmp, "ephemeral.pem")
    r = env.client(["python3", "-c", "import ssl, sys; sys.stdout.write("
                    f"ssl.get_server_certificate(('{SERVER_IP}', {PORT})))"],
                   timeout=30)
    conns += 1
    with open(pem, "w") as f:
        f.write(r.stdout)
    r = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-text",
                        "-dates", "-subject"], capture_output=True, text=True)
    txt = r.stdout
    dates = dict(re.findall(r"^(notBefore|notAfter)=(.+)$", txt, re.M))
    life = None
    try:
        fmt = "%b %d %H:%M:%S %Y %Z"
        life = (time.mktime(time.strptime(dates["notAfter"], fmt)) -
                time.mktime(time.strptime(dates["notBefore"], fmt)))
    except (KeyError, ValueError):
        pass
    tap.ok(r.returncode == 0 and "CN = tlsoff-sender" in txt and
           f"IP Address:{SERVER_IP}" in txt and "prime256v1" in txt and
           "ecdsa-with-SHA256" in txt and life == 86400,
           "ephemeral certificate: ECDSA P-256, CN tlsoff-sender, "
           "SAN IP, valid 1 day", txt[-1500:] + f"\nlifetime {life}")
    r = env.client(["curl", "-sS", "--cacert", pem, "-o", "/dev/null", "-w",
                    "%{http_code} %{ssl_verify_result}", run.url(F1K)],
                   timeout=30)
    conns += 1
    tap.ok(r.stdout == "200 0", "curl verifies the ephemeral certificate "
           "with it as the CA (no -k)", r.stdout + r.stderr)

    stats = snd.stop()
    check_common_stats(run, stats, "clients", handshakes=conns,
                       engine="ipsec-mb" if "ipsec-mb" in run.engines
                       else "openssl")
    try:
        with open(keylog) as f:
            server_lines = set(f.read().splitlines())
        mode = os.stat(keylog).st_mode & 0o777
    except OSError as e:
        server_lines, mode = set(), str(e)
    for path, what in zip(ckeys, ("curl TLS 1.3", "curl TLS 1.2",
                                  "Python TLS 1.3", "Python TLS 1.2")):
        try:
            with open(path) as f:
                lines = [ln for ln in f.read().splitlines()
                         if ln and not ln.startswith("#")]
        except OSError as e:
            lines = [str(e)]
        labels = {ln.split()[0] for ln in lines}
        tap.ok(lines and set(lines) <= server_lines and
               (labels >= {"CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"}
                if "1.3" in what else labels == {"CLIENT_RANDOM"}),
               f"--keylog has the secrets {what} logged (NSS format)",
               "\n".join(sorted(set(lines) - server_lines))[:800])
    tap.ok(mode == 0o600, "--keylog file is private (0600)", f"mode {mode}")


def test_robust(run):
    tap, env = run.tap, run.env
    snd = run.start(["--root", run.root, "--idle-timeout", "2"], "robust")
    if snd is None:
        return
    bad = [("hsabort", "rst", "a client resets after half a ClientHello"),
           ("hsabort", "fin", "a client closes after half a ClientHello"),
           ("garbage", None, "a client sends HTTP instead of a ClientHello"),
           ("silent", None, "a client that sends nothing (--idle-timeout 2)")]
    conns = 0
    for cmd, how, desc in bad:
        r = env.client(["python3", CLIENT, cmd, SERVER_IP, str(PORT)] +
                       ([how] if how else []), timeout=60)
        res = json.loads(r.stdout) if r.returncode == 0 else {}
        closed = res.get("closed_by") == "rst" or \
            res.get("server") in ("eof", "reset")
        got = curl(run, F1M)
        conns += 1
        tap.ok(closed and run.check(F1M, got),
               f"{desc}: the server closes it, then serves a download",
               r.stdout + r.stderr + describe(got))
    # A client without a suite in common is told so (alert 40), not reset.
    got = curl(run, F1K, "1.2", "ECDHE-ECDSA-AES128-SHA")
    tap.ok(not got["ok"] and "alert handshake failure" in (got["err"] or ""),
           "a client with no suite in common gets the handshake_failure "
           "alert", describe(got))
    failures = len(bad) + 1
    r = env.client(["python3", CLIENT, "reset", SERVER_IP, str(PORT),
                    f"/{F64M}", "300000", "--tls"], timeout=60)
    time.sleep(0.5)
    got = curl(run, F1M)
    conns += 2
    tap.ok(r.returncode == 0 and run.check(F1M, got),
           "after a client reset mid-body the server goes on serving",
           r.stdout + r.stderr + describe(got))
    r = env.client(["python3", CLIENT, "seq", SERVER_IP, str(PORT),
                    f"/{F1K}", "200", "--tls"], timeout=300)
    conns += 200
    res = json.loads(r.stdout) if r.returncode == 0 else {}
    tap.ok(res.get("ok") == 200 and res.get("digests") == [run.files[F1K][1]],
           "200 sequential TLS connections", r.stdout + r.stderr)
    tap.diag(f"200 sequential TLS connections in {res.get('seconds', 0):.1f} s")
    r = env.client(["python3", CLIENT, "conc", SERVER_IP, str(PORT),
                    f"/{F1M}", "50", "--tls"], timeout=300)
    conns += 50
    res = json.loads(r.stdout) if r.returncode == 0 else {}
    tap.ok(res.get("ok") == 50 and res.get("digests") == [run.files[F1M][1]],
           "50 concurrent TLS connections, 1 MiB each", r.stdout + r.stderr)
    stats = snd.stop()
    check_common_stats(run, stats, "robust", handshakes=conns,
                       failures=failures)
    tap.ok(stat(stats, "http.conns_accepted") == conns + failures and
           stat(stats, "http.conns_open") == 0,
           "every connection accepted, counted and released",
           json.dumps({k: stat(stats, k) for k in
                       ("http.conns_accepted", "http.conns_open",
                        "http.conns_closed")}))


def test_transfer(run, loss, version, cipher, engine, seed=7):
    tap = run.tap
    label = f"{int(loss * 100)}% loss, TLS {version} {cipher}, {engine}"
    args = ["--root", run.root, "--tls-version", version, "--cipher", cipher,
            "--crypto", engine]
    if loss > 0:
        args += ["--drop-rate", str(loss), "--drop-seed", str(seed)]
    snd = run.start(args, label)
    if snd is None:
        return
    suite = suite_of(version, cipher)
    names = sorted(run.files, key=lambda n: run.files[n][0])
    start = time.monotonic()
    res = parallel(lambda n: curl(run, n, version), names, 4)
    took = time.monotonic() - start
    total = sum(run.files[n][0] for n in names)
    for n, got in zip(names, res):
        tap.ok(run.check(n, got) and negotiated(got, version, suite),
               f"curl {n} ({run.files[n][0]} B), 4 in parallel, {label}",
               describe(got))
    tap.diag(f"{label}: curl {total / took / 1e6 * 8:.0f} Mb/s over "
             f"{took:.1f} s")
    conns = len(names)
    big = F64M if run.full else F16M
    if have("wget"):
        got = wget(run, big, version)
        conns += 1
        total += run.files[big][0]
        tap.ok(run.check(big, got), f"wget {big}, {label}", describe(got))
    else:
        tap.skip(f"wget {big}, {label}", "wget not installed")
    got = python_get(run, big, version)
    conns += 1
    total += run.files[big][0]
    tap.ok(run.check(big, got) and negotiated(got, version, suite),
           f"Python ssl {big}, {label}", describe(got))
    small = F16M if run.full else F1M
    got = s_client(run, small, version)
    conns += 1
    total += run.files[small][0]
    tap.ok(run.check(small, got) and negotiated(got, version, suite),
           f"s_client {small}, {label}", describe(got))
    other = "1.2" if version == "1.3" else "1.3"
    got = curl(run, F1K, other)
    tap.ok(not got["ok"] and "alert protocol version" in (got["err"] or ""),
           f"{label}: a TLS {other} client gets the protocol_version alert",
           describe(got))
    stats = snd.stop()
    check_common_stats(run, stats, label, handshakes=conns, failures=1,
                       engine=engine, version=version, cipher=cipher)
    check_loss_stats(run, stats, label, loss, total, cipher)


class SClientSession:
    """openssl s_client -brief kept open: requests and key update commands
    on stdin (one write each, s_client reads them as lines), the
    responses read off stdout as they come."""

    def __init__(self, run, version, msgfile):
        self.p = run.env.client_bg(s_client_args(version, None) +
                                   ["-brief", "-msg", "-msgfile", msgfile],
                                   text=False)
        self.buf = b""

    def send(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()
        # s_client reads stdin in chunks: keep commands apart.
        time.sleep(0.3)

    def response(self, on_progress=None, timeout=120):
        """Read one response; on_progress(body bytes, length) as it comes.
        Returns (status, length, sha256 of the body)."""
        fd = self.p.stdout.fileno()
        head = None
        h = hashlib.sha256()
        got = 0
        deadline = time.monotonic() + timeout
        while True:
            if head is None and b"\r\n\r\n" in self.buf:
                status, length, rest = split_response(self.buf)
                head = (status, length)
                take = rest[:length]
                self.buf = rest[length:]
                h.update(take)
                got = len(take)
            if head is not None and got >= head[1]:
                return head[0], head[1], h.hexdigest()
            left = deadline - time.monotonic()
            r, _, _ = select.select([fd], [], [], max(left, 0))
            if not r:
                return None, None, "timed out"
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None, None, "EOF"
            if head is None:
                self.buf += chunk
                continue
            take = chunk[:head[1] - got]
            self.buf += chunk[len(take):]
            h.update(take)
            got += len(take)
            if on_progress:
                on_progress(got, head[1])

    def close(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            self.p.wait(20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        return self.p.stderr.read().decode(errors="replace")


def test_key_update(run, cipher, engine, loss=0.01):
    tap = run.tap
    label = f"KeyUpdate, TLS 1.3 {cipher}, {engine}, {int(loss * 100)}% loss"
    if not have("openssl"):
        tap.skip(label, "openssl (s_client) not installed")
        return
    # With --keylog: the library must still learn the secret through it.
    keylog = os.path.join(run.tmp, f"keys-{cipher}-{engine}.log")
    snd = run.start(["--root", run.root, "--tls-version", "1.3", "--cipher",
                     cipher, "--crypto", engine, "--drop-rate", str(loss),
                     "--drop-seed", "11", "--keylog", keylog], label)
    if snd is None:
        return
    msgfile = os.path.join(run.tmp, f"msg-{cipher}-{engine}.txt")
    sc = SClientSession(run, "1.3", msgfile)
    asked = []

    def ask(got, length):
        # Mid-body: the server must read the request and answer while
        # the rest of the body is still flowing.
        if not asked and got >= length // 4:
            sc.send(b"K\n")
            asked.append(got)

    sc.send(f"GET /{F64M} HTTP/1.1\r\nHost: {SERVER_IP}\r\n\r\n".encode())
    st1, len1, sha1 = sc.response(ask)
    # Then the client's own update, and a request under its new keys.
    sc.send(b"k\n")
    sc.send(f"GET /{F16M} HTTP/1.1\r\nHost: {SERVER_IP}\r\n"
            "Connection: close\r\n\r\n".encode())
    st2, len2, sha2 = sc.response()
    err = sc.close()
    stats = snd.stop()
    tap.ok(st1 == 200 and sha1 == run.files[F64M][1],
           f"{label}: 64 MiB body right across the server's key update",
           f"status {st1} {sha1}\n{err[-800:]}")
    tap.ok(st2 == 200 and sha2 == run.files[F16M][1],
           f"{label}: request after the client's own update ('k') answered",
           f"status {st2} {sha2}\n{err[-800:]}")
    try:
        with open(msgfile, errors="replace") as f:
            msgs = [ln for ln in f if ln.startswith((">>>", "<<<"))]
    except OSError:
        msgs = []
    ku_out = [i for i, ln in enumerate(msgs)
              if ln.startswith(">>>") and "KeyUpdate" in ln]
    ku_in = [i for i, ln in enumerate(msgs)
             if ln.startswith("<<<") and "KeyUpdate" in ln]
    tap.ok(len(ku_out) == 2 and len(ku_in) >= 1 and
           ku_out[0] < ku_in[0] < ku_out[1],
           f"{label}: the server's KeyUpdate came during the first body "
           "(before the client's 'k')",
           f"client KeyUpdates at {ku_out}, server's at {ku_in}, "
           f"K sent after {asked} body bytes")
    try:
        with open(keylog) as f:
            logged = f.read()
    except OSError as e:
        logged = str(e)
    tap.ok(stat(stats, "tls.key_updates") >= 1 and
           stat(stats, "tls.key_update_failures") == 0 and
           "SERVER_TRAFFIC_SECRET_0 " in logged,
           f"{label}: the sender counted tls.key_updates >= 1 "
           "(key log chained)",
           json.dumps({k: stat(stats, k) for k in
                       ("tls.key_updates", "tls.key_update_failures",
                        "tls.ctrl_records")}))
    check_common_stats(run, stats, label, handshakes=1, engine=engine,
                       version="1.3", cipher=cipher)
    check_loss_stats(run, stats, label, loss,
                     run.files[F64M][0] + run.files[F16M][0], cipher)


def test_record_size(run, size, name, loss=0.01, extra=()):
    """Also --sndbuf (extra): then more records than the library's record
    ring holds (conf.sndq_chunks, 1024) fit into the send buffer."""
    tap = run.tap
    label = " ".join([f"--record-size {size}"] + list(extra)) + \
        f", {int(loss * 100)}% loss"
    snd = run.start(["--root", run.root, "--record-size", str(size),
                     "--drop-rate", str(loss), "--drop-seed", "5"] +
                    list(extra), label)
    if snd is None:
        return
    n = run.files[name][0]
    got = curl(run, name, timeout=20)
    stats = snd.stop()
    tap.ok(run.check(name, got), f"{label}: curl {name} right", describe(got))
    recs = stat(stats, "tls.records") - stat(stats, "tls.ctrl_records")
    tap.ok(stat(stats, "tls.bytes") >= n and recs >= -(-n // size),
           f"{label}: records of at most {size} bytes "
           f"(>= {-(-n // size)} data records)",
           json.dumps({k: stat(stats, k) for k in
                       ("tls.records", "tls.ctrl_records", "tls.bytes")}))
    if loss > 0:
        tap.ok(stat(stats, "tcp.retransmits") > 0,
               f"{label}: losses repaired", json.dumps(
                   {k: stat(stats, k) for k in
                    ("tcp.injected_drops", "tcp.retransmits")}))


def test_own_cert(run):
    """--cert/--key: an RSA certificate for the server's address, which
    curl verifies; TLS 1.2 then negotiates the ECDHE-RSA suites."""
    tap = run.tap
    cert = os.path.join(run.tmp, "rsa.crt")
    key = os.path.join(run.tmp, "rsa.key")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                        "-subj", "/CN=tlsoff-e2e",
                        "-addext", f"subjectAltName=IP:{SERVER_IP}"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        tap.ok(False, "an RSA certificate for --cert", r.stderr)
        return
    snd = run.start(["--root", run.root, "--cert", cert, "--key", key],
                    "--cert/--key")
    if snd is None:
        return
    conns = 0
    for version, cipher in (("1.2", "aes128gcm"), ("1.2", "chacha20"),
                            ("1.3", "aes256gcm")):
        suite = suite_of(version, cipher, rsa=True)
        got = curl(run, F1M, version, suite, extra=["--cacert", cert],
                   insecure=False)
        conns += 1
        tap.ok(run.check(F1M, got) and negotiated(got, version, suite),
               f"--cert RSA: curl TLS {version} {suite}, certificate "
               "verified", describe(got))
    stats = snd.stop()
    check_common_stats(run, stats, "--cert/--key", handshakes=conns)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--full", action="store_true",
                    help="every version x cipher x engine x loss rate")
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
    env = Env("tls")
    tmp = tempfile.mkdtemp(prefix="tlsoff-e2e-tls-")
    began = time.monotonic()
    try:
        root, files = make_files(tmp)
        run = Run(tap, env, binary, tmp, root, files, args.full)
        steps = [("options", lambda: test_options(run)),
                 ("clients", lambda: test_clients(run)),
                 ("robust", lambda: test_robust(run)),
                 ("cert", lambda: test_own_cert(run))]
        if args.full:
            matrix = [(loss, v, c, e) for loss in (0.0, 0.01, 0.05)
                      for v in ("1.3", "1.2") for c in SUITES
                      for e in ("openssl", "ipsec-mb")]
            updates = [(c, e) for c in SUITES for e in ("openssl", "ipsec-mb")]
            sizes = [(1, F64K), (100, F1M), (1000, F16M), (4096, F16M),
                     (16384, F64M)]
        else:
            # Each loss rate with both versions and both engines; each
            # cipher under loss; the big files at every loss rate.
            matrix = [(0.0, "1.3", "aes256gcm", "ipsec-mb"),
                      (0.0, "1.2", "aes128gcm", "openssl"),
                      (0.01, "1.2", "chacha20", "openssl"),
                      (0.01, "1.3", "aes256gcm", "ipsec-mb"),
                      (0.05, "1.3", "chacha20", "openssl"),
                      (0.05, "1.2", "aes128gcm", "ipsec-mb")]
            updates = [("aes128gcm", "openssl"), ("aes256gcm", "ipsec-mb"),
                       ("chacha20", "openssl")]
            sizes = [(1000, F16M), (4096, F16M)]
        for m in matrix:
            steps.append((f"transfer {m}",
                          lambda m=m: test_transfer(run, *m)))
        for u in updates:
            steps.append((f"keyupdate {u}",
                          lambda u=u: test_key_update(run, *u)))
        for size, name in sizes:
            steps.append((f"recordsize {size}",
                          lambda s=size, n=name: test_record_size(run, s, n)))
        if args.full:
            steps.append(("sndbuf 32M", lambda: test_record_size(
                run, 16384, F64M, extra=["--sndbuf", "32M"])))
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
