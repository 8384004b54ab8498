"""The control API of a real `mailgate serve`: the README's curl examples as written, the
CLI through the daemon, and the socket's life (mode, a live daemon not taken over)."""
from __future__ import annotations

import json
import os
import queue
import re
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

import peers
from peers import DOVECOT_IMAP_HAPROXY, DOVECOT_POP3_HAPROXY, Listener, free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def daemon(gate_factory):
    return gate_factory([
        Listener("imap", free_port(), f"127.0.0.1:{DOVECOT_IMAP_HAPROXY}"),
        Listener("pop3", free_port(), f"127.0.0.1:{DOVECOT_POP3_HAPROXY}"),
    ])


def sock(g: peers.Gate) -> Path:
    return g.dir / "control.sock"


def run(mailgate_bin, *args, timeout=30):
    return subprocess.run([str(mailgate_bin), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def readme_examples() -> str:
    text = (REPO / "README.md").read_text()
    block = re.search(r"<!-- control-api-examples:begin -->\n```sh\n(.*?)```\n<!-- control-api-examples:end -->", text, re.S)
    assert block, "README.md has no control-api-examples block"
    return block.group(1)


def blacklisted_connection(port: int) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.66", 0))
        s.settimeout(5)
        s.connect(("127.0.0.1", port))
        while s.recv(1024):
            pass


def test_the_readme_curl_examples_work_as_written(daemon):
    blacklisted_connection(daemon.port("imap"))  # so the events example has something to show
    script = readme_examples().replace("/run/mailgate/control.sock", str(sock(daemon)))
    r = subprocess.run(["bash", "-u", "-c", script], capture_output=True, text=True, timeout=60, cwd=daemon.dir)
    out = r.stdout
    assert '"code":"revision-mismatch"' in out, out
    assert '"code":"acknowledge-impact-required"' in out, out
    assert "only connections from 203.0.113.7 on imap, pop3 will need a PROXY header" in out, out
    assert '"state":"confirmed"' in out, out
    assert '"reason":"blacklisted"' in out, out
    assert 'mailgate_rejects_total{reason="blacklisted",service="imap"} 1' in out, out
    assert '"action":"whitelist.update"' in out, out
    assert ": mailgate event stream" in out, out
    assert "203.0.113.8" not in daemon.access.read_text()
    access = daemon.access.read_text()
    assert 'source = "203.0.113.7"' in access and "tcp_proxy = true" in access.split('source = "203.0.113.7"')[1]
    audit = [json.loads(line) for line in (daemon.dir / "audit.log").read_text().splitlines()]
    assert [a["action"] for a in audit] == ["whitelist.add", "whitelist.update", "change.confirm"]
    assert audit[0]["user"] == "root" and audit[0]["after"]["source"] == "203.0.113.7"


def test_the_cli_goes_through_the_daemon(mailgate_bin, daemon):
    s = sock(daemon)
    r = run(mailgate_bin, "blacklist", "add", "--socket", s, "198.51.100.0/24", "--description", "brute force")
    assert r.returncode == 0, r.stderr
    r = run(mailgate_bin, "blacklist", "list", "--socket", s, "--json")
    assert "198.51.100.0/24" in [e["source"] for e in json.loads(r.stdout)]

    # Turning tcp_proxy on shows the impact report and needs a yes; without one nothing changes.
    r = run(mailgate_bin, "whitelist", "add", "--socket", s, "203.0.113.7", "--services", "imap", "--tcp-proxy")
    assert r.returncode == 1 and "WARNING" in r.stderr, r.stderr
    assert "Scope: only connections from 203.0.113.7 on imap will need a PROXY header" in r.stderr, r.stderr
    assert "203.0.113.7" not in daemon.access.read_text()
    r = run(mailgate_bin, "whitelist", "add", "--socket", s, "203.0.113.7", "--services", "imap", "--tcp-proxy", "--yes")
    assert r.returncode == 0, r.stderr
    change = re.search(r"pending change (ch[0-9a-f]+)", r.stdout).group(1)
    r = run(mailgate_bin, "status", "--socket", s)
    assert f"PENDING {change}" in r.stdout, r.stdout
    status = json.loads(run(mailgate_bin, "status", "--socket", s, "--json").stdout)
    assert [l["service"] for l in status["listeners"]] == ["imap", "pop3"]
    r = run(mailgate_bin, "confirm", change, "--socket", s)
    assert r.returncode == 0 and "confirmed" in r.stdout, r.stderr
    r = run(mailgate_bin, "revert", change, "--socket", s)
    assert r.returncode == 1 and "change-not-pending" in r.stderr

    # Removing a flagged balancer cuts off whoever is behind it: it asks, then reverts unless confirmed.
    r = run(mailgate_bin, "whitelist", "remove", "--socket", s, "203.0.113.7")
    assert r.returncode == 1 and "would no longer be trusted as a load balancer" in r.stderr, r.stderr
    r = run(mailgate_bin, "whitelist", "remove", "--socket", s, "203.0.113.7", "--yes")
    assert r.returncode == 0 and "pending change" in r.stdout, r.stderr
    groups = json.loads(run(mailgate_bin, "connections", "--socket", s, "--json").stdout)
    assert set(groups) == {"proxied", "direct", "awaiting_header"}
    blacklisted_connection(daemon.port("imap"))
    events = json.loads(run(mailgate_bin, "events", "--socket", s, "--reason", "blacklisted", "--json").stdout)["events"]
    assert len(events) == 1 and events[0]["peer"] == "127.0.0.66"


def test_events_follow_prints_events_as_they_happen(mailgate_bin, daemon):
    proc = subprocess.Popen([str(mailgate_bin), "events", "--follow", "--json", "--socket", str(sock(daemon)),
                             "--reason", "blacklisted"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout], daemon=True).start()
    try:
        # The stream may not be subscribed yet when the first reject happens: retry until one shows.
        deadline = time.monotonic() + 10
        line = None
        while line is None and time.monotonic() < deadline:
            blacklisted_connection(daemon.port("imap"))
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                pass
        assert line, "no event from `mailgate events --follow` within 10 s"
        event = json.loads(line)
        assert event["kind"] == "rejected" and event["reason"] == "blacklisted"
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_an_unreachable_daemon_exits_3_saying_what_to_check(mailgate_bin, tmp_path):
    r = run(mailgate_bin, "status", "--socket", tmp_path / "none.sock")
    assert r.returncode == 3
    assert "cannot reach the mailgate daemon" in r.stderr and "--socket" in r.stderr


def test_the_socket_is_0660_a_live_daemon_keeps_it_and_it_is_removed_on_stop(mailgate_bin, daemon):
    s = sock(daemon)
    assert stat.S_IMODE(os.stat(s).st_mode) == 0o660
    r = run(mailgate_bin, "serve", "--config", daemon.config, timeout=15)
    assert r.returncode == 1 and "another mailgate daemon" in r.stderr, r.stderr
    assert run(mailgate_bin, "status", "--socket", s).returncode == 0
    daemon.stop()
    assert not s.exists()


def test_file_edits_with_config_warn_that_the_daemon_reloads(mailgate_bin, daemon):
    # An edit that could cut someone off must go through the daemon, which can revert it.
    before = daemon.access.read_bytes()
    r = run(mailgate_bin, "blacklist", "add", "--config", daemon.config, "192.0.2.77")
    assert r.returncode == 1 and "a daemon is running on" in r.stderr and "leave out --config" in r.stderr, r.stderr
    assert "192.0.2.77 (1 address) on imap: direct → blacklisted" in r.stderr
    assert daemon.access.read_bytes() == before
    r = run(mailgate_bin, "whitelist", "add", "--config", daemon.config, "192.0.2.77")
    assert r.returncode == 0, r.stderr
    assert "a running daemon reloads it" in r.stderr
    s = sock(daemon)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        entries = json.loads(run(mailgate_bin, "whitelist", "list", "--socket", s, "--json").stdout)
        if "192.0.2.77" in [e["source"] for e in entries]:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the daemon did not pick up the file edit")
    audit = (daemon.dir / "audit.log").read_text()
    assert '"action":"reload"' in audit and '"user":"file"' in audit


def test_a_pending_change_survives_a_daemon_restart(mailgate_bin, daemon):
    s = sock(daemon)
    r = run(mailgate_bin, "whitelist", "add", "--socket", s, "203.0.113.7", "--services", "imap", "--tcp-proxy", "--yes")
    assert r.returncode == 0, r.stderr
    change = re.search(r"pending change (ch[0-9a-f]+)", r.stdout).group(1)
    kept = daemon.dir / "access.toml.pending.json"
    assert change in kept.read_text()

    # Stopped and started again in place: the change is still pending, same deadline.
    before = json.loads(run(mailgate_bin, "status", "--socket", s, "--json").stdout)["pending_changes"]
    daemon.stop()
    daemon.proc = peers.Proc("mailgate[restarted]", [mailgate_bin, "serve", "--config", daemon.config],
                             daemon.dir / "mailgate-restarted.log", cwd=daemon.dir).start()
    daemon.proc.wait_ready([li.port for li in daemon.listeners], timeout=15)
    after = json.loads(run(mailgate_bin, "status", "--socket", s, "--json").stdout)["pending_changes"]
    assert [(c["id"], c["deadline"]) for c in after] == [(c["id"], c["deadline"]) for c in before] == \
        [(change, before[0]["deadline"])]

    r = run(mailgate_bin, "revert", change, "--socket", s)
    assert r.returncode == 0, r.stderr
    assert "203.0.113.7" not in daemon.access.read_text(), "reverting an add removes the entry"
    assert not kept.exists()
