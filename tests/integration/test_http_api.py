#!/usr/bin/env python3
"""gitnsd --repo --http: the HTTP API of controller/api/API.md over real HTTP against a real
gitnsd serving a git repository. Roles (401 without a token, viewer 403 on every
imperative call), the webhook (good signature reconciles, bad or missing ones trigger
nothing), body validation (400, 413 also chunked), reconcile?wait=true, suspend/resume,
rollback (old answer over DNS at once with a higher serial), records paging and filters,
and the query tool against dnspython's view of the same answer."""
import hashlib
import hmac
import http.client
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gitops_util import (Suite, check, check_eq, free_port, zone_manifest)  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

ADMIN_PASSWORD = "admin-password-123"
WEBHOOK_SECRET = "hook-secret-456"


class Api:
    def __init__(self, port):
        self.port = port

    def call(self, method, path, body=None, token=None, headers=None, raw=None):
        """(status, parsed JSON or text). `body` is JSON-encoded; `raw` is sent as is."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None and not isinstance(data, (bytes, str)):
            conn.request(method, path, body=data, headers=h, encode_chunked=True)
        else:
            if data is not None:
                h.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        text = r.read().decode()
        conn.close()
        try:
            return r.status, json.loads(text)
        except ValueError:
            return r.status, text

    def ok(self, method, path, body=None, token=None, expect=200):
        status, j = self.call(method, path, body, token)
        check_eq(status, expect, f"{method} {path}: {j}")
        return j

    def login(self, user, password):
        return self.ok("POST", "/api/v1/login", {"username": user, "password": password})["token"]


def start(ctx, repo, extra=()):
    http_port = free_port()
    pw = ctx.path("admin-password")
    with open(pw, "w") as f:
        f.write(ADMIN_PASSWORD + "\n")
    secret = ctx.path("webhook-secret")
    with open(secret, "w") as f:
        f.write(WEBHOOK_SECRET + "\n")
    d = ctx.gitnsd(repo.path, extra=["--http", f"127.0.0.1:{http_port}", "--admin-password-file", pw,
                                     "--webhook-secret-file", secret, *extra])
    d.start()
    d.wait_log('msg="serving HTTP"')
    d.wait_first_reconcile()
    api = Api(http_port)
    admin = api.login("admin", ADMIN_PASSWORD)
    tokens = {"admin": admin}
    for role in ("viewer", "operator"):
        api.ok("POST", "/api/v1/users", {"username": role + "1", "password": role + "-pass-123", "role": role},
               admin, expect=201)
        tokens[role] = api.login(role + "1", role + "-pass-123")
    return d, api, tokens


def www_zone(addr, extra_hosts=0):
    recs = {"ns1": [("A", "192.0.2.53")], "www": [("A", addr)]}
    for i in range(extra_hosts):
        recs[f"h{i}"] = [("A", f"198.51.100.{i + 1}")]
    return zone_manifest("example.com", recs)


def test_roles_bodies_and_webhook(ctx):
    repo = ctx.repo()
    repo.write("example.com.yaml", www_zone("192.0.2.1"))
    repo.commit("first")
    d, api, t = start(ctx, repo)

    # Unauthenticated: 401 with the error shape; the public routes answer.
    status, j = api.call("GET", "/api/v1/status")
    check_eq(status, 401, "status without a token")
    check(j["error"]["code"] == "unauthorized" and j["error"]["message"], f"error shape {j}")
    check_eq(api.call("GET", "/api/v1/status", token="gns_s_" + "0" * 64)[0], 401, "unknown token")
    check_eq(api.ok("GET", "/api/v1/health")["status"], "ok", "health")
    check_eq(api.call("POST", "/api/v1/reconcile")[0], 401, "reconcile without a token")

    # /metrics (public) carries the reconcile and zone families; /api/v1/stats the counts.
    status, metrics = api.call("GET", "/metrics")
    check_eq(status, 200, "metrics")
    check('gitns_reconciles_total{result="applied"} 1' in metrics, "reconciles counted by on_outcome")
    check('gitns_zone_serial{zone="example.com."} 1' in metrics, "zone serial family")
    stats = api.ok("GET", "/api/v1/stats", token=t["viewer"])
    check("total" in stats["queries"] and isinstance(stats["qps"], list), f"stats {stats}")

    # Viewer: reads, never changes.
    st = api.ok("GET", "/api/v1/status", token=t["viewer"])
    check_eq(st["node"]["mode"], "repo", "node mode")
    check_eq(st["source"]["suspended"], False, "not suspended")
    imperative = [("/api/v1/reconcile", None), ("/api/v1/reconcile?wait=true", None),
                  ("/api/v1/suspend", {}), ("/api/v1/resume", {}),
                  ("/api/v1/rollback", {"revision": repo.head()}),
                  ("/api/v1/query", {"name": "www.example.com", "type": "A"})]
    history_before = len(api.ok("GET", "/api/v1/history", token=t["viewer"])["items"])
    for path, body in imperative:
        status, j = api.call("POST", path, body, t["viewer"])
        check_eq(status, 403, f"viewer POST {path}: {j}")
        check_eq(j["error"]["code"], "forbidden", f"viewer POST {path} code")
    check_eq(len(api.ok("GET", "/api/v1/history", token=t["viewer"])["items"]), history_before,
             "no reconcile ran for the viewer")
    check_eq(api.ok("GET", "/api/v1/status", token=t["viewer"])["source"]["suspended"], False,
             "the viewer's suspend did nothing")
    # Operator and admin may.
    for who in ("operator", "admin"):
        check_eq(api.ok("POST", "/api/v1/reconcile", token=t[who], expect=202), {"accepted": True}, who)

    # Bodies: malformed JSON, unknown members, wrong types, too big (declared and chunked).
    status, j = api.call("POST", "/api/v1/suspend", raw=b'{"object": ', token=t["operator"])
    check_eq((status, j["error"]["code"]), (400, "bad_request"), f"malformed JSON {j}")
    status, j = api.call("POST", "/api/v1/suspend", {"objekt": "Zone/example.com"}, t["operator"])
    check_eq(status, 400, f"unknown member {j}")
    status, j = api.call("POST", "/api/v1/query", {"name": "www.example.com", "tcp": "yes"}, t["operator"])
    check_eq(status, 400, f"tcp must be a boolean {j}")
    status, j = api.call("POST", "/api/v1/rollback", {"revision": "zz"}, t["operator"])
    check_eq(status, 400, f"bad revision {j}")
    status, j = api.call("GET", "/api/v1/zones?limit=0", token=t["viewer"])
    check_eq(status, 400, f"limit=0 {j}")
    big = b'{"object": "' + b"x" * (1 << 20) + b'"}'
    status, j = api.call("POST", "/api/v1/suspend", raw=big, token=t["operator"])
    check_eq(status, 413, f"oversized body {j}")

    def chunks():
        yield b'{"object": "'
        for _ in range(40):
            yield b"y" * 32768
        yield b'"}'
    status, j = api.call("POST", "/api/v1/suspend", raw=chunks(), token=t["operator"])
    check_eq(status, 413, f"oversized chunked body {j}")
    check_eq(api.ok("GET", "/api/v1/status", token=t["viewer"])["source"]["suspended"], False,
             "nothing was suspended by refused bodies")

    # Webhook: wrong or missing signatures trigger nothing.
    repo.write("example.com.yaml", www_zone("192.0.2.2"))
    rev2 = repo.commit("second")
    body = json.dumps({"ref": "refs/heads/main", "after": rev2}).encode()
    finished = d.finished_count()
    for headers in ({}, {"X-Hub-Signature-256": "sha256=" + "0" * 64},
                    {"X-Gitlab-Token": "wrong"}):
        h = {"X-GitHub-Event": "push", "Content-Type": "application/json", **headers}
        status, j = api.call("POST", "/api/v1/hooks/git", raw=body, headers=h)
        check_eq(status, 401, f"webhook with {headers}: {j}")
    time.sleep(0.5)
    check_eq(d.finished_count(), finished, "no reconcile after refused webhooks")
    check_eq(d.answer("www.example.com"), ["192.0.2.1"], "not applied after refused webhooks")
    # A good GitHub signature: 202 and the commit is applied.
    sig = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    status, j = api.call("POST", "/api/v1/hooks/git", raw=body,
                         headers={"X-GitHub-Event": "push", "X-Hub-Signature-256": sig,
                                  "Content-Type": "application/json"})
    check_eq(status, 202, f"signed webhook {j}")
    d.wait_log('msg="reconcile finished"', count=finished + 1)
    check_eq(d.answer("www.example.com"), ["192.0.2.2"], "applied after the signed webhook")
    # GitLab's token works too.
    repo.write("example.com.yaml", www_zone("192.0.2.3"))
    repo.commit("third")
    finished = d.finished_count()
    status, _ = api.call("POST", "/api/v1/hooks/git", raw=body,
                         headers={"X-Gitlab-Token": WEBHOOK_SECRET, "X-Gitlab-Event": "Push Hook"})
    check_eq(status, 202, "GitLab webhook")
    d.wait_log('msg="reconcile finished"', count=finished + 1)
    check_eq(d.answer("www.example.com"), ["192.0.2.3"], "applied after the GitLab webhook")


def test_reconcile_wait_suspend_resume_rollback(ctx):
    repo = ctx.repo()
    repo.write("example.com.yaml", www_zone("192.0.2.1"))
    rev1 = repo.commit("first")
    d, api, t = start(ctx, repo)
    op = t["operator"]

    repo.write("example.com.yaml", www_zone("192.0.2.2"))
    rev2 = repo.commit("second")
    rec = api.ok("POST", "/api/v1/reconcile?wait=true&timeout=20s", token=op)["record"]
    check_eq((rec["revision"], rec["result"], rec["trigger"]), (rev2, "applied", "api"), f"waited record {rec}")
    check_eq(rec["zonesUpdated"], 1, "zonesUpdated")
    check_eq(d.answer("www.example.com"), ["192.0.2.2"], "applied when the wait returned")
    check_eq(d.serial("example.com"), 2, "serial 2")
    plan = api.ok("GET", "/api/v1/plan", token=t["viewer"])
    check_eq((plan["revision"], plan["fromRevision"], plan["result"]), (rev2, rev1, "applied"), "plan")
    zp = plan["zones"][0]
    check_eq(zp["action"], "update", "plan action")
    check({"name": "www.example.com.", "type": "A", "ttl": 300, "data": "192.0.2.2"} in zp["added"], f"plan added {zp}")
    check({"name": "www.example.com.", "type": "A", "ttl": 300, "data": "192.0.2.1"} in zp["removed"], f"plan removed {zp}")
    status, j = api.call("POST", "/api/v1/reconcile?wait=maybe", token=op)
    check_eq(status, 400, f"wait=maybe {j}")

    # Suspend the source: a new commit is not applied, even when asked.
    s = api.ok("POST", "/api/v1/suspend", {"reason": "change freeze"}, op)
    check_eq(s["suspended"], ["source"], "suspended keys")
    repo.write("example.com.yaml", www_zone("192.0.2.3"))
    rev3 = repo.commit("third")
    rec = api.ok("POST", "/api/v1/reconcile?wait=true", token=op)["record"]
    check("suspended" in rec["message"], f"suspended reconcile says so: {rec}")
    check_eq(d.answer("www.example.com"), ["192.0.2.2"], "not applied while suspended")
    st = api.ok("GET", "/api/v1/status", token=t["viewer"])
    check_eq((st["source"]["suspended"], st["source"]["suspendReason"].startswith("change freeze")), (True, True),
             "status says suspended")
    ready = [c for c in st["source"]["conditions"] if c["type"] == "Ready"][0]
    check_eq(ready["reason"], "Suspended", "Ready reason")
    # Resume (twice: idempotent): applied.
    finished = d.finished_count()
    api.ok("POST", "/api/v1/resume", {}, op)
    api.ok("POST", "/api/v1/resume", None, op)
    d.wait_log('msg="reconcile finished"', count=finished + 1)
    rec = api.ok("POST", "/api/v1/reconcile?wait=true", token=op)["record"]
    check_eq(d.answer("www.example.com"), ["192.0.2.3"], "applied after resume")
    check_eq(api.ok("GET", "/api/v1/status", token=t["viewer"])["source"]["lastAppliedRevision"], rev3, "rev3 applied")
    serial_before = d.serial("example.com")

    # Suspend one zone: the zone keeps serving, the others would move.
    api.ok("POST", "/api/v1/suspend", {"object": "Zone/example.com"}, op)
    zone = api.ok("GET", "/api/v1/zones/example.com.", token=t["viewer"])
    check_eq((zone["state"], zone["suspended"]), ("Suspended", True), f"zone state {zone}")
    repo.write("example.com.yaml", www_zone("192.0.2.4"))
    repo.commit("fourth")
    api.ok("POST", "/api/v1/reconcile?wait=true", token=op)
    check_eq(d.answer("www.example.com"), ["192.0.2.3"], "suspended zone keeps serving")
    status, j = api.call("POST", "/api/v1/suspend", {"object": "Zone/nowhere.test"}, op)
    check_eq(status, 404, f"unknown zone {j}")
    api.ok("POST", "/api/v1/resume", {"object": "Zone/example.com."}, op)
    api.ok("POST", "/api/v1/reconcile?wait=true", token=op)
    check_eq(d.answer("www.example.com"), ["192.0.2.4"], "zone applied after resume")

    # Rollback to rev1: served at once over DNS with a higher serial; status says RolledBack.
    revs = api.ok("GET", "/api/v1/revisions", token=t["viewer"])["items"]
    check(any(r["revision"] == rev1 for r in revs), f"rev1 listed {revs}")
    check_eq(revs[0]["current"], True, "newest revision is current")
    serial_before = d.serial("example.com")
    rb = api.ok("POST", "/api/v1/rollback", {"revision": rev1[:10]}, op)
    check_eq(rb["revision"], rev1, "rollback revision")
    check_eq(d.answer("www.example.com"), ["192.0.2.1"], "old answer served at once")
    check(d.serial("example.com") > serial_before, "serial moved forward on rollback")
    st = api.ok("GET", "/api/v1/status", token=t["viewer"])
    check_eq((st["source"]["suspended"], st["source"]["suspendReason"], st["source"]["rolledBackTo"]),
             (True, "RolledBack", rev1), "status after rollback")
    ready = [c for c in st["source"]["conditions"] if c["type"] == "Ready"][0]
    check_eq(ready["reason"], "RolledBack", "Ready reason after rollback")
    hist = api.ok("GET", "/api/v1/history?limit=1", token=t["viewer"])
    check_eq(hist["items"][0]["trigger"], "rollback", "newest history entry is the rollback")
    check("continue" in hist, "history pages")
    # Polls/reconciles do not undo it; resume goes back to git's tip.
    api.ok("POST", "/api/v1/reconcile?wait=true", token=op)
    check_eq(d.answer("www.example.com"), ["192.0.2.1"], "rollback holds")
    serial_rb = d.serial("example.com")
    finished = d.finished_count()
    api.ok("POST", "/api/v1/resume", {}, op)
    d.wait_log('msg="reconcile finished"', count=finished + 1)
    api.ok("POST", "/api/v1/reconcile?wait=true", token=op)
    check_eq(d.answer("www.example.com"), ["192.0.2.4"], "back to the tip after resume")
    check(d.serial("example.com") > serial_rb, "serial forward again")
    check_eq(api.ok("GET", "/api/v1/status", token=t["viewer"])["source"]["rolledBackTo"], None, "rollback over")


def test_zones_records_and_query_tool(ctx):
    repo = ctx.repo()
    repo.write("example.com.yaml", www_zone("192.0.2.1", extra_hosts=12))
    repo.write("example.org.yaml", zone_manifest("example.org", {"ns1": [("A", "192.0.2.53")],
                                                                  "@": [("MX", "10 mail")],
                                                                  "mail": [("A", "192.0.2.25")]}))
    repo.commit("zones")
    d, api, t = start(ctx, repo)
    v = t["viewer"]

    zones = api.ok("GET", "/api/v1/zones", token=v)["items"]
    check_eq([z["name"] for z in zones], ["example.com.", "example.org."], "zones")
    com = zones[0]
    check_eq((com["serial"], com["records"], com["state"], com["file"]), (1, 16, "Ready", "example.com.yaml"), f"zone item {com}")
    check_eq(api.call("GET", "/api/v1/zones/nope.test", token=v)[0], 404, "unknown zone")
    one = api.ok("GET", "/api/v1/zones/EXAMPLE.COM", token=v)
    check_eq(one["name"], "example.com.", "any case, no final dot")
    check([c for c in one["conditions"] if c["type"] == "Ready"][0]["status"] == "True", "Ready condition")

    # Paging: limit 5 pages cover the whole list once, in order.
    full = api.ok("GET", "/api/v1/zones/example.com./records", token=v)["items"]
    check_eq(len(full), 16, "all records")
    paged, token, pages = [], None, 0
    while True:
        path = "/api/v1/zones/example.com./records?limit=5" + (f"&continue={token}" if token else "")
        page = api.ok("GET", path, token=v)
        paged += page["items"]
        pages += 1
        token = page.get("continue")
        if not token:
            break
    check_eq((paged, pages), (full, 4), "pages")
    check_eq(full[0]["type"], "SOA", "apex first (canonical order)")
    check_eq(api.call("GET", "/api/v1/zones/example.com./records?continue=%%%", token=v)[0], 400, "bad token")
    # Filters: exact owner (relative or absolute, any case), *.suffix, type.
    www = api.ok("GET", "/api/v1/zones/example.com./records?name=WWW", token=v)["items"]
    check_eq(www, [{"name": "www.example.com.", "type": "A", "ttl": 300, "data": "192.0.2.1"}], "name filter")
    check_eq(api.ok("GET", "/api/v1/zones/example.com./records?name=www.example.com.", token=v)["items"], www, "absolute")
    ns = api.ok("GET", "/api/v1/zones/example.com./records?type=ns", token=v)["items"]
    check_eq([r["data"] for r in ns], ["ns1.example.com."], "type filter")
    below = api.ok("GET", "/api/v1/zones/example.com./records?name=*.example.com&type=A", token=v)["items"]
    check_eq(len(below), 14, "suffix filter: ns1, www and 12 hosts")
    check_eq(api.call("GET", "/api/v1/zones/example.com./records?type=BOGUS", token=v)[0], 400, "bad type")

    # The query tool answers what dig (dnspython) gets over the wire.
    for name, rdtype in (("mail.example.org", "A"), ("example.org", "MX"), ("nope.example.org", "A"),
                         ("www.example.net", "A")):
        j = api.ok("POST", "/api/v1/query", {"name": name, "type": rdtype}, t["operator"])
        q = dns.message.make_query(name, rdtype, use_edns=0, payload=1232)
        q.flags &= ~dns.flags.RD
        r = dns.query.udp(q, "127.0.0.1", port=d.port, timeout=3)
        check_eq(j["rcode"], dns.rcode.to_text(r.rcode()), f"rcode of {name} {rdtype}")
        wire_answer = sorted(rd.to_text() for rrset in r.answer for rd in rrset)
        check_eq(sorted(rr["data"] for rr in j["answer"]), wire_answer, f"answer of {name} {rdtype}")
        wire_auth = sorted(f"{rrset.name} {rrset.rdtype}" for rrset in r.authority)
        api_auth = sorted({f"{rr['name']} {dns.rdatatype.from_text(rr['type'])}" for rr in j["authority"]})
        check_eq(api_auth, wire_auth, f"authority of {name} {rdtype}")
        check_eq("aa" in j["flags"], bool(r.flags & dns.flags.AA), f"aa of {name}")
        check_eq(j["sizeBytes"], len(r.to_wire()), f"size of {name} {rdtype}")
    j = api.ok("POST", "/api/v1/query", {"name": "example.org.", "type": "MX", "tcp": True, "dnssec": True}, t["operator"])
    check_eq((j["transport"], j["answer"][0]["data"]), ("tcp", "10 mail.example.org."), "over TCP")
    for body in ({"name": "bad..name", "type": "A"}, {"name": "x.example.org", "type": "AXFR"},
                 {"name": "x.example.org", "type": "NOPE"}, {"type": "A"}):
        check_eq(api.call("POST", "/api/v1/query", body, t["operator"])[0], 400, f"query {body}")


if __name__ == "__main__":
    Suite("http-api").run([test_roles_bodies_and_webhook, test_reconcile_wait_suspend_resume_rollback,
                           test_zones_records_and_query_tool])
