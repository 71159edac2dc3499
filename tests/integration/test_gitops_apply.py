#!/usr/bin/env python3
"""gitnsd --repo: a valid commit is served; an invalid one is reported with file:line:col
while the previous revision keeps serving; reconciling the same revision again changes
nothing; the examples/ repository is served as the README says."""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gitops_util import (Suite, check, check_eq, condition, find_object, git, zone_manifest)  # noqa: E402


def test_valid_commit_is_served(ctx):
    repo = ctx.repo()
    repo.write("zones/example.com.yaml", zone_manifest("example.com", {
        "ns1": [("A", "192.0.2.53")], "www": [("A", "192.0.2.80")], "@": [("MX", "10 mail")],
        "mail": [("A", "192.0.2.25")]}))
    rev = repo.commit("first zone")
    d = ctx.gitnsd(repo.path).start()
    st = d.wait_first_reconcile()
    check_eq(d.answer("www.example.com"), ["192.0.2.80"], "www A")
    check_eq(d.answer("example.com", "MX"), ["10 mail.example.com."], "MX")
    check_eq(d.answer("nope.example.com"), "NXDOMAIN", "missing name")
    check_eq(d.answer("www.example.org"), "REFUSED", "name in no zone")
    check_eq(st["source"]["lastAppliedRevision"], rev, "lastAppliedRevision")
    zone = find_object(st, "Zone", "example.com.")
    check_eq(condition(zone, "Ready"), ("True", "Applied"), "Ready condition")
    check_eq(zone["servedSerial"], 1, "served serial")
    check_eq(zone["recordCount"], 6, "record count")
    check_eq(zone["location"], "zones/example.com.yaml:4:9", "object location")
    check_eq(st["history"][-1]["result"], "applied", "history")

    # A one-record change: served after SIGHUP with the next serial.
    repo.write("zones/example.com.yaml", zone_manifest("example.com", {
        "ns1": [("A", "192.0.2.53")], "www": [("A", "192.0.2.81")], "@": [("MX", "10 mail")],
        "mail": [("A", "192.0.2.25")]}))
    rev2 = repo.commit("move www")
    st = d.reconcile()
    check_eq(d.answer("www.example.com"), ["192.0.2.81"], "www A after the change")
    check_eq(d.serial("example.com"), 2, "serial after the change")
    check_eq(st["source"]["lastAppliedRevision"], rev2, "applied revision")
    check_eq(st["history"][-1]["records"], {"added": 0, "removed": 0, "changed": 1}, "record counts")
    check('rid=' in d.log_text() and 'msg="zone plan"' in d.log_text(), "structured log lines with a reconcile id")


def test_invalid_commit_keeps_serving_and_reports_location(ctx):
    repo = ctx.repo()
    repo.write("a.yaml", zone_manifest("a.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "192.0.2.2")]}))
    repo.write("b.yaml", zone_manifest("b.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "192.0.2.3")]}))
    good = repo.commit("good")
    d = ctx.gitnsd(repo.path).start()
    d.wait_first_reconcile()
    check_eq(d.answer("www.a.test"), ["192.0.2.2"], "served before the bad commit")

    # Two errors in two files plus a valid change beside them: nothing is applied.
    repo.write("a.yaml", zone_manifest("a.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "192.0.2.200")]})
               .replace("  ttl: 300", "  ttl: abc"))
    repo.write("b.yaml", zone_manifest("b.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "300.0.2.3")]}))
    bad = repo.commit("bad")
    st = d.reconcile()
    check_eq(st["source"]["lastAttemptedRevision"], bad, "attempted revision")
    check_eq(st["source"]["lastAppliedRevision"], good, "applied revision stays")
    errors = st["source"]["errors"]
    check_eq(len(errors), 2, f"errors {errors}")
    check_eq(errors[0], 'a.yaml:6:8: spec.ttl: expected integer >= 0, got "abc"', "first error")
    check(errors[1].startswith('b.yaml:10:30: spec.records.www[0].value: invalid A value "300.0.2.3"'), errors[1])
    check_eq(condition({"conditions": st["source"]["conditions"]}, "Ready"), ("False", "ValidationFailed"), "source Ready")
    check_eq(condition(find_object(st, "Zone", "b.test."), "Stalled"), ("True", "InvalidManifest"), "b Stalled")
    check("b.yaml:10:30" in find_object(st, "Zone", "b.test.")["lastError"], "the object's lastError has the location")
    check_eq(d.answer("www.a.test"), ["192.0.2.2"], "old data still served (a)")
    check_eq(d.answer("www.b.test"), ["192.0.2.3"], "old data still served (b)")
    check_eq(st["history"][-1]["result"], "invalid", "history result")

    # A YAML syntax error is reported too (no object decodes from that file).
    repo.write("b.yaml", "apiVersion: gitns.io/v1\nkind: Zone\nmetadata: {name: b.test\n")
    repo.commit("syntax")
    st = d.reconcile()
    check(any(e.startswith("b.yaml:") for e in st["source"]["errors"]), f"syntax error located: {st['source']['errors']}")
    check_eq(d.answer("www.b.test"), ["192.0.2.3"], "still served after a syntax error")

    # The fix applies.
    repo.write("a.yaml", zone_manifest("a.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "192.0.2.20")]}))
    repo.write("b.yaml", zone_manifest("b.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "192.0.2.30")]}))
    fixed = repo.commit("fixed")
    st = d.reconcile()
    check_eq(st["source"]["lastAppliedRevision"], fixed, "fixed revision applied")
    check_eq(st["source"]["errors"], [], "errors cleared")
    check_eq(d.answer("www.a.test"), ["192.0.2.20"], "a after the fix")
    check_eq(d.answer("www.b.test"), ["192.0.2.30"], "b after the fix")


def test_same_revision_again_changes_nothing(ctx):
    repo = ctx.repo()
    repo.write("z.yaml", zone_manifest("idem.test", {"ns1": [("A", "192.0.2.1")], "www": [("A", "192.0.2.2")]}))
    rev = repo.commit("one")
    d = ctx.gitnsd(repo.path).start()
    st1 = d.wait_first_reconcile()
    serial = d.serial("idem.test")
    for _ in range(3):
        st = d.reconcile()
    check_eq(d.serial("idem.test"), serial, "serial unchanged")
    check_eq(len(st["history"]), len(st1["history"]), "no new history entries")
    check_eq(st["source"]["lastAppliedRevision"], rev, "same revision")
    check('result=unchanged' in d.log_text() and 'rebuilt=0' in d.log_text(), "re-reconcile rebuilt nothing")
    # A commit that changes no manifest moves the applied revision, not the serial.
    repo.write("README.md", "docs only\n")
    rev2 = repo.commit("docs")
    st = d.reconcile()
    check_eq(st["source"]["lastAppliedRevision"], rev2, "docs commit applied")
    check_eq(d.serial("idem.test"), serial, "serial unchanged by a docs commit")
    check_eq(st["history"][-1]["result"], "unchanged", "docs commit result")


def test_examples_repository(ctx):
    src = os.path.join(ctx.source_dir, "examples", "repo")
    dst = ctx.path("examples")
    shutil.copytree(src, dst)
    git(dst, "init", "-q", "-b", "main")
    git(dst, "add", "-A")
    git(dst, "commit", "-q", "-m", "examples")
    d = ctx.gitnsd(dst, env={"GITNS_XFR_SECRET": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ=="}).start()
    st = d.wait_first_reconcile()
    check_eq(st["source"]["errors"], [], "examples are valid")
    check_eq(d.answer("www.example.com", "CNAME"), ["example.com."], "example.com CNAME")
    check_eq(d.answer("api.example.net", "AAAA"), ["2001:db8::10", "2001:db8::11"], "manifest records beside the zoneFile")
    check_eq(d.answer("www.example.net"), ["203.0.113.80"], "zoneFile data")
    check_eq(d.serial("example.net"), 2024010101, "serial auto starts from the zoneFile")
    check_eq(d.answer("wiki.corp.internal"), ["10.0.0.11"], "internal zone")
    check_eq(condition(find_object(st, "TsigKey", "xfr.corp.internal."), "Ready"), ("True", "SecretAvailable"), "key")


if __name__ == "__main__":
    Suite("apply").run([
        test_valid_commit_is_served,
        test_invalid_commit_keeps_serving_and_reports_location,
        test_same_revision_again_changes_nothing,
        test_examples_repository,
    ])
