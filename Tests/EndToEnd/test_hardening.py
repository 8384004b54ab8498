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
