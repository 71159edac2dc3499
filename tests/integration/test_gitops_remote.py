#!/usr/bin/env python3
"""A file:// remote: new commits are fetched and applied, a force-push (rewritten
history) is handled, --path reads one folder and reports repository paths, --branch
follows a named branch, and polling picks up commits without a signal."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gitops_util import (Suite, check, check_eq, git, zone_manifest)  # noqa: E402


def remote_pair(ctx):
    bare = ctx.path("remote.git")
    os.makedirs(bare)
    git(bare, "init", "-q", "--bare", "-b", "main")
    repo = ctx.repo("work")
    git(repo.path, "remote", "add", "origin", bare)
    return bare, repo


def www(repo, address, path="z.yaml", zone="remote.test"):
    repo.write(path, zone_manifest(zone, {"ns1": [("A", "192.0.2.1")], "www": [("A", address)]}))


def test_file_remote_new_commits_and_force_push(ctx):
    bare, repo = remote_pair(ctx)
    www(repo, "192.0.2.10")
    a = repo.commit("a")
    git(repo.path, "push", "-q", "origin", "main")
    d = ctx.gitnsd("file://" + bare).start()
    st = d.wait_first_reconcile()
    check_eq(st["source"]["lastAppliedRevision"], a, "first revision")
    check_eq(d.answer("www.remote.test"), ["192.0.2.10"], "first")

    www(repo, "192.0.2.11")
    b = repo.commit("b")
    git(repo.path, "push", "-q", "origin", "main")
    st = d.reconcile()
    check_eq(st["source"]["lastFetchedRevision"], b, "fetched b")
    check_eq(d.answer("www.remote.test"), ["192.0.2.11"], "new commit applied")
    check_eq(d.serial("remote.test"), 2, "serial 2")

    # Rewrite history: drop b, commit c on top of a, force-push.
    git(repo.path, "reset", "-q", "--hard", a)
    www(repo, "192.0.2.12")
    c = repo.commit("c")
    git(repo.path, "push", "-q", "-f", "origin", "main")
    st = d.reconcile()
    check_eq(st["source"]["lastAppliedRevision"], c, "force-pushed revision applied")
    check_eq(d.answer("www.remote.test"), ["192.0.2.12"], "after the force-push")
    check_eq(d.serial("remote.test"), 3, "serial keeps increasing over rewritten history")
    check("force-push" in d.log_text(), "the rewrite is logged")

    # Force-push back to a: same content as the first revision, still a forward serial.
    git(repo.path, "reset", "-q", "--hard", a)
    git(repo.path, "push", "-q", "-f", "origin", "main")
    st = d.reconcile()
    check_eq(st["source"]["lastAppliedRevision"], a, "back to a")
    check_eq(d.answer("www.remote.test"), ["192.0.2.10"], "content of a")
    check_eq(d.serial("remote.test"), 4, "serial never goes back")


def test_sub_path_and_repository_paths_in_errors(ctx):
    repo = ctx.repo()
    www(repo, "192.0.2.20", path="dns/zones/z.yaml")
    repo.write("dns/zones/extra.zone", "x A 192.0.2.99\n")
    repo.write("other/broken.yaml", "this: is: not: yaml: [\n")  # outside --path: never read
    repo.write(".github/workflows/ci.yml", "on: push\n")
    repo.commit("layout")
    d = ctx.gitnsd(repo.path, extra=["--path", "dns"]).start()
    st = d.wait_first_reconcile()
    check_eq(st["source"]["errors"], [], "only dns/ is read")
    check_eq(d.answer("www.remote.test"), ["192.0.2.20"], "served from the sub-path")

    repo.write("dns/zones/z.yaml", zone_manifest("remote.test", {"ns1": [("A", "192.0.2.1")]},
                                                 extra_spec="  zoneFile: zones/missing.zone"))
    repo.commit("missing zone file")
    st = d.reconcile()
    errors = st["source"]["errors"]
    check_eq(len(errors), 1, f"errors {errors}")
    check(errors[0].startswith("dns/zones/z.yaml:8:13: spec.zoneFile: cannot read zoneFile zones/missing.zone"),
          errors[0])


def test_branch_and_polling(ctx):
    bare, repo = remote_pair(ctx)
    www(repo, "192.0.2.30")
    repo.commit("main")
    git(repo.path, "push", "-q", "origin", "main")
    git(repo.path, "checkout", "-q", "-b", "staging")
    www(repo, "192.0.2.31")
    repo.commit("staging")
    git(repo.path, "push", "-q", "origin", "staging")
    d = ctx.gitnsd("file://" + bare, extra=["--branch", "staging"], poll="300ms").start()
    d.wait_first_reconcile()
    check_eq(d.answer("www.remote.test"), ["192.0.2.31"], "the staging branch")
    # A push is picked up by the poll timer alone.
    www(repo, "192.0.2.32")
    repo.commit("staging 2")
    git(repo.path, "push", "-q", "origin", "staging")
    deadline = time.time() + 10
    while time.time() < deadline and d.answer("www.remote.test") != ["192.0.2.32"]:
        time.sleep(0.1)
    check_eq(d.answer("www.remote.test"), ["192.0.2.32"], "picked up by polling")
    check("trigger=poll" in d.log_text(), "a poll reconcile ran")


if __name__ == "__main__":
    Suite("remote").run([
        test_file_remote_new_commits_and_force_push,
        test_sub_path_and_repository_paths_in_errors,
        test_branch_and_polling,
    ])
