#!/usr/bin/python3
"""A PROXY-aware SMTP sink for the end-to-end tests (aiosmtpd; run with Debian's /usr/bin/python3).

Every connection must start with a PROXY v1/v2 header (within --proxy-timeout seconds),
else aiosmtpd closes it. Each accepted message is appended to --record as one JSON line:
{"peer", "src_addr", "src_port", "proxy_version", "mail_from", "rcpt_tos", "data"}.
Stops cleanly on SIGTERM/SIGINT.
"""
import argparse
import asyncio
import json
import logging
import signal

from aiosmtpd.smtp import SMTP

log = logging.getLogger("smtp-sink")


class RecordingHandler:
    def __init__(self, record_path):
        self.record_path = record_path

    async def handle_PROXY(self, server, session, envelope, proxy_data):
        log.info("PROXY v%s from peer %s: src_addr=%s", proxy_data.version, session.peer,
                 proxy_data.src_addr)
        return True  # accept every well-formed header

    async def handle_DATA(self, server, session, envelope):
        pd = session.proxy_data
        record = {
            "peer": session.peer[0] if session.peer else None,
            "src_addr": str(pd.src_addr) if pd and pd.src_addr is not None else None,
            "src_port": pd.src_port if pd else None,
            "proxy_version": pd.version if pd else None,
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": envelope.content.decode("utf-8", "replace")
            if isinstance(envelope.content, bytes) else envelope.content,
        }
        with open(self.record_path, "a") as f:
            f.write(json.dumps(record) + "\n")
        log.info("recorded message from %s to %s (src_addr=%s)", envelope.mail_from,
                 envelope.rcpt_tos, record["src_addr"])
        return "250 2.0.0 OK recorded"


async def main(args):
    handler = RecordingHandler(args.record)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", proxy_protocol_timeout=args.proxy_timeout),
        host=args.host, port=args.port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("listening on %s:%d", args.host, args.port)
    await stop.wait()
    server.close()
    await server.wait_closed()
    log.info("stopped")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=10025)
    p.add_argument("--record", required=True)
    p.add_argument("--proxy-timeout", type=float, default=3.0)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(main(p.parse_args()))
