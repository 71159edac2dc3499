#!/usr/bin/env python3
"""gitnsctl's online verbs against a running gitnsd (--repo, --http) on loopback: login
and contexts (file mode 0600), get/describe tables and -o json|yaml, diff --server, reconcile
--wait (applied and invalid), suspend/resume, rollback, query, history, and the errors that
say what to fix (no context, bad token 401, viewer 403).

gitnsctl is found next to gitnsd (build/controller/cli/gitnsctl) or in $GITNSCTL.
"""
import json
import os
import stat
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gitops_util import Suite, check, check_eq, free_port, zone_manifest  # noqa: E402

PASSWORD = "correct horse battery staple"


def gitnsctl_path(ctx):
    env = os.environ.get("GITNSCTL")
    if env:
        return env
    build = os.path.dirname(os.path.dirname(os.path.abspath(ctx.gitnsd_path)))
    return os.path.join(build, "cli", "gitnsctl")


class Ctl:
    def __init__(self, ctx):
        self.ctx = ctx
        self.env = dict(os.environ)
        self.env["GITNS_CONFIG"] = ctx.path("gitns-config")
        self.env.pop("GITNS_TOKEN", None)
        self.env.pop("GITNS_PASSWORD", None)

    def __call__(self, *args, stdin=None, cwd=None, env=None):
        e = dict(self.env)
        e.update(env or {})
        r = subprocess.run([gitnsctl_path(self.ctx), *args], capture_output=True, text=True,
                           input=stdin, cwd=cwd, env=e, timeout=120)
        return r.returncode, r.stdout, r.stderr


def start(ctx):
    repo = ctx.repo()
    repo.write("zones/example.yaml", zone_manifest(
        "example.com", {"ns1": [("A", "192.0.2.53")], "www": [("A", "192.0.2.1")]}))
    repo.write("zones/org.yaml", zone_manifest("example.org", {"www": [("A", "192.0.2.80")]},
                                               nameservers=("ns1.example.com.",)))
    first = repo.commit("two zones")
    http_port = free_port()
    d = ctx.gitnsd(repo.path, extra=["--http", f"127.0.0.1:{http_port}"],
                   env={"GITNS_ADMIN_PASSWORD": PASSWORD}).start()
    d.wait_first_reconcile()
    server = f"http://127.0.0.1:{http_port}"
    ctl = Ctl(ctx)
    rc, out, err = ctl("login", "--server", server, "--password-stdin", stdin=PASSWORD + "\n")
    check_eq(rc, 0, f"login ({err})")
    return repo, first, d, server, ctl


def table(out):
    """Rows of a kubectl-style table as lists of cells (cells have no inner spaces here)."""
    lines = out.strip().splitlines()
    return [line.split() for line in lines]


def test_login_and_contexts(ctx):
    repo, _, d, server, ctl = start(ctx)
    cfg_path = ctx.path("gitns-config")
    check_eq(stat.S_IMODE(os.stat(cfg_path).st_mode), 0o600, "config file mode")
    with open(cfg_path) as f:
        cfg = json.load(f)
    name = server.split("://")[1]
    check_eq(cfg["currentContext"], name, "current context")
    check(cfg["contexts"][0]["token"].startswith("gns_"), "a session token is stored")
    rc, out, _ = ctl("config", "get-contexts")
    check_eq(table(out), [["CURRENT", "NAME", "SERVER", "USER"], ["*", name, server, "admin"]], "get-contexts")
    rc, out, _ = ctl("config", "current-context")
    check_eq((rc, out), (0, name + "\n"), "current-context")
    check_eq(ctl("config", "use-context", "nope")[0], 1, "unknown context")

    rc, _, err = ctl("login", "--server", server, "--password-stdin", "--context", "bad", stdin="wrong\n")
    check_eq(rc, 1, "wrong password")
    check("refused the login (401" in err, err)

    # Errors that say what to fix.
    empty = {"GITNS_CONFIG": ctx.path("no-config")}
    rc, _, err = ctl("get", "zones", env=empty)
    check_eq((rc, err), (1, "error: no context: run gitnsctl login --server URL\n"), "no context")
    rc, _, err = ctl("get", "zones", "--token", "gns_s_bogus")
    check_eq(rc, 1, "bad token")
    check(f"refused the credentials (401" in err and f"gitnsctl login --server {server}" in err, err)

    # A viewer can read but not act.
    req = urllib.request.Request(server + "/api/v1/users", method="POST",
                                 data=json.dumps({"username": "val", "password": "viewer password 1",
                                                  "role": "viewer"}).encode(),
                                 headers={"Authorization": "Bearer " + cfg["contexts"][0]["token"],
                                          "Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10).read()
    rc, _, err = ctl("login", "--server", server, "--username", "val", "--password-stdin",
                     "--context", "viewer", stdin="viewer password 1\n")
    check_eq(rc, 0, f"viewer login ({err})")
    check_eq(ctl("get", "zones", "--context", "viewer")[0], 0, "viewer reads")
    rc, _, err = ctl("reconcile", "--context", "viewer")
    check_eq(rc, 1, "viewer cannot reconcile")
    check("not allowed (403" in err, err)
    rc, out, _ = ctl("config", "use-context", "viewer")
    check_eq(rc, 0, "use-context")
    rc, out, _ = ctl("config", "get-contexts")
    check(["*", "viewer", server, "val"] in table(out), out)


def test_get_describe_and_formats(ctx):
    repo, first, d, server, ctl = start(ctx)
    rc, out, err = ctl("get", "zones")
    check_eq(rc, 0, f"get zones ({err})")
    rows = table(out)
    check_eq(rows[0], ["NAME", "SERIAL", "RECORDS", "STATE", "AGE"], "zones header")
    check_eq([r[:4] for r in rows[1:]], [["example.com.", "1", "4", "Ready"], ["example.org.", "1", "3", "Ready"]],
             "zones rows")
    rc, out, _ = ctl("get", "zones", "-o", "wide")
    check_eq(table(out)[0], ["NAME", "SERIAL", "RECORDS", "STATE", "AGE", "REVISION", "FILE"], "wide header")
    check_eq(table(out)[1][5:], [first[:12], "zones/example.yaml"], "wide row")
    rc, out, _ = ctl("get", "zones", "-o", "json")
    zones = json.loads(out)["items"]
    check_eq([z["name"] for z in zones], ["example.com.", "example.org."], "json names")
    rc, out, _ = ctl("get", "zones", "-o", "yaml")
    check("  - file: zones/example.yaml\n" in out and "    name: example.com.\n" in out, out)
    check_eq(ctl("get", "zones", "-o", "xml")[0], 1, "bad -o")
    check_eq(ctl("get", "widgets")[0], 1, "unknown resource")

    rc, out, _ = ctl("get", "records", "example.com", "--type", "A")
    check_eq(table(out), [["NAME", "TTL", "TYPE", "DATA"], ["ns1.example.com.", "300", "A", "192.0.2.53"],
                          ["www.example.com.", "300", "A", "192.0.2.1"]], "records")
    rc, _, err = ctl("get", "records", "nope.test")
    check_eq(rc, 1, "unknown zone")
    check("404" in err and "not served" in err, err)

    rc, out, _ = ctl("get", "objects")
    check(["Zone", "example.com.", "True", "Applied"] == table(out)[1][:4], out)
    rc, out, _ = ctl("describe", "zone", "example.org.")
    check_eq(rc, 0, "describe")
    check("Name:                 example.org.\n" in out and "Manifest:             zones/org.yaml:" in out, out)
    check("  Ready         True     Applied" in out, out)
    rc, out, _ = ctl("get", "revisions")
    check_eq(table(out)[1][:3], ["1", first[:12], "*"], "revisions")

    rc, out, _ = ctl("query", "www.example.org")
    check_eq(rc, 0, "query")
    check(out.startswith(";; rcode: NOERROR, flags: qr aa") and "www.example.org.\t300\tIN\tA\t192.0.2.80" in out, out)
    rc, out, _ = ctl("query", "nx.example.org", "AAAA", "-o", "json")
    check_eq(json.loads(out)["rcode"], "NXDOMAIN", "query json")


def test_diff_reconcile_suspend_rollback(ctx):
    repo, first, d, server, ctl = start(ctx)
    repo.write("zones/org.yaml", zone_manifest("example.org", {"www": [("A", "192.0.2.81")]},
                                               nameservers=("ns1.example.com.",)))
    rc, out, err = ctl("diff", "--server", "--repo", repo.path)
    check_eq(rc, 1, f"working tree differs from the applied revision ({err})")
    check(f"Plan {first[:12]} -> working tree" in out and "+ www.example.org. 300 IN A 192.0.2.81" in out, out)
    rc, out, _ = ctl("diff", "--server", "--repo", ".", cwd=repo.path)
    check_eq(rc, 1, "from inside the repository")
    second = repo.commit("org www moves")
    rc, out, _ = ctl("diff", "--server", "--repo", repo.path, "--rev", "HEAD", "-o", "json")
    check_eq(json.loads(out)["revision"], second, "diff --rev")

    rc, out, err = ctl("reconcile", "--wait")
    check_eq(rc, 0, f"reconcile --wait ({err})")
    check(f": applied revision {second[:12]}" in out, out)
    check_eq(d.answer("www.example.org."), ["192.0.2.81"], "served after reconcile")
    rc, out, _ = ctl("diff", "--server", "--repo", repo.path)
    check_eq(rc, 0, f"nothing left to apply: {out}")
    rc, out, _ = ctl("plan")
    check_eq(rc, 0, "plan")
    check(f"Last plan {first[:12]} -> {second[:12]}: applied" in out, out)
    check("~ zone example.org.: update, serial 1 -> 2, 0 added, 0 removed, 1 changed" in out, out)
    check("    + www.example.org. 300 IN A 192.0.2.81" in out, out)

    # A held revision: reconcile --wait fails and says why; plan shows it.
    org = open(os.path.join(repo.path, "zones/org.yaml")).read()
    repo.remove("zones/org.yaml")
    repo.commit("drop org")
    rc, out, _ = ctl("reconcile", "--wait")
    check_eq(rc, 1, "held")
    check(": held revision" in out and "held: example.org.: deletes the zone" in out, out)
    rc, out, _ = ctl("plan", "-o", "json")
    check_eq(json.loads(out)["result"], "held", "plan json")
    rc, out, _ = ctl("plan")
    check("HELD: example.org.: deletes the zone" in out, out)
    repo.write("zones/org.yaml", org)
    repo.commit("keep org")
    check_eq(ctl("reconcile", "--wait")[0], 0, "back")

    repo.write("zones/bad.yaml", "apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  name: bad.test\nspec:\n"
                                 "  nameservers: [ns1.example.com.]\n  records:\n    x: [{type: A, value: nope}]\n")
    repo.commit("bad")
    rc, out, err = ctl("reconcile", "--wait")
    check_eq(rc, 1, "invalid revision")
    check(": invalid revision" in out and "zones/bad.yaml:8:" in out, out)
    repo.remove("zones/bad.yaml")
    repo.commit("fix")
    check_eq(ctl("reconcile", "--wait")[0], 0, "fixed")

    rc, out, _ = ctl("suspend", "example.org", "--reason", "maintenance")
    check_eq(rc, 0, "suspend zone")
    check("Suspended Zone/example.org" in out, out)
    rows = {r[0]: r for r in table(ctl("get", "zones")[1])[1:]}
    check_eq(rows["example.org."][3], "Suspended", "state")
    check_eq(ctl("resume", "zone/example.org")[0], 0, "resume zone")

    rc, out, err = ctl("rollback", "--to", first)
    check_eq(rc, 0, f"rollback ({err})")
    check(f"Serving revision {first[:12]}" in out and "gitnsctl resume" in out, out)
    check_eq(d.answer("www.example.org."), ["192.0.2.80"], "rolled back")
    rc, out, _ = ctl("rollback", "--to", "HEAD~2", "--repo", repo.path)  # resolved locally
    check_eq(rc, 0, "rollback to a revision expression")
    check_eq(ctl("rollback", "--to", "no-such-thing", "--repo", repo.path)[0], 1, "unknown revision")
    before = d.finished_count()
    rc, out, _ = ctl("resume")
    check_eq(rc, 0, "resume the source")
    d.wait_log('msg="reconcile finished"', count=before + 1)  # resuming triggers one
    check_eq(d.answer("www.example.org."), ["192.0.2.81"], "following git again")

    rc, out, _ = ctl("history", "-o", "wide")
    rows = table(out)
    check(rows[0][:4] == ["ID", "REVISION", "TRIGGER", "RESULT"], out)
    results = [r[3] for r in rows[1:]]
    check("invalid" in results and "applied" in results, out)
    rc, out, _ = ctl("get", "history", "-o", "json")
    check(len(json.loads(out)["items"]) >= 4, out)


if __name__ == "__main__":
    Suite("gitnsctl-online").run([
        test_login_and_contexts,
        test_get_describe_and_formats,
        test_diff_reconcile_suspend_rollback,
    ])
