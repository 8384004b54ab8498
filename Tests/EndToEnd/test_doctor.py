"""`mailgate doctor` against real Dovecot, set up right and deliberately wrong: a listener
that sends PROXY v2 to a Dovecot port without `haproxy = yes`, and one that sends nothing to
a port that has it. Each finding is one line saying what to fix; exit 1 on a problem."""
from __future__ import annotations

import json
import subprocess

from peers import (DOVECOT_IMAP, DOVECOT_IMAP_HAPROXY, DOVECOT_POP3, DOVECOT_POP3_HAPROXY, IMAP_ONLY_ACCESS, Listener,
                   free_port)

WIDE_FLAG = IMAP_ONLY_ACCESS + """
[[whitelist]]
source = "10.0.0.0/16"
description = "too wide to be one balancer"
services = ["imap"]
tcp_proxy = true
"""


def doctor(mailgate_bin, gate) -> tuple[int, dict]:
    r = subprocess.run([str(mailgate_bin), "doctor", "--config", str(gate.config), "--json"],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, json.loads(r.stdout)


def by_check(report: dict) -> dict[str, dict]:
    return {f["check"]: f for f in report["findings"]}


def test_a_right_setup_has_no_problem(mailgate_bin, gate_factory):
    gate = gate_factory([
        Listener("imap", free_port(), f"127.0.0.1:{DOVECOT_IMAP_HAPROXY}", upstream_proxy="v2"),
        Listener("pop3", free_port(), f"127.0.0.1:{DOVECOT_POP3}", upstream_proxy="none"),
    ])
    code, report = doctor(mailgate_bin, gate)
    checks = by_check(report)
    assert code == 0 and report["problems"] == 0, report
    assert checks["upstream.imap"]["level"] == "ok" and "speaks PROXY v2" in checks["upstream.imap"]["message"]
    assert checks["upstream.pop3"]["level"] == "ok" and "without a PROXY header" in checks["upstream.pop3"]["message"]
    assert checks["daemon"]["level"] == "ok"
    assert checks["descriptors"]["level"] in ("ok", "problem") and "max_connections = 1000" in checks["descriptors"]["message"]
    assert checks["control-socket"]["level"] == "ok" and "mode 660" in checks["control-socket"]["message"]


def test_proxy_mode_mismatches_both_ways_are_named_with_the_fix(mailgate_bin, gate_factory):
    gate = gate_factory([
        # Dovecot's plain IMAP port: greets at once, expects no header; the gate would send v2.
        Listener("imap", free_port(), f"127.0.0.1:{DOVECOT_IMAP}", upstream_proxy="v2"),
        # Dovecot's haproxy POP3 port: waits for a header; the gate would send none.
        Listener("pop3", free_port(), f"127.0.0.1:{DOVECOT_POP3_HAPROXY}", upstream_proxy="none"),
    ])
    code, report = doctor(mailgate_bin, gate)
    checks = by_check(report)
    assert code == 1 and report["problems"] == 2, report
    imap = checks["upstream.imap"]
    assert imap["level"] == "problem" and "greets before any PROXY header" in imap["message"]
    assert "haproxy = yes" in imap["message"] and 'upstream_proxy = "none"' in imap["message"]
    pop3 = checks["upstream.pop3"]
    assert pop3["level"] == "problem" and "says nothing until it gets a PROXY header" in pop3["message"]
    assert 'Set upstream_proxy = "v2"' in pop3["message"]


def test_wide_flags_dead_upstreams_and_a_stopped_daemon(mailgate_bin, gate_factory):
    gate = gate_factory([Listener("imap", free_port(), f"127.0.0.1:{free_port()}")], WIDE_FLAG)
    code, report = doctor(mailgate_bin, gate)
    checks = by_check(report)
    assert checks["upstream.imap"]["level"] == "problem" and "does not answer" in checks["upstream.imap"]["message"]
    wide = [f for f in report["findings"] if "10.0.0.0/16" in f["message"]]
    assert [f["level"] for f in wide] == ["warning", "info"], wide  # too wide; no header yet since the start
    assert "65,536 addresses" in wide[0]["message"]
    gate.stop()
    code, report = doctor(mailgate_bin, gate)
    assert code == 1 and by_check(report)["daemon"]["level"] == "problem"
    text = subprocess.run([str(mailgate_bin), "doctor", "--config", str(gate.config)], capture_output=True, text=True,
                          timeout=60).stdout
    assert "PROBLEM  no daemon answers on" in text and text.strip().endswith("warning(s)")
