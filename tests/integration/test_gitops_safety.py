#!/usr/bin/env python3
"""Safety checks: a mass delete, a zone deletion and an apex NS change are held (status
reason UnsafePlan, old data still served) until a commit trailer `Gitns-Allow-Unsafe:
<zone>` or the annotation gitns.io/allow-unsafe: "true" allows them."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gitops_util import (Suite, check, check_eq, condition, find_object, hosts, zone_manifest)  # noqa: E402


def big(n, **kw):
    records = {"ns1": [("A", "192.0.2.53")]}
    records.update(hosts(n))
    return zone_manifest("big.test", records, **kw)


def source_condition(st, ctype):
    return condition({"conditions": st["source"]["conditions"]}, ctype)


def test_mass_delete_held_then_allowed_by_trailer(ctx):
    repo = ctx.repo()
    repo.write("big.yaml", big(27))  # 30 records: SOA, NS, ns1 A and 27 hosts
    repo.write("small.yaml", zone_manifest("small.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "192.0.2.2")]}))
    repo.commit("initial")
    d = ctx.gitnsd(repo.path).start()
    d.wait_first_reconcile()
    check_eq(d.answer("h20.big.test"), ["198.51.100.21"], "before")

    repo.write("big.yaml", big(10))  # deletes 17 of 30 (57%)
    repo.write("small.yaml", zone_manifest("small.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "192.0.2.3")]}))
    held = repo.commit("drop most hosts")
    st = d.reconcile()
    check_eq(st["history"][-1]["result"], "held", "result")
    check_eq(source_condition(st, "Stalled"), ("True", "UnsafePlan"), "source Stalled")
    big_status = find_object(st, "Zone", "big.test.")
    check_eq(condition(big_status, "Stalled"), ("True", "UnsafePlan"), "zone Stalled")
    check("deletes 17 of 30 records (57%" in big_status["lastError"], big_status["lastError"])
    check("Gitns-Allow-Unsafe: big.test." in big_status["lastError"], "the message says how to allow it")
    check_eq(condition(find_object(st, "Zone", "small.test."), "Ready"), ("False", "RevisionHeld"), "small waits")
    check_eq(d.answer("h20.big.test"), ["198.51.100.21"], "still served while held")
    check_eq(d.answer("www.small.test"), ["192.0.2.2"], "the safe zone of the same commit waits too")
    check(st["source"]["lastAppliedRevision"] != held, "held revision not applied")

    # The allowance is a commit: an empty one with the trailer.
    allowed = repo.commit("allow the cleanup", trailers=["Gitns-Allow-Unsafe: big.test"], allow_empty=True)
    st = d.reconcile()
    check_eq(st["source"]["lastAppliedRevision"], allowed, "allowed revision applied")
    check_eq(d.answer("h20.big.test"), "NXDOMAIN", "deleted after the allowance")
    check_eq(d.answer("h10.big.test"), ["198.51.100.11"], "kept host")
    check_eq(d.answer("www.small.test"), ["192.0.2.3"], "the other zone applied with it")
    check('msg="unsafe change allowed"' in d.log_text(), "the allowance is logged")


def test_zone_removal_held_then_allowed(ctx):
    repo = ctx.repo()
    repo.write("a.yaml", zone_manifest("a.test", {"ns1": [("A", "192.0.2.1")]}))
    repo.write("b.yaml", zone_manifest("b.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "192.0.2.9")]}))
    repo.commit("two zones")
    d = ctx.gitnsd(repo.path).start()
    d.wait_first_reconcile()
    repo.remove("b.yaml")
    repo.commit("remove b")
    st = d.reconcile()
    check_eq(st["history"][-1]["result"], "held", "zone deletion held")
    b = find_object(st, "Zone", "b.test.")
    check_eq(condition(b, "Stalled"), ("True", "UnsafePlan"), "b Stalled")
    check("deletes the zone" in b["lastError"] and "only a commit trailer" in b["lastError"], b["lastError"])
    check_eq(d.answer("www.b.test"), ["192.0.2.9"], "still served")
    repo.commit("really remove b", trailers=["Gitns-Allow-Unsafe: b.test."], allow_empty=True)
    st = d.reconcile()
    check_eq(st["history"][-1]["result"], "applied", "applied with the trailer")
    check_eq(st["history"][-1]["zones"]["deleted"], 1, "one zone deleted")
    check_eq(d.answer("www.b.test"), "REFUSED", "zone gone")
    check(find_object(st, "Zone", "b.test.") is None, "no status object for the deleted zone")


def test_apex_ns_change_and_annotation(ctx):
    repo = ctx.repo()
    repo.write("z.yaml", zone_manifest("ns.test", {"ns1": [("A", "192.0.2.1")], "ns2": [("A", "192.0.2.2")]}))
    repo.commit("ns1")
    d = ctx.gitnsd(repo.path).start()
    d.wait_first_reconcile()
    repo.write("z.yaml", zone_manifest("ns.test", {"ns1": [("A", "192.0.2.1")], "ns2": [("A", "192.0.2.2")]},
                                       nameservers=("ns2",)))
    repo.commit("switch to ns2")
    st = d.reconcile()
    check_eq(st["history"][-1]["result"], "held", "NS change held")
    check("changes the apex NS set from ns1.ns.test. to ns2.ns.test." in find_object(st, "Zone", "ns.test.")["lastError"],
          "reason names both sets")
    check_eq(d.answer("ns.test", "NS"), ["ns1.ns.test."], "old NS still served")
    # The annotation on the object allows it.
    repo.write("z.yaml", zone_manifest("ns.test", {"ns1": [("A", "192.0.2.1")], "ns2": [("A", "192.0.2.2")]},
                                       nameservers=("ns2",), annotations={"gitns.io/allow-unsafe": "true"}))
    repo.commit("annotated")
    st = d.reconcile()
    check_eq(st["history"][-1]["result"], "applied", "applied with the annotation")
    check_eq(d.answer("ns.test", "NS"), ["ns2.ns.test."], "new NS served")


if __name__ == "__main__":
    Suite("safety").run([
        test_mass_delete_held_then_allowed_by_trailer,
        test_zone_removal_held_then_allowed,
        test_apex_ns_change_and_annotation,
    ])
