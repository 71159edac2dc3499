#!/usr/bin/env python3
"""GET /api/v1/revisions/{rev}/plan against a real gitnsd and a real git repository: the
plan of each reconciled revision (created zone, changed record, held mass delete), a
prefix or full id, ?from=, and the errors (no token, a malformed id, an unknown one)."""
import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gitops_util import Suite, check, check_eq, free_port, hosts, zone_manifest  # noqa: E402


class Api:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.token = None

    def call(self, method, path, body=None, token=True):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token and self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def login(self, password):
        status, body = self.call("POST", "/api/v1/login", {"username": "admin", "password": password},
                                 token=False)
        check_eq(status, 200, "login")
        self.token = body["token"]


def start(ctx, repo):
    http_port = free_port()
    pw = ctx.path("admin-password")
    with open(pw, "w") as f:
        f.write("correct horse battery staple\n")
    d = ctx.gitnsd(repo.path, extra=["--http", f"127.0.0.1:{http_port}", "--admin-password-file", pw]).start()
    d.wait_first_reconcile()
    api = Api(http_port)
    api.login("correct horse battery staple")
    return d, api


def zone_of(plan, name):
    for z in plan["zones"]:
        if z["zone"] == name:
            return z
    raise AssertionError(f"{name} not in plan: {json.dumps(plan)[:2000]}")


def test_plans_of_reconciled_revisions(ctx):
    repo = ctx.repo()
    records = {"ns1": [("A", "192.0.2.53")], "www": [("A", "192.0.2.1")]}
    records.update(hosts(12))
    repo.write("zones/a.yaml", zone_manifest("a.test", records))
    first = repo.commit("create a.test")
    d, api = start(ctx, repo)

    records["www"] = [("A", "192.0.2.2")]
    repo.write("zones/a.yaml", zone_manifest("a.test", records))
    second = repo.commit("move www")
    d.reconcile()

    few = {"ns1": [("A", "192.0.2.53")], "www": [("A", "192.0.2.2")]}
    repo.write("zones/a.yaml", zone_manifest("a.test", few))
    third = repo.commit("drop the hosts")
    check_eq(d.reconcile()["history"][-1]["result"], "held", "the mass delete is held")

    status, plan = api.call("GET", f"/api/v1/revisions/{first}/plan")
    check_eq(status, 200, "plan of the first revision")
    check_eq(plan["fromRevision"], None, "the first revision is planned against nothing")
    z = zone_of(plan, "a.test.")
    check_eq(z["action"], "create", "first: action")
    check(any(rr["name"] == "www.a.test." and rr["data"] == "192.0.2.1" for rr in z["added"]), "www added")

    status, plan = api.call("GET", f"/api/v1/revisions/{second[:9].upper()}/plan")
    check_eq(status, 200, "plan by an upper-case prefix")
    check_eq((plan["fromRevision"], plan["revision"]), (first, second), "second: from/to")
    z = zone_of(plan, "a.test.")
    check_eq(z["action"], "update", "second: action")
    check_eq([(r["name"], r["data"]) for r in z["added"]], [("www.a.test.", "192.0.2.2")], "second: added")
    check_eq([(r["name"], r["data"]) for r in z["removed"]], [("www.a.test.", "192.0.2.1")], "second: removed")

    status, plan = api.call("GET", f"/api/v1/revisions/{third}/plan")
    check_eq(status, 200, "plan of the held revision")
    check_eq(plan["fromRevision"], second, "held: planned against the applied revision")
    check_eq(plan["result"], "held", "held: result")
    check(any("a.test." in h for h in plan["held"]), f"held reasons name the zone: {plan['held']}")

    status, plan = api.call("GET", f"/api/v1/revisions/{third}/plan?from={first[:7]}")
    check_eq(status, 200, "?from=")
    check_eq(plan["fromRevision"], first, "?from= is used")

    status, body = api.call("GET", f"/api/v1/revisions/{second}/plan", token=False)
    check_eq(status, 401, "no token")
    status, body = api.call("GET", "/api/v1/revisions/xyz/plan")
    check_eq((status, body["error"]["code"]), (400, "bad_request"), "malformed id")
    status, body = api.call("GET", "/api/v1/revisions/" + "0" * 40 + "/plan")
    check_eq(status, 404, "a revision never reconciled")
    check("?from=" in body["error"]["message"], body["error"]["message"])


if __name__ == "__main__":
    Suite("revplan").run([test_plans_of_reconciled_revisions])
