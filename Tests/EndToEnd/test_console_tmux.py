"""The live console end to end: `mailgate demo` in tmux (TERM=xterm-256color and screen, 100x30), driven
by keys like an administrator would: the TCP Proxy warning with its evidence, Enter cancels,
E enables with the countdown banner, c confirms; the flag is checked through the CLI. A source
is blacklisted from the Rejects view through the impact dialog, and a change made with the CLI
is undone from the History view.

Every wait polls `tmux capture-pane` against a deadline; the tmux session is killed at
teardown whatever happens.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _free_base_port() -> int:
    """Three consecutive free ports on 127.0.0.1."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base > 65000:
            continue
        try:
            held = []
            for port in range(base, base + 3):
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", port))
                held.append(s)
            for s in held:
                s.close()
            return base
        except OSError:
            for s in held:
                s.close()
    raise RuntimeError("no three consecutive free ports")


class Pane:
    def __init__(self, session: str):
        self.session = session

    def text(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-t", self.session, "-p"],
                              capture_output=True, text=True, check=False).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.session, *keys], check=True)

    def wait_for(self, pattern: str, timeout: float = 20.0, absent: bool = False) -> re.Match | None:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.text()
            found = re.search(pattern, screen)
            if bool(found) != absent:
                return found
            time.sleep(0.1)
        pytest.fail(f"waited {timeout}s for {pattern!r}{' to go' if absent else ''}; screen:\n{screen}", pytrace=False)


@pytest.fixture(params=["xterm-256color", "screen"])
def demo(request, mailgate_bin: Path):
    work = Path(tempfile.mkdtemp(prefix="mg-tui-", dir="/tmp"))
    sock = work / "control.sock"
    session = f"mailgate-console-e2e-{os.getpid()}"
    command = (f"TERM={request.param} {mailgate_bin} demo --base-port {_free_base_port()} --socket {sock}; "
               f"echo EXIT=$?; sleep 60")
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command], check=True)
    try:
        yield Pane(session), sock, mailgate_bin
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
        shutil.rmtree(work, ignore_errors=True)


def _lb2(mailgate_bin: Path, sock: Path) -> dict:
    out = subprocess.run([str(mailgate_bin), "whitelist", "list", "--socket", str(sock), "--json"],
                         capture_output=True, text=True, timeout=20, check=True).stdout
    return next(e for e in json.loads(out) if e["source"] == "127.0.0.3")


def test_tcp_proxy_warning_cancel_enable_confirm(demo):
    pane, sock, mailgate_bin = demo
    pane.wait_for(r"Connections — \d+ open")
    pane.wait_for(r"● connected")
    # lb2 sends PROXY headers while unflagged: wait until the gate has refused some.
    pane.keys("2")
    pane.wait_for(r"127\.0\.0\.3 .*proxy-header-from-untrusted-source")

    pane.keys("3")
    pane.wait_for(r"Whitelist — \d+ of \d+")
    pane.keys("/", "lb2", "Enter")
    pane.wait_for(r"Whitelist — 1 of \d+")
    pane.keys("p")
    pane.wait_for(r"WARNING: enable TCP Proxy for 127\.0\.0\.3")
    headers = pane.wait_for(r"127\.0\.0\.3 sent (\d+) PROXY headers?")
    assert int(headers.group(1)) > 0, pane.text()
    pane.wait_for(r"▶\[ Cancel \]◀")

    pane.keys("Enter")
    pane.wait_for(r"WARNING", absent=True)
    assert _lb2(mailgate_bin, sock)["tcp_proxy"] is False

    pane.keys("p")
    pane.wait_for(r"WARNING: enable TCP Proxy for 127\.0\.0\.3")
    pane.wait_for(r"Apply: press E")
    pane.keys("E")
    pane.wait_for(r"PENDING, reverts in")
    assert _lb2(mailgate_bin, sock)["tcp_proxy"] is True

    pane.keys("c")
    pane.wait_for(r"Change confirmed|confirmed change ch")  # our answer, or the event about it
    pane.wait_for(r"PENDING, reverts in", absent=True)
    assert _lb2(mailgate_bin, sock)["tcp_proxy"] is True

    # The rejects it caused while unflagged are in the Rejects view.
    pane.keys("Escape", "2")
    pane.wait_for(r"127\.0\.0\.3 .*proxy-header-from-untrusted-source")

    pane.keys("q")
    pane.wait_for(r"EXIT=0", timeout=30)
    assert not sock.exists()


def _list(mailgate_bin: Path, sock: Path, kind: str) -> list[dict]:
    out = subprocess.run([str(mailgate_bin), kind, "list", "--socket", str(sock), "--json"],
                         capture_output=True, text=True, timeout=20, check=True).stdout
    return json.loads(out)


def test_rejects_blacklist_the_selected_source_through_the_impact_dialog(demo):
    pane, sock, mailgate_bin = demo
    pane.wait_for(r"● connected")
    pane.keys("2")
    pane.wait_for(r"127\.0\.0\.3 .*proxy-header-from-untrusted-source")
    pane.wait_for(r"Rate, last minute \(all\)\s+\d")
    pane.keys("/", "127.0.0.3", "Enter")
    pane.wait_for(r"▶.*127\.0\.0\.3 .*proxy-header-from-untrusted-source")

    # The question first, focus on Cancel: Enter writes nothing.
    pane.keys("b")
    pane.wait_for(r"Blacklist 127\.0\.0\.3\?")
    pane.wait_for(r"▶\[ Cancel \]◀")
    pane.keys("Enter")
    pane.wait_for(r"Blacklist 127\.0\.0\.3\?", absent=True)
    assert not any(e["source"] == "127.0.0.3" for e in _list(mailgate_bin, sock, "blacklist"))

    # Then y: applied at once when the daemon finds no client it would newly refuse (lb2's
    # connections are refused already), else through the impact warning and E, pending.
    pane.keys("b")
    pane.wait_for(r"Blacklist 127\.0\.0\.3\?")
    pane.keys("y")
    answer = pane.wait_for(r"WARNING: add blacklist entry 127\.0\.0\.3|Configuration changed: .*added blacklist 127\.0\.0\.3")
    if answer.group(0).startswith("WARNING"):
        pane.wait_for(r"Apply: press E")
        assert not any(e["source"] == "127.0.0.3" for e in _list(mailgate_bin, sock, "blacklist"))
        pane.keys("E")
        pane.wait_for(r"PENDING, reverts in")
    assert any(e["source"] == "127.0.0.3" for e in _list(mailgate_bin, sock, "blacklist"))

    # Now it is refused as blacklisted.
    pane.wait_for(r"127\.0\.0\.3 .*blacklisted")
    pane.keys("q")
    pane.wait_for(r"EXIT=0", timeout=30)


def test_history_shows_a_cli_change_and_undoes_it(demo):
    pane, sock, mailgate_bin = demo
    pane.wait_for(r"● connected")
    pane.keys("6")
    pane.wait_for(r"History — \d+ audit record")
    subprocess.run([str(mailgate_bin), "blacklist", "add", "127.0.0.99", "--description", "e2e history",
                    "--socket", str(sock)], capture_output=True, text=True, timeout=20, check=True)
    assert any(e["source"] == "127.0.0.99" for e in _list(mailgate_bin, sock, "blacklist"))
    # It appears live, newest first and selected, with the user from the socket.
    user = pwd.getpwuid(os.getuid()).pw_name
    pane.wait_for(rf"▶.*{re.escape(user[:5])}.*blacklist\.add .*applied.*127\.0\.0\.99")

    pane.keys("u")
    pane.wait_for(r"Undo this change\?")
    pane.wait_for(r"removed the added entry 127\.0\.0\.99")
    pane.keys("y")
    pane.wait_for(r"blacklist\.remove .*127\.0\.0\.99")
    assert not any(e["source"] == "127.0.0.99" for e in _list(mailgate_bin, sock, "blacklist"))

    pane.keys("q")
    pane.wait_for(r"EXIT=0", timeout=30)
