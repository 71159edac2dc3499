#!/usr/bin/python3
"""Commit -> served latency of gitnsd for a one-record change in a large zone (issue 3).

    bench/commit_latency.py --gitnsd PATH [--variant zonefile|manifest|both] [--records 100000]
                            [--runs 20] [--warmup 1] [--knot] [--initial-runs 3]
                            [--keep] [--perf-data FILE]

Builds a git repository (branch main, explicit identity) with one Zone `bench.test.` of
--records records from bench/gen_zone.py, either in a zoneFile master file beside the
manifest (variant zonefile) or written out in the manifest's `records` map (variant
manifest). Starts `gitnsd --repo DIR --poll 0` on a free 127.0.0.1 port and measures:

- initial apply: from the exec of gitnsd (empty state folder) to the first NOERROR answer
  for the zone's last record (`zz-last.bench.test. A`, polled on a connected UDP socket
  every 1 ms), --initial-runs times; with --knot, knotd loading the same zone file
  (tests/integration/gitns_testlib.py Knotd: minimal config, no journal), same probe;
- commit -> served: --runs times (after --warmup runs that are not counted): rewrite one
  record (the A of n50000, a name in the middle of the zone) to a new address, `git
  commit`, then SIGHUP and poll `n50000.bench.test. A` every 1 ms until the new address
  is served. Latency is measured from the SIGHUP to that answer; the `git add` + `git
  commit` time is shown beside it. The phases gitnsd logs on "reconcile finished"
  (fetch/load/build/persist ms) are collected per run.

Prints a markdown summary: median, p99 (nearest rank: with 20 runs the slowest run),
min and max, and the median of each phase. Needs /usr/bin/python3 (Debian's dnspython).
"""
import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import dns.message  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

import gen_zone  # noqa: E402
import gitns_testlib  # noqa: E402

ORIGIN = "bench.test."
CHANGED = 50000  # n50000: kind "a" (50000 % 20 == 0), in the middle of the zone
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "gitns bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid", "GIT_COMMITTER_NAME": "gitns bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}


def git(cwd, *args):
    env = dict(os.environ)
    env.update(GIT_ENV)
    env["HOME"] = cwd
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def address(run):
    return f"10.200.{(run >> 8) & 255}.{run & 255}"


# ---- repositories ------------------------------------------------------------------

def zonefile_repo(repo, records):
    """Manifest + zones/bench.test.zone. Returns (path of the file to edit, its lines)."""
    os.makedirs(os.path.join(repo, "zones"))
    path = os.path.join(repo, "zones", "bench.test.zone")
    gen_zone.write_zone(path, ORIGIN, None, records)
    with open(os.path.join(repo, "bench.yaml"), "w") as f:
        f.write("apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  name: bench.test\n"
                "spec:\n  ttl: 3600\n  serial: auto\n  zoneFile: zones/bench.test.zone\n")
    with open(path) as f:
        lines = f.read().split("\n")
    return path, lines


def yaml_value(rtype, rdata):
    if rtype == "TXT":  # manifests write TXT as literal text, not zone-file strings
        rdata = rdata.strip('"')
    return json.dumps(rdata)


def manifest_repo(repo, records):
    """The same records in the manifest's records map. Returns (manifest path, lines)."""
    owners = {}  # owner -> [(type, value)], insertion ordered
    owners["ns1"] = [("A", "192.0.2.1")]
    owners["ns2"] = [("A", "192.0.2.2")]
    owners["*.wild"] = [("A", "192.0.2.80"), ("TXT", "wildcard")]
    count = 8
    i = 0
    while count < records:
        for owner, rtype, rdata in gen_zone.records_for(i):
            owners.setdefault(owner, []).append((rtype, rdata))
            count += 1
        i += 1
    owners["zz-last"] = [("A", "192.0.2.254")]
    out = ["apiVersion: gitns.io/v1", "kind: Zone", "metadata:", "  name: bench.test", "spec:",
           "  ttl: 3600", "  serial: auto",
           "  soa: {mname: ns1, rname: hostmaster, refresh: 3600, retry: 600, "
           "expire: 1209600, minimum: 300}",
           "  nameservers: [ns1, ns2]", "  records:"]
    for owner, rrs in owners.items():
        by_type = {}
        for rtype, rdata in rrs:
            by_type.setdefault(rtype, []).append(rdata)
        entries = []
        for rtype, values in by_type.items():
            vals = ", ".join(yaml_value(rtype, v) for v in values)
            entries.append("{type: %s, values: [%s]}" % (rtype, vals))
        out.append(f'    "{owner}": [' + ", ".join(entries) + "]")
    path = os.path.join(repo, "bench.yaml")
    return path, out


def edit(lines, run, variant):
    """Rewrites the A record of n<CHANGED> in place; returns the new lines."""
    name = f"n{CHANGED}"
    for k, line in enumerate(lines):
        if variant == "zonefile" and line.startswith(name + " A "):
            lines[k] = f"{name} A {address(run)}"
            return lines
        if variant == "manifest" and line.startswith(f'    "{name}": ['):
            lines[k] = re.sub(r'\{type: A, values: \[[^\]]*\]\}',
                              '{type: A, values: ["%s"]}' % address(run), line)
            return lines
    raise SystemExit(f"cannot find the record of {name} to change")


def write_lines(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines))
        if lines and lines[-1] != "":
            f.write("\n")


# ---- DNS probing -------------------------------------------------------------------

class Prober:
    """One connected UDP socket; asks until the answer satisfies a predicate."""

    def __init__(self, port):
        self.port = port

    def answer(self, qname, qtype="A", timeout=0.2):
        q = dns.message.make_query(qname, qtype)
        q.use_edns(False)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            try:
                s.connect(("127.0.0.1", self.port))
                s.send(q.to_wire())
                data = s.recv(65535)
            except OSError:
                return None
        try:
            return dns.message.from_wire(data)
        except Exception:  # noqa: BLE001 - a torn reply counts as no answer
            return None

    def addresses(self, qname):
        r = self.answer(qname)
        if r is None or r.rcode() != dns.rcode.NOERROR:
            return None
        return {rd.to_text() for rrset in r.answer if rrset.rdtype == dns.rdatatype.A
                for rd in rrset}

    def wait(self, qname, want, deadline_s=120.0, interval=0.001):
        t0 = time.monotonic()
        while time.monotonic() - t0 < deadline_s:
            got = self.addresses(qname)
            if got is not None and (want is None and got or want in got):
                return time.monotonic()
            time.sleep(interval)
        raise SystemExit(f"{qname} did not answer {want or 'an address'} within {deadline_s} s")


# ---- gitnsd --------------------------------------------------------------------------

class Gitnsd:
    def __init__(self, binary, repo, work):
        self.binary, self.repo, self.work = binary, repo, work
        self.state = tempfile.mkdtemp(prefix="state-", dir=work)
        self.port = gitns_testlib.free_port()
        self.log_path = os.path.join(work, f"gitnsd-{self.port}.log")
        self.proc = None

    def start(self):
        self.log = open(self.log_path, "w")
        args = [self.binary, "--repo", self.repo, "--state-dir", self.state, "--listen",
                f"127.0.0.1:{self.port}", "--poll", "0", "--threads", "2"]
        t0 = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        return t0

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def finished_lines(self):
        with open(self.log_path) as f:
            return [line for line in f if 'msg="reconcile finished"' in line]

    def wait_finished(self, count, timeout=120):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            lines = self.finished_lines()
            if len(lines) >= count:
                return lines[count - 1]
            if self.proc.poll() is not None:
                raise SystemExit(f"gitnsd exited:\n{open(self.log_path).read()[-3000:]}")
            time.sleep(0.005)
        raise SystemExit(f"gitnsd did not finish reconcile {count}:\n"
                         f"{open(self.log_path).read()[-3000:]}")


FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def fields(line):
    return {k: v.strip('"') for k, v in FIELD.findall(line)}


# ---- measurements --------------------------------------------------------------------

def pct(values, p):
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def initial_apply(args, repo, work, runs):
    times = []
    for _ in range(runs):
        g = Gitnsd(args.gitnsd, repo, work)
        t0 = g.start()
        try:
            t1 = Prober(g.port).wait("zz-last." + ORIGIN, "192.0.2.254", deadline_s=600)
            times.append(t1 - t0)
            phases = fields(g.wait_finished(1))
        finally:
            g.stop()
            shutil.rmtree(g.state, ignore_errors=True)
    return times, phases


def knot_load(zone_path, runs):
    times = []
    for _ in range(runs):
        k = gitns_testlib.Knotd({ORIGIN: zone_path}, probe=("zz-last." + ORIGIN, "A"))
        try:
            k.start(wait=False)
            Prober(k.port).wait("zz-last." + ORIGIN, "192.0.2.254", deadline_s=600)
            times.append(time.monotonic() - k.started_at)
        finally:
            k.stop()
    return times


def commit_latency(args, repo, path, lines, variant, work, perf_data):
    g = Gitnsd(args.gitnsd, repo, work)
    g.start()
    prober = Prober(g.port)
    prober.wait("zz-last." + ORIGIN, "192.0.2.254", deadline_s=600)
    g.wait_finished(1)
    perf = None
    if perf_data:
        perf = subprocess.Popen(["perf", "record", "-g", "-o", perf_data, "-p",
                                 str(g.proc.pid)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(0.5)
    lat, commit, phases = [], [], []
    try:
        total = args.warmup + args.runs
        for run in range(1, total + 1):
            lines = edit(lines, run, variant)
            c0 = time.monotonic()
            write_lines(path, lines)
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", f"bench: change n{CHANGED} to {address(run)}")
            c1 = time.monotonic()
            g.proc.send_signal(signal.SIGHUP)
            t1 = prober.wait(f"n{CHANGED}." + ORIGIN, address(run), deadline_s=120)
            line = g.wait_finished(1 + run)
            f = fields(line)
            if f.get("result") != "applied":
                raise SystemExit(f"run {run}: reconcile result {f.get('result')}: {line}")
            if run > args.warmup:
                lat.append((t1 - c1) * 1000)
                commit.append((c1 - c0) * 1000)
                phases.append(f)
            print(f"# {variant} run {run}: {(t1 - c1) * 1000:.1f} ms (commit "
                  f"{(c1 - c0) * 1000:.0f} ms; gitnsd {f.get('duration_ms')} ms: fetch "
                  f"{f.get('fetch_ms')} load {f.get('load_ms')} build {f.get('build_ms')} "
                  f"persist {f.get('persist_ms')})", file=sys.stderr)
    finally:
        if perf:
            perf.send_signal(signal.SIGINT)
            perf.wait()
        g.stop()
    return lat, commit, phases


def summary_row(label, values):
    return (f"| {label} | {statistics.median(values):.1f} | {pct(values, 99):.1f} | "
            f"{min(values):.1f} | {max(values):.1f} |")


def phase_medians(phases):
    keys = ["duration_ms", "fetch_ms", "load_ms", "build_ms", "persist_ms"]
    return " / ".join(f"{statistics.median(float(p.get(k, 0)) for p in phases):.0f}"
                      for k in keys)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gitnsd", default=os.path.join(ROOT, "build/controller/daemon/gitnsd"))
    ap.add_argument("--variant", choices=["zonefile", "manifest", "both"], default="both")
    ap.add_argument("--records", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--initial-runs", type=int, default=3)
    ap.add_argument("--knot", action="store_true", help="also time knotd loading the zone file")
    ap.add_argument("--perf-data", help="perf record -g gitnsd during the change loop")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not os.access(args.gitnsd, os.X_OK):
        raise SystemExit(f"gitnsd not found at {args.gitnsd} (build it or pass --gitnsd)")
    variants = ["zonefile", "manifest"] if args.variant == "both" else [args.variant]
    work = tempfile.mkdtemp(prefix="gitns-latency-")
    out = []
    try:
        load = os.getloadavg()[0]
        out.append(f"Zone bench.test. with {args.records} records (bench/gen_zone.py), "
                   f"{os.cpu_count()} cores, load average {load:.2f} at the start.")
        out.append("")
        out.append("| variant | measure | median ms | p99 ms | min ms | max ms |")
        out.append("|---|---|---:|---:|---:|---:|")
        extra = []
        for variant in variants:
            repo = os.path.join(work, f"repo-{variant}")
            os.makedirs(repo)
            git(repo, "init", "-q", "-b", "main")
            make = zonefile_repo if variant == "zonefile" else manifest_repo
            path, lines = make(repo, args.records)
            write_lines(path, lines)
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", "bench zone")
            init, init_phases = initial_apply(args, repo, work, args.initial_runs)
            out.append(summary_row(f"{variant} | initial apply (start -> last record served)",
                                   [t * 1000 for t in init]))
            extra.append(f"- {variant} initial apply, gitnsd phases of the last run "
                         f"(fetch/load/build/persist ms): {init_phases.get('fetch_ms')} / "
                         f"{init_phases.get('load_ms')} / {init_phases.get('build_ms')} / "
                         f"{init_phases.get('persist_ms')}")
            perf = args.perf_data and f"{args.perf_data}.{variant}"
            lat, commit, phases = commit_latency(args, repo, path, lines, variant, work, perf)
            out.append(summary_row(f"{variant} | SIGHUP -> new answer served", lat))
            out.append(summary_row(f"{variant} | git add + commit (not in the figure above)",
                                   commit))
            extra.append(f"- {variant} one-record change, medians of gitnsd's own phases "
                         f"(total/fetch/load/build/persist ms): {phase_medians(phases)}")
            if args.knot and variant == "zonefile":
                k = knot_load(os.path.join(repo, "zones", "bench.test.zone"),
                              args.initial_runs)
                out.append(summary_row("zonefile | knotd start -> last record served",
                                       [t * 1000 for t in k]))
                out.append(f"| zonefile | ratio gitnsd/knot initial apply (medians) | "
                           f"{statistics.median(init) / statistics.median(k):.2f} | | | |")
        out.append("")
        out.extend(extra)
        out.append(f"- load average at the end: {os.getloadavg()[0]:.2f}")
        print("\n".join(out))
    finally:
        if args.keep:
            print(f"# kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
