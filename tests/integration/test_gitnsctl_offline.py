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
import gitns_testlib  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.zone  # noqa: E402


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


EDGE_ZONE = r"""$ORIGIN edge.test.
$TTL 300
@ 600 IN SOA ns1 hostmaster.edge.test. 42 7200 900 1209600 60
@ 600 NS ns1
@ 600 NS ns2.other.test.
ns1 A 192.0.2.1
txt1 TXT "two" "strings"
txt2 TXT "quote \" and backslash \\ and ; semicolon"
txt3 TXT "colon: hash # and {braces} [brackets], commas"
long TXT "%s" "bbbb"
split TXT "%s" "%s"
empty TXT ""
utf TXT "h\195\169llo w\195\182rld"
ttl 86400 A 192.0.2.9
* A 192.0.2.99
123 A 192.0.2.3
true A 192.0.2.4
yes TXT "yes"
@ MX 10 @
sshfp SSHFP 1 1 0123456789abcdef0123456789abcdef01234567
naptr NAPTR 100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .
svc HTTPS 1 . alpn=h2,h3
caa CAA 0 issue "ca.example; account=1"
dn DNAME other.test.
sub NS ns.sub
ns.sub A 192.0.2.77
alias CNAME txt1
""" % ("a" * 255, "b" * 100, "c" * 100)


def ask(port, name, rdtype):
    """Everything a client sees: rcode, flags and the three sections as sorted text."""
    q = dns.message.make_query(name, rdtype)
    q.flags &= ~dns.flags.RD
    for _ in range(3):
        try:
            r = dns.query.udp(q, "127.0.0.1", port=port, timeout=2)
            break
        except dns.exception.Timeout:
            continue
    else:
        raise AssertionError(f"no answer for {name} {rdtype} on port {port}")
    if r.flags & dns.flags.TC:
        r = dns.query.tcp(q, "127.0.0.1", port=port, timeout=2)
    sections = [sorted(line for rrset in sec for line in rrset.to_text().splitlines())
                for sec in (r.answer, r.authority, r.additional)]
    return dns.rcode.to_text(r.rcode()), dns.flags.to_text(r.flags), sections


def questions(path, origin):
    """Every owner x (its types + common ones), plus names below and beside each owner."""
    cwd = os.getcwd()
    os.chdir(os.path.dirname(path))  # $INCLUDE paths are relative to the zone's folder
    try:
        z = dns.zone.from_file(path, origin=origin, relativize=False, check_origin=False)
    finally:
        os.chdir(cwd)
    common = {"A", "AAAA", "TXT", "MX", "NS", "SOA", "CNAME", "SRV", "CAA", "DNAME", "HTTPS"}
    out = []
    for name, node in z.nodes.items():
        owner = name.to_text()
        types = common | {dns.rdatatype.to_text(r.rdtype) for r in node.rdatasets}
        out += [(owner, t) for t in sorted(types)]
        out += [("zz-nx." + owner, "A"), ("a.b." + owner, "TXT")]
    return out


def test_import_round_trip(ctx):
    """gitnsd --zone FILE and gitnsd --repo with the imported manifests answer alike."""
    edge = ctx.path("edge.test.zone")
    with open(edge, "w") as f:
        f.write(EDGE_ZONE)
    examples = os.path.join(ctx.source_dir, "examples", "zones")
    files = {"example.com.": os.path.join(examples, "example.com.zone"),
             "example.org.": os.path.join(examples, "example.org.zone"),  # has an $INCLUDE
             "example.net.": os.path.join(examples, "example.net.zone"),
             "edge.test.": edge}
    repo = ctx.repo()
    os.makedirs(os.path.join(repo.path, "zones"))
    for origin, path in files.items():
        out = os.path.join(repo.path, "zones", origin + "yaml")
        rc, _, err = ctl(ctx, "import", "zonefile", path, "--zone", origin, "-o", out)
        check_eq(rc, 0, f"import {path}: {err}")
    rc, _, err = ctl(ctx, "validate", repo.path)
    check_eq(rc, 0, f"the imported manifests validate: {err}")
    repo.commit("imported zones")

    by_file = gitns_testlib.Gitnsd(ctx.gitnsd_path, zones=files)
    by_file.start()
    try:
        by_repo = ctx.gitnsd(repo.path).start()
        by_repo.wait_first_reconcile()
        asked = answered = 0
        for origin, path in files.items():
            for name, rdtype in questions(path, origin):
                a = ask(by_file.port, name, rdtype)
                b = ask(by_repo.port, name, rdtype)
                check_eq(b, a, f"{name} {rdtype}: --repo (imported) vs --zone (file)")
                asked += 1
                answered += a[0] == "NOERROR" and bool(a[2][0])
        check(asked > 200 and answered > 60, f"only {asked} questions asked, {answered} answered")
        print(f"  {asked} questions ({answered} with answers) answered identically")
    finally:
        by_file.stop()


def test_import_errors(ctx):
    bad = ctx.path("bad.zone")
    with open(bad, "w") as f:
        f.write("$TTL 300\n@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\nx A 300.1.1.1\n")
    rc, out, err = ctl(ctx, "import", "zonefile", bad, "--zone", "bad.test")
    check_eq(rc, 2, "a zone file that does not parse")
    check("bad.zone:5:" in err, err)
    binary = ctx.path("bin.zone")
    with open(binary, "w") as f:
        f.write("$TTL 300\n@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\nx TXT \"\\200abc\"\n")
    out_path = ctx.path("bin.yaml")
    rc, out, err = ctl(ctx, "import", "zonefile", binary, "--zone", "bin.test", "-o", out_path)
    check_eq(rc, 1, f"text that is not UTF-8 cannot be imported: {err}")
    check("not UTF-8" in err and not os.path.exists(out_path), err)
    check_eq(ctl(ctx, "import", "zonefile", bad)[0], 2, "--zone missing")
    check_eq(ctl(ctx, "import", "zonefile", ctx.path("none.zone"), "--zone", "x")[0], 2, "missing file")


def test_explain(ctx):
    rc, out, _ = ctl(ctx, "explain", "zone")
    check_eq(rc, 0, "explain zone")
    check(out.startswith("KIND:     Zone\nVERSION:  gitns.io/v1\n"), out)
    check("   spec\t<object> -required-" in out, out)
    rc, out, _ = ctl(ctx, "explain", "Zone.spec.ttl")
    check_eq(rc, 0, "explain Zone.spec.ttl")
    check("FIELD:    spec.ttl <integer>" in out and "Default: 3600." in out, out)
    rc, out, _ = ctl(ctx, "explain", "zone.spec.records.www")
    check_eq(rc, 0, "a map key")
    check("FIELD:    spec.records.www <[]object>" in out and "   strings\t<[]string>" in out, out)
    rc, _, err = ctl(ctx, "explain", "zone.spec.nope")
    check_eq(rc, 1, "unknown field")
    check("field 'nope' does not exist in Zone.spec; fields: " in err and "nameservers" in err, err)
    rc, _, err = ctl(ctx, "explain", "Widget")
    check_eq(rc, 1, "unknown kind")
    check("unknown kind 'Widget'; kinds: " in err and "TsigKey" in err, err)


def test_fmt(ctx):
    repo, _ = base_repo(ctx)
    rc, out, err = ctl(ctx, "fmt", "--check", cwd=repo.path)
    check_eq((rc, out), (0, ""), f"generated manifests are canonical ({err})")
    messy = "# keep this comment\r\napiVersion: gitns.io/v1\r\nkind: Zone\r\nmetadata:\r\n  name: m.test   \r\n" \
            "spec:\r\n   nameservers: [ns1.example.com.]"
    repo.write("zones/messy.yaml", messy)
    rc, out, _ = ctl(ctx, "fmt", "--check", "zones", cwd=repo.path)
    check_eq(rc, 1, "findings")
    check_eq(out.splitlines(), [
        "zones/messy.yaml:1:1: 6 line(s) end with CRLF; use LF",
        "zones/messy.yaml:5:15: trailing whitespace",
        "zones/messy.yaml:7:1: indented by 3 spaces; use steps of 2",
        "zones/messy.yaml:7:1: no newline at the end of the file",
        "zones/messy.yaml:7:4: key 'nameservers' at column 4; nested keys go 2 columns right of their parent (column 3)",
    ], "fmt --check findings")
    with open(os.path.join(repo.path, "zones/messy.yaml"), "rb") as f:
        check_eq(f.read().decode(), messy, "--check writes nothing")
    rc, out, err = ctl(ctx, "fmt", cwd=repo.path)
    check_eq(rc, 1, "what fmt cannot fix is left")
    check("fixed zones/messy.yaml" in err, err)
    check_eq(out.splitlines(), [
        "zones/messy.yaml:7:1: indented by 3 spaces; use steps of 2",
        "zones/messy.yaml:7:4: key 'nameservers' at column 4; nested keys go 2 columns right of their parent (column 3)",
    ], "left after fmt")
    with open(os.path.join(repo.path, "zones/messy.yaml")) as f:
        check_eq(f.read(), messy.replace("\r\n", "\n").replace("m.test   ", "m.test") + "\n", "fixed text")
    check_eq(ctl(ctx, "validate", repo.path)[0], 0, "still valid after fmt")


if __name__ == "__main__":
    Suite("gitnsctl-offline").run([
        test_validate_good_and_bad,
        test_validate_revisions_and_usage,
        test_diff_exit_codes_and_formats,
        test_diff_held_then_allowed,
        test_import_round_trip,
        test_import_errors,
        test_explain,
        test_fmt,
    ])
