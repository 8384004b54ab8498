"""The daemon under stress it must survive: SIGTERM with a stalled control client, and running
out of file descriptors under a flood. Each runs a real `mailgate serve` in front of a small
greeting upstream on 127.0.0.1 (no mail server needed)."""
from __future__ import annotations

import errno
import os
import signal
import socket
import socketserver
import threading
import time
from pathlib import Path

import pytest

import peers
from peers import free_port


class Greeter(socketserver.ThreadingTCPServer):
    """An upstream that greets, then echoes; it holds connections until the peer closes."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                try:
                    self.request.sendall(b"* OK greeter ready\r\n")
                    while True:
                        data = self.request.recv(4096)
                        if not data:
                            return
                        self.request.sendall(data)
                except OSError:
                    return
        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self):
        self.shutdown()
        self.server_close()


@pytest.fixture
def greeter():
    g = Greeter()
    yield g
    g.stop()


def start_daemon(mailgate_bin: Path, base: Path, upstream_port: int, *, grace: str = "2s",
                 max_connections: int = 1000, max_per_source: int = 50, nofile: int | None = None,
                 access: str = "") -> tuple[peers.Proc, int, Path]:
    base.mkdir(parents=True, exist_ok=True)
    port = free_port()
    control = base / "control.sock"
    (base / "mailgate.toml").write_text(f"""access_file = "access.toml"
shutdown_grace = "{grace}"

[control]
socket = "{control}"

[[listener]]
service = "imap"
listen = ["127.0.0.1:{port}"]
upstream = "127.0.0.1:{upstream_port}"
upstream_proxy = "none"

[limits]
max_connections = {max_connections}
max_per_source = {max_per_source}
""")
    (base / "access.toml").write_text(access)
    argv = [mailgate_bin, "serve", "--config", base / "mailgate.toml"]
    if nofile is not None:
        argv = ["prlimit", f"--nofile={nofile}:{nofile}", "--"] + argv
    proc = peers.Proc("mailgate[hardening]", argv, base / "mailgate.log", cwd=base).start()
    try:
        proc.wait_ready([port], timeout=15)
    except BaseException:
        proc.stop()
        raise
    return proc, port, control


def control_request(control: Path, request: bytes, timeout: float = 5.0) -> bytes:
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(timeout)
        s.connect(str(control))
        s.sendall(request)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk


def connect(port: int, source: str = "127.0.0.1", timeout: float = 3.0) -> socket.socket:
    s = socket.socket()
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def test_sigterm_closes_the_listener_at_once_and_the_grace_deadline_holds_despite_a_stalled_control_client(
        mailgate_bin, e2e_dir, greeter):
    proc, port, control = start_daemon(mailgate_bin, e2e_dir / "sigterm-stalled", greeter.port, grace="2s")
    try:
        relayed = connect(port)
        assert relayed.recv(100).startswith(b"* OK greeter")
        # A control request header and 1 byte of its 64-byte body, then nothing.
        stalled = socket.socket(socket.AF_UNIX)
        stalled.connect(str(control))
        stalled.sendall(b"POST /v1/whitelist HTTP/1.1\r\nHost: x\r\nContent-Length: 64\r\n\r\n{")
        time.sleep(0.3)

        mark = proc.log.mark()
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.log.wait_for("stopping: no new connections", since=mark, timeout=3)

        # The listener closes at once: new clients are refused by the kernel within a second.
        refused_after = None
        while time.monotonic() - started < 3:
            try:
                probe = connect(port, timeout=0.5)
                probe.close()
            except OSError as error:
                if error.errno == errno.ECONNREFUSED:
                    refused_after = time.monotonic() - started
                    break
            time.sleep(0.05)
        assert refused_after is not None and refused_after < 1.0, \
            f"the listener still accepted {time.monotonic() - started:.1f}s after SIGTERM"

        # The grace period (2s) is absolute: the daemon is gone by then plus the final close (≤3s).
        proc.popen.wait(timeout=7)
        took = time.monotonic() - started
        assert proc.popen.returncode == 0, proc.log.read()[-2000:]
        assert took < 6.5, f"stopping took {took:.1f}s"
        stalled.close()
        relayed.close()
    finally:
        proc.stop()


def test_descriptor_exhaustion_under_a_flood_is_survived_and_every_refusal_is_truthful(
        mailgate_bin, e2e_dir, greeter):
    """The daemon runs with a descriptor limit of 300 and max_connections 1000 (which would need
    2000): it must say so and lower max_connections, hold connections up to what the limit
    carries, refuse the rest truthfully while a blacklisted flood eats descriptors too, never
    fail upstream connects for lack of descriptors, and keep answering afterwards."""
    access = '[[blacklist]]\nsource = "127.0.0.66"\ndescription = "flood"\n'
    proc, port, control = start_daemon(mailgate_bin, e2e_dir / "descriptors", greeter.port, nofile=300,
                                       max_connections=1000, max_per_source=100000, access=access)
    held: list[socket.socket] = []
    replies: list[bytes] = []
    stop_flood = threading.Event()

    def flood():
        while not stop_flood.is_set():
            try:
                s = connect(port, source="127.0.0.66", timeout=2)
                s.close()  # the gate holds its side for up to 2 s after refusing
            except OSError:
                time.sleep(0.01)

    flooders = [threading.Thread(target=flood, daemon=True) for _ in range(4)]
    try:
        log = proc.log.wait_for(r"max_connections = 1000 needs 2000 descriptors .* the descriptor limit is 300", timeout=5)
        assert log
        for thread in flooders:
            thread.start()
        for index in range(400):
            source = f"127.0.0.{10 + index % 40}"
            try:
                s = connect(port, source=source, timeout=3)
            except OSError as error:
                replies.append(f"connect failed: {error}".encode())
                continue
            try:
                first = s.recv(200)
            except OSError as error:
                first = f"recv failed: {error}".encode()
            if first.startswith(b"* OK greeter"):
                held.append(s)
            else:
                replies.append(first)
                s.close()
        stop_flood.set()
        for thread in flooders:
            thread.join(5)

        assert proc.alive(), f"the daemon died (status {proc.popen.returncode}):\n{proc.log.read()[-3000:]}"
        assert 20 <= len(held) <= 80, f"{len(held)} connections held"
        assert replies, "nobody was refused"
        for reply in replies:
            assert reply.startswith(b"* BYE [UNAVAILABLE] the server is at its connection limit"), reply
        text = proc.log.read()
        assert "Too many open files" not in text
        assert "upstream-unavailable" not in text
        assert "too many connections from" not in text

        # Still serving: the control API answers, and once the held ones go a client gets through.
        status = control_request(control, b"GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status.startswith(b"HTTP/1.1 200"), status[:200]
        for s in held:
            s.close()
        held.clear()
        peers.wait_until(lambda: b'"open":0' in control_request(
            control, b"GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 10, "connections to close")
        again = connect(port, source="127.0.0.9")
        assert again.recv(100).startswith(b"* OK greeter")
        again.close()
        assert proc.alive()
    finally:
        stop_flood.set()
        for s in held:
            s.close()
        proc.stop()
