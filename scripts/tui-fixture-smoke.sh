#!/usr/bin/env bash
# Drives `mailgate tui --fixture` in tmux at TERM=xterm-256color and TERM=screen, waiting for
# text on screen (never fixed sleeps): the warning dialog, Enter cancels, E enables with the
# countdown banner, c confirms, rejects show, q quits cleanly.
# Usage: scripts/tui-fixture-smoke.sh [path/to/mailgate]   (default .build/debug/mailgate)
set -euo pipefail
BIN=${1:-.build/debug/mailgate}
SESSION=mailgate-tui-smoke-$$
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true' EXIT

wait_for() {  # wait_for TEXT [absent]
    for _ in $(seq 1 100); do
        if tmux capture-pane -t "$SESSION" -p | grep -qF -- "$1"; then
            [ "${2:-}" = absent ] || return 0
        else
            [ "${2:-}" = absent ] && return 0
        fi
        sleep 0.05
    done
    echo "FAIL ($TERM_UNDER_TEST): waited for '$1' ${2:-}" >&2
    tmux capture-pane -t "$SESSION" -p >&2
    exit 1
}

for TERM_UNDER_TEST in xterm-256color screen; do
    tmux new-session -d -s "$SESSION" -x 100 -y 30 "TERM=$TERM_UNDER_TEST $BIN tui --fixture; echo EXIT=\$?; sleep 30"
    wait_for "Connections — 7 open"
    wait_for "Proxied (via PROXY header) — 3"
    tmux send-keys -t "$SESSION" 3;      wait_for "Whitelist — 5 of 5"
    tmux send-keys -t "$SESSION" j p;    wait_for "WARNING: enable TCP Proxy for 203.0.113.8"
    wait_for "48 PROXY headers received while unflagged"
    tmux send-keys -t "$SESSION" Enter;  wait_for "WARNING" absent
    tmux send-keys -t "$SESSION" p;      wait_for "▶[ Cancel ]◀"
    tmux send-keys -t "$SESSION" E;      wait_for "PENDING, reverts in"
    wait_for "⚠ ON pending"
    tmux send-keys -t "$SESSION" c;      wait_for "Change confirmed"
    tmux send-keys -t "$SESSION" 2;      wait_for "proxy-header-from-untrusted-source"
    tmux send-keys -t "$SESSION" q;      wait_for "EXIT=0"
    tmux kill-session -t "$SESSION"
    echo "ok: TERM=$TERM_UNDER_TEST"
done
