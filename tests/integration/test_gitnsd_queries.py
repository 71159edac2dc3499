"""gitnsd answers real queries: starts it on a free 127.0.0.1 port serving examples/zones
and asks with dig, kdig and dnspython over UDP and TCP.

    /usr/bin/python3 test_gitnsd_queries.py --gitnsd PATH --source-dir REPO_ROOT

Expected answers are derived from the example zone files (dnspython reads them), so the
test follows the examples when they change. `--against knot|nsd` runs the same protocol
cases against a peer server instead: a check of the test's own expectations (cases about
gitnsd's command line are skipped then).
"""

import argparse
import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.zone  # noqa: E402

import gitns_testlib as tl  # noqa: E402
from gitns_testlib import check  # noqa: E402

ARGS = None
SERVER = None  # the shared server for read-only cases
ZONES = {}     # origin -> dns.zone.Zone parsed from examples/zones
runner = tl.Runner()


# --------------------------------------------------------------------------------------
# Fixtures


def zone_dir():
    return os.path.join(ARGS.source_dir, "examples", "zones")


def load_zones(directory):
    zones = {}
    for origin, path in tl.zones_in_dir(directory).items():
        # $INCLUDE paths are relative to the zone file's folder (as gitnsd and Knot read them).
        with pushd(os.path.dirname(path)):
            zones[origin] = dns.zone.from_file(path, origin, relativize=False,
                                               allow_include=True)
    return zones


@contextlib.contextmanager
def pushd(path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def start_server(directory, **kw):
    if ARGS.against == "gitnsd":
        return tl.Gitnsd(ARGS.gitnsd, zone_dir=directory, **kw).start()
    zones = tl.zones_in_dir(directory)
    if ARGS.against == "knot":
        return tl.Knotd(zones, **kw).start()
    return tl.Nsd(zones, **kw).start()


def gitnsd_only():
    if ARGS.against != "gitnsd":
        raise tl.SkipCase(f"about gitnsd's command line; running against {ARGS.against}")


def zone_rrset(name, rdtype):
    """The RRset the example zones hold at name/type (None if there is none)."""
    name = dns.name.from_text(name)
    for origin, zone in ZONES.items():
        if name.is_subdomain(dns.name.from_text(origin)):
            rds = zone.get_rdataset(name, rdtype)
            return rds
    return None


def soa_of(origin):
    return ZONES[origin].get_rdataset(origin, "SOA")


def q(qname, qtype, **kw):
    return tl.query(SERVER.port, qname, qtype, **kw)


def rcode_text(r):
    return dns.rcode.to_text(r.rcode())


def find(section, name, rdtype):
    name = dns.name.from_text(name) if isinstance(name, str) else name
    rdtype = dns.rdatatype.from_text(rdtype) if isinstance(rdtype, str) else rdtype
    for rrset in section:
        if rrset.name == name and rrset.rdtype == rdtype:
            return rrset
    return None


def expect_answer(r, qname, qtype, rds, what):
    """NOERROR, AA, and the answer holds exactly rds (rdata and TTL) at qname."""
    check(r.rcode() == dns.rcode.NOERROR, f"{what}: expected NOERROR, got {rcode_text(r)}")
    check(r.flags & dns.flags.AA, f"{what}: expected AA on authoritative data:\n{r}")
    check(not r.flags & dns.flags.TC, f"{what}: unexpected TC:\n{r}")
    got = find(r.answer, qname, qtype)
    check(got is not None, f"{what}: no {qtype} RRset for {qname} in the answer:\n{r}")
    check(set(got) == set(rds), f"{what}: answer {sorted(map(str, got))} "
          f"!= zone {sorted(map(str, rds))}")
    check(got.ttl == rds.ttl, f"{what}: TTL {got.ttl}, zone says {rds.ttl}")


def expect_negative(r, origin, rcode, what):
    """RFC 2308: empty answer, the zone's SOA in authority with TTL min(SOA TTL, MINIMUM)."""
    check(r.rcode() == rcode, f"{what}: expected {dns.rcode.to_text(rcode)}, "
          f"got {rcode_text(r)}:\n{r}")
    check(r.flags & dns.flags.AA, f"{what}: expected AA:\n{r}")
    check(not r.answer, f"{what}: expected an empty answer:\n{r}")
    soa = find(r.authority, origin, "SOA")
    check(soa is not None, f"{what}: no SOA of {origin} in authority:\n{r}")
    zsoa = soa_of(origin)
    check(set(soa) == set(zsoa), f"{what}: SOA {soa} differs from the zone's {zsoa}")
    want_ttl = min(zsoa.ttl, zsoa[0].minimum)
    check(soa.ttl == want_ttl, f"{what}: negative SOA TTL {soa.ttl}, RFC 2308 wants "
          f"min(SOA TTL {zsoa.ttl}, MINIMUM {zsoa[0].minimum}) = {want_ttl}")


def still_answers(what):
    r = q("example.com.", "SOA", timeout=2)
    check(r.rcode() == dns.rcode.NOERROR and find(r.answer, "example.com.", "SOA"),
          f"server stopped answering correctly after {what}:\n{r}")


# --------------------------------------------------------------------------------------
# Positive answers


@runner.case
def apex_a_aaaa_mx_udp_and_tcp():
    for tcp in (False, True):
        for qtype in ("A", "AAAA", "MX", "TXT", "CAA", "NS"):
            r = q("example.com.", qtype, tcp=tcp)
            expect_answer(r, "example.com.", qtype, zone_rrset("example.com.", qtype),
                          f"example.com {qtype} over {'TCP' if tcp else 'UDP'}")


@runner.case
def answers_in_every_example_zone():
    # Every owner and type of the example zones, one UDP query each.
    for origin, zone in ZONES.items():
        for name, node in zone.nodes.items():
            for rds in node.rdatasets:
                qname = name.to_text()
                if _at_or_below_cut(zone, name):
                    continue  # a delegation or glue: a referral, tested below
                r = q(qname, dns.rdatatype.to_text(rds.rdtype), edns=0)
                expect_answer(r, qname, rds.rdtype, rds,
                              f"{qname} {dns.rdatatype.to_text(rds.rdtype)}")


def _at_or_below_cut(zone, name):
    """True when name is a delegation point or lies below one (a referral, not data)."""
    n = name
    while n != zone.origin:
        node = zone.get_node(n)
        if node and node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.NS):
            return True
        n = n.parent()
    return False


@runner.case
def dig_and_kdig_over_udp_and_tcp():
    mx = zone_rrset("example.com.", "MX")
    want = {(str(rd.preference), rd.exchange.to_text().lower()) for rd in mx}
    for tool in ("dig", "kdig"):
        for tcp in (False, True):
            args = [tool, "@" + tl.LOOPBACK, "-p", str(SERVER.port), "+norec", "example.com",
                    "MX"]
            args += ["+tcp"] if tcp else []
            args += ["+tries=1", "+time=2"] if tool == "dig" else ["+retry=0", "+time=2"]
            rc, out = tl.run_tool(args)
            what = f"{' '.join(args)}"
            check(rc == 0, f"{what} exited {rc}:\n{out}")
            p = tl.parse_tool_output(out)
            check(p["status"] == "NOERROR", f"{what}: status {p['status']}:\n{out}")
            check("aa" in p["flags"], f"{what}: no aa flag:\n{out}")
            got = {(f[-2], f[-1].lower()) for f in p["sections"].get("ANSWER", [])
                   if len(f) >= 6 and f[3] == "MX"}
            check(got == want, f"{what}: MX {got}, zone has {want}:\n{out}")


@runner.case
def cname_chain_inside_the_zone():
    # ftp -> www -> apex: both CNAMEs and the apex A, AA set.
    r = q("ftp.example.com.", "A", edns=0)
    check(r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA, f"ftp A:\n{r}")
    for owner in ("ftp.example.com.", "www.example.com."):
        rr = find(r.answer, owner, "CNAME")
        check(rr is not None and set(rr) == set(zone_rrset(owner, "CNAME")),
              f"ftp A: CNAME of {owner} missing or wrong:\n{r}")
    a = find(r.answer, "example.com.", "A")
    check(a is not None and set(a) == set(zone_rrset("example.com.", "A")),
          f"ftp A: the chain's target A missing:\n{r}")
    # Asking for the CNAME itself does not follow it.
    r = q("www.example.com.", "CNAME")
    expect_answer(r, "www.example.com.", "CNAME", zone_rrset("www.example.com.", "CNAME"),
                  "www CNAME")
    check(len(r.answer) == 1, f"www CNAME: a CNAME query must not be followed:\n{r}")


@runner.case
def cname_out_of_zone():
    r = q("docs.example.com.", "A", edns=0)
    check(r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA, f"docs A:\n{r}")
    check(r.answer and r.answer[0].rdtype == dns.rdatatype.CNAME
          and r.answer[0].name == dns.name.from_text("docs.example.com."),
          f"docs A: the CNAME must come first in the answer:\n{r}")


@runner.case
def wildcard_synthesis():
    for qname in ("anything.wild.example.com.", "a.b.c.wild.example.com."):
        for qtype in ("A", "TXT"):
            r = q(qname, qtype, edns=0)
            rds = zone_rrset("*.wild.example.com.", qtype)
            expect_answer(r, qname, qtype, rds, f"wildcard {qname} {qtype}")
            check(r.answer[0].name.to_text() == qname,
                  f"wildcard: owner must be the query name, got {r.answer[0].name}")
    # The wildcard has no MX: NODATA (RFC 4592 2.2.1).
    r = q("nomx.wild.example.com.", "MX", edns=0)
    expect_negative(r, "example.com.", dns.rcode.NOERROR, "wildcard NODATA")
    # The literal wildcard owner answers as itself.
    r = q("*.wild.example.com.", "A")
    expect_answer(r, "*.wild.example.com.", "A", zone_rrset("*.wild.example.com.", "A"),
                  "literal *.wild A")


@runner.case
def srv_and_caa():
    for name, qtype in (("_sip._tcp.example.com.", "SRV"), ("example.com.", "CAA")):
        r = q(name, qtype, tcp=True)
        expect_answer(r, name, qtype, zone_rrset(name, qtype), f"{name} {qtype}")


@runner.case
def included_records_are_served():
    # example.org keeps its hosts in include/example.org.hosts ($INCLUDE).
    r = q("www.example.org.", "A")
    expect_answer(r, "www.example.org.", "A", zone_rrset("www.example.org.", "A"),
                  "www.example.org A (from $INCLUDE)")
    r = q("mail.example.org.", "A")
    expect_answer(r, "mail.example.org.", "A", zone_rrset("mail.example.org.", "A"),
                  "mail.example.org A (after $INCLUDE)")


# --------------------------------------------------------------------------------------
# Negative answers, referrals, refusals


@runner.case
def nxdomain_with_soa():
    for qname in ("nonexistent.example.com.", "a.b.nonexistent.example.com.",
                  "nope.example.net."):
        origin = "example.net." if qname.endswith("example.net.") else "example.com."
        for tcp in (False, True):
            r = q(qname, "A", tcp=tcp, edns=0)
            expect_negative(r, origin, dns.rcode.NXDOMAIN, f"{qname} A")


@runner.case
def nodata_with_soa():
    # An existing name without the type, and an empty non-terminal (_tcp.example.com).
    for qname, qtype in (("mail.example.com.", "TXT"), ("_tcp.example.com.", "A"),
                         ("www.example.net.", "MX")):
        origin = "example.net." if qname.endswith("example.net.") else "example.com."
        r = q(qname, qtype)
        expect_negative(r, origin, dns.rcode.NOERROR, f"{qname} {qtype} (NODATA)")


@runner.case
def referral_with_glue():
    for qname, qtype in (("host.sub.example.com.", "A"), ("sub.example.com.", "NS"),
                         ("deep.below.sub.example.com.", "MX")):
        r = q(qname, qtype, edns=0)
        what = f"{qname} {qtype} (referral)"
        check(r.rcode() == dns.rcode.NOERROR, f"{what}: rcode {rcode_text(r)}:\n{r}")
        check(not r.flags & dns.flags.AA, f"{what}: AA must be clear on a referral:\n{r}")
        check(not r.answer, f"{what}: answer must be empty:\n{r}")
        ns = find(r.authority, "sub.example.com.", "NS")
        check(ns is not None and set(ns) == set(zone_rrset("sub.example.com.", "NS")),
              f"{what}: the delegation NS RRset must be in authority:\n{r}")
        for gtype in ("A", "AAAA"):
            glue = find(r.additional, "ns1.sub.example.com.", gtype)
            check(glue is not None
                  and set(glue) == set(zone_rrset("ns1.sub.example.com.", gtype)),
                  f"{what}: glue ns1.sub {gtype} missing from additional:\n{r}")
        check(find(r.additional, "ns.example.net.", "A") is None
              or ARGS.against == "nsd",  # NSD adds out-of-bailiwick addresses it has
              f"{what}: no glue for the out-of-zone name server:\n{r}")


@runner.case
def refused_outside_our_zones():
    for qname in ("www.example.invalid.", "com.", "."):
        for tcp in (False, True):
            r = q(qname, "A", tcp=tcp)
            check(r.rcode() == dns.rcode.REFUSED,
                  f"{qname}: expected REFUSED, got {rcode_text(r)}:\n{r}")
            check(not r.flags & dns.flags.AA, f"{qname}: AA set on REFUSED:\n{r}")
            check(not r.answer, f"{qname}: REFUSED with an answer:\n{r}")


# --------------------------------------------------------------------------------------
# Names, EDNS, truncation


@runner.case
def mixed_case_query_name_is_echoed():
    for qname in ("WwW.ExAmPlE.CoM.", "EXAMPLE.COM.", "AnYtHiNg.WiLd.ExAmPlE.cOm.",
                  "NonExistent.Example.Com."):
        query = tl.make_query(qname, "A", edns=0)
        wire = query.to_wire()
        for tcp in (False, True):
            raw = (tl.tcp_raw(SERVER.port, wire, timeout=2) if tcp
                   else tl.udp_raw(SERVER.port, wire, timeout=2))
            check(raw is not None, f"{qname}: no reply over {'TCP' if tcp else 'UDP'}")
            qlen = len(dns.name.from_text(qname).to_wire())
            # The question section starts at offset 12 in both messages.
            check(raw[12:12 + qlen] == wire[12:12 + qlen],
                  f"{qname}: question not echoed byte for byte: sent "
                  f"{wire[12:12 + qlen]!r}, got {raw[12:12 + qlen]!r}")
            r = dns.message.from_wire(raw)
            check(r.rcode() in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN),
                  f"{qname}: rcode {rcode_text(r)}:\n{r}")
            if not qname.startswith("NonExistent"):
                check(r.answer, f"{qname}: mixed case must still match:\n{r}")


@runner.case
def truncation_then_tcp():
    big = zone_rrset("big.example.com.", "TXT")
    full_size = len(tl.make_query("big.example.com.", "TXT").to_wire()) + sum(
        len(rd.to_wire()) + 12 for rd in big)
    check(full_size > 600, f"test data: big TXT must exceed 512 bytes, is ~{full_size}")
    # No EDNS: at most 512 bytes, TC=1.
    query = tl.make_query("big.example.com.", "TXT")
    raw = tl.udp_raw(SERVER.port, query.to_wire(), timeout=2)
    check(raw is not None, "big TXT over UDP without EDNS: no reply")
    check(len(raw) <= 512, f"big TXT without EDNS: reply is {len(raw)} bytes (> 512)")
    r = dns.message.from_wire(raw)
    check(r.flags & dns.flags.TC, f"big TXT without EDNS: TC must be set:\n{r}")
    # EDNS with 512 (the minimum): still truncated.
    r = q("big.example.com.", "TXT", edns=0, payload=512)
    check(r.flags & dns.flags.TC, f"big TXT with EDNS 512: TC must be set:\n{r}")
    # The retry over TCP gets the whole RRset.
    r = q("big.example.com.", "TXT", tcp=True)
    expect_answer(r, "big.example.com.", "TXT", big, "big TXT over TCP")
    # EDNS 4096 over UDP fits: no TC.
    r = q("big.example.com.", "TXT", edns=0, payload=4096)
    expect_answer(r, "big.example.com.", "TXT", big, "big TXT with EDNS 4096")
    check(r.edns == 0, f"EDNS query must get an OPT in the reply:\n{r}")


@runner.case
def edns_echo_and_badvers():
    r = q("example.com.", "A")
    check(r.edns < 0, f"no OPT in the query, so none in the reply:\n{r}")
    r = q("example.com.", "A", edns=0, do=True)
    check(r.edns == 0, f"OPT expected in the reply:\n{r}")
    check(r.ednsflags & dns.flags.DO, f"DO bit must be echoed (RFC 3225):\n{r}")
    r = q("example.com.", "A", edns=1)
    check(r.rcode() == dns.rcode.BADVERS,
          f"EDNS version 1: expected BADVERS (RFC 6891 6.1.3), got {rcode_text(r)}:\n{r}")
    check(r.edns == 0, f"BADVERS must carry an OPT of version 0:\n{r}")
    check(not r.answer, f"BADVERS with an answer:\n{r}")


@runner.case
def tcp_pipelining():
    names = ["example.com.", "www.example.net.", "mail.example.com.", "nope.example.com."]
    queries = [tl.make_query(n, "A", qid=1000 + i) for i, n in enumerate(names)]
    replies = tl.tcp_pipeline(SERVER.port, [m.to_wire() for m in queries], timeout=3)
    check(all(r is not None for r in replies), "pipelined TCP: a reply is missing")
    msgs = [dns.message.from_wire(r) for r in replies]
    check(sorted(m.id for m in msgs) == [1000 + i for i in range(len(names))],
          f"pipelined TCP: reply ids {[m.id for m in msgs]}")
    for m in msgs:
        sent = queries[m.id - 1000]
        check(m.question[0].name == sent.question[0].name,
              f"pipelined TCP: id {m.id} answers {m.question[0].name}, "
              f"asked {sent.question[0].name}")


# --------------------------------------------------------------------------------------
# Malformed input


@runner.case
def malformed_packets_get_formerr_or_silence():
    rng = random.Random(4242)
    good = tl.make_query("example.com.", "A", qid=0x4142).to_wire()
    packets = {
        "truncated header (5 bytes)": good[:5],
        "header only, QDCOUNT=1": good[:12],
        "QDCOUNT=2 with one question": good[:4] + b"\x00\x02" + good[6:],
        "question cut inside the name": good[:17],
        "label pointing at itself": good[:12] + b"\xc0\x0c\x00\x01\x00\x01",
        "label longer than the packet": good[:12] + b"\x3f" + b"a" * 10,
        "trailing garbage": good + b"\xde\xad\xbe\xef",
    }
    for i in range(30):
        packets[f"random bytes #{i}"] = bytes(rng.randrange(256)
                                              for _ in range(rng.randrange(1, 300)))
    for what, data in packets.items():
        raw = tl.udp_raw(SERVER.port, data, timeout=0.2)
        if raw is not None:
            h = tl.parse_header(raw)
            check(h is not None and h["qr"], f"{what}: reply is not a DNS response: {raw!r}")
            check(h["id"] == tl.parse_header(data + bytes(12))["id"],
                  f"{what}: reply id {h['id']:#x} does not echo the query's")
            check(h["rcode"] in (dns.rcode.FORMERR, dns.rcode.NOTIMP, dns.rcode.REFUSED)
                  or (what == "trailing garbage" and h["rcode"] == dns.rcode.NOERROR),
                  f"{what}: expected FORMERR or silence, got rcode {h['rcode']}")
            if what.startswith("QDCOUNT=2"):
                check(h["rcode"] == dns.rcode.FORMERR, f"{what}: rcode {h['rcode']}")
        still_answers(what)


@runner.case
def response_packets_are_not_answered():
    # QR=1 on input: answering could start a loop between two servers.
    data = bytearray(tl.make_query("example.com.", "A").to_wire())
    data[2] |= 0x80
    raw = tl.udp_raw(SERVER.port, bytes(data), timeout=0.5)
    check(raw is None, f"a packet with QR=1 got a reply: {raw!r}")
    still_answers("a QR=1 packet")


@runner.case
def malformed_tcp_then_new_connection_works():
    for data in (b"\x00", bytes(range(40)), b"\xff" * 200):
        tl.tcp_raw(SERVER.port, data, timeout=0.5)
    # A frame announcing more than is sent, then closing.
    tl.tcp_raw(SERVER.port, b"\x01\x00abc", timeout=0.5, frame=False)
    r = q("example.com.", "A", tcp=True)
    check(r.rcode() == dns.rcode.NOERROR, f"TCP after garbage: {rcode_text(r)}")


@runner.case
def unknown_opcode_gets_notimp():
    for opcode in (3, 7, 15):
        data = bytearray(tl.make_query("example.com.", "A", qid=0x5151).to_wire())
        data[2] = (data[2] & 0x87) | (opcode << 3)
        raw = tl.udp_raw(SERVER.port, bytes(data), timeout=1)
        h = tl.parse_header(raw)
        check(h is not None, f"opcode {opcode}: no reply")
        check(h["rcode"] == dns.rcode.NOTIMP,
              f"opcode {opcode}: expected NOTIMP, got rcode {h['rcode']}")
        check(h["id"] == 0x5151 and h["qr"] and h["opcode"] == opcode,
              f"opcode {opcode}: reply header {h}")
    still_answers("unknown opcodes")


# --------------------------------------------------------------------------------------
# Lifecycle: reload, port conflicts, threads, clean exit


@runner.case
def sighup_reloads_edited_zone():
    tmp = tempfile.mkdtemp(prefix="gitns-reload-")
    try:
        zdir = os.path.join(tmp, "zones")
        shutil.copytree(zone_dir(), zdir)
        server = start_server(zdir)
        try:
            _check_reload(server, server.zone_file("example.net."))
        finally:
            server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _check_reload(server, path):
    r = tl.query(server.port, "added.example.net.", "A")
    check(r.rcode() == dns.rcode.NXDOMAIN, f"before the edit: {rcode_text(r)}")
    zone = dns.zone.from_file(path, "example.net.", relativize=False)
    old_serial = zone.get_rdataset("example.net.", "SOA")[0].serial
    with open(path) as f:
        text = f.read()
    edited = text.replace(str(old_serial), str(old_serial + 1), 1)
    edited += "added   IN A    198.51.100.201\n"
    _write(path, edited)
    server.reload()
    r = _poll(server.port, "added.example.net.", "A", dns.rcode.NOERROR, 10)
    check(r is not None and r.answer, "SIGHUP: the added record is not served within 10 s")
    r = tl.query(server.port, "example.net.", "SOA")
    check(r.answer[0][0].serial == old_serial + 1, f"SIGHUP: serial not updated:\n{r}")
    if ARGS.against == "nsd":
        return  # NSD drops a zone that fails to reload (SERVFAIL); Knot and gitns keep it
    # A broken edit: the reload fails, the last good data keeps being served.
    _write(path, edited + "broken  IN A    not-an-address\n")
    server.reload()
    time.sleep(1.0)
    check(server.alive(), f"{server.name} exited after reloading a broken zone:\n"
          f"{server.log()}")
    r = tl.query(server.port, "added.example.net.", "A")
    check(r.rcode() == dns.rcode.NOERROR and r.answer,
          f"after a failed reload the last good zone must still be served:\n{r}")


def _write(path, text):
    # A new file and a rename, as an editor or git checkout would leave it; the mtime
    # moves forward by a second so servers that compare mtimes see the change.
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    if os.path.exists(path):
        st = os.stat(path)
        os.utime(tmp, (st.st_atime + 1, st.st_mtime + 1))
    os.replace(tmp, path)


def _poll(port, qname, qtype, rcode, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = tl.try_query(port, qname, qtype, timeout=0.3)
        if r is not None and r.rcode() == rcode:
            return r
        time.sleep(0.1)
    return None


@runner.case
def second_instance_on_same_port_fails():
    gitnsd_only()
    cmd = [ARGS.gitnsd, "--zone-dir", zone_dir(), "--listen", f"{tl.LOOPBACK}:{SERVER.port}"]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=15, preexec_fn=tl._pdeathsig)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"a second gitnsd on port {SERVER.port} kept running "
                             "(SO_REUSEPORT would split queries between the two)")
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode != 0, f"a second gitnsd on the same port exited 0:\n{out}")
    check(str(SERVER.port) in out or "in use" in out.lower(),
          f"the error must name the port or say it is in use; got:\n{out}")
    # The first one is untouched: every query still answered.
    for i in range(50):
        r = q("example.com.", "A", timeout=1)
        check(r.rcode() == dns.rcode.NOERROR, f"query {i} after the conflict: {r}")


@runner.case
def threads_flag_and_zone_flags():
    gitnsd_only()
    tmp = tempfile.mkdtemp(prefix="gitns-zoneflags-")
    try:
        # No $ORIGIN and relative owners: the file serves whatever origin it is given.
        relative = os.path.join(tmp, "anything.zone")
        _write(relative, "$TTL 300\n@ SOA ns hm 1 3600 600 86400 60\n@ NS ns\n"
               "ns A 192.0.2.1\nwww A 192.0.2.2\n")
        com = os.path.join(zone_dir(), "example.com.zone")
        server = tl.Gitnsd(ARGS.gitnsd, zones=[com, "renamed.test.=" + relative],
                           threads=1).start()
        try:
            r = tl.query(server.port, "www.renamed.test.", "A")
            check(r.rcode() == dns.rcode.NOERROR and r.answer
                  and r.answer[0][0].address == "192.0.2.2",
                  f"--zone ORIGIN=FILE must serve the file at ORIGIN:\n{r}")
            r = tl.query(server.port, "example.com.", "MX")
            check(r.rcode() == dns.rcode.NOERROR and r.answer, f"--zone FILE:\n{r}")
            r = tl.query(server.port, "www.example.net.", "A")
            check(r.rcode() == dns.rcode.REFUSED, f"example.net is not served here:\n{r}")
        finally:
            _expect_clean_exit(server)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@runner.case
def bad_zone_fails_at_start_with_location():
    gitnsd_only()
    tmp = tempfile.mkdtemp(prefix="gitns-badzone-")
    try:
        path = os.path.join(tmp, "bad.test.zone")
        _write(path, "$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
               "www A 192.0.2.300\n")
        p = subprocess.run([ARGS.gitnsd, "--zone", path, "--listen",
                            f"{tl.LOOPBACK}:{tl.free_port()}"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=15, preexec_fn=tl._pdeathsig)
        out = p.stdout.decode("utf-8", "replace")
        check(p.returncode != 0, f"gitnsd started with a broken zone:\n{out}")
        check("bad.test.zone" in out and re.search(r":5\b|line 5\b", out),
              f"the error must name the file and line 5:\n{out}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _expect_clean_exit(server):
    code = server.stop() if server.alive() else server.proc.returncode
    report = server.sanitizer_report()
    check(report is None, f"{server.name} sanitizer report:\n{report}")
    check(code in (0, -signal.SIGTERM),
          f"{server.name} exited with {code} on SIGTERM:\n{server.log()[-3000:]}")


@runner.case
def zz_clean_exit_on_sigterm():
    # Last case (the runner keeps file order): the shared server stops cleanly.
    global SERVER
    if ARGS.against != "gitnsd":
        SERVER.stop()
        raise tl.SkipCase("exit status is gitnsd's")
    _expect_clean_exit(SERVER)


def main():
    global ARGS, SERVER, ZONES
    ap = argparse.ArgumentParser()
    ap.add_argument("--gitnsd", help="path of the gitnsd binary")
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--against", choices=["gitnsd", "knot", "nsd"], default="gitnsd")
    ap.add_argument("--only", help="regex: run only the cases whose name matches")
    ARGS = ap.parse_args()
    ARGS.source_dir = os.path.abspath(ARGS.source_dir)
    if ARGS.against == "gitnsd" and not ARGS.gitnsd:
        ap.error("--gitnsd PATH is required")
    ZONES = load_zones(zone_dir())
    SERVER = start_server(zone_dir())
    print(f"{ARGS.against} on 127.0.0.1:{SERVER.port} serving {zone_dir()}", flush=True)
    return runner.run(ARGS.only)


if __name__ == "__main__":
    sys.exit(main())
