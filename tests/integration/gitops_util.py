"""Shared helpers for the GitOps integration tests (test_gitops_*.py).

Real processes only: git repositories made with the git CLI in temp folders (`-b main`,
explicit identity, no global config), gitnsd started on a free 127.0.0.1 port, answers
read with dnspython (Debian's, so run with /usr/bin/python3), status read from
<state>/status.json.
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--gitnsd", required=True)
    p.add_argument("--source-dir", required=True)
    p.add_argument("--keep", action="store_true", help="keep temp folders for debugging")
    return p.parse_args()


GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "gitns test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "gitns test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(cwd, *args, check=True):
    env = dict(os.environ)
    env.update(GIT_ENV)
    env["HOME"] = cwd  # no user config
    r = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout.strip()


class Repo:
    """A working repository on branch main."""

    def __init__(self, path):
        self.path = path
        os.makedirs(path, exist_ok=True)
        git(path, "init", "-q", "-b", "main")

    def write(self, rel, text):
        full = os.path.join(self.path, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)

    def remove(self, rel):
        git(self.path, "rm", "-q", rel)

    def commit(self, message, trailers=(), allow_empty=False):
        git(self.path, "add", "-A")
        args = ["commit", "-q", "-m", message]
        if trailers:
            args += ["-m", "\n".join(trailers)]
        if allow_empty:
            args.append("--allow-empty")
        git(self.path, *args)
        return self.head()

    def head(self):
        return git(self.path, "rev-parse", "HEAD")


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 (and not 5353)."""
    for _ in range(50):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        port = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            u.close()
            t.close()
    raise AssertionError("no free port")


def zone_manifest(name, records, nameservers=("ns1",), extra_spec="", annotations=None, serial=None):
    """A Zone manifest; records: {owner: [(type, value), ...]}."""
    lines = ["apiVersion: gitns.io/v1", "kind: Zone", "metadata:", f"  name: {name}"]
    if annotations:
        lines.append("  annotations:")
        for k, v in annotations.items():
            lines.append(f'    {k}: "{v}"')
    lines += ["spec:", "  ttl: 300"]
    if nameservers:
        lines.append("  nameservers: [" + ", ".join(nameservers) + "]")
    if serial is not None:
        lines.append(f"  serial: {serial}")
    if extra_spec:
        lines.append(extra_spec.rstrip("\n"))
    if records:
        lines.append("  records:")
    for owner, rrs in records.items():
        entries = ", ".join("{type: %s, value: %s}" % (t, json.dumps(v)) for t, v in rrs)
        lines.append(f'    "{owner}": [{entries}]')
    return "\n".join(lines) + "\n"


def hosts(n, net="198.51.100", prefix="h"):
    return {f"{prefix}{i}": [("A", f"{net}.{i % 250 + 1}")] for i in range(1, n + 1)}


class Gitnsd:
    count = 0  # log file per instance

    def __init__(self, binary, repo_url, state_dir, workdir, extra=(), poll="0", port=None, env=None):
        self.binary = binary
        self.repo_url = repo_url
        self.state_dir = state_dir
        self.port = port or free_port()
        self.extra = list(extra)
        self.poll = poll
        Gitnsd.count += 1
        self.log_path = os.path.join(workdir, f"gitnsd-{Gitnsd.count}-{self.port}.log")
        self.env = env
        self.proc = None

    def start(self, wait_serving=True):
        args = [self.binary, "--repo", self.repo_url, "--state-dir", self.state_dir,
                "--listen", f"127.0.0.1:{self.port}", "--poll", self.poll, "--threads", "2", *self.extra]
        env = dict(os.environ)
        if self.env:
            env.update(self.env)
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        if wait_serving:
            self.wait_log("msg=\"serving\"")
        return self

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_log(self, needle, timeout=20, count=1):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.log_text().count(needle) >= count:
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"gitnsd exited ({self.proc.returncode}) waiting for {needle}:\n{self.log_text()}")
            time.sleep(0.02)
        raise AssertionError(f"timeout waiting for {needle} in the log:\n{self.log_text()[-3000:]}")

    def status(self):
        path = os.path.join(self.state_dir, "status.json")
        for _ in range(50):
            try:
                with open(path) as f:
                    return json.load(f)
            except (OSError, ValueError):
                time.sleep(0.02)
        raise AssertionError("cannot read status.json")

    def finished_count(self):
        return self.log_text().count('msg="reconcile finished"')

    def reconcile(self, timeout=30):
        """SIGHUP and wait until that reconcile finished; returns the status document."""
        before = self.finished_count()
        self.proc.send_signal(signal.SIGHUP)
        self.wait_log('msg="reconcile finished"', timeout=timeout, count=before + 1)
        return self.status()

    def wait_first_reconcile(self, timeout=30):
        self.wait_log('msg="reconcile finished"', timeout=timeout)
        return self.status()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.log.close()

    # -- DNS --
    def query(self, name, rdtype="A", tcp=False, timeout=2.0):
        """(rcode text, sorted list of answer rdata texts)."""
        q = dns.message.make_query(name, rdtype)
        q.flags &= ~dns.flags.RD
        last = None
        for _ in range(3):
            try:
                if tcp:
                    r = dns.query.tcp(q, "127.0.0.1", port=self.port, timeout=timeout)
                else:
                    r = dns.query.udp(q, "127.0.0.1", port=self.port, timeout=timeout)
                break
            except Exception as e:  # a lost datagram: ask again
                last = e
        else:
            raise AssertionError(f"no answer for {name} {rdtype}: {last}")
        out = []
        for rrset in r.answer:
            if rrset.rdtype == dns.rdatatype.from_text(rdtype):
                out += [rd.to_text() for rd in rrset]
        return dns.rcode.to_text(r.rcode()), sorted(out)

    def answer(self, name, rdtype="A"):
        rcode, data = self.query(name, rdtype)
        return data if rcode == "NOERROR" else rcode

    def serial(self, zone):
        rcode, data = self.query(zone, "SOA")
        assert rcode == "NOERROR" and data, f"no SOA for {zone}: {rcode}"
        return int(data[0].split()[2])


def find_object(status, kind, name):
    for o in status["objects"]:
        if o["kind"] == kind and o["name"] == name:
            return o
    return None


def condition(obj, ctype):
    if obj is None:
        return None
    for c in obj["conditions"]:
        if c["type"] == ctype:
            return (c["status"], c["reason"])
    return None


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def check_eq(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


class Suite:
    """Runs test functions `fn(ctx)` with a fresh temp folder each; prints a summary."""

    def __init__(self, name):
        self.name = name
        self.args = parse_args()
        self.passed = 0
        self.failed = 0
        self.procs = []

    def run(self, tests):
        for fn in tests:
            tmp = tempfile.mkdtemp(prefix=f"gitns-{self.name}-")
            ctx = Context(self, tmp)
            start = time.time()
            try:
                fn(ctx)
                ctx.cleanup()
                ctx.check_sanitizers()
                self.passed += 1
                print(f"PASS {fn.__name__} ({time.time() - start:.1f}s)", flush=True)
            except Exception:
                self.failed += 1
                print(f"FAIL {fn.__name__} ({time.time() - start:.1f}s)", flush=True)
                traceback.print_exc()
                for d in ctx.daemons:
                    try:
                        print(f"--- log of gitnsd on port {d.port} (last lines) ---")
                        print("\n".join(d.log_text().splitlines()[-40:]))
                    except OSError:
                        pass
            finally:
                ctx.cleanup()
                if not self.args.keep:
                    shutil.rmtree(tmp, ignore_errors=True)
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        sys.exit(0 if self.failed == 0 else 1)


class Context:
    def __init__(self, suite, tmp):
        self.suite = suite
        self.tmp = tmp
        self.gitnsd_path = suite.args.gitnsd
        self.source_dir = suite.args.source_dir
        self.daemons = []

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def repo(self, name="repo"):
        return Repo(self.path(name))

    def gitnsd(self, repo_url, state="state", **kw):
        d = Gitnsd(self.gitnsd_path, repo_url, self.path(state), self.tmp, **kw)
        self.daemons.append(d)
        return d

    def cleanup(self):
        for d in self.daemons:
            try:
                d.stop()
            except Exception as e:  # noqa: BLE001 - cleanup must go on
                print(f"  cannot stop gitnsd on port {d.port}: {e!r}")

    def check_sanitizers(self):
        """A sanitizer build reports into the daemon's log: that fails the test."""
        for d in self.daemons:
            text = d.log_text()
            for needle in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
                if needle in text:
                    raise AssertionError(f"{needle} in the log of gitnsd on port {d.port}")


__all__ = [name for name in dir() if not name.startswith("_")] + ["random"]
