#!/usr/bin/env bash
# Installs what building and testing pg_tviews needs on Debian bookworm, then builds and installs
# the extension. Idempotent: when every package is already present apt is not touched, so a rerun
# costs only an incremental build. Run as root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

# Server, headers for PGXS, client tools (psql, pg_regress, pg_isolation_regress), Perl's
# IPC::Run for TAP tests, libpq for the fuzzer, a C++20 compiler and GoogleTest (libgtest-dev
# ships static libgtest.a / libgtest_main.a on bookworm).
PACKAGES=(
    postgresql-15
    postgresql-server-dev-15
    postgresql-client-15
    libipc-run-perl
    libpq-dev
    build-essential
    g++
    make
    libgtest-dev
    googletest
)

# Prints the packages from PACKAGES that dpkg does not report as installed.
missing_packages() {
    local pkg status
    for pkg in "${PACKAGES[@]}"; do
        status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
        [[ "$status" == "installed" ]] || echo "$pkg"
    done
}

install_packages() {
    local missing
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} == 0)); then
        log "all packages present, skipping apt"
        return
    fi
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y "${missing[@]}" </dev/null
}

# PG_CONFIG is pinned so that another installed server-dev version cannot be picked by
# /usr/bin/pg_config.
build_extension() {
    log "building and installing pg_tviews"
    make -C "$ROOT" -s -j2 PG_CONFIG="$PGBIN/pg_config"
    make -C "$ROOT" -s install PG_CONFIG="$PGBIN/pg_config"
}

main() {
    require_root
    install_packages
    build_extension
    log "setup done"
}

main "$@"
