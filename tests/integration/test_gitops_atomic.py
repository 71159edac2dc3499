#!/usr/bin/env python3
"""Atomicity under load: while commits change two zones together, a client querying both
in a loop never sees one changed and the other not (one commit = one zone set swap)."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gitops_util import (Suite, check, check_eq, hosts, zone_manifest)  # noqa: E402

ZONES = ("left.test", "right.test")


def write(repo, version):
    for z in ZONES:
        records = {"ns1": [("A", "192.0.2.53")], "v": [("TXT", f"v{version}")]}
        records.update(hosts(300))  # some bulk, so a rebuild is not instant
        repo.write(f"{z}.yaml", zone_manifest(z, records))
    return repo.commit(f"version {version}")


def test_two_zones_change_together(ctx):
    repo = ctx.repo()
    write(repo, 0)
    d = ctx.gitnsd(repo.path).start()
    d.wait_first_reconcile()

    def version(zone, tcp):
        rcode, txt = d.query(f"v.{zone}", "TXT", tcp=tcp)
        if rcode != "NOERROR" or len(txt) != 1:
            raise AssertionError(f"v.{zone}: {rcode} {txt}")
        return int(txt[0].strip('"')[1:])

    stop = threading.Event()
    problems = []
    counts = {"triples": 0}

    def client(tcp):
        # left, right, left again: with one atomic swap per commit and versions that only
        # grow, right's version lies between the two left ones. A zone published alone
        # (one swap per zone) would let right run ahead of or behind left.
        try:
            while not stop.is_set():
                a1 = version(ZONES[0], tcp)
                b = version(ZONES[1], tcp)
                a2 = version(ZONES[0], tcp)
                counts["triples"] += 1
                if not (a1 <= b <= a2):
                    problems.append((a1, b, a2))
                # The other order as well.
                b1 = version(ZONES[1], tcp)
                a = version(ZONES[0], tcp)
                b2 = version(ZONES[1], tcp)
                if not (b1 <= a <= b2):
                    problems.append(("reverse", b1, a, b2))
        except Exception as e:  # noqa: BLE001 - reported below
            problems.append(repr(e))

    clients = [threading.Thread(target=client, args=(tcp,)) for tcp in (False, False, True)]
    for c in clients:
        c.start()
    last = 0
    start = time.time()
    while time.time() - start < 20 and last < 25:
        last += 1
        write(repo, last)
        d.reconcile()
        time.sleep(0.02)
    time.sleep(0.1)
    stop.set()
    for c in clients:
        c.join()
    print(f"  {last} commits, {counts['triples']} query triples", flush=True)
    check(not problems, f"mixed states seen: {problems[:5]}")
    check(counts["triples"] > 50, "the clients made too few queries to mean anything")
    check_eq(version(ZONES[0], False), last, "left at the last version")
    check_eq(version(ZONES[1], False), last, "right at the last version")
    check('result=applied' in d.log_text(), "applies happened")


if __name__ == "__main__":
    Suite("atomic").run([test_two_zones_change_together])
