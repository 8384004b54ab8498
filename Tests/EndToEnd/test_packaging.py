"""Packaging end to end: the fail2ban filter on the real binary's log, the Grafana dashboard's
metrics on a real daemon's /metrics, and (as root, with MAILGATE_E2E_PACKAGE=1) the Debian
package built from the suite's binary, installed, run as the mailgate user, removed, purged.

None of these needs Dovecot: the upstream is a small greeting server in this process, and
every port is a free one, so they run alongside the rest of the suite.
"""
from __future__ import annotations

import collections
import grp
import json
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402
from peers import LOOPBACK, REPO, Proc, api, connect_from, free_port, proxy_v1, proxy_v2  # noqa: E402

FILTER = REPO / "contrib" / "fail2ban" / "filter.d" / "mailgate.conf"
JAIL = REPO / "contrib" / "fail2ban" / "jail.d" / "mailgate.local.example"
DASHBOARD = REPO / "contrib" / "grafana" / "mailgate.json"


# --------------------------------------------------------------------------- helpers

class Greeter:
    """An upstream that greets every connection and holds it until the other side closes."""

    def __init__(self, greeting: bytes = b"* OK packaging-test upstream\r\n"):
        self.greeting = greeting
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((LOOPBACK, 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        self.conns: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.listener.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            self.conns.append(conn)
            try:
                conn.sendall(self.greeting)
            except OSError:
                pass

    def stop(self):
        self.stopped.set()
        self.thread.join(5)
        for conn in self.conns:
            conn.close()
        self.listener.close()


def gate_config(listeners: list[dict], socket_path: Path, access_file: str = "access.toml",
                max_per_source: int = 50, extra_control: str = "") -> str:
    out = [f'access_file = "{access_file}"', 'shutdown_grace = "1s"', "", "[control]",
           f'socket = "{socket_path}"', extra_control, ""]
    for li in listeners:
        out += ["[[listener]]", f'service = "{li["service"]}"', f'listen = ["127.0.0.1:{li["port"]}"]',
                f'upstream = "{li["upstream"]}"', 'upstream_proxy = "v2"',
                f'proxy_header_timeout = "{li.get("timeout", "1s")}"', 'connect_timeout = "2s"', ""]
    out += ["[limits]", "max_connections = 1000", f"max_per_source = {max_per_source}", ""]
    return "\n".join(out)


def start_serve(binary: Path, d: Path, name: str, ports: list[int], argv_prefix: tuple = ()) -> Proc:
    proc = Proc(f"mailgate[{name}]", [*argv_prefix, binary, "serve", "--config", d / "mailgate.toml"],
                d / "mailgate.log", cwd=d).start()
    try:
        proc.wait_ready(ports, timeout=15)
    except BaseException:
        proc.stop(timeout=5)
        raise
    return proc


def wait_closed(sock: socket.socket, timeout: float = 5.0) -> bytes:
    """Read until the gate closes the connection; returns what it said."""
    sock.settimeout(timeout)
    said = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            said += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    finally:
        sock.close()
    return said


def reject_lines(log_text: str, reason: str) -> list[str]:
    return [line for line in log_text.splitlines() if f"reject reason={reason} " in line]


# --------------------------------------------------------------------------- fail2ban

BANNED = {"blacklisted", "proxy-header-from-untrusted-source", "proxy-header-missing", "proxy-header-invalid"}
NOT_BANNED = {"upstream-unavailable", "connection-limit", "shutting-down"}

ACCESS_FOR_REFUSALS = """\
[[whitelist]]
source = "127.0.0.2"
description = "flagged load balancer"
tcp_proxy = true

[[whitelist]]
source = "127.0.0.20"
description = "flagged, sends no header"
tcp_proxy = true

[[whitelist]]
source = "127.0.0.21"
description = "flagged, sends garbage"
tcp_proxy = true

[[whitelist]]
source = "127.0.0.32"
description = "flagged on smtp, still waiting at shutdown"
services = ["smtp"]
tcp_proxy = true

[[blacklist]]
source = "127.0.0.66"
description = "blacklisted, connects directly"

[[blacklist]]
source = "127.0.0.77"
description = "blacklisted, comes through the load balancer"
"""


def test_fail2ban_filter_on_the_real_log(mailgate_bin, tmp_path):
    """Every kind of refusal from the real binary; fail2ban-regex bans exactly the right addresses."""
    if shutil.which("fail2ban-regex") is None:
        pytest.skip("fail2ban-regex is missing (apt-get install fail2ban)")
    greeter = Greeter()
    d = tmp_path
    imap, pop3, smtp = free_port(), free_port(), free_port()
    dead = free_port()  # nothing listens here: upstream-unavailable
    (d / "mailgate.toml").write_text(gate_config(
        [{"service": "imap", "port": imap, "upstream": f"127.0.0.1:{greeter.port}"},
         {"service": "pop3", "port": pop3, "upstream": f"127.0.0.1:{dead}"},
         {"service": "smtp", "port": smtp, "upstream": f"127.0.0.1:{greeter.port}", "timeout": "60s"}],
        d / "control.sock", max_per_source=2))
    (d / "access.toml").write_text(ACCESS_FOR_REFUSALS)
    gate = start_serve(mailgate_bin, d, "fail2ban", [imap, pop3, smtp])
    held: list[socket.socket] = []
    try:
        for _ in range(3):
            # blacklisted, direct
            wait_closed(connect_from("127.0.0.66", imap))
            # blacklisted real client named by the flagged load balancer
            s = connect_from("127.0.0.2", imap)
            s.sendall(proxy_v2("127.0.0.77", "127.0.0.1", 40000, imap))
            wait_closed(s)
            # an unflagged source sends a PROXY header claiming someone else
            s = connect_from("127.0.0.3", imap)
            s.sendall(proxy_v1("127.0.0.99", "127.0.0.1", 40000, imap))
            wait_closed(s)
            # a flagged source sends a malformed header
            s = connect_from("127.0.0.21", imap)
            s.sendall(b"PROXY GARBAGE peer=127.0.0.55:1\r\n")
            wait_closed(s)
            # the mail server does not answer
            wait_closed(connect_from("127.0.0.30", pop3))
        # a flagged source that never sends its header (1 s timeout), twice at once
        silent = [connect_from("127.0.0.20", imap) for _ in range(2)]
        for s in silent:
            wait_closed(s)
        # the per-source limit (2): two held, three refused
        held = [connect_from("127.0.0.31", imap) for _ in range(2)]
        for s in held:
            s.settimeout(5)
            assert s.recv(100).startswith(b"* OK packaging-test"), "the held connection was not relayed"
        for _ in range(3):
            wait_closed(connect_from("127.0.0.31", imap))
        # shutting-down: a flagged source still waiting for its header when SIGTERM comes
        waiting = connect_from("127.0.0.32", smtp)
        peers.wait_until(lambda: api(d / "control.sock", "GET", "/v1/status")[1]["connections"]["awaiting_header"] >= 1,
                         5, "the smtp connection to await its header")
        gate.send_signal(signal.SIGTERM)
        gate.popen.wait(15)
        wait_closed(waiting)
    finally:
        for s in held:
            s.close()
        gate.stop(timeout=8)
        greeter.stop()

    log_text = gate.log.read()
    log = d / "mailgate.log"
    for reason in BANNED | NOT_BANNED:
        assert reject_lines(log_text, reason), f"the gate logged no {reason} refusal:\n{log_text[-3000:]}"

    def regex(out: str) -> list[str]:
        result = subprocess.run(["fail2ban-regex", "--out", out, str(log), str(FILTER)],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr + result.stdout
        return [line for line in result.stdout.splitlines() if line.strip()]

    banned = collections.Counter(regex("ip"))
    assert banned == {
        "127.0.0.66": 3,  # blacklisted, direct
        "127.0.0.77": 3,  # blacklisted behind the load balancer: the real client, not 127.0.0.2
        "127.0.0.3": 3,   # spoofed header: the peer, not the 127.0.0.99 it claimed
        "127.0.0.21": 3,  # malformed header (its detail names another address: ignored)
        "127.0.0.20": 2,  # no header in time
    }, f"fail2ban-regex found {dict(banned)}"
    matched = regex("msg")
    assert len(matched) == sum(banned.values())
    for line in matched:
        reason = re.search(r"reject reason=(\S+)", line).group(1)
        assert reason in BANNED, f"an excluded refusal matched: {line}"
    # The excluded ones are all in the log, and none matched.
    for reason in NOT_BANNED:
        assert all(line not in matched for line in reject_lines(log_text, reason))

    jail = JAIL.read_text()
    assert re.search(r"^filter\s*=\s*mailgate\s*$", jail, re.M)
    assert re.search(r"^ignoreip\s*=", jail, re.M)


SYNTHETIC = """\
2026-12-02T05:55:35+0000 notice mailgate: [Gate] reject reason=blacklisted service=imap listener=[::]:143 peer=[2001:db8::1]:40022 client=[2001:db8::66]:52114 entry=blacklist:2001:db8::66
2026-12-02T05:55:36+0000 notice mailgate: [Gate] reject reason=proxy-header-from-untrusted-source service=imap listener=[::]:143 peer=[2001:db8::7]:41200
2026-12-02T05:55:38+0000 notice mailgate: [Gate] reject reason=proxy-header-invalid service=imap listener=0.0.0.0:143 peer=192.0.2.21:41200 entry=whitelist:192.0.2.21 detail="x notice mailgate: [Gate] reject reason=blacklisted service=a listener=b peer=9.9.9.9:1"
2026-12-02T05:55:39+0000 notice mailgate: [Gate] reject reason=upstream-unavailable service=imap listener=0.0.0.0:143 peer=192.0.2.30:41200 detail="x"
Dec  2 05:55:40 mx1 mailgate[812]: 2026-12-02T05:55:40+0000 notice mailgate: [Gate] reject reason=blacklisted service=pop3 listener=0.0.0.0:110 peer=198.51.100.9:52114 entry=blacklist:198.51.100.0/24
Dec  2 05:55:41 mx1 mailgate[812]: 2026-12-02T05:55:41+0000 notice mailgate: [Gate] reject reason=connection-limit service=pop3 listener=0.0.0.0:110 peer=198.51.100.10:52114
"""


def test_fail2ban_filter_ipv6_syslog_prefix_and_smuggled_text(tmp_path):
    """Lines the loopback run cannot produce: IPv6 peers, a syslog/journal prefix, and a
    client's bytes in detail="…" that imitate a reject line (never matched)."""
    if shutil.which("fail2ban-regex") is None:
        pytest.skip("fail2ban-regex is missing (apt-get install fail2ban)")
    log = tmp_path / "synthetic.log"
    log.write_text(SYNTHETIC)
    result = subprocess.run(["fail2ban-regex", "--out", "ip", str(log), str(FILTER)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split()) == sorted(["2001:db8::66", "2001:db8::7", "192.0.2.21", "198.51.100.9"])


# --------------------------------------------------------------------------- Grafana

def dashboard_exprs() -> list[str]:
    dash = json.loads(DASHBOARD.read_text())
    exprs = []
    panels = list(dash["panels"])
    while panels:
        panel = panels.pop()
        panels.extend(panel.get("panels", []))  # rows
        for target in panel.get("targets", []):
            exprs.append(target["expr"])
    for variable in dash.get("templating", {}).get("list", []):
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        if isinstance(query, str) and "mailgate_" in query:
            exprs.append(query)
    return exprs


def test_grafana_dashboard_names_only_exported_metrics(mailgate_bin, tmp_path):
    exprs = dashboard_exprs()
    assert len(exprs) >= 8
    names = {name for e in exprs for name in re.findall(r"\bmailgate_[a-z_]+", e)}
    for wanted in ("mailgate_connections", "mailgate_rejects_total", "mailgate_pending_changes",
                   "mailgate_proxy_header_wait_seconds_bucket"):
        assert wanted in names, f"the dashboard does not show {wanted}"
    assert any("histogram_quantile" in e for e in exprs)

    greeter = Greeter()
    d = tmp_path
    imap = free_port()
    (d / "mailgate.toml").write_text(gate_config(
        [{"service": "imap", "port": imap, "upstream": f"127.0.0.1:{greeter.port}"}], d / "control.sock"))
    (d / "access.toml").write_text(ACCESS_FOR_REFUSALS.replace('services = ["smtp"]', 'services = ["imap"]'))
    gate = start_serve(mailgate_bin, d, "metrics", [imap])
    try:
        # a reject, a connection through a PROXY header (the header wait), a direct one, a pending change
        wait_closed(connect_from("127.0.0.66", imap))
        s = connect_from("127.0.0.2", imap)
        s.sendall(proxy_v2("127.0.0.10", "127.0.0.1", 40000, imap) + b"a LOGOUT\r\n")
        assert s.recv(100).startswith(b"* OK")
        direct = connect_from("127.0.0.11", imap)
        assert direct.recv(100).startswith(b"* OK")
        status, lists = api(d / "control.sock", "GET", "/v1/whitelist")
        status, body = api(d / "control.sock", "POST", "/v1/whitelist", {"source": "127.0.0.12"},
                           if_match=lists["revision"])
        assert status == 201, body
        status, lists = api(d / "control.sock", "GET", "/v1/whitelist")
        status, body = api(d / "control.sock", "PATCH", "/v1/whitelist/127.0.0.12",
                           {"tcp_proxy": True, "acknowledge_impact": True}, if_match=lists["revision"])
        assert status == 200 and body.get("pending_change"), body
        s.close()
        peers.wait_until(lambda: "direction=\"from-client\"" in metrics_text(d), 5, "relayed bytes to be counted")
        text = metrics_text(d)
        direct.close()
    finally:
        gate.stop(timeout=8)
        greeter.stop()

    series = collections.defaultdict(set)  # name → label names
    for line in text.splitlines():
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? ", line)
        if m:
            series[m.group(1)] |= set(re.findall(r"([a-zA-Z_]+)=\"", m.group(2) or ""))
    missing = sorted(n for n in names if n not in series)
    assert not missing, f"the dashboard names metrics /metrics does not export: {missing}\n{text}"
    # Every label it groups or filters by is on the metrics it names (job and instance come
    # from Prometheus, le from the histogram).
    for e in exprs:
        named = set(re.findall(r"\bmailgate_[a-z_]+", e))
        have = set().union(*(series[n] for n in named)) | {"job", "instance"}
        used = {label.strip() for group in re.findall(r"\bby \(([^)]*)\)", e) for label in group.split(",")}
        for selector in re.findall(r"\bmailgate_[a-z_]+\{([^}]*)\}", e):
            used |= set(re.findall(r"([a-z_]+)\s*=~?", selector))
        assert used <= have, f"{e}: labels {sorted(used - have)} are not on {sorted(named)}"


def metrics_text(d: Path) -> str:
    conn = peers.UnixHTTP(d / "control.sock")
    try:
        conn.request("GET", "/metrics")
        reply = conn.getresponse()
        assert reply.status == 200
        return reply.read().decode()
    finally:
        conn.close()


# --------------------------------------------------------------------------- the Debian package

PACKAGE_REASON = "installs the .deb system-wide: needs root and MAILGATE_E2E_PACKAGE=1 (CI sets it in .ci/run)"
needs_package_machine = pytest.mark.skipif(
    os.geteuid() != 0 or os.environ.get("MAILGATE_E2E_PACKAGE") != "1", reason=PACKAGE_REASON)


def run(*argv, check=True, **kw) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=300, **kw)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, argv))} exited {result.returncode}\n{result.stdout}\n{result.stderr}",
                    pytrace=False)
    return result


def installed() -> bool:
    r = run("dpkg-query", "-W", "-f=${db:Status-Status}", "mailgate", check=False)
    return r.returncode == 0 and r.stdout.strip() not in ("", "not-installed")


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def mode_owner(path: str) -> tuple[str, str, str]:
    st = os.lstat(path)
    return (oct(stat.S_IMODE(st.st_mode)), pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name)


@pytest.fixture(scope="module")
def package(mailgate_bin):
    """Builds the .deb from the suite's binary and installs it; purges it at the end whatever happened."""
    if installed():
        pytest.fail("a mailgate package is installed on this machine already; this test installs and purges "
                    "its own, so it refuses to touch that one", pytrace=False)
    for name in ("mailgate",):
        if user_exists(name):
            pytest.fail(f"user {name} exists before the install: cannot check that the package makes it",
                        pytrace=False)
    out = Path(tempfile.mkdtemp(prefix="mailgate-deb-test-"))
    started = time.monotonic()
    built = run(REPO / "scripts" / "build-deb.sh", "--binary", mailgate_bin, "--out", out,
                env={**os.environ, "DEB_COMPRESSION": "gzip"})
    deb = Path(built.stdout.strip().splitlines()[-1])
    sys.stderr.write(f"\n[packaging] built {deb.name} ({deb.stat().st_size / 1e6:.1f} MB) "
                     f"in {time.monotonic() - started:.1f}s\n")
    try:
        install = run("dpkg", "-i", deb)
        yield {"deb": deb, "install_output": install.stdout + install.stderr}
    finally:
        if installed():
            run("dpkg", "-P", "mailgate", check=False)
        shutil.rmtree(out, ignore_errors=True)


EXPECTED_FILES = {
    "/usr/bin/mailgate": ("0o755", "root", "root"),
    "/lib/systemd/system/mailgate.service": ("0o644", "root", "root"),
    "/usr/lib/tmpfiles.d/mailgate.conf": ("0o644", "root", "root"),
    "/etc/mailgate/mailgate.toml": ("0o644", "root", "root"),
    "/etc/mailgate/access.toml": ("0o644", "root", "root"),
    "/usr/share/man/man1/mailgate.1.gz": ("0o644", "root", "root"),
    "/usr/share/man/man1/mailgate-tui.1.gz": ("0o644", "root", "root"),
    "/usr/share/man/man1/mailgate-serve.1.gz": ("0o644", "root", "root"),
    "/usr/share/man/man1/mailgate-whitelist-add.1.gz": ("0o644", "root", "root"),
    "/usr/share/bash-completion/completions/mailgate": ("0o644", "root", "root"),
    "/usr/share/zsh/vendor-completions/_mailgate": ("0o644", "root", "root"),
    "/usr/share/fish/vendor_completions.d/mailgate.fish": ("0o644", "root", "root"),
    "/usr/share/doc/mailgate/README.md": ("0o644", "root", "root"),
    "/usr/share/doc/mailgate/examples/fail2ban/filter.d/mailgate.conf": ("0o644", "root", "root"),
    "/usr/share/doc/mailgate/examples/grafana/mailgate.json": ("0o644", "root", "root"),
}
EXPECTED_DIRS = {
    "/etc/mailgate": ("0o775", "root", "mailgate"),
    "/var/lib/mailgate": ("0o750", "mailgate", "mailgate"),
    "/run/mailgate": ("0o755", "mailgate", "mailgate"),
}


def unit_settings() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = collections.defaultdict(list)
    for line in Path("/lib/systemd/system/mailgate.service").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            settings[key.strip()].append(value.strip())
    return settings


@needs_package_machine
def test_package_installs_files_users_and_permissions(package):
    said = package["install_output"]
    assert "NOT enabled or started" in said, said
    for path, expected in EXPECTED_FILES.items():
        assert os.path.isfile(path), f"{path} is not installed"
        assert mode_owner(path) == expected, f"{path}: {mode_owner(path)}, expected {expected}"
    for path, expected in EXPECTED_DIRS.items():
        assert os.path.isdir(path), f"{path} is missing"
        assert mode_owner(path) == expected, f"{path}: {mode_owner(path)}, expected {expected}"
    listed = set(run("dpkg", "-L", "mailgate").stdout.split())
    assert set(EXPECTED_FILES) <= listed
    conffiles = run("dpkg-query", "-W", "-f=${Conffiles}", "mailgate").stdout
    assert {line.split()[0] for line in conffiles.strip().splitlines()} == \
        {"/etc/mailgate/mailgate.toml", "/etc/mailgate/access.toml"}

    user = pwd.getpwnam("mailgate")
    assert user.pw_uid < 1000, "mailgate is not a system user"
    assert user.pw_shell in ("/usr/sbin/nologin", "/bin/false")
    assert grp.getgrgid(user.pw_gid).gr_name == "mailgate"
    admin = grp.getgrnam("mailgate-admin")
    assert admin.gr_gid < 1000 and "mailgate" in admin.gr_mem
    assert run("id", "-nG", "mailgate").stdout.split() == ["mailgate", "mailgate-admin"]

    # Installed, not enabled, not started.
    assert not list(Path("/etc/systemd/system").glob("*.wants/mailgate.service"))
    if shutil.which("systemctl"):
        enabled = run("systemctl", "is-enabled", "mailgate.service", check=False)
        assert enabled.stdout.strip() == "disabled", enabled.stdout + enabled.stderr
    assert run("pgrep", "-u", "mailgate", check=False).returncode == 1, "something runs as mailgate"

    # The unit: the capability to bind low ports and nothing else, the hardening, the limits.
    unit = unit_settings()
    assert unit["User"] == ["mailgate"]
    assert unit["AmbientCapabilities"] == ["CAP_NET_BIND_SERVICE"]
    assert unit["CapabilityBoundingSet"] == ["CAP_NET_BIND_SERVICE"]
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
                       "PrivateTmp": "yes", "RuntimeDirectory": "mailgate"}.items():
        assert unit[key] == [value], f"{key}={unit[key]}"
    assert set(" ".join(unit["ReadWritePaths"]).split()) >= {"/etc/mailgate", "/var/lib/mailgate"}
    assert unit["ExecStart"] == ["/usr/bin/mailgate serve --config /etc/mailgate/mailgate.toml"]
    nofile = int(unit["LimitNOFILE"][0])
    config = Path("/etc/mailgate/mailgate.toml").read_text()
    max_connections = int(re.search(r"^max_connections\s*=\s*(\d+)", config, re.M).group(1))
    listeners = len(re.findall(r"^\[\[listener\]\]", config, re.M))
    assert 2 * max_connections + 96 + 2 * listeners + 1 + 256 <= nofile, \
        f"LimitNOFILE={nofile} cannot carry max_connections={max_connections}"
    if shutil.which("systemd-analyze"):
        verify = run("systemd-analyze", "verify", "/lib/systemd/system/mailgate.service", check=False)
        assert verify.returncode == 0 and not verify.stderr.strip(), verify.stderr

    # The configuration the package ships is valid, and points where the unit allows writes.
    run("mailgate", "check", "--config", "/etc/mailgate/mailgate.toml")
    assert 'group = "mailgate-admin"' in config and 'audit_log = "/var/lib/mailgate/audit.log"' in config

    # Man pages (man mailgate-tui explains the keys) and completions.
    page = run("man", "-P", "cat", "mailgate-tui", env={**os.environ, "MANWIDTH": "100"}).stdout
    assert "KEYS" in page and "Toggle TCP Proxy" in page and "Quit the console" in page, page
    for sub in ("mailgate", "mailgate-serve", "mailgate-check", "mailgate-whitelist-add", "mailgate-events"):
        assert run("man", "-w", sub).stdout.strip(), f"no man page {sub}"
    bash = run("bash", "-c", "source /usr/share/bash-completion/completions/mailgate && complete -p mailgate").stdout
    assert "mailgate" in bash


def serve_config_for_test(d: Path, ports: dict[str, int], upstream: int, socket_path: Path) -> str:
    """The installed configuration with loopback test ports, one upstream and the given socket."""
    text = Path("/etc/mailgate/mailgate.toml").read_text()
    services = iter(re.findall(r'^service = "([^"]+)"', text, re.M))
    text = re.sub(r"^listen = \[.*\]$", lambda m: f'listen = ["127.0.0.1:{ports[next(services)]}"]', text, flags=re.M)
    text = re.sub(r'^upstream = ".*"', f'upstream = "127.0.0.1:{upstream}"', text, flags=re.M)
    text = text.replace('access_file = "access.toml"', 'access_file = "/etc/mailgate/access.toml"')
    text = re.sub(r'^socket = ".*"$', f'socket = "{socket_path}"', text, flags=re.M)
    # The test's upstream holds connections open: no need to wait 10 s for them at the end.
    return re.sub(r'^shutdown_grace = ".*"$', 'shutdown_grace = "1s"', text, flags=re.M)


def exercise_daemon(sock: Path, imap_port: int):
    """The daemon answers, relays, and saves a change (file, journal, audit log) as mailgate."""
    status, body = api(sock, "GET", "/v1/status")
    assert status == 200 and body["access_file"] == "/etc/mailgate/access.toml", body
    assert mode_owner(str(sock))[0::2] == ("0o660", "mailgate-admin"), mode_owner(str(sock))
    client = connect_from("127.0.0.10", imap_port)
    assert client.recv(100).startswith(b"* OK packaging-test")
    client.close()
    status, lists = api(sock, "GET", "/v1/whitelist")
    source = f"192.0.2.{len(lists['entries']) + 1}"
    status, body = api(sock, "POST", "/v1/whitelist", {"source": source, "description": "package test"},
                       if_match=lists["revision"])
    assert status == 201, body
    status, lists = api(sock, "GET", "/v1/whitelist")
    status, body = api(sock, "PATCH", f"/v1/whitelist/{source}", {"tcp_proxy": True, "acknowledge_impact": True},
                       if_match=lists["revision"])
    assert status == 200 and body.get("pending_change"), body
    assert source in Path("/etc/mailgate/access.toml").read_text()
    assert Path("/etc/mailgate/access.toml.pending.json").exists()
    assert source in Path("/var/lib/mailgate/audit.log").read_text()
    assert mode_owner("/etc/mailgate/access.toml")[1] == "mailgate"
    # Outside the group, the socket is closed.
    denied = run("runuser", "-u", "nobody", "--", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                 "--unix-socket", sock, "http://localhost/v1/status", check=False)
    assert denied.stdout.strip() == "000", denied.stdout + denied.stderr


@needs_package_machine
def test_package_serve_as_the_mailgate_user(package):
    greeter = Greeter()
    # A folder the mailgate user can reach (pytest's tmp_path is under a 0700 folder).
    d = Path(tempfile.mkdtemp(prefix="mailgate-pkg-serve-", dir="/tmp"))
    shutil.chown(d, "mailgate", "mailgate")
    services = re.findall(r'^service = "([^"]+)"', Path("/etc/mailgate/mailgate.toml").read_text(), re.M)
    ports = {service: free_port() for service in services}
    sock = d / "control.sock"
    (d / "mailgate.toml").write_text(serve_config_for_test(d, ports, greeter.port, sock))
    run("runuser", "-u", "mailgate", "--", "mailgate", "check", "--config", d / "mailgate.toml")
    proc = start_serve(Path("/usr/bin/mailgate"), d, "package", list(ports.values()),
                       argv_prefix=("runuser", "-u", "mailgate", "--"))
    try:
        exercise_daemon(sock, ports["imap"])
    finally:
        proc.stop(timeout=8)
        greeter.stop()
        shutil.rmtree(d, ignore_errors=True)


def sandbox_available() -> bool:
    return shutil.which("unshare") is not None and shutil.which("setpriv") is not None and \
        subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


SANDBOX = """\
set -e
mount --make-rprivate /
for p in /etc/mailgate /var/lib/mailgate /run/mailgate; do mount --bind "$p" "$p"; done
mount -o remount,bind,ro /
mount -t tmpfs -o mode=1777 tmpfs /tmp
for p in /home /root; do [ -d "$p" ] && mount -t tmpfs -o mode=0700,ro tmpfs "$p"; done
exec setpriv --reuid=mailgate --regid=mailgate --init-groups --no-new-privs \\
    --inh-caps=-all,+net_bind_service --ambient-caps=-all,+net_bind_service \\
    --bounding-set=-all,+net_bind_service "$@"
"""


def free_low_port() -> int:
    for port in range(990, 900, -1):
        with socket.socket() as s:
            try:
                s.bind((LOOPBACK, port))
                return port
            except OSError:
                continue
    pytest.skip("no free port below 1024 on 127.0.0.1")


@needs_package_machine
def test_package_serve_under_the_units_sandbox(package):
    """What the unit allows, emulated without systemd (not PID 1 here): a read-only file system
    but for the ReadWritePaths and /run/mailgate, a private /tmp, no /home, the mailgate user
    with CAP_NET_BIND_SERVICE alone and no_new_privs. It binds a port below 1024 and saves changes."""
    if not sandbox_available():
        pytest.skip("unshare -m or setpriv is not available here")
    greeter = Greeter()
    services = re.findall(r'^service = "([^"]+)"', Path("/etc/mailgate/mailgate.toml").read_text(), re.M)
    ports = {service: free_port() for service in services}
    ports["imap"] = free_low_port()
    sock = Path("/run/mailgate/control.sock")
    # The configuration lives in /run/mailgate: the sandbox's /tmp is its own.
    d = Path("/run/mailgate")
    config = d / "package-test.toml"
    config.write_text(serve_config_for_test(d, ports, greeter.port, sock))
    log = Path(tempfile.mkdtemp(prefix="mailgate-sandbox-"))
    proc = Proc("mailgate[sandbox]", ["unshare", "-m", "sh", "-c", SANDBOX, "sandbox",
                                      "/usr/bin/mailgate", "serve", "--config", config],
                log / "mailgate.log").start()
    try:
        proc.wait_ready(list(ports.values()), timeout=15)
        exercise_daemon(sock, ports["imap"])
        pid = proc.pid  # unshare, sh and setpriv exec, so this is the daemon
        assert Path(f"/proc/{pid}/comm").read_text().strip() == "mailgate"
        assert os.stat(f"/proc/{pid}").st_uid == pwd.getpwnam("mailgate").pw_uid
        caps = dict(line.split(":\t") for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith("Cap"))
        assert int(caps["CapEff"], 16) == 1 << 10, caps  # CAP_NET_BIND_SERVICE only
        assert int(caps["CapBnd"], 16) == 1 << 10, caps
    finally:
        proc.stop(timeout=8)
        greeter.stop()
        config.unlink(missing_ok=True)
        shutil.rmtree(log, ignore_errors=True)


@needs_package_machine
def test_package_remove_then_purge(package):
    # Something of the admin's beside the conffiles: it must survive the purge.
    keep = Path("/etc/mailgate/access.toml.hand-edit-test")
    keep.write_text("# the admin's\n")
    try:
        run("dpkg", "-r", "mailgate")
        assert not os.path.exists("/usr/bin/mailgate")
        assert not os.path.exists("/lib/systemd/system/mailgate.service")
        assert not os.path.exists("/usr/share/man/man1/mailgate-tui.1.gz")
        # Removed, not purged: the configuration, the user and the state stay.
        assert os.path.exists("/etc/mailgate/mailgate.toml") and os.path.exists("/etc/mailgate/access.toml")
        assert user_exists("mailgate") and group_exists("mailgate-admin")
        assert os.path.isdir("/var/lib/mailgate")

        run("dpkg", "-P", "mailgate")
        assert not installed()
        assert not user_exists("mailgate")
        assert not group_exists("mailgate") and not group_exists("mailgate-admin")
        for path in ("/var/lib/mailgate", "/run/mailgate", "/etc/mailgate/mailgate.toml",
                     "/etc/mailgate/access.toml", "/etc/mailgate/access.toml.pending.json",
                     "/usr/lib/tmpfiles.d/mailgate.conf"):
            assert not os.path.exists(path), f"{path} is left after the purge"
        assert keep.read_text() == "# the admin's\n"
        assert sorted(os.listdir("/etc/mailgate")) == [keep.name]
    finally:
        keep.unlink(missing_ok=True)
        try:
            os.rmdir("/etc/mailgate")
        except OSError:
            pass
