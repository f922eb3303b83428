#!/usr/bin/env bash
# A throwaway, PostgreSQL-backed Rally cluster on this machine: one PostgreSQL server, N Rally.Silo
# processes and M Rally.Api fronts (Orleans clients) on free loopback ports.
#
#   deploy/local-cluster.sh [start] [--silos N] [--apis M] [--no-build] [--configuration C] [--detach]
#   deploy/local-cluster.sh status
#   deploy/local-cluster.sh add silo|api          # scale up: one more process, waits until it is ready
#   deploy/local-cluster.sh remove silo|api N     # scale down: stops that one gracefully (SIGTERM)
#   deploy/local-cluster.sh stop                  # stops everything it started, from any shell
#
# `start` builds Rally.Api and Rally.Silo once (Release unless --configuration says otherwise; skip it
# with --no-build), starts PostgreSQL from the installed binaries (as the postgres user when run as
# root), starts the processes, waits until every one answers /health/ready, prints their URLs and the
# operator key (random, made for this run), then stays in the foreground until Ctrl-C — or returns at
# once with --detach — and stops everything it started on the way out.
#
# State (PIDs, ports, keys, logs) lives in $RALLY_LOCAL_CLUSTER_DIR, by default .local-cluster/ in the
# repository (ignored by git); PostgreSQL's data lives in a mktemp folder named there, removed by stop.
# Other Rally__* settings in the environment (e.g. membership tuning) reach every process unchanged.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO
readonly STATE_DIR="${RALLY_LOCAL_CLUSTER_DIR:-$REPO/.local-cluster}"
readonly STATE="$STATE_DIR/state"
readonly LOGS="$STATE_DIR/logs"
readonly PORTS="$STATE_DIR/ports"
READY_TIMEOUT="${RALLY_LOCAL_CLUSTER_TIMEOUT:-120}"
readonly STOP_TIMEOUT=20

usage() {
    sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
    echo "local-cluster: $*" >&2
    exit 1
}

log() {
    echo "local-cluster: $*" >&2
}

# --- state file: one key=value a line, never sourced -------------------------------------------------

state_get() {
    local line
    line="$(grep -m1 "^$1=" "$STATE" 2>/dev/null || true)"
    printf '%s' "${line#*=}"
}

state_set() {
    local tmp="$STATE.tmp"
    { grep -v "^$1=" "$STATE" 2>/dev/null || true; printf '%s=%s\n' "$1" "$2"; } > "$tmp"
    mv "$tmp" "$STATE"
}

state_unset_prefix() {
    local tmp="$STATE.tmp"
    { grep -v "^$1" "$STATE" 2>/dev/null || true; } > "$tmp"
    mv "$tmp" "$STATE"
}

# The indexes of the processes of one kind (silo or api) recorded in the state file, in order.
indexes() {
    grep -o "^$1_[0-9]*_pid=" "$STATE" 2>/dev/null | sed "s/^$1_\([0-9]*\)_pid=/\1/" | sort -n || true
}

# --- processes -----------------------------------------------------------------------------------------

# True while the process runs (a zombie waiting for its parent to reap it has exited).
alive() {
    local pid="$1" stat
    [[ -n "$pid" ]] || return 1
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat:0:1}" != "Z" ]]
}

# True when the PID is still the Rally process this script started (PIDs get reused).
is_ours() {
    local pid="$1" dll="$2"
    alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$dll"
}

# SIGTERM (graceful: a silo leaves the cluster and its grains move), then SIGKILL after STOP_TIMEOUT.
terminate() {
    local pids=("$@") pid deadline
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    deadline=$((SECONDS + STOP_TIMEOUT))
    for pid in "${pids[@]}"; do
        while alive "$pid" && ((SECONDS < deadline)); do
            sleep 0.1
        done
        if alive "$pid"; then
            log "pid $pid did not stop within ${STOP_TIMEOUT}s: killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
}

# A loopback port nothing listens on, never one handed out before in this run (recorded in $PORTS).
# Below the kernel's ephemeral range, so that no outgoing connection takes it before the process binds.
free_port() {
    local port taken low=32768
    taken=" $(if [[ -f "$PORTS" ]]; then tr '\n' ' ' < "$PORTS"; fi) "
    read -r low _ 2>/dev/null < /proc/sys/net/ipv4/ip_local_port_range || true
    ((low > 11000)) || low=32768
    while true; do
        port=$((10000 + RANDOM % (low - 10000)))
        [[ "$taken" == *" $port "* ]] && continue
        # Something answers there: taken.
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            continue
        fi
        if command -v ss >/dev/null && ss -Htan "sport = :$port" 2>/dev/null | grep -q .; then
            continue
        fi
        echo "$port" >> "$PORTS"
        echo "$port"
        return
    done
}

http_status() {
    curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || echo 000
}

random_key() {
    # 32 random bytes as hex: 64 characters, enough for every Rally key.
    od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
}

# --- PostgreSQL ------------------------------------------------------------------------------------------

pg_bin() {
    local program="$1" candidate
    if command -v "$program" >/dev/null; then
        command -v "$program"
        return
    fi
    for candidate in /usr/lib/postgresql/*/bin/"$program"; do
        if [[ -x "$candidate" ]]; then
            echo "$candidate"
            return
        fi
    done
    die "PostgreSQL's '$program' is neither on PATH nor in /usr/lib/postgresql/*/bin: install the PostgreSQL 15 server (Debian: apt-get install postgresql-15)."
}

as_postgres() {
    if ((EUID == 0)); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    local dir port
    dir="$(mktemp -d "${TMPDIR:-/tmp}/rally-local-pg.XXXXXX")"
    state_set pg_dir "$dir"
    if ((EUID == 0)); then
        chown postgres:postgres "$dir"
    fi
    chmod 700 "$dir"
    port="$(free_port)"
    as_postgres "$(pg_bin initdb)" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync > "$LOGS/initdb.log" 2>&1 \
        || { cat "$LOGS/initdb.log" >&2; die "initdb failed"; }
    # A throwaway server: trust auth on loopback only, no durability (nothing here outlives stop).
    as_postgres "$(pg_bin pg_ctl)" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start > "$LOGS/pg_ctl.log" 2>&1 \
        || { cat "$LOGS/pg_ctl.log" "$dir/server.log" >&2; die "PostgreSQL did not start"; }
    state_set pg_port "$port"
    "$(pg_bin psql)" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE rally" > /dev/null
    state_set connection_string "Host=127.0.0.1;Port=$port;Database=rally;Username=postgres"
}

stop_postgres() {
    local dir
    dir="$(state_get pg_dir)"
    [[ -n "$dir" ]] || return 0
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        as_postgres "$(pg_bin pg_ctl)" -D "$dir/data" -m fast -w -t 30 stop > /dev/null 2>&1 \
            || log "pg_ctl stop failed (server log: $dir/server.log)"
    fi
    # Only ever a folder this script made with mktemp.
    if [[ "$dir" == */rally-local-pg.* && ! -f "$dir/data/postmaster.pid" ]]; then
        rm -rf "$dir"
    fi
}

# --- Rally processes -------------------------------------------------------------------------------------

dll_of() {
    local project="$1"
    echo "$REPO/$project/bin/$(state_get configuration)/net10.0/$project.dll"
}

# Starts silo or api number $2 in the background and records it; does not wait for readiness.
start_process() {
    local kind="$1" index="$2" project dll url http_port pid
    [[ "$kind" == silo ]] && project=Rally.Silo || project=Rally.Api
    dll="$(dll_of "$project")"
    [[ -f "$dll" ]] || die "$dll is missing: build first (drop --no-build, or pass the --configuration you built)"
    http_port="$(free_port)"
    url="http://127.0.0.1:$http_port"
    local -a environment=(
        "ConnectionStrings__Rally=$(state_get connection_string)"
        "Rally__Pseudonyms__Key=$(state_get pseudonym_key)"
    )
    local -a arguments=("$dll")
    if [[ "$kind" == silo ]]; then
        local silo_port gateway_port
        silo_port="$(free_port)"
        gateway_port="$(free_port)"
        environment+=(
            "ASPNETCORE_URLS=$url"
            "Rally__Cluster__AdvertisedIPAddress=127.0.0.1"
            "Rally__Cluster__SiloPort=$silo_port"
            "Rally__Cluster__GatewayPort=$gateway_port"
        )
        state_set "silo_${index}_silo_port" "$silo_port"
        state_set "silo_${index}_gateway_port" "$gateway_port"
    else
        environment+=(
            "Rally__Orleans__Mode=Client"
            "Rally__OperatorKey=$(state_get operator_key)"
            "Rally__StudyIds__Key=$(state_get study_id_key)"
            "Rally__Credentials__Key=$(state_get credentials_key)"
            "Rally__Signing__Key=$(state_get signing_key)"
        )
        arguments+=(--urls "$url")
    fi
    # From the build output folder, so that each program finds its appsettings.json; `exec` keeps $! the
    # program itself. setsid: a Ctrl-C reaches this script, which stops the processes in order.
    (cd "$(dirname "$dll")" && exec setsid env "${environment[@]}" dotnet "${arguments[@]}") \
        > "$LOGS/$kind-$index.log" 2>&1 < /dev/null &
    pid=$!
    state_set "${kind}_${index}_pid" "$pid"
    state_set "${kind}_${index}_port" "$http_port"
    state_set "${kind}_${index}_url" "$url"
}

# Waits until every given process (kind:index) answers /health/ready; fails when one exits or at the timeout.
wait_ready() {
    local deadline=$((SECONDS + READY_TIMEOUT)) pending=("$@") next item kind index pid
    while ((${#pending[@]} > 0)); do
        next=()
        for item in "${pending[@]}"; do
            kind="${item%%:*}"
            index="${item#*:}"
            pid="$(state_get "${kind}_${index}_pid")"
            if ! alive "$pid"; then
                tail -n 40 "$LOGS/$kind-$index.log" >&2 || true
                die "$kind $index (pid $pid) exited before it was ready; log: $LOGS/$kind-$index.log"
            fi
            if [[ "$(http_status "$(state_get "${kind}_${index}_url")/health/ready")" != 200 ]]; then
                next+=("$item")
            fi
        done
        pending=("${next[@]+"${next[@]}"}")
        if ((${#pending[@]} > 0)); then
            ((SECONDS < deadline)) || die "not ready after ${READY_TIMEOUT}s: ${pending[*]} (logs in $LOGS)"
            sleep 0.25
        fi
    done
}

next_index() {
    local last
    last="$(state_get "next_$1")"
    echo "${last:-1}"
}

describe() {
    local index pid
    echo "  PostgreSQL   $(state_get connection_string)   (data: $(state_get pg_dir)/data)"
    for index in $(indexes silo); do
        pid="$(state_get "silo_${index}_pid")"
        printf '  silo %-7s %s   silo port %s, gateway port %s, pid %s%s\n' "$index" "$(state_get "silo_${index}_url")" \
            "$(state_get "silo_${index}_silo_port")" "$(state_get "silo_${index}_gateway_port")" "$pid" "$(alive "$pid" || echo ' (exited)')"
    done
    for index in $(indexes api); do
        pid="$(state_get "api_${index}_pid")"
        printf '  API front %-2s %s   pid %s%s\n' "$index" "$(state_get "api_${index}_url")" "$pid" "$(alive "$pid" || echo ' (exited)')"
    done
    echo "  API reference: $(state_get "api_$(indexes api | head -n1)_url")/scalar/v1"
    echo "  Operator key: $(state_get operator_key)"
    echo "  Logs: $LOGS"
}

# --- commands ---------------------------------------------------------------------------------------------

stop_all() {
    [[ -f "$STATE" ]] || return 0
    local kind index pid dll
    local -a pids=()
    # Fronts first, then the silos, then the database they use.
    for kind in api silo; do
        pids=()
        [[ "$kind" == silo ]] && dll=Rally.Silo.dll || dll=Rally.Api.dll
        for index in $(indexes "$kind"); do
            pid="$(state_get "${kind}_${index}_pid")"
            if is_ours "$pid" "$dll"; then
                pids+=("$pid")
            fi
        done
        if ((${#pids[@]} > 0)); then
            terminate "${pids[@]}"
        fi
    done
    stop_postgres
    rm -f "$STATE" "$STATE.tmp" "$PORTS"
}

# A cluster runs from this state folder while its PostgreSQL does.
running() {
    [[ -f "$STATE" ]] || return 1
    local dir
    dir="$(state_get pg_dir)"
    [[ -n "$dir" && -f "$dir/data/postmaster.pid" ]]
}

cmd_start() {
    local silos=3 apis=2 build=1 detach=0 configuration=Release i started
    while (($# > 0)); do
        case "$1" in
            --silos) silos="${2:?--silos needs a number}"; shift 2 ;;
            --apis) apis="${2:?--apis needs a number}"; shift 2 ;;
            --no-build) build=0; shift ;;
            --configuration|-c) configuration="${2:?--configuration needs a name}"; shift 2 ;;
            --detach) detach=1; shift ;;
            --timeout) READY_TIMEOUT="${2:?--timeout needs seconds}"; shift 2 ;;
            -h|--help) usage; exit 0 ;;
            *) die "unknown option '$1' (see --help)" ;;
        esac
    done
    [[ "$silos" =~ ^[1-9][0-9]*$ && "$apis" =~ ^[1-9][0-9]*$ ]] || die "--silos and --apis take a number ≥ 1"
    command -v dotnet >/dev/null || die "dotnet is not on PATH"
    command -v curl >/dev/null || die "curl is not on PATH"
    if running; then
        die "a cluster is already running from $STATE_DIR: 'deploy/local-cluster.sh stop' first (or set RALLY_LOCAL_CLUSTER_DIR)"
    fi
    stop_all # whatever a crashed run left behind

    if ((build)); then
        log "building Rally.Api and Rally.Silo ($configuration)…"
        dotnet build "$REPO/Rally.Api/Rally.Api.csproj" -c "$configuration" -nologo -v q -clp:ErrorsOnly >&2 \
            || die "the build failed"
    fi

    mkdir -p "$LOGS"
    : > "$STATE"
    chmod 600 "$STATE"
    started=$SECONDS
    # From here on, anything that goes wrong — or Ctrl-C — stops what was started.
    trap 'stop_all; exit 130' INT TERM HUP
    trap 'status=$?; if ((status != 0)); then stop_all; fi' EXIT
    state_set configuration "$configuration"
    state_set operator_key "$(random_key)"
    state_set pseudonym_key "$(random_key)"
    state_set study_id_key "$(random_key)"
    state_set credentials_key "$(random_key)"
    state_set signing_key "$(random_key)"

    start_postgres
    log "PostgreSQL is up on port $(state_get pg_port); starting $silos silos and $apis API fronts (the silos migrate the schema)…"
    local -a all=()
    for ((i = 1; i <= silos; i++)); do
        start_process silo "$i"
        all+=("silo:$i")
    done
    for ((i = 1; i <= apis; i++)); do
        start_process api "$i"
        all+=("api:$i")
    done
    state_set next_silo $((silos + 1))
    state_set next_api $((apis + 1))
    wait_ready "${all[@]}"

    echo "Rally local cluster is ready: $silos silos and $apis API fronts in $((SECONDS - started)) s"
    describe
    if ((detach)); then
        trap - INT TERM HUP EXIT
        echo "Running in the background: 'deploy/local-cluster.sh stop' stops it."
        return 0
    fi
    echo "Press Ctrl-C to stop everything (or run 'deploy/local-cluster.sh stop' from another shell)."
    # Stay until Ctrl-C, or until `stop` from another shell has removed the state file.
    trap - EXIT
    while [[ -f "$STATE" ]]; do
        sleep 1 &
        wait $! || true
    done
    wait || true # reap the processes `stop` ended
    echo "Stopped."
}

cmd_stop() {
    if [[ ! -f "$STATE" ]]; then
        echo "No local cluster recorded in $STATE_DIR."
        return 0
    fi
    stop_all
    echo "Stopped every process the local cluster started."
}

cmd_status() {
    running || { echo "No local cluster running from $STATE_DIR."; return 3; }
    echo "Rally local cluster ($STATE_DIR):"
    describe
}

cmd_add() {
    local kind="${1:?add silo|api}" index
    [[ "$kind" == silo || "$kind" == api ]] || die "add silo|api"
    running || die "no local cluster running from $STATE_DIR"
    index="$(next_index "$kind")"
    start_process "$kind" "$index"
    state_set "next_$kind" $((index + 1))
    wait_ready "$kind:$index"
    echo "$kind $index is ready: $(state_get "${kind}_${index}_url") (pid $(state_get "${kind}_${index}_pid"))"
}

cmd_remove() {
    local kind="${1:?remove silo|api N}" index="${2:?remove silo|api N}" pid dll
    [[ "$kind" == silo || "$kind" == api ]] || die "remove silo|api N"
    pid="$(state_get "${kind}_${index}_pid")"
    [[ -n "$pid" ]] || die "no $kind $index in $STATE"
    [[ "$kind" == silo ]] && dll=Rally.Silo.dll || dll=Rally.Api.dll
    if is_ours "$pid" "$dll"; then
        terminate "$pid"
    fi
    state_unset_prefix "${kind}_${index}_"
    echo "$kind $index (pid $pid) stopped."
}

main() {
    local command=start
    if (($# > 0)) && [[ "$1" != -* ]]; then
        command="$1"
        shift
    fi
    case "$command" in
        start) cmd_start "$@" ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        add) cmd_add "$@" ;;
        remove) cmd_remove "$@" ;;
        help) usage ;;
        *) die "unknown command '$command' (start, stop, status, add, remove; see --help)" ;;
    esac
}

main "$@"
