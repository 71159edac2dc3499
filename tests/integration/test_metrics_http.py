#!/usr/bin/env python3
"""gitnsd --repo --http: /metrics counts the DNS queries sent to it (by protocol, qtype and
rcode), the reconciles by result with their durations, the applied revision and the zone
serials; GET /api/v1/stats gives the same counts to a viewer and 401 to anyone else."""
import json
import os
import re
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gitops_util import Suite, check, check_eq, free_port, zone_manifest  # noqa: E402

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse_metrics(text):
    """{(name, frozenset(labels)): value}; fails on a line that is not the text format or
    a family whose samples come before its HELP and TYPE."""
    out, typed, helped = {}, set(), set()
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helped.add(line.split(" ")[2])
            continue
        if line.startswith("# TYPE "):
            typed.add(line.split(" ")[2])
            continue
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        check(m is not None, f"not a sample line: {line!r}")
        name, labels = m.group(1), {}
        if m.group(3):
            pos = 0
            while pos < len(m.group(3)):
                lm = LABEL.match(m.group(3), pos)
                check(lm is not None, f"bad labels in {line!r}")
                labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        if name.startswith("gitns_"):
            check(family in typed or name in typed, f"{name}: sample before its TYPE")
            check(family in helped or name in helped, f"{name}: sample before its HELP")
        out[(name, frozenset(labels.items()))] = float(m.group(4))
    return out


def value(metrics, name, **labels):
    key = (name, frozenset(labels.items()))
    check(key in metrics, f"no sample {name}{labels}; have: " +
          ", ".join(sorted(n + str(dict(l)) for n, l in metrics if n == name)))
    return metrics[key]


class Http:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.token = None

    def request(self, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def metrics(self):
        status, text = self.request("GET", "/metrics")
        check_eq(status, 200, "GET /metrics")
        return parse_metrics(text)


def start(ctx, repo):
    http_port = free_port()
    with open(ctx.path("admin-password"), "w") as f:
        f.write("metrics-test-password\n")
    d = ctx.gitnsd(repo.path, extra=["--http", f"127.0.0.1:{http_port}",
                                     "--admin-password-file", ctx.path("admin-password")])
    d.start()
    d.wait_first_reconcile()
    d.wait_log('msg="serving HTTP"')
    return d, Http(http_port)


def test_metrics_and_stats(ctx):
    repo = ctx.repo()
    repo.write("zones/example.com.yaml", zone_manifest("example.com", {
        "ns1": [("A", "192.0.2.53")], "www": [("A", "192.0.2.80")],
        "mail": [("A", "192.0.2.25"), ("AAAA", "2001:db8::25")]}))
    rev = repo.commit("first zone")
    d, http = start(ctx, repo)

    before = http.metrics()
    udp0 = value(before, "gitns_dns_queries_total", protocol="udp")
    tcp0 = value(before, "gitns_dns_queries_total", protocol="tcp")
    check_eq(value(before, "gitns_reconciles_total", result="applied"), 1, "applied reconciles")
    check_eq(value(before, "gitns_applied_revision_info", revision=rev), 1, "revision info")
    check_eq(value(before, "gitns_zone_serial", zone="example.com."), 1, "zone serial")
    check_eq(value(before, "gitns_zone_records", zone="example.com."), 6, "zone records")
    check_eq(value(before, "gitns_engine_zones"), 1, "zones")
    check_eq(value(before, "gitns_reconcile_duration_seconds_count"), 1, "durations observed")

    for _ in range(20):
        check_eq(d.answer("www.example.com"), ["192.0.2.80"], "www A")
    for _ in range(5):
        check_eq(d.answer("mail.example.com", "AAAA"), ["2001:db8::25"], "mail AAAA")
    for _ in range(3):
        check_eq(d.answer("nope.example.com"), "NXDOMAIN", "missing name")
    for _ in range(4):
        check_eq(d.query("www.example.com", "A", tcp=True), ("NOERROR", ["192.0.2.80"]),
                 "www A over TCP")

    m = http.metrics()
    udp = value(m, "gitns_dns_queries_total", protocol="udp") - udp0
    tcp = value(m, "gitns_dns_queries_total", protocol="tcp") - tcp0
    check_eq(udp, 28, "UDP queries counted")
    check_eq(tcp, 4, "TCP queries counted")
    check_eq(value(m, "gitns_dns_queries_by_qtype_total", qtype="AAAA")
             - value(before, "gitns_dns_queries_by_qtype_total", qtype="AAAA"), 5, "AAAA queries")
    check_eq(value(m, "gitns_dns_responses_by_rcode_total", rcode="NXDOMAIN")
             - value(before, "gitns_dns_responses_by_rcode_total", rcode="NXDOMAIN"), 3,
             "NXDOMAIN responses")
    count = value(m, "gitns_dns_response_size_bytes_count", protocol="udp")
    check_eq(value(m, "gitns_dns_response_size_bytes_bucket", protocol="udp", le="+Inf"), count,
             "the +Inf bucket holds every UDP response")
    check(value(m, "gitns_dns_response_size_bytes_bucket", protocol="udp", le="512") == count,
          "these answers are all under 512 bytes")

    # An invalid commit: counted as invalid, the applied revision stays.
    repo.write("zones/example.com.yaml", "apiVersion: gitns.io/v1\nkind: Zone\nmetadata: {name: [\n")
    repo.commit("broken")
    d.reconcile()
    m = http.metrics()
    check_eq(value(m, "gitns_reconciles_total", result="invalid"), 1, "invalid reconciles")
    check_eq(value(m, "gitns_applied_revision_info", revision=rev), 1, "revision info kept")
    check_eq(value(m, "gitns_reconcile_duration_seconds_count"), 2, "durations observed")

    # GET /api/v1/stats: 401 without a token, the counts for a logged-in user.
    status, _ = http.request("GET", "/api/v1/stats")
    check_eq(status, 401, "stats without a token")
    status, body = http.request("POST", "/api/v1/login",
                                {"username": "admin", "password": "metrics-test-password"})
    check_eq(status, 200, f"login: {body}")
    http.token = json.loads(body)["token"]
    status, body = http.request("GET", "/api/v1/stats")
    check_eq(status, 200, f"stats: {body}")
    stats = json.loads(body)
    q = stats["queries"]
    check_eq(q["udp"], value(m, "gitns_dns_queries_total", protocol="udp"), "stats udp = metrics")
    check_eq(q["tcp"], value(m, "gitns_dns_queries_total", protocol="tcp"), "stats tcp = metrics")
    check_eq(q["total"], q["udp"] + q["tcp"], "total")
    check(q["byRcode"].get("NXDOMAIN", 0) >= 3, f"byRcode: {q['byRcode']}")
    check(q["byQtype"].get("AAAA", 0) >= 5, f"byQtype: {q['byQtype']}")
    check(isinstance(stats["qps"], list), "qps is a list")


if __name__ == "__main__":
    Suite("metrics").run([test_metrics_and_stats])
