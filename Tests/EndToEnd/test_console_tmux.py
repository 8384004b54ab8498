"""The live console end to end: `mailgate demo` in tmux (TERM=xterm-256color and screen, 100x30), driven
by keys like an administrator would: the TCP Proxy warning with its evidence, Enter cancels,
E enables with the countdown banner, c confirms; the flag is checked through the CLI. A source
is blacklisted from the Rejects view through the impact dialog, and a change made with the CLI
is undone from the History view. Then what it claims without a daemon (nothing), with a plain
file as the socket, and after the daemon is killed (what it knew, marked as last known). And
`mailgate tui --fixture` under xterm, screen, vt100 and linux: escape sequences arrive as whole
keys (tmux's End, PuTTY's F1, rxvt's Home/End, Shift-Tab), a lone Esc is still Esc, no screen is
left behind on terminals without an alternate screen, and with --mouse clicks (SGR reports)
select tabs, rows and dialog buttons.

Every wait polls `tmux capture-pane` against a deadline; the tmux session is killed at
teardown whatever happens.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from peers import DOVECOT_IMAP_HAPROXY, DOVECOT_POP3_HAPROXY, Listener, free_port

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


@pytest.fixture
def fixture_console(request, mailgate_bin: Path):
    """`mailgate tui --fixture` in tmux (100x30) under the TERM the test names; yields a starter."""
    session = f"mailgate-console-keys-{os.getpid()}"
    started = []

    def start(term: str, *flags: str) -> Pane:
        command = f"TERM={term} {mailgate_bin} tui --fixture {' '.join(flags)}; echo EXIT=$?; sleep 60"
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command], check=True)
        started.append(session)
        pane = Pane(session)
        pane.wait_for(r"Connections — \d+ open")
        return pane

    try:
        yield start
    finally:
        for name in started:
            subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False)


def _literal(pane: Pane, text: str) -> None:
    """Sends bytes as a terminal would (one burst), not as tmux key names."""
    subprocess.run(["tmux", "send-keys", "-t", pane.session, "-l", text], check=True)


@pytest.mark.parametrize("term", ["xterm-256color", "screen", "vt100", "linux"])
def test_escape_sequences_are_whole_keys(fixture_console, term):
    pane = fixture_console(term)
    pane.keys("3")
    pane.wait_for(r"Whitelist — 5 of 5")
    # tmux's End is ESC [ 4 ~: under TERM=xterm it used to be Esc, "[", "4" (Blacklist!), "~".
    pane.keys("End")
    pane.wait_for(r"▶\s*198\.18\.0\.10")
    assert "Whitelist — 5 of 5" in pane.text()
    _literal(pane, "\x1b[1~")  # Home (vt220, tmux)
    pane.wait_for(r"▶\s*203\.0\.113\.7 ")
    _literal(pane, "\x1b[8~")  # rxvt's End
    pane.wait_for(r"▶\s*198\.18\.0\.10")
    _literal(pane, "\x1b[11~")  # PuTTY's F1: Help, not "1" (Connections)
    pane.wait_for(r"Help — keys")
    _literal(pane, "\x1bOP")  # xterm's F1: back where Help was opened
    pane.wait_for(r"Whitelist — 5 of 5")
    _literal(pane, "\x1b[Z")  # Shift-Tab
    pane.wait_for(r"\[2 Rejects\]")
    _literal(pane, "\x1b[1;5C")  # Ctrl-Right: a key the console ignores, not "5" (Changes)
    _literal(pane, "\x1b[I")  # a focus report: dropped whole
    pane.keys("3")
    pane.wait_for(r"Whitelist — 5 of 5")
    # In a form a sequence's leading Esc no longer cancels it and loses the input.
    pane.keys("n")
    pane.wait_for(r"New whitelist entry")
    _literal(pane, "192.0.2.9")
    pane.keys("End")
    _literal(pane, "\x1b[4~")
    pane.keys("Home")
    _literal(pane, "\x1b[A")
    pane.wait_for(r"New whitelist entry")
    pane.wait_for(r"192\.0\.2\.9")
    # A lone Esc is still Esc.
    pane.keys("Escape")
    pane.wait_for(r"New whitelist entry", absent=True)


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


@pytest.mark.parametrize("term", ["vt100", "linux"])
@pytest.mark.parametrize("key, status", [("q", 0), ("C-c", 130)])
def test_no_screen_is_left_behind_without_an_alternate_screen(fixture_console, term, key, status):
    pane = fixture_console(term)
    pane.keys(key)
    pane.wait_for(rf"EXIT={status}", timeout=30)
    screen = pane.text()
    assert "Connections —" not in screen and "Whitelist" not in screen, screen


def test_mouse_clicks_select_tabs_rows_and_buttons(fixture_console):
    pane = fixture_console("xterm-256color", "--mouse")

    def click(x: int, y: int) -> None:
        # An SGR mouse press and release at 1-based column x+1, row y+1, as xterm sends them.
        _literal(pane, f"\x1b[<0;{x + 1};{y + 1}M\x1b[<0;{x + 1};{y + 1}m")

    def where(pattern: str) -> tuple[int, int]:
        found = pane.wait_for(pattern)
        lines = pane.text().split("\n")
        for y, line in enumerate(lines):
            m = re.search(pattern, line)
            if m:
                return m.start(), y
        pytest.fail(f"{pattern!r} not on one line:\n{found}")

    click(*where(r"4 Blacklist"))
    pane.wait_for(r"\[4 Blacklist\]")
    click(*where(r"spam bot"))
    pane.wait_for(r"▶.*spam bot")
    pane.keys("d")
    pane.wait_for(r"Delete blacklist entry\?")
    click(*where(r"\[ Cancel \]"))
    pane.wait_for(r"Delete blacklist entry\?", absent=True)
    assert "spam bot" in pane.text()
    pane.keys("q")
    pane.wait_for(r"EXIT=0", timeout=30)


@pytest.fixture
def tui_without_daemon(mailgate_bin: Path):
    """`mailgate tui --socket PATH` in tmux with nothing behind PATH; returns (start, work dir)."""
    work = Path(tempfile.mkdtemp(prefix="mg-tui-none-", dir="/tmp"))
    session = f"mailgate-console-none-{os.getpid()}"

    def start(socket_path: Path) -> Pane:
        command = f"TERM=xterm-256color {mailgate_bin} tui --socket {socket_path}; echo EXIT=$?; sleep 60"
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command], check=True)
        return Pane(session)

    try:
        yield start, work
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
        shutil.rmtree(work, ignore_errors=True)


def test_without_a_daemon_nothing_is_shown_as_known_and_nothing_can_be_edited(tui_without_daemon):
    start, work = tui_without_daemon
    pane = start(work / "nonexistent.sock")
    pane.wait_for(r"no control socket at")
    pane.wait_for(r"Connections — not connected — nothing known")
    assert "0 open" not in pane.text()
    pane.keys("3")
    pane.wait_for(r"Whitelist — not connected — nothing known")
    # `n` then `4`: had `n` opened a form, the `4` would be typed into it instead of switching view.
    pane.keys("n", "4")
    pane.wait_for(r"Blacklist — not connected — nothing known")
    screen = pane.text()
    assert "is empty" not in screen and "n New" not in screen and "New whitelist entry" not in screen, screen
    pane.keys("q")
    pane.wait_for(r"EXIT=0", timeout=30)


def test_a_regular_file_given_as_the_socket_is_not_a_socket(tui_without_daemon):
    start, work = tui_without_daemon
    plain = work / "control.sock"
    plain.write_text("not a socket\n")
    pane = start(plain)
    pane.wait_for(r"is not a socket")
    assert "stale" not in pane.text()
    pane.keys("q")
    pane.wait_for(r"EXIT=0", timeout=30)


def test_after_the_daemon_is_killed_everything_is_last_known_and_nothing_is_up(gate_factory, mailgate_bin: Path):
    g = gate_factory([Listener("imap", free_port(), f"127.0.0.1:{DOVECOT_IMAP_HAPROXY}"),
                      Listener("pop3", free_port(), f"127.0.0.1:{DOVECOT_POP3_HAPROXY}")])
    session = f"mailgate-console-kill-{os.getpid()}"
    command = f"TERM=xterm-256color {mailgate_bin} tui --socket {g.dir / 'control.sock'}; echo EXIT=$?; sleep 60"
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command], check=True)
    try:
        pane = Pane(session)
        pane.wait_for(r"● connected")
        pane.wait_for(r"Connections — \d+ open")
        g.proc.stop(timeout=1, sig=signal.SIGKILL)
        pane.wait_for(r"reconnecting")
        pane.wait_for(r"Listeners, last known at \d\d:\d\d:\d\dZ")
        pane.wait_for(r"Connections — \d+ open · last known at \d\d:\d\d:\d\dZ, link down")
        screen = pane.text()
        assert "✓ up" not in screen and "▶ live" not in screen, screen
        assert "n New" not in screen, screen
        pane.keys("q")
        pane.wait_for(r"EXIT=0", timeout=30)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)


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
