#!/usr/bin/env bash
# Installs every Debian package that building, testing and benchmarking gitns needs.
# Idempotent; safe to run on a fresh Debian 12 machine as root (or with sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
  build-essential cmake ninja-build ccache lld clang libclang-rt-14-dev pkg-config git \
  libboost-dev libboost-system-dev libssl-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  libgit2-dev libyaml-cpp-dev nlohmann-json3-dev libvalijson-dev libpoco-dev liblmdb-dev \
  knot knot-dnsutils knot-dnssecutils nsd bind9-dnsutils ldnsutils dnsperf sysstat wrk \
  python3 python3-dnspython iproute2 procps openssh-server openssh-client \
  chromium

# Browser tests (tests/browser): playwright-core from the npm registry, pinned by
# package-lock.json, drives Debian's chromium above (it never downloads a browser).
# node_modules stays out of git.
if ! command -v npm >/dev/null; then
  echo "install-deps: npm is missing (the machine's Node.js provides it); the browser tests need it" >&2
  exit 1
fi
(cd "$(dirname "$0")/../tests/browser" && npm ci --no-audit --no-fund)
