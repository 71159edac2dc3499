#!/usr/bin/env python3
"""Generates a benchmark zone and a dnsperf query file.

    bench/gen_zone.py [--names 100000 | --records 1000000] [--origin bench.test.]
                      [--queries 500000] [--seed 1] --out-dir DIR

Writes DIR/<origin>zone (e.g. bench.test.zone), DIR/queries.txt (dnsperf format:
"name TYPE" per line) and DIR/last.txt (the owner and type of the zone's last record, which
the load benchmark polls for). Deterministic for a given seed.

Zone mix per name (i % 20): 50% A (a third of them with AAAA too), 10% AAAA, 5% MX (to a
host in the zone), 10% TXT, 10% CNAME (to a host in the zone), 5% delegations (two NS with
glue), 10% A+TXT; plus a wildcard *.wild with A and TXT.
Query mix: ~70% existing name/type, 15% NXDOMAIN, 5% wildcard, 5% referral, 5% NODATA.
Standard library only (runs with any python3).
"""

import argparse
import os
import random
import sys

KINDS = (["a"] * 10 + ["aaaa"] * 2 + ["mx"] + ["txt"] * 2 + ["cname"] * 2 + ["deleg"]
         + ["a_txt"] * 2)


def kind_of(i):
    return KINDS[i % len(KINDS)]


def records_for(i):
    """(owner relative to origin, type, rdata) tuples of name i; the qname/qtype to ask."""
    k = kind_of(i)
    name = f"n{i}"
    a = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
    aaaa = f"2001:db8:{(i >> 16) & 0xffff:x}::{i & 0xffff:x}"
    # The A name the MX/CNAME of name i points at: the closest earlier plain-A name.
    target = f"n{(i // len(KINDS)) * len(KINDS)}"
    if k == "a":
        rr = [(name, "A", a)]
        if i % 3 == 0:
            rr.append((name, "AAAA", aaaa))
        return rr
    if k == "aaaa":
        return [(name, "AAAA", aaaa)]
    if k == "mx":
        return [(name, "MX", f"10 {target}")]
    if k == "txt":
        return [(name, "TXT", f'"v=bench; id={i}; some text to give the record a size"')]
    if k == "cname":
        return [(name, "CNAME", target)]
    if k == "deleg":
        return [(name, "NS", f"ns1.{name}"), (name, "NS", f"ns2.{name}"),
                (f"ns1.{name}", "A", a), (f"ns2.{name}", "AAAA", aaaa)]
    return [(name, "A", a), (name, "TXT", f'"id={i}"')]


def write_zone(path, origin, names, max_records):
    count = 0
    last = None
    with open(path, "w") as f:
        f.write(f"$ORIGIN {origin}\n$TTL 3600\n")
        f.write("@ SOA ns1 hostmaster 1 3600 600 1209600 300\n@ NS ns1\n@ NS ns2\n")
        f.write("ns1 A 192.0.2.1\nns2 A 192.0.2.2\n*.wild A 192.0.2.80\n"
                "*.wild TXT \"wildcard\"\n")
        count += 8
        i = 0
        while (names is not None and i < names) or (max_records is not None
                                                    and count < max_records):
            for owner, rtype, rdata in records_for(i):
                f.write(f"{owner} {rtype} {rdata}\n")
                count += 1
                last = (owner, rtype)
            i += 1
        # A plain A record last: the load benchmark waits until this one answers.
        f.write("zz-last A 192.0.2.254\n")
        count += 1
        last = ("zz-last", "A")
    return i, count, last


def write_queries(path, origin, names, n_queries, rng):
    with open(path, "w") as f:
        for _ in range(n_queries):
            r = rng.random()
            if r < 0.70:
                i = rng.randrange(names)
                owner, rtype, _ = records_for(i)[0]
                if rtype == "NS":  # a delegation: asked under "referral" below
                    owner, rtype = f"n{i - 1}", records_for(i - 1)[0][1]
                if rtype == "CNAME":
                    rtype = "A"  # answered by following the CNAME inside the zone
                f.write(f"{owner}.{origin} {rtype}\n")
            elif r < 0.85:
                f.write(f"nx{rng.randrange(1 << 30)}.{origin} A\n")
            elif r < 0.90:
                f.write(f"w{rng.randrange(1 << 30)}.wild.{origin} A\n")
            elif r < 0.95:
                i = rng.randrange(names // len(KINDS)) * len(KINDS) + KINDS.index("deleg")
                f.write(f"www.n{i}.{origin} A\n")
            else:
                # A plain-A name asked for MX: NODATA.
                i = rng.randrange(names // len(KINDS)) * len(KINDS)
                f.write(f"n{i}.{origin} MX\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--names", type=int, help="number of generated names (default 100000)")
    g.add_argument("--records", type=int, help="generate names until this many records")
    ap.add_argument("--origin", default="bench.test.")
    ap.add_argument("--queries", type=int, default=500000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out-dir", required=True)
    args = ap.parse_args()
    if args.names is None and args.records is None:
        args.names = 100000
    origin = args.origin.rstrip(".") + "."
    os.makedirs(args.out_dir, exist_ok=True)
    zone_path = os.path.join(args.out_dir, origin + "zone")
    names, count, last = write_zone(zone_path, origin, args.names, args.records)
    write_queries(os.path.join(args.out_dir, "queries.txt"), origin, names, args.queries,
                  random.Random(args.seed))
    with open(os.path.join(args.out_dir, "last.txt"), "w") as f:
        f.write(f"{last[0]}.{origin} {last[1]}\n")
    print(f"zone {zone_path}: {names} generated names, {count} records; "
          f"{args.queries} queries in {args.out_dir}/queries.txt", file=sys.stderr)


if __name__ == "__main__":
    main()
