"""The seed's scenario on real software: Dovecot behind the gate, HAProxy (from 127.0.0.2,
PROXY v2) as a load balancer whose TCP Proxy flag is about to be turned on, and ordinary
IMAP clients logging in directly. The impact of each change is computed by the daemon from
this real traffic:

- enabling the flag on the one load balancer affects 0 unrelated direct clients, and its
  evidence is the headers that exact address sent;
- widening the flagged entry to a /29 would refuse the direct clients inside it;
- deleting the flagged balancer would cut off every client behind it;
- blacklisting a direct client, or a client behind the balancer, names just that client.
Without an acknowledgement nothing is written; with one, the change is pending and reverts.
"""
from __future__ import annotations

import pytest

import peers
from peers import DOVECOT_IMAP_HAPROXY, Listener, RawConn, api, free_port

ACCESS = """\
[[whitelist]]
id = "wlb"
source = "127.0.0.2"
description = "haproxy lb"
services = ["imap"]
"""


@pytest.fixture
def site(gate_factory, e2e_dir, dovecot):
    gate = gate_factory([Listener("imap", free_port(), f"127.0.0.1:{DOVECOT_IMAP_HAPROXY}")], ACCESS)
    front = free_port()
    lb = peers.start_haproxy(e2e_dir, f"haproxy-safe-change-{front}", [(front, gate.port("imap"))])
    try:
        yield gate, front, dovecot
    finally:
        lb.stop(timeout=5)


def revision(gate) -> str:
    return api(gate.dir / "control.sock", "GET", "/v1/whitelist")[1]["revision"]


def preview(gate, **change) -> dict:
    status, report = api(gate.dir / "control.sock", "POST", "/v1/impact", change)
    assert status == 200, report
    return report


def outcomes(report: dict) -> list[tuple[str, str]]:
    return sorted((a["source"], a["outcome"]) for a in report["affected"])


def through_the_balancer_while_unflagged(front: int, client: str) -> None:
    """HAProxy forwards with a PROXY v2 header; the gate refuses it (the source is not flagged)."""
    with RawConn.open(client, front) as conn:
        conn.read_until_closed(timeout=5)


def test_the_impact_of_each_change_comes_from_real_traffic(site):
    gate, front, dovecot = site
    sock = gate.dir / "control.sock"
    port = gate.port("imap")

    # Real traffic: two direct IMAP users, and three sessions through the not-yet-flagged balancer.
    peers.imap_session(port, "127.0.0.5")
    peers.imap_session(port, "127.0.0.6")
    for _ in range(3):
        through_the_balancer_while_unflagged(front, "127.0.0.9")
    peers.wait_until(lambda: any(e["reason"] == "proxy-header-from-untrusted-source"
                                 for e in api(sock, "GET", "/v1/events?kind=rejected")[1]["events"]), 5, "the refused headers")

    # Enabling the flag on the balancer: 0 unrelated direct clients affected; the evidence is its own.
    report = preview(gate, list="whitelist", action="update", entry="wlb", tcp_proxy=True)
    assert report["requires_acknowledgement"] and report["enables_tcp_proxy"]
    assert report["affected"] == [], report["warning"]
    assert [e["source"] for e in report["evidence"]] == ["127.0.0.2"]
    assert report["evidence"][0]["last_15_minutes"] >= 3  # HAProxy may retry a refused session
    assert "only connections from 127.0.0.2 on imap will need a PROXY header" in report["scope"]

    before = gate.access.read_bytes()
    status, refused = api(sock, "PATCH", "/v1/whitelist/wlb", {"tcp_proxy": True}, revision(gate))
    assert status == 409 and refused["error"]["code"] == "acknowledge-impact-required"
    assert gate.access.read_bytes() == before, "an unacknowledged risky write changed the file"
    status, written = api(sock, "PATCH", "/v1/whitelist/wlb", {"tcp_proxy": True, "acknowledge_impact": True}, revision(gate))
    assert status == 200 and written["pending_change"]["state"] == "pending"

    # Now the balancer's clients get through, with their real address in Dovecot's log.
    mark = dovecot.log.mark()
    peers.imap_session(front, "127.0.0.9")
    dovecot.log.wait_for(peers.login_line("imap", "127.0.0.9"), since=mark)
    peers.imap_session(port, "127.0.0.5")  # and direct users still log in directly
    status, _ = api(sock, "POST", f"/v1/changes/{written['pending_change']['id']}/confirm")
    assert status == 200

    # Widening the flagged entry would refuse the direct users inside the /29, not the balancer.
    # (127.0.0.1 is the test harness's own readiness probe: a direct connection too, when it was counted.)
    report = preview(gate, list="whitelist", action="update", entry="wlb", source="127.0.0.0/29")
    assert [o for o in outcomes(report) if o[0] != "127.0.0.1"] == \
        [("127.0.0.5", "refused-proxy-header-missing"), ("127.0.0.6", "refused-proxy-header-missing")]
    assert report["coverage"] == [{"source": "127.0.0.0/29", "addresses": "8 addresses", "everything": False, "large_share": False}]

    # Deleting the flagged balancer cuts off everyone behind it.
    report = preview(gate, list="whitelist", action="remove", entry="wlb")
    assert outcomes(report) == [("127.0.0.2", "load-balancer-cut-off")]
    assert any("every client behind it is cut off" in line for line in report["warning"])

    # Blacklisting one direct user, or the client behind the balancer, names just that one.
    assert outcomes(preview(gate, list="blacklist", action="add", source="127.0.0.6")) == [("127.0.0.6", "refused-blacklisted")]
    assert outcomes(preview(gate, list="blacklist", action="add", source="127.0.0.9")) == \
        [("127.0.0.9", "client-behind-proxy-blacklisted")]

    # Acknowledged, the blacklisting is pending; undone, the user logs in again.
    status, written = api(sock, "DELETE", "/v1/whitelist/wlb?acknowledge_impact=true", None, revision(gate))
    assert status == 200 and written["pending_change"]["summary"] == "remove whitelist entry 127.0.0.2 (haproxy lb)"
    status, reverted = api(sock, "POST", f"/v1/changes/{written['pending_change']['id']}/revert")
    assert status == 200 and "restored the removed entry 127.0.0.2" in reverted["outcome"]
    mark = dovecot.log.mark()
    peers.imap_session(front, "127.0.0.9")
    dovecot.log.wait_for(peers.login_line("imap", "127.0.0.9"), since=mark)
