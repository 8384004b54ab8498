#!/usr/bin/env python3
"""Writes the seed corpus of the PROXY decoder fuzz target (Fuzz/corpus/proxy-decoder).

Valid v1 and v2 headers of every shape the decoder knows, a few near misses, and the
inputs that once showed a bug. Run again after changing it; the files are committed.
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "proxy-decoder")
SIG = b"\r\n\r\n\x00\r\nQUIT\n"


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def tlv(kind: int, value: bytes) -> bytes:
    return bytes([kind]) + struct.pack(">H", len(value)) + value


def v2(command: int, family: int, block: bytes, tlvs: bytes = b"", checksum: bool = False) -> bytes:
    body = block + tlvs
    if checksum:
        body += tlv(0x03, b"\x00\x00\x00\x00")
    header = SIG + bytes([0x20 | command, family]) + struct.pack(">H", len(body)) + body
    if checksum:
        header = header[:-4] + struct.pack(">I", crc32c(header))
    return header


inet = bytes([192, 0, 2, 1, 198, 51, 100, 2]) + struct.pack(">HH", 12345, 143)
inet6 = bytes(15) + b"\x01" + bytes.fromhex("20010db8000000000000000000000002") + struct.pack(">HH", 5555, 993)
unix = b"/run/client.sock".ljust(108, b"\x00") + b"/run/server.sock".ljust(108, b"\x00")
ssl = tlv(0x20, b"\x07" + struct.pack(">I", 0) + tlv(0x21, b"TLSv1.3") + tlv(0x22, b"client.example")
          + tlv(0x23, b"TLS_AES_128_GCM_SHA256"))

seeds = {
    "v1-tcp4": b"PROXY TCP4 192.0.2.1 198.51.100.2 12345 143\r\n",
    "v1-tcp4-with-data": b"PROXY TCP4 192.0.2.1 198.51.100.2 12345 143\r\na1 LOGIN alice secret\r\n",
    "v1-tcp6": b"PROXY TCP6 2001:db8::1 ::1 5555 993\r\n",
    "v1-tcp6-dotted-tail": b"PROXY TCP6 ::ffff:192.0.2.1 0:0:0:0:0:0:0:1 1 65535\r\n",
    "v1-tcp6-longest": b"PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n",
    "v1-unknown": b"PROXY UNKNOWN\r\n",
    "v1-unknown-with-text": b"PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n",
    "v1-prefix": b"PROXY TCP4 192.0.2.",
    "v1-leading-colon-dotted-tail": b"PROXY TCP6 :2.",  # refused only when unchunked, once
    "v1-leading-zero": b"PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n",
    "v2-inet": v2(1, 0x11, inet),
    "v2-inet-udp": v2(1, 0x12, inet),
    "v2-inet6": v2(1, 0x21, inet6),
    "v2-unix": v2(1, 0x31, unix),
    "v2-unspec": v2(1, 0x00, b""),
    "v2-local": v2(0, 0x00, b""),
    "v2-local-with-block": v2(0, 0x11, inet),
    "v2-tlvs": v2(1, 0x11, inet, tlv(0x01, b"imap") + tlv(0x02, b"mail.example") + tlv(0x04, bytes(3))
                  + tlv(0x05, b"id-1") + ssl + tlv(0x30, b"ns") + tlv(0xE0, b"custom")),
    "v2-crc32c": v2(1, 0x11, inet, tlv(0x02, b"mail.example"), checksum=True),
    "v2-large-noop": v2(1, 0x11, inet, tlv(0x04, bytes(4096 - 16 - 12 - 3))),
    "v2-bad-version": SIG + b"\x11\x11\x00\x0c" + inet,
    "v2-short-length": SIG + b"\x21\x11\x00\x04" + inet[:4],
    "not-proxy": b"a1 LOGIN alice secret\r\n",
}

os.makedirs(OUT, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {OUT}")
