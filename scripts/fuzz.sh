#!/usr/bin/env bash
# Fuzzes with libFuzzer: the PROXY protocol decoder (Fuzz/ProxyDecoderFuzz) and the control
# API's strict JSON check (Fuzz/StrictJSONFuzz). Builds the harnesses with
# -sanitize=fuzzer,address in their own scratch folder (.build-fuzz), then runs each for a
# bounded time over its committed seed corpus and dictionary. Exits non-zero on a crash or a
# broken invariant; the input that did it is saved under .build-fuzz/artifacts/.
#
#   scripts/fuzz.sh                        # build, then fuzz 60 s in all (what CI runs): 40 s proxy, 20 s json
#   scripts/fuzz.sh --seconds 28800        # a long run: 8 hours, shared the same way
#   scripts/fuzz.sh --target proxy --seconds 3600 --jobs 2   # one target; one process per core
#   scripts/fuzz.sh --build-only | --skip-build
#   scripts/fuzz.sh --target proxy FILE... # replay inputs (a crash file, say) and stop
#
# New inputs the fuzzer finds go to .build-fuzz/corpus/<target> (kept between runs); copy
# the interesting ones into Fuzz/corpus/<target> to keep them.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
jobs=1
build=1
run=1
target=all
replay=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --target) target="$2"; shift 2 ;;
        --build-only) run=0; shift ;;
        --skip-build) build=0; shift ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) replay+=("$1"); shift ;;
    esac
done

# target: product, corpus and dictionary name, maximum input length, share of the time.
product() { case "$1" in proxy) echo ProxyDecoderFuzz ;; json) echo StrictJSONFuzz ;; esac; }
corpus_name() { case "$1" in proxy) echo proxy-decoder ;; json) echo strict-json ;; esac; }
max_len() { case "$1" in proxy) echo 4200 ;; json) echo 4096 ;; esac; }
case "$target" in
    all) targets=(proxy json); shares=(2 1) ;;
    proxy|json) targets=("$target"); shares=(1) ;;
    *) echo "fuzz.sh: --target is proxy, json or all" >&2; exit 2 ;;
esac

scratch=.build-fuzz
# lld: gold (the default here) dies with an internal error linking the sanitizer runtimes.
flags=(-c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld)
if [ "$build" = 1 ]; then
    start=$(date +%s)
    for t in "${targets[@]}"; do swift build "${flags[@]}" --product "$(product "$t")"; done
    echo "fuzz build: $(( $(date +%s) - start )) s"
fi
[ "$run" = 1 ] || exit 0
bin_path="$(swift build "${flags[@]}" --show-bin-path)"

# Swift's backtracer would take the crash over; libFuzzer must see it to save the input.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

if [ "${#replay[@]}" -gt 0 ]; then
    [ "${#targets[@]}" = 1 ] || { echo "fuzz.sh: name the --target of the inputs to replay" >&2; exit 2; }
    exec "$bin_path/$(product "${targets[0]}")" "${replay[@]}"
fi

total_shares=0
for share in "${shares[@]}"; do total_shares=$(( total_shares + share )); done
artifacts="$scratch/artifacts/"
mkdir -p "$artifacts"
parallel=()
# Several jobs: libFuzzer forks that many workers, each logging to fuzz-N.log here.
if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi
for i in "${!targets[@]}"; do
    t="${targets[$i]}"
    name="$(corpus_name "$t")"
    budget=$(( seconds * shares[i] / total_shares ))
    [ "$budget" -ge 1 ] || budget=1
    corpus="$scratch/corpus/$name"
    mkdir -p "$corpus"
    echo "fuzz.sh: $t for $budget s"
    status=0
    "$bin_path/$(product "$t")" "$corpus" "Fuzz/corpus/$name" \
        -dict="Fuzz/$name.dict" -max_len="$(max_len "$t")" -max_total_time="$budget" -timeout=10 \
        -artifact_prefix="$artifacts" -print_final_stats=1 ${parallel[@]+"${parallel[@]}"} || status=$?
    if [ "$status" != 0 ]; then
        echo "fuzz.sh: the $t fuzzer stopped with status $status; inputs in $artifacts:" >&2
        ls -l "$artifacts" >&2
        echo "replay one with: scripts/fuzz.sh --skip-build --target $t $artifacts<file>" >&2
        exit 1
    fi
done
echo "fuzz.sh: no crash in $seconds s"
