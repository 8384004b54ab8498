"""The real peers and the test helpers, checked without the gate.

If one of these fails, the gate tests cannot be trusted: fix the harness first.
"""
import time
import uuid

import peers
from peers import (DOVECOT_IMAP, DOVECOT_IMAP_HAPROXY, DOVECOT_POP3, DOVECOT_POP3_HAPROXY,
                   SMTP_SINK_PORT, RawConn, SourceSMTP, imap_session, login_line, pop3_session,
                   proxy_v1, proxy_v2)


def test_dovecot_logs_direct_logins_with_the_client_address(dovecot):
    mark = dovecot.log.mark()
    imap_session(DOVECOT_IMAP, "127.0.0.9")
    pop3_session(DOVECOT_POP3, "127.0.0.9")
    dovecot.log.wait_for(login_line("imap", "127.0.0.9"), mark)
    dovecot.log.wait_for(login_line("pop3", "127.0.0.9"), mark)


def test_dovecot_haproxy_listeners_take_the_client_from_our_v2_and_v1_headers(dovecot):
    mark = dovecot.log.mark()
    imap_session(DOVECOT_IMAP_HAPROXY, "127.0.0.1",
                 preamble=proxy_v2("192.0.2.33", "127.0.0.1", 40000, 143))
    imap_session(DOVECOT_IMAP_HAPROXY, "127.0.0.1",
                 preamble=proxy_v2("192.0.2.34", "127.0.0.1", 40001, 143))
    imap_session(DOVECOT_IMAP_HAPROXY, "127.0.0.1",
                 preamble=proxy_v2("2001:db8::35", "::1", 40002, 143, tlvs=[(0x04, b"\0" * 5)]))
    imap_session(DOVECOT_IMAP_HAPROXY, "127.0.0.1",
                 preamble=proxy_v1("192.0.2.36", "127.0.0.1", 40003, 143))
    pop3_session(DOVECOT_POP3_HAPROXY, "127.0.0.1",
                 preamble=proxy_v2("192.0.2.37", "127.0.0.1", 40004, 110))
    for rip in ("192.0.2.33", "192.0.2.34", "192.0.2.36"):
        dovecot.log.wait_for(login_line("imap", rip), mark)
    dovecot.log.wait_for(login_line("imap", "2001:db8::35"), mark)
    dovecot.log.wait_for(login_line("pop3", "192.0.2.37"), mark)


def test_dovecot_haproxy_listener_trusts_only_127_0_0_1(dovecot):
    """So the gate must connect upstream from 127.0.0.1 (the default source on loopback)."""
    mark = dovecot.log.mark()
    with RawConn.open("127.0.0.2", DOVECOT_IMAP_HAPROXY) as c:
        c.send(proxy_v2("192.0.2.38", "127.0.0.1", 40005, 143))
        c.read_until_closed(timeout=5)
    dovecot.log.wait_for(r"haproxy: Client not trusted", mark)
    assert "192.0.2.38" not in dovecot.log.read(mark)


def test_smtp_sink_records_the_source_of_a_v2_header(smtp_sink):
    rcpt = f"bob+{uuid.uuid4().hex[:8]}@example.test"
    with SourceSMTP(SMTP_SINK_PORT, "127.0.0.1",
                    preamble=proxy_v2("198.51.100.25", "127.0.0.1", 40006, 25)) as s:
        s.ehlo()
        s.sendmail("alice@example.test", [rcpt], f"Subject: selfcheck\r\n\r\nhello {rcpt}\r\n")
    msg = smtp_sink.wait_for_message(rcpt)
    assert msg["src_addr"] == "198.51.100.25"
    assert msg["proxy_version"] == 2
    assert msg["mail_from"] == "alice@example.test"


def test_smtp_sink_closes_a_connection_without_a_header(smtp_sink):
    with RawConn.open("127.0.0.1", SMTP_SINK_PORT) as c:
        c.send(b"EHLO client.test\r\n")
        data = c.read_until_closed(timeout=5)
    assert not data.startswith(b"220"), data


def test_haproxy_sends_v2_from_its_own_source_address(smtp_sink, e2e_dir):
    front = peers.free_port()
    proc = peers.start_haproxy(e2e_dir, "haproxy-selfcheck", [(front, SMTP_SINK_PORT)], source="127.0.0.2")
    try:
        rcpt = f"carol+{uuid.uuid4().hex[:8]}@example.test"
        with SourceSMTP(front, "127.0.0.7") as s:
            s.ehlo()
            s.sendmail("alice@example.test", [rcpt], "Subject: via haproxy\r\n\r\nhi\r\n")
        msg = smtp_sink.wait_for_message(rcpt)
        assert msg["src_addr"] == "127.0.0.7", msg
        assert msg["peer"] == "127.0.0.2", msg  # HAProxy's own `source`
        assert msg["proxy_version"] == 2, msg
    finally:
        proc.stop(timeout=5)


def test_haproxy_load_balancer_config_validates(e2e_dir):
    d = e2e_dir / "haproxy-validate"
    d.mkdir()
    cfg = d / "haproxy.cfg"
    cfg.write_text(peers.haproxy_config([(peers.free_port(), peers.GATE_IMAP),
                                         (peers.free_port(), peers.GATE_POP3)]))
    check = peers.haproxy_check(cfg)
    assert check.returncode == 0, check.stdout + check.stderr


def test_dovecot_needs_the_whole_proxy_header_in_its_first_read(dovecot):
    """A limitation of Dovecot 2.3 the gate must honour: its upstream PROXY header goes out in ONE write.

    Dovecot peeks once; a header split across TCP segments is refused ("Failed to read full
    header" / "Failed to read valid HAproxy data"), so relaying a client's split header byte by
    byte, or writing the gate's own header in pieces, would break every login.
    """
    mark = dovecot.log.mark()
    header = proxy_v2("192.0.2.39", "127.0.0.1", 40007, 143)
    with RawConn.open("127.0.0.1", DOVECOT_IMAP_HAPROXY) as c:
        c.send(header[:16], split=False)
        time.sleep(0.05)  # pacing: the rest must leave as a second segment
        try:
            c.send(header[16:])
        except OSError:
            pass  # Dovecot may already have closed
        data = c.read_until_closed(timeout=5)
    assert b"* OK" not in data, data
    dovecot.log.wait_for(r"haproxy: Client disconnected: Failed to read (full header|valid HAproxy data)", mark)
    assert "192.0.2.39" not in dovecot.log.read(mark)
