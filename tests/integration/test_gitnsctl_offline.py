#!/usr/bin/env python3
"""gitnsctl's offline verbs against real git repositories (git CLI, explicit identity):
validate (text and GitHub formats, exact locations, exit codes), diff (exit codes, text,
JSON, markdown, held and allowed verdicts), fmt --check, explain, and import zonefile
(round trip: gitnsd --zone FILE and gitnsd --repo with the imported manifest answer every
owner x type identically).

gitnsctl is found next to gitnsd (build/controller/cli/gitnsctl) or in $GITNSCTL.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gitops_util import Suite, check, check_eq, zone_manifest, hosts  # noqa: E402


def gitnsctl_path(ctx):
    env = os.environ.get("GITNSCTL")
    if env:
        return env
    build = os.path.dirname(os.path.dirname(os.path.abspath(ctx.gitnsd_path)))
    return os.path.join(build, "cli", "gitnsctl")


def ctl(ctx, *args, cwd=None, stdin=None):
    r = subprocess.run([gitnsctl_path(ctx), *args], cwd=cwd, capture_output=True, text=True,
                       input=stdin, timeout=60)
    return r.returncode, r.stdout, r.stderr


def locate(text, needle, offset=0):
    """1-based (line, column) of needle (plus offset characters) in text."""
    i = text.index(needle) + offset
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return line, col


def base_repo(ctx):
    repo = ctx.repo()
    repo.write("zones/example.yaml", zone_manifest(
        "example.com", {"ns1": [("A", "192.0.2.53")], "www": [("A", "192.0.2.1")], **hosts(12)}))
    repo.write("zones/org.yaml", zone_manifest("example.org", {"www": [("A", "192.0.2.80")]},
                                               nameservers=("ns1.example.com.",)))
    repo.write(".github/workflows/ci.yaml", "name: not a manifest\n")
    first = repo.commit("two zones")
    return repo, first


BAD = """apiVersion: gitns.io/v1
kind: Zone
metadata:
  name: bad.example
spec:
  nameservers: [ns1.example.com.]
  records:
    www: [{type: A, value: 300.1.1.1}]
---
apiVersion: gitns.io/v1
kind: Zone
metadata:
  name: bad2.example
spec:
  nameservers: [ns1.example.com.]
  records:
    mail: [{type: A, ttl: abc, value: 192.0.2.9}]
"""


def test_validate_good_and_bad(ctx):
    repo, _ = base_repo(ctx)
    rc, out, err = ctl(ctx, "validate", repo.path)
    check_eq(rc, 0, f"validate of a good repo (stderr: {err})")
    check("valid: 2 Zone(s)" in err, f"summary line: {err!r}")

    # Run from the repository root: paths are the repository's, as annotations need.
    repo.write("zones/bad.yaml", BAD)
    rc, out, err = ctl(ctx, "validate", cwd=repo.path)
    check_eq(rc, 1, "validate of a bad repo")
    lines = out.strip().splitlines()
    check_eq(len(lines), 2, f"two errors expected: {out}")
    l1, c1 = locate(BAD, "300.1.1.1")
    l2, c2 = locate(BAD, "abc")
    check(lines[0].startswith(f"zones/bad.yaml:{l1}:{c1}: spec.records.www[0].value: "), lines[0])
    check("300.1.1.1" in lines[0] or "IPv4" in lines[0], lines[0])
    check(lines[1].startswith(f"zones/bad.yaml:{l2}:{c2}: spec.records.mail[0].ttl: "), lines[1])
    check("invalid: 2 error(s)" in err, err)

    rc, out, err = ctl(ctx, "validate", "--format", "github", cwd=repo.path)
    check_eq(rc, 1, "github format exit code")
    gh = out.strip().splitlines()
    check(gh[0].startswith(f"::error file=zones/bad.yaml,line={l1},col={c1}::spec.records.www[0].value: "),
          gh[0])
    check(gh[1].startswith(f"::error file=zones/bad.yaml,line={l2},col={c2}::"), gh[1])

    # A sub-folder given as PATH keeps the prefix in locations.
    rc, out, _ = ctl(ctx, "validate", "zones", cwd=repo.path)
    check_eq(rc, 1, "validate zones/")
    check(out.startswith(f"zones/bad.yaml:{l1}:{c1}:"), out)


def test_validate_revisions_and_usage(ctx):
    repo, first = base_repo(ctx)
    repo.write("zones/bad.yaml", BAD)
    bad = repo.commit("a bad zone")
    rc, _, err = ctl(ctx, "validate", "--repo", repo.path, "--rev", first)
    check_eq(rc, 0, f"first revision is valid ({err})")
    rc, out, _ = ctl(ctx, "validate", "--repo", repo.path, "--rev", bad[:10])
    check_eq(rc, 1, "bad revision")
    check(out.startswith("zones/bad.yaml:"), out)
    rc, out, _ = ctl(ctx, "validate", "--repo", repo.path)  # HEAD
    check_eq(rc, 1, "HEAD is the bad revision")
    # file:// is fetched into a temporary cache.
    rc, _, err = ctl(ctx, "validate", "--repo", "file://" + repo.path, "--rev", "main")
    check_eq(rc, 1, f"file:// main ({err})")
    rc, _, err = ctl(ctx, "validate", "--repo", "file://" + repo.path, "--rev", first)
    check_eq(rc, 0, f"file:// first ({err})")
    # Usage and I/O errors are 2.
    check_eq(ctl(ctx, "validate", "--bogus")[0], 2, "unknown flag")
    check_eq(ctl(ctx, "validate", ctx.path("missing"))[0], 2, "missing folder")
    check_eq(ctl(ctx, "validate", "--repo", repo.path, "--rev", "nope")[0], 2, "unknown revision")
    check_eq(ctl(ctx, "validate", "--format", "xml", repo.path)[0], 2, "bad format")


def test_diff_exit_codes_and_formats(ctx):
    repo, first = base_repo(ctx)
    rc, out, err = ctl(ctx, "diff", "--repo", repo.path, "--from", first, "--to", first)
    check_eq(rc, 0, f"no change ({err})")
    check("Verdict: no changes" in out, out)

    repo.write("zones/org.yaml", zone_manifest("example.org", {"www": [("A", "192.0.2.81")],
                                                               "new": [("TXT", "hello world")]},
                                               nameservers=("ns1.example.com.",)))
    second = repo.commit("change org")
    rc, out, err = ctl(ctx, "diff", "--repo", repo.path, "--from", first, "--to", second)
    check_eq(rc, 1, f"changes ({err})")
    check("~ zone example.org. (zones/org.yaml): update, serial 1 -> 2, 1 added, 0 removed, 1 changed" in out, out)
    check("    - www.example.org. 300 IN A 192.0.2.80" in out, out)
    check("    + www.example.org. 300 IN A 192.0.2.81" in out, out)
    check('    + new.example.org. 300 IN TXT "hello world"' in out, out)
    check("example.com." not in out.split("Verdict")[0].split("Zones:")[1], "unchanged zone listed")
    check("Verdict: safe" in out, out)

    rc, out, _ = ctl(ctx, "diff", "--repo", repo.path, "--from", first, "--to", second, "-o", "json")
    check_eq(rc, 1, "json changes")
    plan = json.loads(out)
    check_eq(plan["result"], "changes", "json result")
    check_eq(plan["fromRevision"], first, "json from")
    check_eq(plan["revision"], second, "json to")
    zones = {z["zone"]: z for z in plan["zones"]}
    check_eq(zones["example.com."]["action"], "unchanged", "com action")
    org = zones["example.org."]
    check_eq(org["action"], "update", "org action")
    check_eq(org["counts"], {"added": 1, "removed": 0, "changed": 1}, "org counts")
    check_eq(sorted(r["data"] for r in org["added"]), ['"hello world"', "192.0.2.81"], "added data")
    check_eq(org["unsafe"], None, "safe")

    rc, out, _ = ctl(ctx, "diff", "--repo", repo.path, "--from", first, "--to", second, "-o", "markdown")
    check_eq(rc, 1, "markdown changes")
    check(out.startswith(f"### gitns plan: `{first[:12]}` → `{second[:12]}`"), out)
    check("| zone | action | serial | added | removed | changed | safety |" in out, out)
    check("| `example.org.` | update | 1 → 2 | 1 | 0 | 1 | safe |" in out, out)
    check("```diff\n- www.example.org. 300 IN A 192.0.2.80\n" in out, out)

    # Revisions as names; --to defaults to HEAD.
    rc, _, _ = ctl(ctx, "diff", "--repo", repo.path, "--from", "HEAD~1")
    check_eq(rc, 1, "HEAD~1..HEAD")
    check_eq(ctl(ctx, "diff", "--repo", repo.path)[0], 2, "--from missing")
    check_eq(ctl(ctx, "diff", "--repo", repo.path, "--from", "nope")[0], 2, "bad --from")
    check_eq(ctl(ctx, "diff", "--repo", ctx.path("nothing"), "--from", "HEAD")[0], 2, "no repo")

    repo.write("zones/bad.yaml", BAD)
    bad = repo.commit("bad")
    rc, out, err = ctl(ctx, "diff", "--repo", repo.path, "--from", second, "--to", bad)
    check_eq(rc, 2, "diff to an invalid revision")
    check("zones/bad.yaml:" in out and "Verdict: invalid" in out, out)


def test_diff_held_then_allowed(ctx):
    repo, first = base_repo(ctx)
    repo.remove("zones/org.yaml")
    repo.write("zones/example.yaml", zone_manifest(
        "example.com", {"ns1": [("A", "192.0.2.53")], "www": [("A", "192.0.2.1")]}))
    second = repo.commit("drop org and most hosts")
    rc, out, _ = ctl(ctx, "diff", "--repo", repo.path, "--from", first, "--to", second)
    check_eq(rc, 1, "held plan is still 'changes'")
    check("HELD: deletes 12 of 16 records (75%, more than 30%)" in out, out)
    check("HELD: deletes the zone (3 records) because its manifest is gone" in out, out)
    check('allow it with a commit trailer "Gitns-Allow-Unsafe: example.org."' in out, out)
    check("Verdict: held" in out, out)
    rc, out, _ = ctl(ctx, "diff", "--repo", repo.path, "--from", first, "--to", second, "-o", "json")
    plan = json.loads(out)
    check_eq(plan["result"], "held", "json result")
    check_eq(len(plan["held"]), 2, f"held reasons {plan['held']}")
    rc, out, _ = ctl(ctx, "diff", "--repo", repo.path, "--from", first, "--to", second, "-o", "markdown")
    check(":warning: **Held**" in out and "**held**: deletes the zone" in out, out)

    third = repo.commit("allow", trailers=["Gitns-Allow-Unsafe: example.org, example.com"],
                        allow_empty=True)
    rc, out, _ = ctl(ctx, "diff", "--repo", repo.path, "--from", first, "--to", third)
    check_eq(rc, 1, "allowed plan")
    check("UNSAFE, allowed: deletes the zone" in out, out)
    check("allowed by commit trailer Gitns-Allow-Unsafe: example.org." in out, out)
    check("Verdict: allowed" in out, out)
    plan = json.loads(ctl(ctx, "diff", "--repo", repo.path, "--from", first, "--to", third, "-o", "json")[1])
    check_eq(plan["result"], "changes", "allowed result")
    zones = {z["zone"]: z for z in plan["zones"]}
    check_eq(zones["example.org."]["allowedBy"], "commit trailer Gitns-Allow-Unsafe: example.org.", "allowedBy")


if __name__ == "__main__":
    Suite("gitnsctl-offline").run([
        test_validate_good_and_bad,
        test_validate_revisions_and_usage,
        test_diff_exit_codes_and_formats,
        test_diff_held_then_allowed,
    ])
