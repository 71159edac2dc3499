#!/usr/bin/env python3
"""Persistence: after a restart gitnsd serves the last applied revision at once, before
any fetch, even with the repository gone; a kill -9 at any moment of an apply leaves
exactly one revision (the old or the new one, never a mix) on restart."""
import os
import random
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gitops_util import (Suite, check, check_eq, zone_manifest)  # noqa: E402


def test_restart_serves_last_applied_without_the_repository(ctx):
    repo = ctx.repo()
    repo.write("z.yaml", zone_manifest("keep.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "192.0.2.80")]}))
    repo.commit("one")
    repo.write("z.yaml", zone_manifest("keep.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "192.0.2.81")]}))
    applied = repo.commit("two")
    d = ctx.gitnsd(repo.path).start()
    d.wait_first_reconcile()
    check_eq(d.answer("www.keep.test"), ["192.0.2.81"], "served")
    d.stop()

    os.rename(repo.path, repo.path + ".moved")
    d2 = ctx.gitnsd(repo.path, port=d.port).start()
    # "serving" is logged once the stored state is published, before the first fetch.
    check_eq(d2.answer("www.keep.test"), ["192.0.2.81"], "served at once after the restart")
    check_eq(d2.serial("keep.test"), 1, "the serial survived")
    st = d2.wait_first_reconcile()
    check_eq(st["history"][-1]["result"], "failed", "fetch failed")
    check_eq(st["source"]["lastAppliedRevision"], applied, "applied revision from the store")
    ready = [c for c in st["source"]["conditions"] if c["type"] == "Reconciling"][0]
    check_eq(ready["status"], "True", "a retry is pending")
    check_eq(d2.answer("www.keep.test"), ["192.0.2.81"], "still served after the failed fetch")

    # The repository comes back: the next reconcile plans nothing.
    os.rename(repo.path + ".moved", repo.path)
    st = d2.reconcile()
    check_eq(st["history"][-1]["result"], "unchanged", "nothing to do")
    check_eq(d2.serial("keep.test"), 1, "serial unchanged")


ZONES = ["k1.test", "k2.test", "k3.test"]
RECORDS = 2500


def zone_file(zone, i):
    lines = ["$TTL 300", f"@ SOA ns1 hostmaster {1000 + i} 3600 600 86400 300", "@ NS ns1",
             "ns1 A 192.0.2.53", f'rev TXT "r{i}"']
    for j in range(RECORDS):
        lines.append(f"h{j} A 10.{i % 250}.{j // 250}.{j % 250}")
    return "\n".join(lines) + "\n"


def write_revision(repo, i):
    for z in ZONES:
        repo.write(f"{z}.yaml", zone_manifest(z, {}, nameservers=None, extra_spec=f"  zoneFile: {z}.zone"))
        repo.write(f"{z}.zone", zone_file(z, i))
    return repo.commit(f"revision {i}")


def served_revision(d):
    """The revision number every zone serves; fails on a mix."""
    seen = {}
    for z in ZONES:
        rcode, txt = d.query(f"rev.{z}", "TXT")
        check_eq(rcode, "NOERROR", f"rev.{z}")
        n = int(txt[0].strip('"')[1:])
        seen[z] = n
        # A sample of the bulk records matches the same revision.
        for j in (0, RECORDS // 2, RECORDS - 1):
            check_eq(d.answer(f"h{j}.{z}"), [f"10.{n % 250}.{j // 250}.{j % 250}"], f"h{j}.{z} at revision {n}")
        check_eq(d.serial(z), 1000 + n, f"serial of {z}")
    check(len(set(seen.values())) == 1, f"zones serve different revisions: {seen}")
    return next(iter(seen.values()))


def test_kill9_during_applies_leaves_one_revision(ctx):
    repo = ctx.repo()
    revs = {0: write_revision(repo, 0)}
    d = ctx.gitnsd(repo.path).start()
    d.wait_first_reconcile()
    # Time one update from SIGHUP to the end (fetch, parse, build, plan, persist,
    # publish): the window the kills are spread over.
    revs[1] = write_revision(repo, 1)
    t0 = time.time()
    d.reconcile()
    window_ms = max((time.time() - t0) * 1000, 20)
    durations = [int(m) for m in re.findall(r'result=applied .*?duration_ms=(\d+)', d.log_text())]
    d.stop()
    print(f"  an update takes {window_ms:.0f} ms from the signal ({durations[-1]} ms in the reconciler)", flush=True)

    applied = 1
    outcomes = {"old": 0, "new": 0}
    deadline = time.time() + 40
    i = 1
    k = ctx.gitnsd(repo.path, port=d.port).start()
    k.wait_first_reconcile()
    while time.time() < deadline and i < 31:
        i += 1
        revs[i] = write_revision(repo, i)
        k.proc.send_signal(signal.SIGHUP)
        # Kill somewhere in that reconcile: fetch, parse, build, persist or publish.
        time.sleep(random.uniform(0, window_ms * 1.2) / 1000.0)
        k.kill9()

        os.rename(repo.path, repo.path + ".away")  # the restart must not fetch
        v = ctx.gitnsd(repo.path, port=d.port).start()
        n = served_revision(v)
        check(n in (applied, i), f"served revision {n} is neither the old {applied} nor the new {i}")
        st = v.status()
        check_eq(st["source"]["lastAppliedRevision"], revs[n], "stored revision matches the served data")
        v.stop()
        os.rename(repo.path + ".away", repo.path)
        outcomes["new" if n == i else "old"] += 1
        applied = n
        k = ctx.gitnsd(repo.path, port=d.port).start()  # its start reconcile catches up
        k.wait_first_reconcile()
        check_eq(served_revision(k), i, "caught up after the restart")
        applied = i
    stale = sum(x.log_text().count("removed a stale git lock file") for x in ctx.daemons)
    print(f"  {i - 1} kills: {outcomes['old']} left the old revision, {outcomes['new']} the new one; "
          f"{stale} stale git lock(s) cleared at restart", flush=True)
    check(i >= 6, "too few iterations")


if __name__ == "__main__":
    Suite("restart").run([
        test_restart_serves_last_applied_without_the_repository,
        test_kill9_during_applies_leaves_one_revision,
    ])
