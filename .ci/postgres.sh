# Sourced by .ci/run: a PostgreSQL server for the web app's tests (PARINDEX_TEST_POSTGRES).
#
# When PARINDEX_TEST_POSTGRES already names a server, it is used and nothing is started.
# Else Debian's postgresql is installed when missing, and a throwaway cluster is made in a
# temporary folder: owned by the postgres user, listening on 127.0.0.1 only on a free port,
# password authentication with a password made at run time (no secret in the repository),
# UTF-8. It is stopped and deleted at exit, and so is any cluster the install itself started;
# a cluster that was running before is left alone.

PARINDEX_PG_DIR=
PARINDEX_PG_BIN=
PARINDEX_PG_STARTED_BY_INSTALL=()

stop_test_postgres() {
    if [ -n "$PARINDEX_PG_DIR" ]; then
        runuser -u postgres -- "$PARINDEX_PG_BIN/pg_ctl" -D "$PARINDEX_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PARINDEX_PG_DIR"
        PARINDEX_PG_DIR=
    fi
    local cluster
    for cluster in "${PARINDEX_PG_STARTED_BY_INSTALL[@]}"; do
        # shellcheck disable=SC2086 # "version name"
        pg_ctlcluster $cluster stop >/dev/null 2>&1 || true
    done
    PARINDEX_PG_STARTED_BY_INSTALL=()
}

start_test_postgres() {
    if [ -n "${PARINDEX_TEST_POSTGRES:-}" ]; then
        echo "PostgreSQL: the server PARINDEX_TEST_POSTGRES names"
        return
    fi
    if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
        local before
        before=$(pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {print $1 " " $2}' || true)
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        # Debian's package makes a cluster "main" and may start it: that one is ours to stop.
        local cluster
        while read -r cluster; do
            [ -n "$cluster" ] && ! grep -qxF "$cluster" <<<"$before" && PARINDEX_PG_STARTED_BY_INSTALL+=("$cluster")
        done < <(pg_lsclusters -h | awk '$4 == "online" {print $1 " " $2}')
    fi
    PARINDEX_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

    PARINDEX_PG_DIR=$(mktemp -d /tmp/parindex-ci-postgres.XXXXXX)
    chmod 700 "$PARINDEX_PG_DIR"
    chown postgres: "$PARINDEX_PG_DIR"
    local password port
    password=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
    (umask 077 && printf '%s\n' "$password" >"$PARINDEX_PG_DIR/password")
    chown postgres: "$PARINDEX_PG_DIR/password"
    runuser -u postgres -- "$PARINDEX_PG_BIN/initdb" -D "$PARINDEX_PG_DIR/data" -U parindex \
        --pwfile="$PARINDEX_PG_DIR/password" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$PARINDEX_PG_DIR/password"
    # A free port on the loopback address.
    port=
    local p
    for p in $(seq 54320 54420); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            port=$p
            break
        fi
    done
    [ -n "$port" ] || { echo "PostgreSQL: no free port in 54320-54420" >&2; return 1; }
    # fsync off: a throwaway cluster, rebuilt at every run.
    runuser -u postgres -- "$PARINDEX_PG_BIN/pg_ctl" -D "$PARINDEX_PG_DIR/data" -l "$PARINDEX_PG_DIR/log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PARINDEX_PG_DIR -c fsync=off -c max_connections=200" \
        start >/dev/null
    export PARINDEX_TEST_POSTGRES="postgres://parindex:$password@127.0.0.1:$port/postgres"
    echo "PostgreSQL: a throwaway cluster on 127.0.0.1:$port ($("$PARINDEX_PG_BIN/postgres" --version))"
}
