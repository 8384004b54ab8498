"""The command line against real files: check, explain, whitelist/blacklist editing, and
`serve` lifecycle (exit codes, SIGTERM drain). Uses the real mailgate binary."""
from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from peers import free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def files(tmp_path):
    """A copy of examples/ in a temp dir."""
    for name in ("mailgate.toml", "access.toml"):
        shutil.copy(REPO / "examples" / name, tmp_path / name)
    return tmp_path


def run(mailgate_bin, *args, stdin=""):
    return subprocess.run([str(mailgate_bin), *map(str, args)], capture_output=True, text=True,
                          input=stdin, timeout=30)


def test_check_accepts_the_examples(mailgate_bin, files):
    r = run(mailgate_bin, "check", "--config", files / "mailgate.toml")
    assert r.returncode == 0, r.stderr
    assert "ok" in r.stdout


def test_check_reports_every_problem_with_file_and_line(mailgate_bin, files):
    access = files / "access.toml"
    access.write_text('[[whitelist]]\nsource = "10.0.0.300"\n\n[[blacklist]]\nsource = "192.0.2.0/24"\nservices = ["imapx"]\n')
    r = run(mailgate_bin, "check", "--config", files / "mailgate.toml")
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert any(l.startswith(f"{access}:2: ") and "10.0.0.300" in l for l in lines), r.stderr
    assert any(l.startswith(f"{access}:6: ") and "imapx" in l for l in lines), r.stderr


def test_explain_names_the_decision_and_the_entry(mailgate_bin, files):
    r = run(mailgate_bin, "explain", "--config", files / "mailgate.toml", "127.0.0.2", "imap")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("require-proxy-header (whitelist 127.0.0.2"), r.stdout
    r = run(mailgate_bin, "explain", "--config", files / "mailgate.toml", "::ffff:198.51.100.9", "smtp", "--json")
    report = json.loads(r.stdout)
    assert report["decision"] == "reject" and report["reason"] == "blacklisted"
    assert report["entry"]["source"] == "198.51.100.0/24"
    r = run(mailgate_bin, "explain", "--config", files / "mailgate.toml", "203.0.113.1", "imap", "--json")
    assert json.loads(r.stdout)["decision"] == "direct"


def test_usage_errors_exit_2_and_refusals_exit_1(mailgate_bin, files):
    assert run(mailgate_bin, "explain", "--config", files / "mailgate.toml").returncode == 2
    assert run(mailgate_bin, "no-such-command").returncode == 2
    r = run(mailgate_bin, "explain", "--config", files / "mailgate.toml", "1.2.3.4", "gopher")
    assert r.returncode == 1 and 'unknown service "gopher"' in r.stderr


def test_enabling_tcp_proxy_warns_and_needs_a_yes(mailgate_bin, files):
    config = files / "mailgate.toml"
    access = files / "access.toml"
    before = access.read_bytes()
    r = run(mailgate_bin, "whitelist", "add", "--config", config, "203.0.113.7", "--services", "imap", "pop3",
            "--description", "lb2", "--tcp-proxy")
    assert r.returncode == 1
    assert "only connections from 203.0.113.7 on imap, pop3 will need a PROXY header; everyone else is unaffected" in r.stderr
    assert access.read_bytes() == before, "a refused edit changed the file"
    r = run(mailgate_bin, "whitelist", "add", "--config", config, "203.0.113.7", "--services", "imap", "pop3",
            "--description", "lb2", "--tcp-proxy", "--yes", "--json")
    assert r.returncode == 0, r.stderr
    entry = json.loads(r.stdout)
    assert entry["tcp_proxy"] is True and entry["services"] == ["imap", "pop3"]
    r = run(mailgate_bin, "explain", "--config", config, "203.0.113.7", "pop3")
    assert r.stdout.startswith("require-proxy-header"), r.stdout
    # Turning it off cuts off whoever is behind the balancer: it asks too, and names the address.
    r = run(mailgate_bin, "whitelist", "set", "--config", config, entry["id"], "--tcp-proxy", "off")
    assert r.returncode == 1 and "203.0.113.7 (1 address) on imap: require-proxy-header → direct" in r.stderr, r.stderr
    assert run(mailgate_bin, "whitelist", "set", "--config", config, entry["id"], "--tcp-proxy", "off", "--yes").returncode == 0
    assert run(mailgate_bin, "explain", "--config", config, "203.0.113.7", "pop3").stdout.startswith("direct")
    assert run(mailgate_bin, "whitelist", "remove", "--config", config, "203.0.113.7").returncode == 0
    listed = json.loads(run(mailgate_bin, "whitelist", "list", "--config", config, "--json").stdout)
    assert all(e["source"] != "203.0.113.7" for e in listed)


@pytest.mark.parametrize("args, why", [
    (["blacklist", "add", "not-an-address"], "not-an-address"),
    (["whitelist", "add", "192.0.2.0/24"], "already has an entry"),       # the example's office block
    (["whitelist", "add", "192.0.2.99", "--services", "gopher"], 'unknown service "gopher"'),
    (["whitelist", "set", "no-such-id", "--description", "x"], 'no whitelist entry "no-such-id"'),
])
def test_refused_edits_leave_the_access_file_byte_for_byte(mailgate_bin, files, args, why):
    access = files / "access.toml"
    before = access.read_bytes()
    r = run(mailgate_bin, args[0], args[1], "--config", files / "mailgate.toml", *args[2:])
    assert r.returncode == 1
    assert why in r.stderr, r.stderr
    assert access.read_bytes() == before


def _wait_port(port, deadline_s=10):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise AssertionError(f"nothing listened on {port} within {deadline_s}s")


def _serve_config(files, port):
    text = (files / "mailgate.toml").read_text()
    text = text.replace("127.0.0.1:1143", f"127.0.0.1:{port}")
    (files / "mailgate.toml").write_text(text)
    return files / "mailgate.toml"


def test_serve_refuses_a_port_already_in_use(mailgate_bin, files):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    try:
        config = _serve_config(files, blocker.getsockname()[1])
        r = subprocess.run([str(mailgate_bin), "serve", "--config", str(config)], capture_output=True, text=True, timeout=20)
        assert r.returncode == 1
        assert f"cannot listen on 127.0.0.1:{blocker.getsockname()[1]} for imap" in r.stderr, r.stderr
    finally:
        blocker.close()


def test_sigterm_stops_accepting_and_exits_cleanly(mailgate_bin, files):
    port = free_port()
    config = _serve_config(files, port)
    proc = subprocess.Popen([str(mailgate_bin), "serve", "--config", str(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_port(port)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err = proc.stderr.read()
    assert "stopping" in err and "stopped" in err, err
