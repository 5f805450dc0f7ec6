#!/usr/bin/env bash
# Throwaway PostgreSQL cluster on 127.0.0.1 for the test suite (Debian's postgresql package).
#
#   URL=$(scripts/pg.sh start DIR)   # initialise DIR (created if missing), start, print the URL
#   scripts/pg.sh stop DIR           # stop the server and delete DIR
#
# Root-safe: as root the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }

bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && { echo "$dir"; return; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return; }
    die "PostgreSQL server binaries not found (apt-get install postgresql)"
}

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local dir=$1 bin port
    bin=$(bindir)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$dir"
        runuser -u postgres -- test -w "$dir" || die "user postgres cannot reach $dir (make its parents world-searchable)"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    port=$(free_port)
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null \
        || { cat "$dir/server.log" >&2; die "server did not start"; }
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
}

stop() {
    local dir=$1 bin
    bin=$(bindir)
    [[ -d "$dir/data" ]] || die "no cluster in $dir"
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
    rm -rf "$dir"
}

case "${1:-}" in
    start) [[ $# -eq 2 ]] || die "usage: pg.sh start DIR"; start "$2" ;;
    stop) [[ $# -eq 2 ]] || die "usage: pg.sh stop DIR"; stop "$2" ;;
    *) die "usage: pg.sh start DIR | pg.sh stop DIR" ;;
esac
