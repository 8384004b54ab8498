#!/usr/bin/env bash
# Makes screenshots/*.png from a real run: `mailgate demo` in tmux (100x30,
# TERM=xterm-256color), each view, the impact dialogs and the pending changes captured with colours
# (`tmux capture-pane -p -e`) and drawn by scripts/ansi2png.py (Pillow, DejaVu Sans Mono:
# apt-get install -y python3-pil fonts-dejavu-core).
# Usage: scripts/screenshots.sh [path/to/mailgate]   (default .build/debug/mailgate)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/mailgate}
SESSION=mailgate-screenshots-$$
WORK=$(mktemp -d /tmp/mg-shots-XXXXXX)
OUT=screenshots
mkdir -p "$OUT"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT

wait_for() {  # wait_for REGEX [seconds]
    local deadline=$((SECONDS + ${2:-30}))
    while [ $SECONDS -lt $deadline ]; do
        tmux capture-pane -t "$SESSION" -p | grep -qE -- "$1" && return 0
        sleep 0.1
    done
    echo "FAIL: waited for '$1'" >&2
    tmux capture-pane -t "$SESSION" -p >&2
    exit 1
}

shot() {  # shot NAME
    tmux capture-pane -t "$SESSION" -p -e > "$WORK/$1.ansi"
    /usr/bin/python3 scripts/ansi2png.py "$WORK/$1.ansi" "$OUT/$1.png" --columns 100 --rows 30
    echo "$OUT/$1.png"
}

tmux new-session -d -s "$SESSION" -x 100 -y 30 \
    "TERM=xterm-256color $BIN demo --base-port 21143 --socket $WORK/control.sock; echo EXIT=\$?; sleep 30"
wait_for "● connected"
# Let the synthetic traffic fill the views.
tmux send-keys -t "$SESSION" 2
wait_for "127\.0\.0\.3 .*proxy-header-from-untrusted-source"
sleep 4   # more traffic for a fuller picture (the screenshots only, not a test)
tmux send-keys -t "$SESSION" 1; wait_for "Connections — [0-9]+ open"; shot connections
tmux send-keys -t "$SESSION" 2; wait_for "Rejects"; shot rejects
tmux send-keys -t "$SESSION" 3; wait_for "Whitelist — "; shot whitelist
tmux send-keys -t "$SESSION" 4; wait_for "Blacklist — "; shot blacklist
tmux send-keys -t "$SESSION" 3 / lb2 Enter; wait_for "Whitelist — 1 of"
tmux send-keys -t "$SESSION" p; wait_for "127\.0\.0\.3 sent [0-9]+ PROXY headers?"; shot tcp-proxy-warning
tmux send-keys -t "$SESSION" E; wait_for "PENDING, reverts in"; shot pending-change
# Deleting the flagged load balancer: the impact dialog names what it would cut off.
tmux send-keys -t "$SESSION" Escape / lb1 Enter; wait_for "Whitelist — 1 of"
tmux send-keys -t "$SESSION" d; wait_for "Delete whitelist entry"
tmux send-keys -t "$SESSION" y; wait_for "WARNING: delete whitelist entry"; wait_for "load balancer"; shot delete-impact
tmux send-keys -t "$SESSION" E; wait_for "2 PENDING CHANGES"
tmux send-keys -t "$SESSION" 5; wait_for "Changes — 2 pending"; shot changes
tmux send-keys -t "$SESSION" u; wait_for "Changes — 1 pending"
tmux send-keys -t "$SESSION" u; wait_for "Changes — 0 pending"
tmux send-keys -t "$SESSION" 6; wait_for "History"; wait_for "undone|reverted"; shot history
tmux send-keys -t "$SESSION" '?'; wait_for "Help"; shot help
tmux send-keys -t "$SESSION" q; wait_for "EXIT=0"
