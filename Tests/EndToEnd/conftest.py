"""Fixtures for the end-to-end tests: real Dovecot, HAProxy, aiosmtpd and mailgate on 127.0.0.1.

Every process is a foreground child, stopped (signal, wait, then SIGKILL of its group) at
teardown whatever happened. Slow starters (Dovecot: 2-3 s to stop) are session-scoped.

Environment:
  MAILGATE_BIN               the gate binary (default <repo>/.build/debug/mailgate)
  MAILGATE_E2E_REQUIRE_GATE  =1: a missing/unfinished gate binary FAILS the gate tests instead of skipping
  MAILGATE_E2E_KEEP          =1: keep the temp dir (configs, logs) after the run
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402
from peers import (GATE_IMAP, GATE_POP3, GATE_SMTP, DOVECOT_IMAP_HAPROXY,  # noqa: E402
                   DOVECOT_POP3_HAPROXY, SMTP_SINK_PORT, Listener)


# --------------------------------------------------------------------------- failure reports

@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item._e2e_log_marks = {id(log): log.mark() for log in peers.RUNNING_LOGS}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        marks = getattr(item, "_e2e_log_marks", {})
        for log in peers.RUNNING_LOGS:
            text = log.read(marks.get(id(log), 0))
            if not text:
                continue
            if len(text) > 12000:
                text = "[…]\n" + text[-12000:]
            rep.sections.append((f"{log.name} log ({log.path}) during this test", text))


# --------------------------------------------------------------------------- base

@pytest.fixture(scope="session")
def e2e_dir():
    """A short temp dir (Unix socket paths must stay < 108 bytes), traversable by Dovecot's users."""
    d = Path(tempfile.mkdtemp(prefix="mailgate-e2e-", dir="/tmp"))
    os.chmod(d, 0o755)
    yield d
    if os.environ.get("MAILGATE_E2E_KEEP") == "1":
        sys.stderr.write(f"\n[e2e] kept {d}\n")
    else:
        shutil.rmtree(d, ignore_errors=True)


def _gate_unavailable(reason: str):
    if os.environ.get("MAILGATE_E2E_REQUIRE_GATE") == "1":
        pytest.fail(reason + " (MAILGATE_E2E_REQUIRE_GATE=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def mailgate_bin() -> Path:
    """The gate binary; skips (or, with MAILGATE_E2E_REQUIRE_GATE=1, fails) when there is none yet."""
    path = Path(os.environ.get("MAILGATE_BIN") or peers.REPO / ".build" / "debug" / "mailgate")
    if not (path.is_file() and os.access(path, os.X_OK)):
        _gate_unavailable(f"mailgate binary not found at {path}: run `swift build` or set MAILGATE_BIN")
    # A skeleton binary exists before `serve` is written; ArgumentParser's help lists --config once it is.
    try:
        probe = subprocess.run([str(path), "serve", "--help"], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        _gate_unavailable(f"`{path} serve --help` did not finish within 20s")
    said = (probe.stdout + probe.stderr).strip()
    if "--config" not in said:
        _gate_unavailable(f"{path} does not implement `serve --config` yet "
                          f"(`serve --help` printed: {said[:200]!r})")
    return path


# --------------------------------------------------------------------------- peers

@pytest.fixture(scope="session")
def dovecot(e2e_dir):
    dv = peers.start_dovecot(e2e_dir)
    try:
        yield dv
    finally:
        dv.stop()


@pytest.fixture(scope="session")
def smtp_sink(e2e_dir):
    sink = peers.start_smtp_sink(e2e_dir, SMTP_SINK_PORT)
    try:
        yield sink
    finally:
        sink.stop()


def standard_listeners() -> list[Listener]:
    return [
        Listener("imap", GATE_IMAP, f"127.0.0.1:{DOVECOT_IMAP_HAPROXY}"),
        Listener("pop3", GATE_POP3, f"127.0.0.1:{DOVECOT_POP3_HAPROXY}"),
        Listener("smtp", GATE_SMTP, f"127.0.0.1:{SMTP_SINK_PORT}"),
    ]


@pytest.fixture(scope="session")
def gate(mailgate_bin, dovecot, smtp_sink, e2e_dir):
    """The main gate: imap 21143, pop3 21110, smtp 21025, default access file. Never modified by tests."""
    g = peers.start_gate(mailgate_bin, e2e_dir, "gate", standard_listeners())
    try:
        yield g
    finally:
        g.stop()


@pytest.fixture(scope="session")
def haproxy_lb(gate, e2e_dir):
    """HAProxy as load balancer in front of the gate: connects from 127.0.0.2, sends PROXY v2.

    Yields {"imap": frontend port, "pop3": frontend port}.
    """
    ports = {"imap": peers.free_port(), "pop3": peers.free_port()}
    proc = peers.start_haproxy(e2e_dir, "haproxy-lb",
                               [(ports["imap"], gate.port("imap")), (ports["pop3"], gate.port("pop3"))])
    try:
        yield ports
    finally:
        proc.stop(timeout=5)


_gate_serial = 0


@pytest.fixture
def gate_factory(mailgate_bin, dovecot, smtp_sink, e2e_dir, request):
    """Start extra gates (own dir, own free ports) for tests that change or break things."""
    started: list[peers.Gate] = []

    def make(listeners: list[Listener], access: str = peers.DEFAULT_ACCESS) -> peers.Gate:
        global _gate_serial
        _gate_serial += 1
        name = f"gate{_gate_serial}-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)[:50]
        g = peers.start_gate(mailgate_bin, e2e_dir, name, listeners, access)
        started.append(g)
        return g

    try:
        yield make
    finally:
        for g in started:
            g.stop()
