"""Shared helpers for gitns integration tests, the differential test and the benchmarks.

Starts gitnsd, knotd and nsd on 127.0.0.1 high ports, each with its own temporary
directory, waits until they answer, and makes sure they are gone when the test exits
(atexit, and PR_SET_PDEATHSIG so a test killed by a ctest timeout leaves nothing behind).
Also: raw UDP/TCP exchanges, dnspython query shortcuts and a tiny test runner that prints
the closing line `N passed, N failed`.

Run as a program it starts one server and keeps it in the foreground (used by bench/):
    gitns_testlib.py serve knot --zone example.com.=/path/example.com.zone --port 5300
    gitns_testlib.py wait --port 5300 --qname last.example.com. --qtype A --timeout 300
Needs /usr/bin/python3 (Debian's dnspython).
"""

import argparse
import atexit
import ctypes
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype

LOOPBACK = "127.0.0.1"

# --------------------------------------------------------------------------------------
# Ports


def free_port(exclude=()):
    """A port that is free for both UDP and TCP on 127.0.0.1 right now.

    Picks from 20000-59999 at random rather than letting the kernel choose: kernel-chosen
    ports come from the ephemeral range, where a client socket of a parallel test may land
    on it between our check and the server's bind.
    """
    rng = random.Random(os.getpid() ^ time.monotonic_ns())
    for _ in range(200):
        port = rng.randrange(20000, 60000)
        if port in exclude or port == 5353:
            continue
        if _port_free(port):
            return port
    raise RuntimeError("no free UDP+TCP port found on 127.0.0.1 in 20000-59999")


def _port_free(port):
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind((LOOPBACK, port))
        except OSError:
            return False
        finally:
            s.close()
    return True


# --------------------------------------------------------------------------------------
# Processes

_live_servers = []


def _pdeathsig():
    """Runs in the child before exec: die with SIGKILL when the test process dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _stop_all():
    for server in list(_live_servers):
        try:
            server.stop()
        except Exception:  # noqa: BLE001 - best effort at exit; report and go on
            traceback.print_exc()


atexit.register(_stop_all)


def _sigterm_to_exit(signum, _frame):
    # SIGTERM (ctest, a benchmark's kill) runs atexit handlers through SystemExit.
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _sigterm_to_exit)


class ServerError(RuntimeError):
    pass


class Server:
    """One DNS server process on 127.0.0.1:port with a private temporary directory."""

    name = "server"

    def __init__(self, port=None, probe=None):
        self.port = port or free_port()
        # (qname, qtype) whose NOERROR answer means the server is ready.
        self.probe = probe
        self.workdir = tempfile.mkdtemp(prefix=f"gitns-{self.name}-")
        self.proc = None
        self.log_path = os.path.join(self.workdir, f"{self.name}.log")
        self._log = None
        self.returncode = None

    # Subclasses: the command line (after writing their config into self.workdir).
    def command(self):
        raise NotImplementedError

    def start(self, wait=True, timeout=30.0):
        cmd = self.command()
        self._log = open(self.log_path, "wb")
        self.started_at = time.monotonic()  # after config and zone copies: load time
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                cwd=self.workdir, start_new_session=True, preexec_fn=_pdeathsig)
        except FileNotFoundError as e:
            raise ServerError(f"cannot run {cmd[0]}: {e.strerror}; the peers come from "
                              "Debian packages knot and nsd (ci/install-deps.sh)") from e
        _live_servers.append(self)
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=30.0):
        """Polls until the probe query gets a NOERROR answer; raises with the log if not."""
        deadline = time.monotonic() + timeout
        qname, qtype = self.probe
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(
                    f"{self.name} exited with code {self.proc.returncode} before answering "
                    f"on port {self.port}; its output:\n{self.log()}")
            r = probe(self.port, qname, qtype)
            if r is not None and r.rcode() == dns.rcode.NOERROR and r.answer:
                return
            time.sleep(0.01)
        raise ServerError(
            f"{self.name} did not answer {qname} {qtype} with NOERROR on port {self.port} "
            f"within {timeout} s; its output:\n{self.log()}")

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def zone_file(self, origin):
        """The file the server reads for origin (peers read a copy in their workdir)."""
        return os.path.join(self.workdir, "zones", origin.rstrip(".") + ".zone")

    def pid(self):
        return self.proc.pid if self.proc else None

    def pids(self):
        """The server's process and its descendants (NSD forks workers)."""
        if not self.proc:
            return []
        return [self.proc.pid] + _descendants(self.proc.pid)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, signum):
        self.proc.send_signal(signum)

    def reload(self):
        self.signal(signal.SIGHUP)

    def stop(self, timeout=10.0):
        """SIGTERM, then SIGKILL after `timeout`; returns the exit code (negative: signal)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.returncode = self.proc.returncode
        # Workers of a server whose main process is gone (NSD) go with the group.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self in _live_servers:
            _live_servers.remove(self)
        if self._log:
            self._log.close()
            self._log = None
        if not os.environ.get("GITNS_KEEP_TMP"):
            shutil.rmtree(self.workdir, ignore_errors=True)
        return self.returncode

    def sanitizer_report(self):
        """Any AddressSanitizer/UBSan/LeakSanitizer report in the server's output."""
        text = self.log()
        m = re.search(r"(==\d+==ERROR: \w+Sanitizer.*|.*runtime error:.*)", text)
        if not m:
            return None
        return text[m.start():m.start() + 4000]


def _descendants(pid):
    out = []
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        return out
    for c in children:
        out.append(c)
        out.extend(_descendants(c))
    return out


def origin_of(path):
    """A zone file's origin as gitnsd derives it: the file name without `.zone`."""
    base = os.path.basename(path)
    if base.endswith(".zone"):
        base = base[: -len(".zone")]
    return base.rstrip(".") + "."


def zones_in_dir(zone_dir):
    """{origin: absolute path} for every *.zone file directly in zone_dir."""
    return {origin_of(f): os.path.abspath(os.path.join(zone_dir, f))
            for f in sorted(os.listdir(zone_dir)) if f.endswith(".zone")}


class Gitnsd(Server):
    name = "gitnsd"

    def __init__(self, binary, zones=None, zone_dir=None, port=None, threads=None,
                 extra_args=(), probe=None):
        """zones: list of FILE or ORIGIN=FILE strings, or a {origin: file} dict."""
        if isinstance(zones, dict):
            zones = [f"{o}={p}" for o, p in zones.items()]
        self.binary = os.path.abspath(binary)
        # The server runs in its temporary directory: make every path absolute.
        self.zones = [_abs_zone_arg(z) for z in (zones or [])]
        self.zone_dir = zone_dir
        self.threads = threads
        self.extra_args = list(extra_args)
        if probe is None:
            probe = (_first_origin(self.zones, zone_dir), "SOA")
        super().__init__(port, probe)

    def zone_file(self, origin):
        for z in self.zones:
            if "=" in z and z.split("=", 1)[0].rstrip(".") + "." == origin:
                return z.split("=", 1)[1]
            if "=" not in z and origin_of(z) == origin:
                return z
        return zones_in_dir(self.zone_dir)[origin]

    def command(self):
        cmd = [self.binary]
        for z in self.zones:
            cmd += ["--zone", z]
        if self.zone_dir:
            cmd += ["--zone-dir", os.path.abspath(self.zone_dir)]
        cmd += ["--listen", f"{LOOPBACK}:{self.port}"]
        if self.threads:
            cmd += ["--threads", str(self.threads)]
        return cmd + self.extra_args


def _abs_zone_arg(z):
    if "=" in z:
        origin, path = z.split("=", 1)
        return f"{origin}={os.path.abspath(path)}"
    return os.path.abspath(z)


def _first_origin(zones, zone_dir):
    if zones:
        z = zones[0]
        return z.split("=", 1)[0] if "=" in z else origin_of(z)
    if zone_dir:
        origins = list(zones_in_dir(zone_dir))
        if origins:
            return origins[0]
    raise ValueError("no zone given: cannot build a readiness probe")


class Knotd(Server):
    """knotd with a minimal config (NOTES.md): zone files copied into its storage folder,
    never written back (zonefile-sync -1), no journal."""

    name = "knotd"

    def __init__(self, zones, port=None, workers=None, probe=None, config_extra=""):
        self.zones = dict(zones)  # {origin: path}
        self.workers = workers
        self.config_extra = config_extra
        if probe is None:
            probe = (next(iter(self.zones)), "SOA")
        super().__init__(port, probe)

    def command(self):
        storage = os.path.join(self.workdir, "zones")
        os.makedirs(storage)
        for origin, path in self.zones.items():
            _copy_zone(path, os.path.join(storage, origin.rstrip(".") + ".zone"))
        workers = ""
        if self.workers:
            workers = (f"    udp-workers: {self.workers}\n"
                       f"    tcp-workers: {self.workers}\n")
        zones = "".join(f"  - domain: {o}\n" for o in self.zones)
        conf = (
            "server:\n"
            f"    rundir: {self.workdir}\n"
            f"    listen: {LOOPBACK}@{self.port}\n"
            f"{workers}"
            "database:\n"
            f"    storage: {self.workdir}/db\n"
            "log:\n"
            "  - target: stderr\n"
            "    any: info\n"
            "template:\n"
            "  - id: default\n"
            f"    storage: {storage}\n"
            "    file: \"%s.zone\"\n"
            "    zonefile-sync: -1\n"
            "    zonefile-load: whole\n"
            "    journal-content: none\n"
            f"{self.config_extra}"
            "zone:\n"
            f"{zones}")
        self.config_path = os.path.join(self.workdir, "knot.conf")
        with open(self.config_path, "w") as f:
            f.write(conf)
        return ["knotd", "-c", self.config_path]


class Nsd(Server):
    """nsd in the foreground (-d) with RRL off (Debian enables it; NOTES.md)."""

    name = "nsd"

    def __init__(self, zones, port=None, server_count=1, probe=None, config_extra=""):
        self.zones = dict(zones)
        self.server_count = server_count
        self.config_extra = config_extra
        if probe is None:
            probe = (next(iter(self.zones)), "SOA")
        super().__init__(port, probe)

    def command(self):
        storage = os.path.join(self.workdir, "zones")
        os.makedirs(storage)
        zone_lines = ""
        for origin, path in self.zones.items():
            name = origin.rstrip(".") + ".zone"
            _copy_zone(path, os.path.join(storage, name))
            zone_lines += f"zone:\n    name: {origin}\n    zonefile: {name}\n"
        w = self.workdir
        conf = (
            "server:\n"
            f"    ip-address: {LOOPBACK}@{self.port}\n"
            f"    port: {self.port}\n"
            "    username: \"\"\n"
            "    chroot: \"\"\n"
            f"    zonesdir: {storage}\n"
            f"    pidfile: {w}/nsd.pid\n"
            "    database: \"\"\n"
            f"    xfrdfile: {w}/xfrd.state\n"
            f"    zonelistfile: {w}/zone.list\n"
            f"    xfrdir: {w}\n"
            "    verbosity: 1\n"
            f"    server-count: {self.server_count}\n"
            f"    reuseport: {'yes' if self.server_count > 1 else 'no'}\n"
            "    rrl-ratelimit: 0\n"
            "    hide-version: yes\n"
            f"{self.config_extra}"
            "remote-control:\n"
            "    control-enable: no\n"
            f"{zone_lines}")
        self.config_path = os.path.join(self.workdir, "nsd.conf")
        with open(self.config_path, "w") as f:
            f.write(conf)
        return ["nsd", "-d", "-c", self.config_path]


def _copy_zone(src, dst):
    """Copies a zone file and the include/ folder beside it ($INCLUDE is relative)."""
    shutil.copyfile(src, dst)
    inc = os.path.join(os.path.dirname(os.path.abspath(src)), "include")
    dst_inc = os.path.join(os.path.dirname(dst), "include")
    if os.path.isdir(inc) and not os.path.exists(dst_inc):
        shutil.copytree(inc, dst_inc)


# --------------------------------------------------------------------------------------
# Queries


def make_query(qname, qtype, edns=None, payload=1232, do=False, rd=False, qid=None):
    """A query message. edns=None: no OPT (unless do=True); edns=0: OPT version 0."""
    if do and edns is None:
        edns = 0
    q = dns.message.make_query(qname, qtype)
    if edns is None:
        q.use_edns(False)
    else:
        # make_query(use_edns=1) would quietly send version 0: set it explicitly.
        q.use_edns(edns, ednsflags=dns.flags.DO if do else 0, payload=payload)
    if not rd:
        q.flags &= ~dns.flags.RD
    if qid is not None:
        q.id = qid
    return q


def send(port, q, tcp=False, timeout=2.0):
    """Sends a message and returns the parsed response (raises dns.exception.Timeout)."""
    if tcp:
        return dns.query.tcp(q, LOOPBACK, port=port, timeout=timeout)
    return dns.query.udp(q, LOOPBACK, port=port, timeout=timeout, ignore_trailing=False)


def query(port, qname, qtype, tcp=False, timeout=2.0, **kw):
    return send(port, make_query(qname, qtype, **kw), tcp=tcp, timeout=timeout)


def try_query(port, qname, qtype, timeout=0.5, **kw):
    """Like query() but None on timeout or connection errors."""
    try:
        return query(port, qname, qtype, timeout=timeout, **kw)
    except (dns.exception.Timeout, OSError, dns.exception.DNSException):
        return None


def probe(port, qname, qtype, timeout=0.5):
    """One UDP query on a connected socket: while nothing listens the kernel's ICMP port
    unreachable ends it at once (ECONNREFUSED), so polling a starting server is fine-grained
    without short timeouts. Returns the parsed reply or None."""
    q = make_query(qname, qtype)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.connect((LOOPBACK, port))
            s.send(q.to_wire())
            data = s.recv(65535)
        except (ConnectionRefusedError, socket.timeout, OSError):
            return None
    try:
        r = dns.message.from_wire(data)
    except dns.exception.DNSException:
        return None
    return r if r.id == q.id else None


def udp_raw(port, payload, timeout=1.0):
    """Sends raw bytes over UDP; returns the raw reply or None on timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(payload, (LOOPBACK, port))
        try:
            data, _ = s.recvfrom(65535)
            return data
        except socket.timeout:
            return None


def parse_header(data):
    """The 12-byte DNS header as a dict (dnspython refuses unknown opcodes), or None."""
    if data is None or len(data) < 12:
        return None
    qid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", data[:12])
    return {"id": qid, "qr": bool(flags & 0x8000), "opcode": (flags >> 11) & 0xF,
            "aa": bool(flags & 0x0400), "tc": bool(flags & 0x0200),
            "rd": bool(flags & 0x0100), "ra": bool(flags & 0x0080), "rcode": flags & 0xF,
            "qdcount": qd, "ancount": an, "nscount": ns, "arcount": ar}


def tcp_raw(port, payload, timeout=1.0, frame=True):
    """Sends bytes over a new TCP connection (length-framed unless frame=False); returns
    the first framed reply, or None when the server closes or stays silent."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as s:
        s.sendall(struct.pack("!H", len(payload)) + payload if frame else payload)
        try:
            return _read_frame(s)
        except (socket.timeout, ConnectionError):
            return None


def _read_frame(s):
    head = _read_exact(s, 2)
    if head is None:
        return None
    (length,) = struct.unpack("!H", head)
    return _read_exact(s, length)


def _read_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def tcp_pipeline(port, messages, timeout=2.0):
    """Writes several framed queries at once on one connection and reads as many replies."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as s:
        s.sendall(b"".join(struct.pack("!H", len(m)) + m for m in messages))
        return [_read_frame(s) for _ in messages]


# --------------------------------------------------------------------------------------
# Command-line DNS clients


def run_tool(args, timeout=15.0):
    """Runs dig/kdig; returns (returncode, stdout)."""
    p = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def parse_tool_output(text):
    """Status, flags and answer lines from dig or kdig output (their formats differ)."""
    status = re.search(r"status: (\w+)", text, re.I)
    flags = re.search(r";; flags: ([a-z ]*);", text, re.I)
    sections = {}
    current = None
    for line in text.splitlines():
        m = re.match(r";; (\w+) SECTION:", line, re.I)
        if m:
            current = m.group(1).upper()
            sections[current] = []
            continue
        if current and line.strip() and not line.startswith(";"):
            sections[current].append(line.split())
        elif not line.strip():
            current = None
    return {
        "status": status.group(1).upper() if status else None,
        "flags": set(flags.group(1).lower().split()) if flags else set(),
        "sections": sections,
    }


# --------------------------------------------------------------------------------------
# A small test runner: `N passed, N failed` is the closing line ctest logs show.


class Runner:
    def __init__(self):
        self.cases = []
        self.skipped = []

    def case(self, fn):
        self.cases.append(fn)
        return fn

    def run(self, only=None):
        passed = failed = 0
        for fn in self.cases:
            if only and not re.search(only, fn.__name__):
                continue
            start = time.monotonic()
            try:
                fn()
            except SkipCase as e:
                self.skipped.append(fn.__name__)
                print(f"SKIP {fn.__name__}: {e}", flush=True)
                continue
            except Exception:  # noqa: BLE001 - a failing case must not stop the others
                failed += 1
                print(f"FAIL {fn.__name__}", flush=True)
                traceback.print_exc()
                sys.stdout.flush()
                continue
            passed += 1
            print(f"ok   {fn.__name__} ({time.monotonic() - start:.2f} s)", flush=True)
        line = f"{passed} passed, {failed} failed"
        if self.skipped:
            line += f", {len(self.skipped)} skipped"
        print(line, flush=True)
        return 0 if failed == 0 and passed > 0 else 1


class SkipCase(Exception):
    pass


def check(cond, message):
    """assert that survives `python -O` and says what was expected."""
    if not cond:
        raise AssertionError(message)


# --------------------------------------------------------------------------------------
# CLI for the benchmark scripts


def _parse_zone_args(values):
    zones = {}
    for v in values:
        if "=" in v:
            origin, path = v.split("=", 1)
            zones[origin.rstrip(".") + "."] = os.path.abspath(path)
        else:
            zones[origin_of(v)] = os.path.abspath(v)
    return zones


def _cli_serve(args):
    zones = _parse_zone_args(args.zone)
    probe = (args.probe_name, args.probe_type) if args.probe_name else None
    if args.server == "gitnsd":
        server = Gitnsd(args.gitnsd, zones=zones, port=args.port, threads=args.threads,
                        probe=probe)
    elif args.server == "knot":
        server = Knotd(zones, port=args.port, workers=args.threads, probe=probe)
    else:
        server = Nsd(zones, port=args.port, server_count=args.threads or 1, probe=probe)
    server.start(wait=not args.no_wait, timeout=args.timeout)
    # seconds: from exec to the first NOERROR answer to the probe (the load time).
    print(f"ready server={args.server} pid={server.pid()} port={server.port} "
          f"seconds={time.monotonic() - server.started_at:.3f}", flush=True)
    # Stay in the foreground until told to stop; the server goes with us.
    try:
        while server.alive():
            time.sleep(0.2)
        print(f"{args.server} exited with code {server.proc.returncode}:\n{server.log()}",
              file=sys.stderr)
        return 1
    finally:
        server.stop()


def _cli_wait(args):
    """Polls one name until it answers NOERROR with an answer; prints seconds waited."""
    t0 = time.monotonic()
    deadline = t0 + args.timeout
    while time.monotonic() < deadline:
        r = probe(args.port, args.qname, args.qtype)
        if r is not None and r.rcode() == dns.rcode.NOERROR and r.answer:
            print(f"{time.monotonic() - t0:.3f}")
            return 0
        time.sleep(args.interval)
    print(f"no NOERROR answer for {args.qname} {args.qtype} on port {args.port} "
          f"within {args.timeout} s", file=sys.stderr)
    return 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="start one server and stay in the foreground")
    s.add_argument("server", choices=["gitnsd", "knot", "nsd"])
    s.add_argument("--zone", action="append", required=True, help="FILE or ORIGIN=FILE")
    s.add_argument("--port", type=int)
    s.add_argument("--threads", type=int)
    s.add_argument("--gitnsd", help="path of the gitnsd binary")
    s.add_argument("--timeout", type=float, default=600)
    s.add_argument("--no-wait", action="store_true")
    s.add_argument("--probe-name")
    s.add_argument("--probe-type", default="A")
    w = sub.add_parser("wait", help="poll until a name answers")
    w.add_argument("--port", type=int, required=True)
    w.add_argument("--qname", required=True)
    w.add_argument("--qtype", default="A")
    w.add_argument("--timeout", type=float, default=600)
    w.add_argument("--interval", type=float, default=0.01)
    sub.add_parser("free-port", help="print a free UDP+TCP port")
    args = ap.parse_args(argv)
    if args.cmd == "serve":
        if args.server == "gitnsd" and not args.gitnsd:
            ap.error("serve gitnsd needs --gitnsd PATH")
        return _cli_serve(args)
    if args.cmd == "wait":
        return _cli_wait(args)
    if args.cmd == "free-port":
        print(free_port())
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
