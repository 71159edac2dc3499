#!/usr/bin/env python3
"""Fails when an #include crosses the dependency rules of DESIGN.md.

Rules checked:
  * each resolver/ module includes only the modules listed for it below;
  * each controller/ module listed in CONTROLLER_DEPS includes only the controller/
    modules listed for it (controller/http, the Poco layer, knows none of the others);
  * resolver/ never includes controller/;
  * each third-party library is included only from the folders that own it;
  * public headers (.h under resolver/ and controller/) include no third-party header
    (nlohmann/json is the project's JSON type and is allowed).
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()

# module -> modules it may include (besides itself)
RESOLVER_DEPS = {
    "base": set(),
    "wire": {"base"},
    "crypto": {"base", "wire"},
    "zone": {"base", "wire"},
    "store": {"base", "wire", "zone"},
    "auth": {"base", "wire", "zone"},
    "dnssec": {"base", "wire", "crypto", "zone"},
    "xfr": {"base", "wire", "crypto", "zone", "store"},
    "catalog": {"base", "wire", "zone"},
    "blocklist": {"base", "wire"},
    "recursor": {"base", "wire", "crypto", "dnssec", "zone"},
    "pipeline": {"base", "wire", "zone", "auth", "recursor", "blocklist"},
    "server": {"base", "wire", "crypto", "zone", "auth", "pipeline", "xfr"},
}

# controller module -> controller modules it may include (besides itself); modules not
# listed (daemon: the wiring) are not checked. cli is a client: it never includes the
# server side (api, daemon), only controller/http's client among http's headers.
CONTROLLER_DEPS = {
    "git": set(),
    "manifest": set(),
    "http": set(),
    "reconcile": {"git", "manifest"},
    "api": {"http", "reconcile", "manifest", "git"},
    "cli": {"http", "reconcile", "manifest", "git"},
}

# third-party include prefix -> folders (relative to ROOT) allowed to include it
THIRD_PARTY = {
    "openssl/": ["resolver/crypto", "resolver/server", "controller/http"],
    "boost/asio": ["resolver/server", "resolver/xfr", "resolver/recursor", "controller"],
    "git2": ["controller/git"],
    "yaml-cpp/": ["controller/manifest"],
    "valijson/": ["controller/manifest"],
    "Poco/": ["controller/http"],
    "lmdb.h": ["resolver/store"],
}
HEADER_ALLOWED_THIRD_PARTY = ("nlohmann/",)

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def module_of(rel):
    parts = rel.split("/")
    if parts[0] == "resolver" and len(parts) > 2:
        return parts[1]
    return None


def check_file(rel, errors):
    with open(os.path.join(ROOT, rel), encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            m = INCLUDE_RE.match(line)
            if not m:
                continue
            target = m.group(2)
            where = f"{rel}:{lineno}"
            if rel.startswith("resolver/") and target.startswith("controller/"):
                errors.append(f"{where}: resolver/ must not include controller/ ({target})")
            mod = module_of(rel)
            if mod is not None and target.startswith("resolver/"):
                tparts = target.split("/")
                tmod = tparts[1] if len(tparts) > 2 else None
                if mod not in RESOLVER_DEPS:
                    errors.append(f"{where}: module resolver/{mod} is not listed in check_layering.py")
                elif tmod is not None and tmod != mod and tmod not in RESOLVER_DEPS[mod]:
                    errors.append(f"{where}: resolver/{mod} may not include resolver/{tmod} ({target})")
                elif tmod is None and target == "resolver/engine.h":
                    errors.append(f"{where}: resolver/{mod} may not include the engine facade")
            parts = rel.split("/")
            if parts[0] == "controller" and len(parts) > 2 and parts[1] in CONTROLLER_DEPS:
                tparts = target.split("/")
                if tparts[0] == "controller" and len(tparts) > 2 and tparts[1] != parts[1] \
                        and tparts[1] not in CONTROLLER_DEPS[parts[1]]:
                    errors.append(f"{where}: controller/{parts[1]} may not include "
                                  f"controller/{tparts[1]} ({target})")
            for prefix, owners in THIRD_PARTY.items():
                if target.startswith(prefix):
                    if not any(rel.startswith(o + "/") for o in owners):
                        errors.append(f"{where}: {target} may only be included under {', '.join(owners)}")
                    if rel.endswith(".h") and not target.startswith(HEADER_ALLOWED_THIRD_PARTY):
                        errors.append(f"{where}: public header includes third-party {target}")


def main():
    errors = []
    checked = 0
    for top in ("resolver", "controller"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for fn in files:
                if fn.endswith((".h", ".cpp", ".hpp", ".cc")):
                    rel = os.path.relpath(os.path.join(dirpath, fn), ROOT)
                    check_file(rel, errors)
                    checked += 1
    for e in errors:
        print(e)
    print(f"layering: {checked} files checked, {len(errors)} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
