#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
"""End-to-end tests: tlsoff-sender against the real Linux TCP stack.

The sender runs in one network namespace on net_af_packet; curl, wget,
ping and Python clients run in another; devtools/netns.sh joins them with a
veth pair. Content is always checked by SHA-256. Loss is injected by the
stack itself (--drop-rate). Output is TAP; run as root.
"""

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLIENT = os.path.join(ROOT, "tests", "e2e", "client.py")
NETNS = os.path.join(ROOT, "devtools", "netns.sh")
SERVER_IP = "198.18.0.2"
PORT = 8080
SIZES = [1024, 65537, 1 << 20, 16 << 20, 64 << 20]


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        if not cond:
            self.failed += 1
        print(f"{'' if cond else 'not '}ok {self.n} - {desc}", flush=True)
        if diag and not cond:
            for line in str(diag).splitlines():
                print(f"# {line}", flush=True)
        return cond

    def skip(self, desc, why):
        self.n += 1
        print(f"ok {self.n} - {desc} # SKIP {why}", flush=True)

    def diag(self, msg):
        print(f"# {msg}", flush=True)

    def done(self):
        print(f"1..{self.n}", flush=True)


class Env:
    """The namespace pair, named after this process so runs never collide."""

    def __init__(self):
        self.name = f"e2e{os.getpid() % 1000000}"
        self.ns_s = self.name + "-s"
        self.ns_c = self.name + "-c"
        self.ifname = self.name + "s"
        subprocess.run([NETNS, "up", self.name], check=True)

    def close(self):
        subprocess.run([NETNS, "down", self.name], check=False)

    def client(self, args, timeout=300, check=False):
        return subprocess.run(["ip", "netns", "exec", self.ns_c] + args,
                              capture_output=True, text=True,
                              timeout=timeout, check=check)

    def client_bg(self, args):
        return subprocess.Popen(["ip", "netns", "exec", self.ns_c] + args,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def sysctl_client(self, key, value):
        self.client(["sysctl", "-qw", f"{key}={value}"], check=True)


class Sender:
    """One tlsoff-sender process in the server namespace."""

    seq = 0

    def __init__(self, env, binary, args, tmp):
        Sender.seq += 1
        self.stats_path = os.path.join(tmp, f"stats-{Sender.seq}.json")
        prefix = f"tlsoff-e2e-{os.getpid()}-{Sender.seq}"
        cmd = ["ip", "netns", "exec", env.ns_s, binary,
               "--no-huge", "-m", "512", "--no-pci", "--file-prefix", prefix,
               "--log-level=lib.eal:error",
               "--vdev", f"net_af_packet0,iface={env.ifname}",
               "--", "--ip", f"{SERVER_IP}/24", "--plain",
               "--listen", str(PORT), "--stats-json", self.stats_path] + args
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     errors="replace")
        self.lines = []
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if not self.ready.wait(30):
            self.stop()
            raise RuntimeError("sender did not become ready:\n" +
                               "\n".join(self.lines[-20:]))

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if "tlsoff-sender: ready" in line:
                self.ready.set()

    def stop(self):
        """SIGTERM, wait, and return the stats JSON (or None)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(5)
        return self.read_stats()

    def read_stats(self):
        try:
            with open(self.stats_path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def tail(self, n=30):
        return "\n".join(self.lines[-n:])


def make_files(tmp):
    """Files of SIZES with random content; returns {name: (size, sha256)}."""
    root = os.path.join(tmp, "www")
    os.makedirs(root, exist_ok=True)
    rng = random.Random(20261126)
    files = {}
    for size in SIZES:
        name = f"f{size}.bin"
        data = rng.randbytes(size)
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
        files[name] = (size, hashlib.sha256(data).hexdigest())
    return root, files


def curl_get(env, name, extra=(), timeout=300):
    """Download /name with curl; returns (ok, sha256 or error)."""
    out = f"/tmp/{env.name}-{name}-{threading.get_ident()}"
    try:
        r = env.client(["curl", "-sS", "-f", "-m", str(timeout), "-o", out] +
                       list(extra) + [f"http://{SERVER_IP}:{PORT}/{name}"],
                       timeout=timeout + 30)
        if r.returncode != 0:
            return False, r.stderr.strip()
        with open(out, "rb") as f:
            return True, hashlib.sha256(f.read()).hexdigest()
    finally:
        if os.path.exists(out):
            os.unlink(out)


def parallel(fn, items, width):
    """Run fn(item) for items, at most width at a time; results in order."""
    results = [None] * len(items)
    sem = threading.Semaphore(width)

    def one(i, item):
        with sem:
            results[i] = fn(item)

    threads = [threading.Thread(target=one, args=(i, it))
               for i, it in enumerate(items)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def stat(stats, key):
    return (stats or {}).get(key, -1)


def test_transfers(tap, env, binary, tmp, root, files, loss, full):
    """Every file, 4 in parallel, at one loss rate; then wget."""
    label = f"{int(loss * 100)}% loss"
    args = ["--root", root]
    if loss > 0:
        args += ["--drop-rate", str(loss), "--drop-seed", "7"]
    snd = Sender(env, binary, args, tmp)
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
    snd = Sender(env, binary, ["--root", root], tmp)
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


def test_slow_reader(tap, env, binary, tmp, root, files):
    """A reader slower than the sender: windows close, probes reopen them."""
    env.sysctl_client("net.ipv4.tcp_rmem", "4096 8192 16384")
    try:
        snd = Sender(env, binary, ["--root", root], tmp)
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
    snd = Sender(env, binary, ["--exit-after", "2"], tmp)
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


def pattern_sha256(n):
    """SHA-256 of the /bytes/N body: byte i is byte i % 8 (little-endian)
    of splitmix64(i / 8), as doc/sender.md documents."""
    mask = (1 << 64) - 1
    out = bytearray()
    for b in range((n + 7) // 8):
        z = ((b + 1) * 0x9E3779B97F4A7C15) & mask
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        z ^= z >> 31
        out += z.to_bytes(8, "little")
    return hashlib.sha256(bytes(out[:n])).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--full", action="store_true",
                    help="also the larger matrix (both congestion controls)")
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
