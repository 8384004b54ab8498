#!/usr/bin/env bash
# Fuzzes the PROXY protocol decoder with libFuzzer (Fuzz/ProxyDecoderFuzz): builds the
# harness with -sanitize=fuzzer,address in its own scratch folder (.build-fuzz), then runs
# it for a bounded time over the committed seed corpus and dictionary. Exits non-zero on a
# crash or a broken invariant; the input that did it is saved under .build-fuzz/artifacts/.
#
#   scripts/fuzz.sh                    # build, then fuzz for 60 s (what CI runs)
#   scripts/fuzz.sh --seconds 3600     # a long run
#   scripts/fuzz.sh --jobs 2           # one fuzzing process per job, sharing the corpus
#   scripts/fuzz.sh --build-only | --skip-build
#   scripts/fuzz.sh FILE...            # replay inputs (a crash file, say) and stop
#
# New inputs the fuzzer finds go to .build-fuzz/corpus/proxy-decoder (kept between runs);
# copy the interesting ones into Fuzz/corpus/proxy-decoder to keep them.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
jobs=1
build=1
run=1
replay=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --build-only) run=0; shift ;;
        --skip-build) build=0; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) replay+=("$1"); shift ;;
    esac
done

scratch=.build-fuzz
# lld: gold (the default here) dies with an internal error linking the sanitizer runtimes.
flags=(-c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld)
if [ "$build" = 1 ]; then
    start=$(date +%s)
    swift build "${flags[@]}" --product ProxyDecoderFuzz
    echo "fuzz build: $(( $(date +%s) - start )) s"
fi
[ "$run" = 1 ] || exit 0
binary="$(swift build "${flags[@]}" --show-bin-path)/ProxyDecoderFuzz"

# Swift's backtracer would take the crash over; libFuzzer must see it to save the input.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

if [ "${#replay[@]}" -gt 0 ]; then
    exec "$binary" "${replay[@]}"
fi

corpus="$scratch/corpus/proxy-decoder"
artifacts="$scratch/artifacts/"
mkdir -p "$corpus" "$artifacts"
parallel=()
# Several jobs: libFuzzer forks that many workers, each logging to fuzz-N.log in $scratch.
if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi
status=0
"$binary" "$corpus" Fuzz/corpus/proxy-decoder \
    -dict=Fuzz/proxy-decoder.dict -max_len=4200 -max_total_time="$seconds" -timeout=10 \
    -artifact_prefix="$artifacts" -print_final_stats=1 ${parallel[@]+"${parallel[@]}"} || status=$?
if [ "$status" != 0 ]; then
    echo "fuzz.sh: the fuzzer stopped with status $status; inputs in $artifacts:" >&2
    ls -l "$artifacts" >&2
    echo "replay one with: scripts/fuzz.sh --skip-build $artifacts<file>" >&2
    exit 1
fi
echo "fuzz.sh: no crash in $seconds s"
