#!/usr/bin/python3
"""Adds the wire form of each case in cases.in, as dnspython writes it, into cases.tsv.
Run with /usr/bin/python3 (Debian's dnspython) from this folder."""
import dns.name, dns.rdata, dns.rdataclass, dns.rdatatype

origin = dns.name.from_text("example.com.")
out = []
for line in open("cases.in"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        out.append(line)
        continue
    rtype, text, expected = line.split("\t")
    rd = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype), text, origin=origin, relativize=False)
    wire = rd.to_wire(origin=None).hex()
    # The expected output must itself parse to the same wire in dnspython.
    back = text if expected == "=" else expected
    rd2 = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype), back, origin=origin, relativize=False)
    assert rd2.to_wire(origin=None).hex() == wire, (line, rd2)
    out.append("\t".join([rtype, text, expected, wire]))
open("cases.tsv", "w").write("\n".join(out) + "\n")
