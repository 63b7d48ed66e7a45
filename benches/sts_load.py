#!/usr/bin/env python3
"""Load and fault test of the example STS server (issue 19), the current commit against a baseline.

    python3 benches/sts_load.py [--baseline 970d593] [--seconds 10] [--rounds 3] [--connections 16,256]

Installs nothing. Needs `wrk` (`apt-get install wrk`), `python3` with `botocore` (it signs the
replayed requests), `git` and `cargo`. It:

1. builds `sts_server` in release at the current work tree and at the baseline commit (in a git
   worktree under /tmp, with its own target directory);
2. starts each with the same key file and directory (`tests/data/directory.json`), audit log to a
   file, and replays with wrk a SigV4-signed `GetCallerIdentity` and a signed `AssumeRole` (signed
   with botocore right before each run: the server accepts a signature for 15 minutes), at each
   connection count, in `--rounds` rounds that alternate which server goes first; reports the
   medians of req/s and of requests per server CPU-second (utime + stime from /proc/PID/stat,
   before and after), old and new, their ratio, and the ratio of each round;
3. runs the attacks against each server (slowloris, an idle-connection flood at the cap, 1000 ×
   400 KB unterminated headers, slow bodies), each while probing that a signed request is still
   served within 100 ms, and reports the server's peak RSS against the documented bound
   (`max_connections × (64 KiB head + 256 KiB body)` = 160 MiB with the defaults).

Every cargo build and every measurement runs under `flock LOCK` (`--lock`, default
/tmp/tempcred-build.lock), so that no build on a shared machine runs while a measurement does.
"""

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import base64

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRECTORY = os.path.join(ROOT, "tests/data/directory.json")
ALICE = ("AKIAALICEEXAMPLE0001", "aliceSecretKeyForTestsOnly0000000000000A")
ASSUME_ROLE_BODY = (
    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fdeploy"
    "&RoleSessionName=load&ExternalId=partner-42"
)
CALLER_BODY = "Action=GetCallerIdentity&Version=2011-06-15"
CLK_TCK = os.sysconf("SC_CLK_TCK")
DOCUMENTED_BOUND_MIB = 512 * (64 + 256) / 1024


def sh(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def build(lock, src, target):
    sh(["flock", lock, "cargo", "build", "--quiet", "--release", "--all-features",
        "--example", "sts_server"], cwd=src, env={**os.environ, "CARGO_TARGET_DIR": target})
    return os.path.join(target, "release/examples/sts_server")


def baseline_tree(commit, path):
    if not os.path.isdir(path):
        sh(["git", "-C", ROOT, "worktree", "add", "--detach", path, commit])
    return path


class Locked:
    """The build lock held (fcntl.flock, the lock flock(1) takes) for a measurement."""

    def __init__(self, path):
        self.file = open(path, "a")

    def __enter__(self):
        import fcntl
        fcntl.flock(self.file, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        import fcntl
        fcntl.flock(self.file, fcntl.LOCK_UN)


class Server:
    def __init__(self, binary, keys, scratch, name, extra=()):
        self.audit = open(os.path.join(scratch, f"{name}-audit.log"), "wb")
        self.proc = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--directory", DIRECTORY, "--keys", keys, *extra],
            stdout=subprocess.PIPE, stderr=self.audit, text=True)
        for line in self.proc.stdout:
            if line.startswith("listening on http://"):
                self.addr = line.strip().removeprefix("listening on http://")
                break
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()
        self.host, port = self.addr.rsplit(":", 1)
        self.port = int(port)

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime

    def rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            status = dict(l.split(":", 1) for l in f if ":" in l)
        kib = lambda k: int(status[k].split()[0]) / 1024
        return kib("VmRSS"), kib("VmHWM")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.audit.close()


def signed_headers(addr, body):
    """SigV4 headers for a POST of `body` to `addr`, signed now with alice's key (botocore)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    request = AWSRequest(method="POST", url=f"http://{addr}/", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials(*ALICE), "sts", "us-east-1").add_auth(request)
    return {k: v for k, v in request.headers.items()}


def wrk_script(scratch, addr, body):
    headers = signed_headers(addr, body)
    lua = ["wrk.method = \"POST\"", f"wrk.body = \"{body}\""]
    lua += [f"wrk.headers[\"{k}\"] = \"{v}\"" for k, v in headers.items()]
    path = os.path.join(scratch, "request.lua")
    with open(path, "w") as f:
        f.write("\n".join(lua) + "\n")
    return path


def load(lock, server, scratch, body, connections, seconds):
    script = wrk_script(scratch, server.addr, body)
    before = server.cpu_seconds()
    out = subprocess.run(
        ["flock", lock, "wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script,
         f"http://{server.addr}/"], check=True, capture_output=True, text=True).stdout
    cpu = server.cpu_seconds() - before
    total = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if bad:
        sys.exit(f"non-2xx answers under load ({bad.group(1)}): the replayed request is refused\n{out}")
    return {"rps": rps, "cpu": cpu, "per_cpu": total / cpu if cpu else 0.0, "requests": total,
            "errors": errors.group(1) if errors else ""}


# ---- attacks ---------------------------------------------------------------------------------

def probe(server):
    """Milliseconds for a fresh connection to get a signed GetCallerIdentity answered (200)."""
    headers = signed_headers(server.addr, CALLER_BODY)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    raw = (f"POST / HTTP/1.1\r\nhost: {server.addr}\r\n{head}content-length: {len(CALLER_BODY)}"
           f"\r\nconnection: close\r\n\r\n{CALLER_BODY}").encode()
    started = time.monotonic()
    try:
        with socket.create_connection((server.host, server.port), timeout=5) as s:
            s.sendall(raw)
            data = b""
            while chunk := s.recv(65536):
                data += chunk
    except OSError:
        return None
    ms = (time.monotonic() - started) * 1000
    return ms if data.startswith(b"HTTP/1.1 200") else None


def probes_during(server, seconds, every=0.5):
    results = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        results.append(probe(server))
        time.sleep(every)
    return results


def open_socket(server):
    s = socket.socket()
    s.settimeout(5)
    s.connect((server.host, server.port))
    return s


def attack_slowloris(server, stop):
    socks = []
    for _ in range(300):
        try:
            s = open_socket(server)
            s.sendall(b"POST / HTTP/1.1\r\nhost: x\r\n")
            socks.append(s)
        except OSError:
            pass
    while not stop.is_set():
        for s in list(socks):
            try:
                s.sendall(b"x-a: b\r\n")
            except OSError:
                socks.remove(s)
        stop.wait(1)
    for s in socks:
        s.close()


def attack_idle(server, stop, count):
    socks = []
    for _ in range(count):
        try:
            socks.append(open_socket(server))
        except OSError:
            pass
    stop.wait()
    for s in socks:
        s.close()


def attack_big_heads(server, stop, count=1000, size=400 * 1024):
    chunk = b"x-big: " + b"a" * (size - 8) + b"\r\n"  # never terminated by an empty line

    def one():
        try:
            with open_socket(server) as s:
                s.sendall(b"POST / HTTP/1.1\r\nhost: x\r\n" + chunk)
        except OSError:
            pass  # closed by the server once the head passes its limit: expected

    sent = 0
    while not stop.is_set() and sent < count:
        batch = [threading.Thread(target=one) for _ in range(min(100, count - sent))]
        for t in batch:
            t.start()
        for t in batch:
            t.join()
        sent += len(batch)


def attack_slow_bodies(server, stop):
    socks = []
    for _ in range(300):
        try:
            s = open_socket(server)
            s.sendall(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded"
                      b"\r\ncontent-length: 200000\r\n\r\nAction=")
            socks.append(s)
        except OSError:
            pass
    while not stop.is_set():
        for s in list(socks):
            try:
                s.sendall(b"a" * 64)
            except OSError:
                socks.remove(s)
        stop.wait(1)
    for s in socks:
        s.close()


def run_attack(server, name, attack, seconds):
    stop = threading.Event()
    thread = threading.Thread(target=attack, args=(server, stop), daemon=True)
    thread.start()
    time.sleep(1.5)  # let the attack take hold
    probes = probes_during(server, seconds)
    _, hwm = server.rss_mib()
    stop.set()
    thread.join(30)
    served = [p for p in probes if p is not None]
    worst = max(served) if served else float("nan")
    ok = len(served) == len(probes) and worst < 100
    return {"name": name, "probes": len(probes), "served": len(served), "worst_ms": worst,
            "hwm": hwm, "ok": ok}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default="970d593")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", default="16,256")
    parser.add_argument("--lock", default="/tmp/tempcred-build.lock")
    parser.add_argument("--new-target", default=os.environ.get("CARGO_TARGET_DIR",
                                                              os.path.join(ROOT, "target")))
    parser.add_argument("--baseline-tree", help="default /tmp/tempcred-base-COMMIT")
    parser.add_argument("--baseline-target", help="default /tmp/tempcred-base-COMMIT-target")
    parser.add_argument("--skip-attacks", action="store_true")
    args = parser.parse_args()
    connections = [int(c) for c in args.connections.split(",")]

    base_src = baseline_tree(args.baseline,
                             args.baseline_tree or f"/tmp/tempcred-base-{args.baseline}")
    base_target = args.baseline_target or f"/tmp/tempcred-base-{args.baseline}-target"
    binaries = {"old": build(args.lock, base_src, base_target),
                "new": build(args.lock, ROOT, args.new_target)}
    scratch = tempfile.mkdtemp(prefix="sts-load-")
    keys = os.path.join(scratch, "keys")
    with open(keys, "w") as f:
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
        f.write(f"sign:load:{key}\n")
    os.chmod(keys, 0o600)

    # Rounds alternate which server runs first, and the medians are compared: on a shared or
    # virtual machine one run can differ from the next by 10-15 % on the same binary.
    results = {}
    for name, body in (("GetCallerIdentity", CALLER_BODY), ("AssumeRole", ASSUME_ROLE_BODY)):
        for c in connections:
            for round_ in range(args.rounds):
                for which in (("old", "new") if round_ % 2 == 0 else ("new", "old")):
                    server = Server(binaries[which], keys, scratch, which)
                    try:
                        load(args.lock, server, scratch, body, c, 2)  # warm-up
                        results.setdefault((name, c, which), []).append(
                            load(args.lock, server, scratch, body, c, args.seconds))
                    finally:
                        server.stop()
    median = lambda runs, key: statistics.median(r[key] for r in runs)
    print(f"\nmedians of {args.rounds} alternating rounds of {args.seconds} s")
    print(f"{'request':<18} {'conns':>5}  {'old req/s':>10} {'old req/CPU-s':>13}"
          f"  {'new req/s':>10} {'new req/CPU-s':>13}  {'ratio':>6}  new/old per round")
    for name in ("GetCallerIdentity", "AssumeRole"):
        for c in connections:
            o, n = results[(name, c, "old")], results[(name, c, "new")]
            o_cpu, n_cpu = median(o, "per_cpu"), median(n, "per_cpu")
            ratio = n_cpu / o_cpu if o_cpu else float("nan")
            rounds = " ".join(f"{b['per_cpu'] / a['per_cpu']:.2f}" for a, b in zip(o, n) if a["per_cpu"])
            print(f"{name:<18} {c:>5}  {median(o, 'rps'):>10.0f} {o_cpu:>13.0f}"
                  f"  {median(n, 'rps'):>10.0f} {n_cpu:>13.0f}  {ratio:>5.2f}x  {rounds}")
            for which, runs in (("old", o), ("new", n)):
                for r in runs:
                    if r["errors"]:
                        print(f"  {which}: socket errors: {r['errors']}")

    if args.skip_attacks:
        return
    print(f"\nattacks (a signed GetCallerIdentity on a fresh connection every 0.5 s; "
          f"documented request-memory bound {DOCUMENTED_BOUND_MIB:.0f} MiB)")
    for which in ("old", "new"):
        attacks = [
            ("slowloris (300 conns)", attack_slowloris),
            ("idle flood at the cap (512)", lambda s, e: attack_idle(s, e, 512)),
            ("1000 x 400 KB unterminated heads", attack_big_heads),
            ("slow bodies (300 conns)", attack_slow_bodies),
        ]
        for label, attack in attacks:
            server = Server(binaries[which], keys, scratch, which)
            try:
                rss0, _ = server.rss_mib()
                with Locked(args.lock):
                    result = run_attack(server, label, attack, 8)
            finally:
                server.stop()
            verdict = "ok" if result["ok"] else "FAILED"
            print(f"{which}: {label:<34} probes served {result['served']}/{result['probes']}, "
                  f"worst {result['worst_ms']:.1f} ms, peak RSS {result['hwm']:.1f} MiB "
                  f"(idle {rss0:.1f}) -> {verdict}")


if __name__ == "__main__":
    main()
