#!/usr/bin/env bash
# The full test suite: Swift unit and loopback tests, then the end-to-end tests that run
# the real mailgate binary against real Dovecot, HAProxy and aiosmtpd on 127.0.0.0/8.
# Needs the peers installed (see .ci/run for the apt line).
set -euo pipefail
cd "$(dirname "$0")/.."

# The module arrows of docs/ARCHITECTURE.md hold (Package.swift and every import).
python3 scripts/check-layering.py

swift build --build-tests
swift test --skip-build

# The end-to-end suite must not skip because the binary is missing.
export MAILGATE_BIN="${MAILGATE_BIN:-$(swift build --show-bin-path)/mailgate}"
export MAILGATE_E2E_REQUIRE_GATE=1
/usr/bin/python3 -m pytest -q -p no:cacheprovider Tests/EndToEnd

# The quick soak and fault suite (about a minute), then a bounded fuzz pass of the PROXY decoder.
scripts/soak.sh
scripts/fuzz.sh --seconds "${MAILGATE_FUZZ_SECONDS:-60}"

# The benchmarks are a package of their own that the root build skips: see that they still
# build (they run on demand: scripts/bench.sh, and BENCHMARKS.md).
swift build --package-path Benchmarks
