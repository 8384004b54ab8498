#!/usr/bin/env bash
# The comparison of DESIGN §10, in one run on this machine, loopback only:
#   the greeter alone (baseline), HAProxy 2.6 configured like the gate, and mailgate,
# each measured on short sessions (conn/s, connect-to-greeting p50/p99) from a flagged
# source with a PROXY v2 header and from unflagged sources without, bulk relay (MB/s),
# and memory per 10,000 connections (VmRSS of the proxy process, before/after), idle after
# the greeting and quiet after bulk data.
#
#   scripts/bench.sh            full run (~5 minutes)
#   scripts/bench.sh --quick    reduced run, same table, under a minute
#
# The run holds /tmp/swift-build.lock (BENCH_LOCK) for the build and the measurements,
# so that no other Swift build on this machine disturbs them. Set BENCH_LOCK= to skip.
# Results: a table on stdout; raw JSON lines and logs in $BENCH_OUT (default: a temp dir).
set -euo pipefail

quick=0
for argument in "$@"; do
    case "$argument" in
        --quick) quick=1 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
lock=${BENCH_LOCK-/tmp/swift-build.lock}
base=${BENCH_PORT_BASE:-24100}
cores=$(nproc)

if ((quick)); then
    short_seconds=2.5; bulk_seconds=1.5; idle_connections=2000; repeats=1
else
    short_seconds=10; bulk_seconds=5; idle_connections=8000; repeats=3
fi
quiet_connections=200; quiet_bulk_seconds=1
concurrency=${BENCH_CONCURRENCY:-32}
bulk_connections=${BENCH_BULK_CONNECTIONS:-8}

# Each proxied idle connection costs the proxy two descriptors; 20,000 is this machine's hard limit.
ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < 2 * idle_connections + 200 )); then
    idle_connections=$(( ($(ulimit -n) - 200) / 2 ))
fi

out=${BENCH_OUT:-$(mktemp -d /tmp/mailgate-bench.XXXXXX)}
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

if [[ -n "$lock" ]]; then
    exec 9>>"$lock"
    echo "waiting for $lock ..." >&2
    flock 9
fi

echo "building (release) ..." >&2
build() {
    swift build -c release --product "$1" >"$out/build-$1.log" 2>&1 \
        || { echo "build of $1 failed, see $out/build-$1.log" >&2; tail -20 "$out/build-$1.log" >&2; exit 1; }
}
for product in LoadGen Greeter mailgate; do build "$product"; done
bin=$(swift build -c release --show-bin-path)

# Ports: greeter (expects PROXY), greeter (direct), HAProxy, mailgate.
greeter_proxy_port=$base
greeter_direct_port=$((base + 1))
haproxy_port=$((base + 2))
mailgate_port=$((base + 3))

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$greeter_proxy_port" "$greeter_direct_port" "$haproxy_port" "$mailgate_port"; do
    if port_open "$port"; then
        echo "127.0.0.1:$port is already in use: stop what listens there or set BENCH_PORT_BASE" >&2
        exit 1
    fi
done
wait_for_port() {  # port, name, pid of the process that should listen there
    local port=$1 name=$2 pid=$3
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        if port_open "$port"; then return 0; fi
        sleep 0.05
    done
    echo "$name did not start listening on 127.0.0.1:$port; its log:" >&2
    tail -20 "$out/$name.log" >&2
    exit 1
}

# The greeter: the upstream of both proxies, and the baseline.
"$bin/Greeter" --proxy-port "$greeter_proxy_port" --direct-port "$greeter_direct_port" --threads 1 \
    >"$out/greeter.log" 2>&1 &
greeter_pid=$!
pids+=("$greeter_pid")
wait_for_port "$greeter_proxy_port" greeter "$greeter_pid"

# HAProxy 2.6, configured like the gate.
cat >"$out/haproxy.cfg" <<EOF
global
    nbthread $cores
    maxconn $((idle_connections + 1000))

defaults
    mode tcp
    maxconn $((idle_connections + 1000))
    timeout connect 5s
    timeout client 30m
    timeout server 30m

frontend imap
    bind 127.0.0.1:$haproxy_port
    tcp-request connection expect-proxy layer4 if { src 127.0.0.2 }
    default_backend mail

backend mail
    server greeter 127.0.0.1:$greeter_proxy_port send-proxy-v2
EOF
haproxy -c -q -f "$out/haproxy.cfg"
haproxy -f "$out/haproxy.cfg" -db >"$out/haproxy.log" 2>&1 &
haproxy_pid=$!
pids+=("$haproxy_pid")
wait_for_port "$haproxy_port" haproxy "$haproxy_pid"

# mailgate: the same listener and access list, from its configuration files.
cat >"$out/access.toml" <<EOF
[[whitelist]]
source = "127.0.0.2"
description = "benchmark load balancer"
services = ["all"]
tcp_proxy = true
EOF
cat >"$out/mailgate.toml" <<EOF
access_file = "access.toml"

[control]
socket = "$out/control.sock"

[[listener]]
service = "imap"
listen = ["127.0.0.1:$mailgate_port"]
upstream = "127.0.0.1:$greeter_proxy_port"
upstream_proxy = "v2"
proxy_header_timeout = "3s"

[limits]
max_connections = 50000
max_per_source = 1000
EOF
if "$bin/mailgate" serve --help 2>&1 | grep -q -- '--config'; then
    mailgate_command=("$bin/mailgate" serve --config "$out/mailgate.toml")
else
    # A `mailgate` without `serve`: the same Gate in-process, with the same settings.
    build GateBench
    mailgate_command=("$bin/GateBench" --port "$mailgate_port" --upstream "$greeter_proxy_port" --threads "$cores")
fi
"${mailgate_command[@]}" >"$out/mailgate.log" 2>&1 &
mailgate_pid=$!
pids+=("$mailgate_pid")
wait_for_port "$mailgate_port" mailgate "$mailgate_pid"

port_of() {
    case $1 in
        greeter) if [[ $2 == proxied ]]; then echo "$greeter_proxy_port"; else echo "$greeter_direct_port"; fi ;;
        haproxy) echo "$haproxy_port" ;;
        mailgate) echo "$mailgate_port" ;;
    esac
}
pid_of() {
    case $1 in greeter) echo "$greeter_pid" ;; haproxy) echo "$haproxy_pid" ;; mailgate) echo "$mailgate_pid" ;; esac
}
loadgen() {  # target, path (proxied|direct), mode, extra args...
    local target=$1 path=$2 mode=$3
    shift 3
    local source_args=(--sources 127.0.0.2 --proxy-header)
    [[ $path == direct ]] && source_args=(--sources 127.0.0.10-127.0.0.40)
    "$bin/LoadGen" --mode "$mode" --label "$target/$path" --port "$(port_of "$target" "$path")" \
        "${source_args[@]}" "$@" 2>>"$out/loadgen.log"
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

targets=(greeter haproxy mailgate)
started=$SECONDS
echo "measuring: ${repeats} round(s); short ${short_seconds}s, bulk ${bulk_seconds}s, ${idle_connections} idle connections; output in $out" >&2

for round in $(seq "$repeats"); do
    for path in proxied direct; do
        for target in "${targets[@]}"; do
            loadgen "$target" "$path" short --concurrency "$concurrency" --duration "$short_seconds" --warmup 0.5 \
                | sed "s/^{/{\"round\":$round,/" >>"$results"
        done
    done
    for target in "${targets[@]}"; do
        loadgen "$target" proxied bulk --concurrency "$bulk_connections" --duration "$bulk_seconds" --warmup 0.5 \
            | sed "s/^{/{\"round\":$round,/" >>"$results"
    done
done

# Memory: the proxy's resident set before, and while LoadGen holds connections open and
# prints READY. Measured after the runs above (pools, rings and caches are warm: the steady
# state). First connections that only got their greeting (idle), then connections left open
# and quiet after streaming bulk data (what a proxy keeps after activity).
memory() {  # target, mode (idle|bulk), LoadGen arguments...
    local target=$1 mode=$2
    shift 2
    local pid before after open report="$out/$mode-$target.out"
    pid=$(pid_of "$target")
    sleep 0.5
    before=$(rss_kb "$pid")
    loadgen "$target" proxied "$mode" "$@" >"$report" &
    local loadgen_pid=$!
    for _ in $(seq 600); do grep -q '^READY' "$report" && break; sleep 0.05; done
    sleep 0.5
    after=$(rss_kb "$pid")
    wait "$loadgen_pid"
    open=$(awk '/^READY/ { print $2 }' "$report")
    printf '{"label":"%s/proxied","mode":"%s-memory","open":%s,"rss_before_kb":%s,"rss_after_kb":%s}\n' \
        "$target" "$mode" "${open:-0}" "$before" "$after" >>"$results"
}
for target in "${targets[@]}"; do
    memory "$target" idle --idle "$idle_connections" --concurrency 200 --hold 2
done
for target in "${targets[@]}"; do
    memory "$target" bulk --concurrency "$quiet_connections" --duration "$quiet_bulk_seconds" --warmup 0 --hold 1.5
done

echo "measured in $((SECONDS - started)) s" >&2
python3 "$root/scripts/bench-table.py" "$results" --cores "$cores" --quick "$quick" \
    --mailgate "$(basename "${mailgate_command[0]}")" | tee "$out/table.txt"
