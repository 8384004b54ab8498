"""mailgate against real peers: Dovecot behind it, HAProxy in front of it, aiosmtpd behind it.

Client addresses are played with source addresses on loopback: 127.0.0.2 is the load
balancer (flagged tcp_proxy for imap, pop3), 127.0.0.3-5 and .7 are ordinary clients,
127.0.0.66 is blacklisted. Addresses inside PROXY headers may be anything (192.0.2.x);
only the sockets are on loopback.

Skipped, with the reason, while the gate binary does not exist or does not implement
`serve --config` yet (MAILGATE_E2E_REQUIRE_GATE=1 turns that into a failure).
"""
import re
import uuid

import pytest

from peers import (DEFAULT_ACCESS, IMAP_ONLY_ACCESS, DOVECOT_IMAP_HAPROXY, GATE_IMAP, GATE_POP3, GATE_SMTP, Listener,
                   RawConn, SourceSMTP, free_port, imap_login, imap_session, login_line,
                   pop3_session, proxy_v1, proxy_v2)

PROXY_HEADER_TIMEOUT = 1.0  # what the fixtures write into mailgate.toml
PROMPT = 0.9                # "at once": well under the header timeout, so no waiting happened


@pytest.fixture(scope="session", autouse=True)
def _needs_the_gate(mailgate_bin):
    """Resolved before any peer starts, so a missing gate skips the module cheaply."""


def expect_reject(conn: RawConn, prefix: bytes, timeout: float = 3.0) -> bytes:
    """The first line starts with `prefix`, and then the gate closes the connection."""
    line = conn.read_line(timeout)
    assert line is not None, f"connection closed without a reject line (expected {prefix!r})"
    assert line.startswith(prefix), f"first line {line!r}, expected it to start with {prefix!r}"
    rest = conn.read_until_closed(timeout)
    assert rest == b"", f"more after the reject line: {rest!r}"
    return line


# ----------------------------------------------------------------------------- 1. the reported scenario

def test_tcp_proxy_flag_on_one_source_leaves_direct_clients_and_the_balancer_working(gate, haproxy_lb, dovecot):
    mark = dovecot.log.mark()
    direct = ("127.0.0.3", "127.0.0.4", "127.0.0.5")
    for src in direct:
        imap_session(GATE_IMAP, src)
        pop3_session(GATE_POP3, src)
    for src in direct:
        dovecot.log.wait_for(login_line("imap", src), mark, what=f"Dovecot's IMAP login line with rip={src}")
        dovecot.log.wait_for(login_line("pop3", src), mark, what=f"Dovecot's POP3 login line with rip={src}")

    # Through HAProxy: it connects to the gate from 127.0.0.2 (flagged) with a PROXY v2 header.
    imap_session(haproxy_lb["imap"], "127.0.0.7")
    pop3_session(haproxy_lb["pop3"], "127.0.0.7")
    dovecot.log.wait_for(login_line("imap", "127.0.0.7"), mark, what="IMAP login via HAProxy with rip=127.0.0.7")
    dovecot.log.wait_for(login_line("pop3", "127.0.0.7"), mark, what="POP3 login via HAProxy with rip=127.0.0.7")
    assert not re.search(r"Login: user=<alice>, method=\S+, rip=127\.0\.0\.2,", dovecot.log.read(mark)), \
        "Dovecot saw the load balancer's own address as a client"


# ----------------------------------------------------------------------------- 2. headers

def test_flagged_source_without_header_gets_imap_bye_after_the_header_timeout(gate):
    with RawConn.open("127.0.0.2", GATE_IMAP) as c:
        line = c.read_line(timeout=PROXY_HEADER_TIMEOUT + 3)
        elapsed = c.elapsed()
        assert line is not None and line.startswith(b"* BYE [UNAVAILABLE]"), line
        assert PROXY_HEADER_TIMEOUT * 0.8 <= elapsed <= PROXY_HEADER_TIMEOUT + 1.5, \
            f"BYE after {elapsed:.2f}s, expected about the proxy_header_timeout ({PROXY_HEADER_TIMEOUT:g}s)"
        assert c.read_until_closed(timeout=3) == b""


def test_flagged_source_without_header_gets_pop3_err_after_the_header_timeout(gate):
    with RawConn.open("127.0.0.2", GATE_POP3) as c:
        line = c.read_line(timeout=PROXY_HEADER_TIMEOUT + 3)
        elapsed = c.elapsed()
        assert line is not None and line.startswith(b"-ERR [SYS/TEMP]"), line
        assert PROXY_HEADER_TIMEOUT * 0.8 <= elapsed <= PROXY_HEADER_TIMEOUT + 1.5, \
            f"-ERR after {elapsed:.2f}s, expected about the proxy_header_timeout ({PROXY_HEADER_TIMEOUT:g}s)"
        assert c.read_until_closed(timeout=3) == b""


def test_proxy_header_from_unflagged_source_is_refused_and_never_honoured(gate, dovecot):
    mark = dovecot.log.mark()
    with RawConn.open("127.0.0.3", GATE_IMAP) as c:
        c.send(proxy_v1("192.0.2.77", "127.0.0.1", 5555, 143))
        data = c.read_until_closed(timeout=3)
    # A direct client is relayed at once (no sniffing delay), so Dovecot's greeting may race
    # ahead of the refusal; what matters is the refusal, the close, and that nothing was honoured.
    assert b"* BYE [UNAVAILABLE] PROXY protocol header refused: 127.0.0.3 is not configured as a trusted proxy" in data, data
    # Barrier: an honest session from the same source is logged after anything the refused one caused.
    imap_session(GATE_IMAP, "127.0.0.3")
    dovecot.log.wait_for(login_line("imap", "127.0.0.3"), mark)
    assert "192.0.2.77" not in dovecot.log.read(mark), "Dovecot saw the spoofed address"


_V2_TCP4 = proxy_v2("192.0.2.1", "127.0.0.1", 5555, 143)
MALFORMED_HEADERS = {
    "v1-port-out-of-range": b"PROXY TCP4 192.0.2.1 127.0.0.1 99999 143\r\n",
    "v1-bad-address": b"PROXY TCP4 300.0.2.1 127.0.0.1 5555 143\r\n",
    "v1-family-mismatch": b"PROXY TCP6 192.0.2.1 127.0.0.1 5555 143\r\n",
    "v1-longer-than-107-bytes": b"PROXY TCP4 " + b"1" * 120 + b"\r\n",
    "v1-garbage-protocol": b"PROXY SCTP 192.0.2.1 127.0.0.1 5555 143\r\n",
    "imap-instead-of-header": b"a1 LOGIN alice secret\r\n",
    "v2-version-3": proxy_v2("192.0.2.1", "127.0.0.1", 5555, 143, version=3),
    "v2-command-2": proxy_v2("192.0.2.1", "127.0.0.1", 5555, 143, command=0x2),
    "v2-family-0x99": proxy_v2("192.0.2.1", "127.0.0.1", 5555, 143, family=0x99),
    "v2-tcp4-address-block-too-short": _V2_TCP4[:14] + b"\x00\x04" + _V2_TCP4[16:20],
}


@pytest.mark.parametrize("header", MALFORMED_HEADERS.values(), ids=MALFORMED_HEADERS.keys())
def test_malformed_header_from_flagged_source_is_refused(gate, header):
    with RawConn.open("127.0.0.2", GATE_IMAP) as c:
        c.send(header)
        line = expect_reject(c, b"* BYE", timeout=PROXY_HEADER_TIMEOUT + 3)
    assert b"* OK" not in line


@pytest.mark.parametrize("header, split, rip", [
    (proxy_v2("192.0.2.33", "127.0.0.1", 40000, GATE_IMAP), True, "192.0.2.33"),
    (proxy_v1("192.0.2.34", "127.0.0.1", 40001, GATE_IMAP), True, "192.0.2.34"),
    (proxy_v2("2001:db8::35", "::1", 40002, GATE_IMAP, tlvs=[(0x04, b"\0" * 5), (0x02, b"mail.test")]),
     False, "2001:db8::35"),
], ids=["v2-in-1-byte-writes", "v1-in-1-byte-writes", "v2-ipv6-with-tlvs"])
def test_header_from_flagged_source_is_accepted_and_dovecot_sees_its_client(gate, dovecot, header, split, rip):
    mark = dovecot.log.mark()
    imap_session(GATE_IMAP, "127.0.0.2", preamble=header, split=split)
    dovecot.log.wait_for(login_line("imap", rip), mark, what=f"Dovecot's login line with rip={rip}")


def test_header_naming_a_blacklisted_client_is_refused(gate, dovecot):
    mark = dovecot.log.mark()
    with RawConn.open("127.0.0.2", GATE_IMAP) as c:
        c.send(proxy_v1("127.0.0.66", "127.0.0.1", 5555, 143))
        expect_reject(c, b"* BYE [UNAVAILABLE]")
        assert c.elapsed() < PROMPT, f"reject took {c.elapsed():.2f}s (the header was read, no timeout needed)"
    assert "rip=127.0.0.66," not in dovecot.log.read(mark)


def test_blacklisted_direct_client_is_refused_at_once(gate):
    with RawConn.open("127.0.0.66", GATE_IMAP) as c:
        line = c.read_line(timeout=3)
        assert line is not None and line.startswith(b"* BYE"), line
        assert c.elapsed() < PROMPT, f"reject took {c.elapsed():.2f}s"
        assert c.read_until_closed(timeout=3) == b""


# ----------------------------------------------------------------------------- 3. SMTP

def test_smtp_through_the_gate_reaches_aiosmtpd_with_the_client_address(gate, smtp_sink):
    rcpt = f"bob+{uuid.uuid4().hex[:8]}@example.test"
    with SourceSMTP(GATE_SMTP, "127.0.0.3") as s:
        code, _ = s.ehlo()
        assert code == 250
        assert s.mail("alice@example.test")[0] == 250
        assert s.rcpt(rcpt)[0] == 250
        code, resp = s.data(f"Subject: through mailgate\r\nTo: {rcpt}\r\n\r\nhello\r\n")
        assert code == 250, resp
    msg = smtp_sink.wait_for_message(rcpt)
    assert msg["src_addr"] == "127.0.0.3", msg
    assert msg["proxy_version"] == 2, msg
    assert msg["mail_from"] == "alice@example.test"
    assert "hello" in msg["data"]


# ----------------------------------------------------------------------------- 4. failures and reloads

def test_upstream_down_gives_imap_bye_promptly(gate_factory):
    g = gate_factory([Listener("imap", free_port(), "127.0.0.1:1")], IMAP_ONLY_ACCESS)  # nothing listens on port 1
    with RawConn.open("127.0.0.3", g.port("imap")) as c:
        expect_reject(c, b"* BYE [UNAVAILABLE]", timeout=3)
        assert c.elapsed() < 3, f"reject took {c.elapsed():.2f}s"


def _imap_gate(gate_factory):
    return gate_factory([Listener("imap", free_port(), f"127.0.0.1:{DOVECOT_IMAP_HAPROXY}")], IMAP_ONLY_ACCESS)


EXTRA_BLACKLIST = """
[[blacklist]]
source = "127.0.0.67"
description = "test: added by a reload"
services = ["all"]
"""


def test_reload_while_sessions_are_open_drops_none(gate_factory):
    g = _imap_gate(gate_factory)
    port = g.port("imap")
    sessions = [imap_login(port, src) for src in ("127.0.0.3", "127.0.0.4", "127.0.0.5")]
    try:
        with RawConn.open("127.0.0.67", port) as c:  # before: an ordinary direct client
            line = c.read_line(timeout=3)
            assert line is not None and line.startswith(b"* OK"), line

        mark = g.log.mark()
        g.write_access(IMAP_ONLY_ACCESS + EXTRA_BLACKLIST)
        g.reload()
        g.log.wait_for(r"reloaded access file", mark, timeout=5)

        for m in sessions:
            typ, data = m.noop()
            assert typ == "OK", f"NOOP after reload: {typ} {data}"
        with RawConn.open("127.0.0.67", port) as c:  # after: the new entry is in force
            expect_reject(c, b"* BYE [UNAVAILABLE]")
        assert g.proc.alive()
    finally:
        for m in sessions:
            try:
                m.logout()
            except Exception:
                pass


INVALID_ACCESS = {
    "toml-syntax-error": IMAP_ONLY_ACCESS.replace('source = "127.0.0.2"', 'source = "127.0.0.2'),
    "bad-address": IMAP_ONLY_ACCESS.replace('source = "127.0.0.66"', 'source = "127.0.0.300"'),
}


@pytest.mark.parametrize("bad_text", INVALID_ACCESS.values(), ids=INVALID_ACCESS.keys())
def test_reload_of_an_invalid_access_file_keeps_the_old_policy_and_sessions(gate_factory, dovecot, bad_text):
    g = _imap_gate(gate_factory)
    port = g.port("imap")
    sessions = [imap_login(port, src) for src in ("127.0.0.3", "127.0.0.4", "127.0.0.5")]
    try:
        mark = g.log.mark()
        g.write_access(bad_text)
        g.reload()
        g.log.wait_for(r"access\.toml:\d+", mark, timeout=5, what="an `access.toml:LINE: …` error")
        assert g.proc.alive(), "the gate exited on an invalid access file"

        for m in sessions:
            typ, data = m.noop()
            assert typ == "OK", f"NOOP after the refused reload: {typ} {data}"
        # The old policy is still in force: the blacklist ...
        with RawConn.open("127.0.0.66", port) as c:
            expect_reject(c, b"* BYE [UNAVAILABLE]")
        # ... and the tcp_proxy flag on the load balancer.
        dmark = dovecot.log.mark()
        imap_session(port, "127.0.0.2", preamble=proxy_v2("192.0.2.44", "127.0.0.1", 40010, port))
        dovecot.log.wait_for(login_line("imap", "192.0.2.44"), dmark)
        assert "reloaded access file" not in g.log.read(mark), "the gate claims it reloaded an invalid file"
    finally:
        for m in sessions:
            try:
                m.logout()
            except Exception:
                pass
