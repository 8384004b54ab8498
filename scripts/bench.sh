#!/usr/bin/env bash
# The comparison with HAProxy configured like the gate, in one run on this machine, loopback only:
#   the greeter alone (baseline), HAProxy 2.6 configured like the gate, and mailgate,
# each measured on short sessions (conn/s, connect-to-greeting p50/p99, and the proxy's CPU
# time per session) from a flagged source with a PROXY v2 header and from unflagged sources
# without, as fast as they go and paced at BENCH_RATE sessions/s (latency below saturation);
# bulk relay (MB/s); and memory per 10,000 idle connections (VmRSS of the proxy process).
# A fourth column, "NIO floor", is BareRelay: a SwiftNIO relay with no gate logic at all,
# measured on the direct short sessions only. It shows what SwiftNIO itself costs.
#
#   scripts/bench.sh            full run (~6 minutes once built)
#   scripts/bench.sh --quick    reduced run, same table, under a minute
#
# The run holds /tmp/mailgate-swift.lock (BENCH_LOCK) for the build and the measurements,
# so that no other Swift build on this machine disturbs them. Set BENCH_LOCK= to skip.
# Results: a table on stdout; raw JSON lines and logs in $BENCH_OUT (default: a temp dir).
set -euo pipefail

quick=0
for argument in "$@"; do
    case "$argument" in
        --quick) quick=1 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
lock=${BENCH_LOCK-/tmp/mailgate-swift.lock}
base=${BENCH_PORT_BASE:-24100}
cores=$(nproc)

if ((quick)); then
    short_seconds=1.5; paced_seconds=1.5; bulk_seconds=1.5; idle_connections=3000; repeats=1
else
    short_seconds=10; paced_seconds=5; bulk_seconds=5; idle_connections=8000; repeats=3
fi
concurrency=${BENCH_CONCURRENCY:-32}
# Below what every target sustains on a small machine, so that paced latency compares like with like.
rate=${BENCH_RATE:-1000}
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
# The load generator, greeter and bare relay are in the benchmarks package (Benchmarks/),
# mailgate in the root package; both are release builds.
build() {
    swift build -c release --package-path "$1" --product "$2" >"$out/build-$2.log" 2>&1 \
        || { echo "build of $2 failed, see $out/build-$2.log" >&2; tail -20 "$out/build-$2.log" >&2; exit 1; }
}
for product in LoadGen Greeter BareRelay; do build Benchmarks "$product"; done
build . mailgate
bench_bin=$(swift build -c release --package-path Benchmarks --show-bin-path)
bin=$(swift build -c release --show-bin-path)

# Ports: greeter (expects PROXY), greeter (direct), HAProxy, mailgate, the bare relay.
greeter_proxy_port=$base
greeter_direct_port=$((base + 1))
haproxy_port=$((base + 2))
mailgate_port=$((base + 3))
bare_port=$((base + 4))

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$greeter_proxy_port" "$greeter_direct_port" "$haproxy_port" "$mailgate_port" "$bare_port"; do
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

port_of() {
    case $1 in
        greeter) if [[ $2 == proxied ]]; then echo "$greeter_proxy_port"; else echo "$greeter_direct_port"; fi ;;
        haproxy) echo "$haproxy_port" ;;
        mailgate) echo "$mailgate_port" ;;
        bare) echo "$bare_port" ;;
    esac
}
declare -A pid_of
start() {  # target: (re)starts it, fresh, and waits until it listens
    local target=$1
    if [[ -n "${pid_of[$target]:-}" ]]; then
        kill "${pid_of[$target]}" 2>/dev/null || true
        wait "${pid_of[$target]}" 2>/dev/null || true
    fi
    case $target in
        greeter)  # the upstream of both proxies, and the baseline
            "$bench_bin/Greeter" --proxy-port "$greeter_proxy_port" --direct-port "$greeter_direct_port" --threads 1 \
                >>"$out/greeter.log" 2>&1 & ;;
        haproxy) haproxy -f "$out/haproxy.cfg" -db >>"$out/haproxy.log" 2>&1 & ;;
        mailgate) "${mailgate_command[@]}" >>"$out/mailgate.log" 2>&1 & ;;
        bare) "$bench_bin/BareRelay" --port "$bare_port" --upstream "$greeter_direct_port" --threads "$cores" \
                >>"$out/bare.log" 2>&1 & ;;
    esac
    pid_of[$target]=$!
    pids+=("$!")
    wait_for_port "$(port_of "$target" proxied)" "$target" "$!"
}

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
mailgate_command=("$bin/mailgate" serve --config "$out/mailgate.toml")

loadgen() {  # target, path (proxied|direct), mode, extra args...
    local target=$1 path=$2 mode=$3
    shift 3
    local source_args=(--sources 127.0.0.2 --proxy-header)
    [[ $path == direct ]] && source_args=(--sources 127.0.0.10-127.0.0.40)
    "$bench_bin/LoadGen" --mode "$mode" --label "$target/$path" --port "$(port_of "$target" "$path")" \
        "${source_args[@]}" "$@" 2>>"$out/loadgen.log"
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# User and system CPU time of a process so far, in clock ticks.
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }
short_sessions() {  # target, path: one short-session run, with the proxy's CPU time added
    local target=$1 path=$2 pid user0 system0 user1 system1 line
    pid=${pid_of[$target]}
    read -r user0 system0 < <(cpu_ticks "$pid")
    line=$(loadgen "$target" "$path" short --concurrency "$concurrency" --duration "$short_seconds" --warmup 0.5)
    read -r user1 system1 < <(cpu_ticks "$pid")
    echo "${line%\}},\"user_ticks\":$((user1 - user0)),\"system_ticks\":$((system1 - system0)),\"ticks_per_s\":$(getconf CLK_TCK)}"
}

targets=(greeter haproxy mailgate)
for target in "${targets[@]}" bare; do start "$target"; done
started=$SECONDS
echo "measuring: ${repeats} round(s); short ${short_seconds}s, paced ${paced_seconds}s at ${rate}/s, bulk ${bulk_seconds}s, ${idle_connections} idle connections; output in $out" >&2

# Order: short sessions (flat out, then paced), idle memory, bulk relay. Memory is the
# proxy's resident set (VmRSS) while LoadGen holds connections open and prints READY: two
# batches of K/2 connections that only got their greeting, and the second batch's growth
# per connection, so that what an allocator or pool already keeps from earlier traffic
# (reused by the first batch) does not make connections look cheaper than they are.
# (Memory after bulk traffic is not in the table: RSS then mostly shows how much freed
# buffer memory the C allocator keeps, not what connections hold. BENCHMARKS.md says more.)
wait_ready() {  # file, count
    for _ in $(seq 600); do grep -q "^READY $2\$" "$1" && return 0; sleep 0.05; done
    return 1
}
memory_idle() {  # target
    local target=$1 pid first second report="$out/idle-$1.out" half=$((idle_connections / 2))
    pid=${pid_of[$target]}
    loadgen "$target" proxied idle --idle "$((2 * half))" --batches 2 --concurrency 200 --hold 1 >"$report" &
    local loadgen_pid=$!
    wait_ready "$report" "$half" || true
    sleep 0.3
    first=$(rss_kb "$pid")
    wait_ready "$report" "$((2 * half))" || true
    sleep 0.3
    second=$(rss_kb "$pid")
    wait "$loadgen_pid"
    printf '{"label":"%s/proxied","mode":"idle-memory","open":%s,"rss_before_kb":%s,"rss_after_kb":%s}\n' \
        "$target" "$half" "$first" "$second" >>"$results"
}

for round in $(seq "$repeats"); do
    for path in proxied direct; do
        for target in "${targets[@]}"; do
            short_sessions "$target" "$path" | sed "s/^{/{\"round\":$round,/" >>"$results"
        done
    done
    short_sessions bare direct | sed "s/^{/{\"round\":$round,/" >>"$results"
    for target in "${targets[@]}"; do
        loadgen "$target" proxied short --concurrency "$concurrency" --rate "$rate" --duration "$paced_seconds" \
            --warmup 0.5 | sed "s/^{/{\"round\":$round,/; s/\"mode\":\"short\"/\"mode\":\"paced\"/" >>"$results"
    done
done
# Memory is the proxies' (the greeter is their upstream, not a proxy: its buffers say nothing here).
for target in haproxy mailgate; do memory_idle "$target"; done
for round in $(seq "$repeats"); do
    for target in "${targets[@]}"; do
        loadgen "$target" proxied bulk --concurrency "$bulk_connections" --duration "$bulk_seconds" --warmup 0.5 \
            | sed "s/^{/{\"round\":$round,/" >>"$results"
    done
done

echo "measured in $((SECONDS - started)) s" >&2
python3 "$root/scripts/bench-table.py" "$results" --cores "$cores" --quick "$quick" \
    --mailgate "$(basename "${mailgate_command[0]}")" | tee "$out/table.txt"
