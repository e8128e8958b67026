#!/bin/sh
# Installs the Debian packages exabench needs (idempotent). As root it runs apt-get; otherwise it
# prints the one apt-get line to run. EXA_SKIP_DEPS=1 skips the check (offline or non-Debian).
set -eu
PACKAGES="build-essential pkg-config make python3 openmpi-bin libopenmpi-dev libopenblas-dev
liblapacke-dev libjansson-dev libsqlite3-dev sqlite3 libpapi-dev papi-tools gnuplot-nox libyaml-dev
libcmocka-dev libssl-dev slurm-wlm munge procps pandoc man-db clang-14 libfuzzer-14-dev
hpcc"

[ "${EXA_SKIP_DEPS:-0}" = 1 ] && exit 0
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: not a Debian system; install the equivalents of: $(echo $PACKAGES)" >&2
    exit 0
fi
missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages; run as root:" >&2
    echo "  apt-get install -y$missing" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
