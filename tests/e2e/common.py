# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The librte_tlsoff authors
"""What the end-to-end suites share: TAP output, the namespace pair, the
sender process, the test files and a few client helpers.

The sender runs in one network namespace on net_af_packet; curl, wget,
openssl, ping and Python clients run in another; devtools/netns.sh joins
them with a veth pair. Content is always checked by SHA-256.
"""

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLIENT = os.path.join(ROOT, "tests", "e2e", "client.py")
NETNS = os.path.join(ROOT, "devtools", "netns.sh")
SERVER_IP = "198.18.0.2"
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

    def __init__(self, prefix="e2e"):
        self.name = f"{prefix}{os.getpid() % 1000000}"
        self.ns_s = self.name + "-s"
        self.ns_c = self.name + "-c"
        self.ifname = self.name + "s"
        subprocess.run([NETNS, "up", self.name], check=True)

    def close(self):
        subprocess.run([NETNS, "down", self.name], check=False)

    def client(self, args, timeout=300, check=False, env=None, input=None):
        return subprocess.run(["ip", "netns", "exec", self.ns_c] + args,
                              capture_output=True, text=True,
                              timeout=timeout, check=check, env=env,
                              input=input)

    def client_bg(self, args, text=True):
        return subprocess.Popen(["ip", "netns", "exec", self.ns_c] + args,
                                stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=text)

    def sysctl_client(self, key, value):
        self.client(["sysctl", "-qw", f"{key}={value}"], check=True)


class SenderFailed(RuntimeError):
    """The sender exited or never said it was ready; .output has its words."""

    def __init__(self, msg, output):
        super().__init__(msg + ":\n" + output)
        self.output = output


class Sender:
    """One tlsoff-sender process in the server namespace (HTTPS unless
    plain=True)."""

    seq = 0

    def __init__(self, env, binary, args, tmp, plain=False, port=8443):
        Sender.seq += 1
        self.port = port
        self.stats_path = os.path.join(tmp, f"stats-{Sender.seq}.json")
        prefix = f"tlsoff-e2e-{os.getpid()}-{Sender.seq}"
        cmd = ["ip", "netns", "exec", env.ns_s, binary,
               "--no-huge", "-m", "512", "--no-pci", "--file-prefix", prefix,
               "--log-level=lib.eal:error",
               "--vdev", f"net_af_packet0,iface={env.ifname}",
               "--", "--ip", f"{SERVER_IP}/24"] + \
            (["--plain"] if plain else []) + \
            ["--listen", str(port), "--stats-json", self.stats_path] + args
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     errors="replace")
        self.lines = []
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if not self.ready.wait(30):
            self.stop()
            raise SenderFailed("sender did not become ready",
                               "\n".join(self.lines[-20:]))

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if "tlsoff-sender: ready" in line:
                self.ready.set()
        self.ready.set()    # exited: stop waiting (ready() tells)

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


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def curl_get(env, url, extra=(), timeout=300):
    """Download url with curl; returns (ok, sha256 or error, stderr)."""
    out = f"/tmp/{env.name}-curl-{threading.get_ident()}"
    try:
        r = env.client(["curl", "-sS", "-f", "-m", str(timeout), "-o", out] +
                       list(extra) + [url], timeout=timeout + 30)
        if r.returncode != 0:
            return False, r.stderr.strip(), r.stderr
        return True, sha256_file(out), r.stderr
    finally:
        if os.path.exists(out):
            os.unlink(out)


def wget_get(env, url, extra=(), timeout=300):
    """Download url with wget; returns (ok, sha256 or error)."""
    out = f"/tmp/{env.name}-wget-{threading.get_ident()}"
    try:
        r = env.client(["wget", "-q", "-O", out, "-T", str(timeout)] +
                       list(extra) + [url], timeout=timeout + 30)
        if r.returncode != 0:
            return False, f"wget exit {r.returncode}: {r.stderr.strip()}"
        return True, sha256_file(out)
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


def have(tool):
    return shutil.which(tool) is not None


def pattern_sha256(n):
    """SHA-256 of the /bytes/N body: byte i is byte i % 8 (little-endian)
    of splitmix64(i / 8), as tlsoff-sender --help documents."""
    mask = (1 << 64) - 1
    out = bytearray()
    for b in range((n + 7) // 8):
        z = ((b + 1) * 0x9E3779B97F4A7C15) & mask
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        z ^= z >> 31
        out += z.to_bytes(8, "little")
    return hashlib.sha256(bytes(out[:n])).hexdigest()
