#!/usr/bin/env bash
# Soak and fault suite: a real `mailgate serve` on 127.0.0.0/8 against slowloris on the header
# wait, a spoofed-header flood, reloads under load, upstream death, slow readers both ways,
# per-source and global limits, descriptor exhaustion and SIGTERM with a stalled control
# client. Each check prints its figures; the script fails if any check does.
#
#   scripts/soak.sh            # quick mode (CI): about a minute once built
#   scripts/soak.sh --long     # long mode: 5,000 half headers, a 60 s flood, 1,000 sessions, 100 MB
#   scripts/soak.sh --release  # measure a release build (figures for BENCHMARKS.md)
#   MAILGATE_BIN=path scripts/soak.sh   # a binary built elsewhere (no build)
# Needs python3 and prlimit (util-linux).
set -euo pipefail
cd "$(dirname "$0")/.."

args=()
configuration=debug
for arg in "$@"; do
    case "$arg" in
        --release) configuration=release ;;
        *) args+=("$arg") ;;
    esac
done
if [ -z "${MAILGATE_BIN:-}" ]; then
    swift build -c "$configuration" --product mailgate
    MAILGATE_BIN="$(swift build -c "$configuration" --show-bin-path)/mailgate"
fi
exec python3 scripts/soak.py --binary "$MAILGATE_BIN" ${args[@]+"${args[@]}"}
