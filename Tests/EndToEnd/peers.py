"""Helpers for the end-to-end tests: real peer processes, log files, clients, PROXY headers.

Everything here talks to 127.0.0.0/8 only. Every wait is "until a condition or a
deadline"; a missed deadline fails the test with a message that says what was awaited.
"""
from __future__ import annotations

import http.client
import imaplib
import json
import os
import poplib
import re
import signal
import smtplib
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PYTHON = "/usr/bin/python3"  # Debian's python: it sees python3-aiosmtpd
LOOPBACK = "127.0.0.1"
CLIENT_TIMEOUT = 5.0  # socket timeout for every client, so nothing hangs forever

# Dovecot's listeners (fixed, as in shared/peers) and the SMTP sink.
DOVECOT_IMAP = 10143
DOVECOT_IMAP_HAPROXY = 10144
DOVECOT_POP3 = 10110
DOVECOT_POP3_HAPROXY = 10111
SMTP_SINK_PORT = 10025

# The main gate's listeners.
GATE_IMAP = 21143
GATE_POP3 = 21110
GATE_SMTP = 21025


# --------------------------------------------------------------------------- waiting

def fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


def wait_until(condition, timeout: float, what: str, interval: float = 0.05):
    """Poll `condition()` until it returns something truthy (returned) or the deadline passes (fails)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            fail(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


def port_is_open(port: int, host: str = LOOPBACK) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def assert_port_free(port: int, owner: str) -> None:
    if port_is_open(port):
        fail(f"127.0.0.1:{port} (wanted by {owner}) already has a listener: "
             f"a stale process from an earlier run? (`ss -ltnp 'sport = :{port}'`)")


def free_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- logs

class LogFile:
    """A growing log file; positions are byte offsets, so a test can look only at what came after a mark."""

    def __init__(self, path: Path, name: str):
        self.path = Path(path)
        self.name = name

    def mark(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def read(self, since: int = 0) -> str:
        try:
            with open(self.path, "rb") as f:
                f.seek(since)
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def search(self, pattern: str, since: int = 0):
        return re.search(pattern, self.read(since))

    def wait_for(self, pattern: str, since: int = 0, timeout: float = 5.0, what: str | None = None):
        """Wait until `pattern` (a regex) appears after offset `since`; returns the match."""
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.read(since))
            if m:
                return m
            if time.monotonic() >= deadline:
                tail = self.read(since)[-3000:]
                fail(f"timed out after {timeout:g}s waiting for {what or repr(pattern)} in {self.path}"
                     f"\n--- {self.name} log since mark (tail) ---\n{tail}")
            time.sleep(0.05)


# Logs of the processes running now, attached to the report of a failing test.
RUNNING_LOGS: list[LogFile] = []


def forget_log(log: LogFile) -> None:
    if log in RUNNING_LOGS:
        RUNNING_LOGS.remove(log)


# --------------------------------------------------------------------------- processes

class Proc:
    """A foreground child process in its own process group, stdout+stderr into a log file."""

    def __init__(self, name: str, argv: list[str], log_path: Path, cwd: Path | None = None,
                 env: dict | None = None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.log = LogFile(log_path, name)
        self.cwd = cwd
        self.env = env
        self.popen: subprocess.Popen | None = None
        self._logf = None

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def start(self) -> "Proc":
        self._logf = open(self.log.path, "ab", buffering=0)
        self.popen = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=self._logf, stderr=subprocess.STDOUT,
            cwd=self.cwd, env=self.env, start_new_session=True)
        RUNNING_LOGS.append(self.log)
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def send_signal(self, sig: int) -> None:
        assert self.alive(), f"{self.name} is not running"
        os.kill(self.pid, sig)

    def wait_ready(self, ports: list[int], timeout: float) -> None:
        """Until every port accepts a TCP connection; fails at once if the process exits."""
        deadline = time.monotonic() + timeout
        pending = list(ports)
        while pending:
            if not self.alive():
                fail(f"{self.name} exited with status {self.popen.returncode} before listening on "
                     f"{pending}; {' '.join(self.argv)}\n--- {self.log.path} ---\n{self.log.read()[-4000:]}")
            pending = [p for p in pending if not port_is_open(p)]
            if not pending:
                return
            if time.monotonic() >= deadline:
                fail(f"{self.name} did not listen on 127.0.0.1:{pending} within {timeout:g}s"
                     f"\n--- {self.log.path} ---\n{self.log.read()[-4000:]}")
            time.sleep(0.05)

    def stop(self, timeout: float = 10.0, sig: int = signal.SIGTERM) -> None:
        """Signal, wait up to `timeout`, then SIGKILL the process group; always reaps."""
        if self.popen is None:
            return
        try:
            if self.popen.poll() is None:
                try:
                    os.kill(self.popen.pid, sig)
                except ProcessLookupError:
                    pass
                try:
                    self.popen.wait(timeout)
                except subprocess.TimeoutExpired:
                    sys.stderr.write(f"[e2e] {self.name} ignored signal {sig} for {timeout:g}s: SIGKILL\n")
                    try:
                        os.killpg(self.popen.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    self.popen.wait(10)
            # Children left behind in the group (a Dovecot login process, say).
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        finally:
            if self._logf:
                self._logf.close()
                self._logf = None
            forget_log(self.log)


# --------------------------------------------------------------------------- Dovecot

DOVECOT_TEMPLATE = HERE / "dovecot.conf.in"


@dataclass
class Dovecot:
    dir: Path
    proc: Proc
    log: LogFile  # dovecot's own log_path (not its stderr)

    def stop(self) -> None:
        self.proc.stop(timeout=15)
        forget_log(self.log)


def start_dovecot(base: Path) -> Dovecot:
    d = base / "dovecot"
    d.mkdir(mode=0o755)
    os.chmod(d, 0o755)
    for sub in ("run", "state", "mail/alice"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    conf = DOVECOT_TEMPLATE.read_text().replace("@DIR@", str(d))
    (d / "dovecot.conf").write_text(conf)
    (d / "users").write_text(f"alice:{{PLAIN}}secret:65534:65534::{d}/mail/alice::\n")
    for root, dirs, files in os.walk(d / "mail"):
        for n in [root, *(os.path.join(root, x) for x in dirs + files)]:
            os.chown(n, 65534, 65534)  # nobody:nogroup
    for port in (DOVECOT_IMAP, DOVECOT_IMAP_HAPROXY, DOVECOT_POP3, DOVECOT_POP3_HAPROXY):
        assert_port_free(port, "dovecot")
    proc = Proc("dovecot", ["dovecot", "-F", "-c", d / "dovecot.conf"], d / "dovecot.stderr").start()
    dv = Dovecot(d, proc, LogFile(d / "dovecot.log", "dovecot"))
    RUNNING_LOGS.append(dv.log)
    try:
        proc.wait_ready([DOVECOT_IMAP, DOVECOT_IMAP_HAPROXY, DOVECOT_POP3, DOVECOT_POP3_HAPROXY], timeout=10)
    except BaseException:
        dv.stop()
        raise
    return dv


def login_line(service: str, rip: str) -> str:
    """Regex for Dovecot's successful-login line of alice with remote address `rip`."""
    return (rf"{service}-login: (?:Info: )?Login: user=<alice>, method=\S+, "
            rf"rip={re.escape(rip)}, ")


# --------------------------------------------------------------------------- SMTP sink (aiosmtpd)

@dataclass
class SmtpSink:
    proc: Proc
    record: Path
    port: int

    def messages(self) -> list[dict]:
        try:
            lines = self.record.read_text().splitlines()
        except FileNotFoundError:
            return []
        return [json.loads(x) for x in lines if x.strip()]

    def wait_for_message(self, rcpt: str, timeout: float = 5.0) -> dict:
        def found():
            return next((m for m in self.messages() if rcpt in m["rcpt_tos"]), None)
        return wait_until(found, timeout, f"a message to {rcpt} in {self.record}")

    def stop(self) -> None:
        self.proc.stop(timeout=5)


def start_smtp_sink(base: Path, port: int = SMTP_SINK_PORT) -> SmtpSink:
    d = base / "smtp-sink"
    d.mkdir()
    record = d / "messages.jsonl"
    assert_port_free(port, "smtp sink (aiosmtpd)")
    proc = Proc("smtp-sink", [PYTHON, HERE / "smtp_sink.py", "--port", str(port), "--record", record,
                              "--proxy-timeout", "3"], d / "smtp-sink.log").start()
    sink = SmtpSink(proc, record, port)
    try:
        proc.wait_ready([port], timeout=10)
    except BaseException:
        sink.stop()
        raise
    return sink


# --------------------------------------------------------------------------- HAProxy

def haproxy_config(routes: list[tuple[int, int]], source: str = "127.0.0.2") -> str:
    """routes: (frontend port, backend port) pairs; each backend gets PROXY v2 from `source`."""
    parts = ["""\
global
    log stderr format short local0 info
    maxconn 256

defaults
    mode tcp
    log global
    option tcplog
    timeout connect 5s
    timeout client  1m
    timeout server  1m
"""]
    for i, (front, back) in enumerate(routes):
        parts.append(f"""
frontend in{i}
    bind 127.0.0.1:{front}
    default_backend out{i}

backend out{i}
    server next 127.0.0.1:{back} send-proxy-v2 source {source}
""")
    return "".join(parts)


def haproxy_check(cfg: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["haproxy", "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)


def start_haproxy(base: Path, name: str, routes: list[tuple[int, int]], source: str = "127.0.0.2") -> Proc:
    d = base / name
    d.mkdir()
    cfg = d / "haproxy.cfg"
    cfg.write_text(haproxy_config(routes, source))
    check = haproxy_check(cfg)
    if check.returncode != 0:
        fail(f"haproxy -c -f {cfg} refused the config:\n{check.stdout}{check.stderr}")
    for front, _ in routes:
        assert_port_free(front, name)
    proc = Proc(name, ["haproxy", "-f", cfg, "-db"], d / "haproxy.log").start()
    try:
        proc.wait_ready([front for front, _ in routes], timeout=10)
    except BaseException:
        proc.stop(timeout=5)
        raise
    return proc


# --------------------------------------------------------------------------- mailgate

DEFAULT_ACCESS = """\
[[whitelist]]
source = "127.0.0.2"
description = "haproxy lb1"
services = ["imap", "pop3"]
tcp_proxy = true

[[blacklist]]
source = "127.0.0.66"
description = "test: blacklisted client"
services = ["all"]
"""

# For gates with an imap listener only: naming a service no listener defines is an error.
IMAP_ONLY_ACCESS = DEFAULT_ACCESS.replace('services = ["imap", "pop3"]', 'services = ["imap"]')


@dataclass
class Listener:
    service: str
    port: int
    upstream: str
    upstream_proxy: str = "v2"
    proxy_header_timeout: str = "1s"
    connect_timeout: str = "2s"


def gate_config(listeners: list[Listener], control_socket: Path) -> str:
    out = [
        'access_file = "access.toml"',
        'shutdown_grace = "2s"',
        "",
        "[control]",
        f'socket = "{control_socket}"',
        "",
    ]
    for li in listeners:
        out += [
            "[[listener]]",
            f'service = "{li.service}"',
            f'listen = ["127.0.0.1:{li.port}"]',
            f'upstream = "{li.upstream}"',
            f'upstream_proxy = "{li.upstream_proxy}"',
            f'proxy_header_timeout = "{li.proxy_header_timeout}"',
            f'connect_timeout = "{li.connect_timeout}"',
            "",
        ]
    out += ["[limits]", "max_connections = 1000", "max_per_source = 50", ""]
    return "\n".join(out)


def write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


@dataclass
class Gate:
    dir: Path
    proc: Proc
    listeners: list[Listener]
    config: Path = field(init=False)
    access: Path = field(init=False)

    def __post_init__(self):
        self.config = self.dir / "mailgate.toml"
        self.access = self.dir / "access.toml"

    @property
    def log(self) -> LogFile:
        return self.proc.log

    def port(self, service: str) -> int:
        return next(li.port for li in self.listeners if li.service == service)

    def write_access(self, text: str) -> None:
        write_atomically(self.access, text)

    def reload(self) -> None:
        self.proc.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        self.proc.stop(timeout=8)  # shutdown_grace is 2s


def start_gate(binary: Path, base: Path, name: str, listeners: list[Listener],
               access: str = DEFAULT_ACCESS) -> Gate:
    d = base / name
    d.mkdir()
    (d / "mailgate.toml").write_text(gate_config(listeners, d / "control.sock"))
    (d / "access.toml").write_text(access)
    for li in listeners:
        assert_port_free(li.port, f"mailgate ({name})")
    proc = Proc(f"mailgate[{name}]", [binary, "serve", "--config", d / "mailgate.toml"],
                d / "mailgate.log", cwd=d).start()
    gate = Gate(d, proc, listeners)
    try:
        proc.wait_ready([li.port for li in listeners], timeout=15)
    except BaseException:
        gate.stop()
        raise
    return gate


# --------------------------------------------------------------------------- control API

class UnixHTTP(http.client.HTTPConnection):
    """HTTP/1.1 over the daemon's control socket."""

    def __init__(self, path: Path, timeout: float = 30):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = str(path)

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


def api(sock: Path, method: str, path: str, body: dict | None = None, if_match: str | None = None):
    """One request to the control API: (status, decoded JSON body or None)."""
    conn = UnixHTTP(sock)
    headers = {"Content-Type": "application/json"}
    if if_match:
        headers["If-Match"] = f'"{if_match}"'
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        reply = conn.getresponse()
        data = reply.read()
    finally:
        conn.close()
    return reply.status, json.loads(data) if data else None


# --------------------------------------------------------------------------- PROXY headers

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def proxy_v1(src: str, dst: str, sport: int, dport: int, family: str | None = None) -> bytes:
    if family is None:
        family = "TCP6" if ":" in src else "TCP4"
    return f"PROXY {family} {src} {dst} {sport} {dport}\r\n".encode()


def proxy_v1_unknown() -> bytes:
    return b"PROXY UNKNOWN\r\n"


def proxy_v2(src: str | None = None, dst: str | None = None, sport: int = 0, dport: int = 0,
             command: str = "PROXY", tlvs: list[tuple[int, bytes]] = (), version: int = 2,
             family: int | None = None, length: int | None = None) -> bytes:
    """A PROXY v2 header. `command` is PROXY or LOCAL; TCP over IPv4 or IPv6 from the addresses.

    `version`, `family` and `length` can be forced to build malformed headers.
    """
    cmd = {"LOCAL": 0x0, "PROXY": 0x1}.get(command, command)
    ver_cmd = ((version & 0xF) << 4) | (cmd & 0xF)
    if src is None:
        fam = 0x00 if family is None else family
        body = b""
    elif ":" in src:
        fam = 0x21 if family is None else family
        body = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst)
                + struct.pack("!HH", sport, dport))
    else:
        fam = 0x11 if family is None else family
        body = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!HH", sport, dport)
    for t, v in tlvs:
        body += struct.pack("!BH", t, len(v)) + v
    return V2_SIGNATURE + bytes([ver_cmd, fam]) + struct.pack("!H", len(body) if length is None else length) + body


def send_bytes(sock: socket.socket, data: bytes, split: bool = False) -> None:
    """Send `data`; with split, one byte per write (TCP_NODELAY and a short pause between)."""
    if not split:
        sock.sendall(data)
        return
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for b in data:
        sock.sendall(bytes([b]))
        time.sleep(0.002)  # pacing so each byte leaves as its own segment; not a wait


# --------------------------------------------------------------------------- clients

def connect_from(source: str, port: int, host: str = LOOPBACK, timeout: float = CLIENT_TIMEOUT) -> socket.socket:
    """A TCP connection to host:port whose local address is `source` (a 127.0.0.N)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.bind((source, 0))
        s.connect((host, port))
    except BaseException:
        s.close()
        raise
    return s


class SourceIMAP4(imaplib.IMAP4):
    """imaplib from a chosen source address, optionally sending `preamble` (a PROXY header) first."""

    def __init__(self, port: int, source: str, host: str = LOOPBACK, preamble: bytes = b"",
                 split: bool = False, timeout: float = CLIENT_TIMEOUT):
        self._source, self._preamble, self._split = source, preamble, split
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout):
        s = connect_from(self._source, self.port, self.host, timeout)
        if self._preamble:
            send_bytes(s, self._preamble, self._split)
        return s


class SourcePOP3(poplib.POP3):
    def __init__(self, port: int, source: str, host: str = LOOPBACK, preamble: bytes = b"",
                 split: bool = False, timeout: float = CLIENT_TIMEOUT):
        self._source, self._preamble, self._split = source, preamble, split
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout):
        s = connect_from(self._source, self.port, self.host, timeout)
        if self._preamble:
            send_bytes(s, self._preamble, self._split)
        return s


class SourceSMTP(smtplib.SMTP):
    """smtplib from a chosen source address, optionally sending a PROXY header first."""

    def __init__(self, port: int, source: str, host: str = LOOPBACK, preamble: bytes = b"",
                 timeout: float = CLIENT_TIMEOUT):
        self._preamble = preamble
        super().__init__(host, port, local_hostname="client.test", timeout=timeout,
                         source_address=(source, 0))

    def _get_socket(self, host, port, timeout):
        s = connect_from(self.source_address[0], port, host, timeout)
        if self._preamble:
            send_bytes(s, self._preamble)
        return s


def imap_login(port: int, source: str, **kw) -> SourceIMAP4:
    try:
        m = SourceIMAP4(port, source, **kw)
    except (OSError, imaplib.IMAP4.error) as e:
        raise AssertionError(f"IMAP connection from {source} to 127.0.0.1:{port} failed: {e!r}") from e
    typ, data = m.login("alice", "secret")
    assert typ == "OK", f"IMAP login from {source} to :{port}: {typ} {data}"
    return m


def imap_session(port: int, source: str, **kw) -> None:
    """Log in as alice, NOOP, log out."""
    m = imap_login(port, source, **kw)
    try:
        typ, data = m.noop()
        assert typ == "OK", f"NOOP: {typ} {data}"
    finally:
        m.logout()


def pop3_session(port: int, source: str, **kw) -> None:
    """Log in as alice, STAT, QUIT."""
    try:
        p = SourcePOP3(port, source, **kw)
    except (OSError, poplib.error_proto) as e:
        raise AssertionError(f"POP3 connection from {source} to 127.0.0.1:{port} failed: {e!r}") from e
    try:
        assert p.welcome.startswith(b"+OK"), p.welcome
        p.user("alice")
        resp = p.pass_("secret")
        assert resp.startswith(b"+OK"), f"POP3 login from {source}: {resp!r}"
        p.stat()
    finally:
        p.quit()


class RawConn:
    """A raw TCP client for reject paths: read lines and wait for the peer to close, with deadlines."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""
        self.eof = False
        self.reset = False
        self.opened = time.monotonic()

    @classmethod
    def open(cls, source: str, port: int, host: str = LOOPBACK) -> "RawConn":
        return cls(connect_from(source, port, host))

    def send(self, data: bytes, split: bool = False) -> None:
        send_bytes(self.sock, data, split)

    def elapsed(self) -> float:
        return time.monotonic() - self.opened

    def _recv(self, deadline: float) -> bool:
        """One read; False at the deadline. Sets eof on FIN or RST."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            self.eof = self.reset = True
            return True
        if not chunk:
            self.eof = True
        self.buf += chunk
        return True

    def read_line(self, timeout: float) -> bytes | None:
        """The next CRLF/LF-terminated line (without its ending), or None if the peer closed first."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if self.eof:
                return None
            if not self._recv(deadline):
                fail(f"no line within {timeout:g}s (received so far: {self.buf!r})")
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def read_until_closed(self, timeout: float) -> bytes:
        """Everything until the peer closes; fails if it is still open at the deadline."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            if not self._recv(deadline):
                fail(f"connection still open {timeout:g}s later (received: {self.buf!r})")
        data, self.buf = self.buf, b""
        return data

    def close(self) -> None:
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
