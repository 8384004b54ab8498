#!/usr/bin/env python3
"""Turns a `tmux capture-pane -p -e` capture (text with SGR colour escapes) into a PNG,
drawn cell by cell with DejaVu Sans Mono on a dark terminal background.

Usage: scripts/ansi2png.py CAPTURE.ansi OUT.png [--columns 100] [--rows 30]
"""
from __future__ import annotations

import argparse
import re
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SIZE = 15
DEFAULT_FG = (0xD0, 0xD0, 0xD0)
DEFAULT_BG = (0x1C, 0x1C, 0x1C)
BASIC = [(0x00, 0x00, 0x00), (0xCD, 0x31, 0x31), (0x0D, 0xBC, 0x79), (0xE5, 0xE5, 0x10),
         (0x24, 0x72, 0xC8), (0xBC, 0x3F, 0xBC), (0x11, 0xA8, 0xCD), (0xE5, 0xE5, 0xE5),
         (0x66, 0x66, 0x66), (0xF1, 0x4C, 0x4C), (0x23, 0xD1, 0x8B), (0xF5, 0xF5, 0x43),
         (0x3B, 0x8E, 0xEA), (0xD6, 0x70, 0xD6), (0x29, 0xB8, 0xDB), (0xFF, 0xFF, 0xFF)]


def xterm256(n: int) -> tuple[int, int, int]:
    if n < 16:
        return BASIC[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return steps[n // 36], steps[(n // 6) % 6], steps[n % 6]
    level = 8 + (n - 232) * 10
    return level, level, level


class Pen:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.underline = self.reverse = False

    def apply(self, params: list[int]):
        i = 0
        if not params:
            params = [0]
        while i < len(params):
            p = params[i]
            if p == 0:
                self.reset()
            elif p == 1:
                self.bold = True
            elif p == 2:
                self.dim = True
            elif p == 4:
                self.underline = True
            elif p == 7:
                self.reverse = True
            elif p == 22:
                self.bold = self.dim = False
            elif p == 24:
                self.underline = False
            elif p == 27:
                self.reverse = False
            elif 30 <= p <= 37:
                self.fg = BASIC[p - 30]
            elif 90 <= p <= 97:
                self.fg = BASIC[p - 90 + 8]
            elif 40 <= p <= 47:
                self.bg = BASIC[p - 40]
            elif 100 <= p <= 107:
                self.bg = BASIC[p - 100 + 8]
            elif p == 39:
                self.fg = None
            elif p == 49:
                self.bg = None
            elif p in (38, 48) and i + 1 < len(params):
                if params[i + 1] == 5 and i + 2 < len(params):
                    colour = xterm256(params[i + 2])
                    i += 2
                elif params[i + 1] == 2 and i + 4 < len(params):
                    colour = tuple(params[i + 2:i + 5])
                    i += 4
                else:
                    colour = None
                if p == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            i += 1

    def colours(self):
        fg = self.fg or DEFAULT_FG
        bg = self.bg or DEFAULT_BG
        if self.bold and self.fg in BASIC[:8]:
            fg = BASIC[BASIC.index(self.fg) + 8]
        if self.reverse:
            fg, bg = bg, fg
        if self.dim:
            fg = tuple((c + b) // 2 for c, b in zip(fg, bg))
        return fg, bg


SGR = re.compile(r"\x1b\[([0-9;:]*)m")
OTHER_ESCAPE = re.compile(r"\x1b[\[\]][^a-zA-Z]*[a-zA-Z]")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("capture")
    parser.add_argument("png")
    parser.add_argument("--columns", type=int, default=100)
    parser.add_argument("--rows", type=int, default=30)
    args = parser.parse_args()

    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", SIZE)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", SIZE)
    fallback = ImageFont.truetype(FONT_DIR + "DejaVuSans.ttf", SIZE)
    missing = bytes(regular.getmask("\U0010FFFD"))
    has_glyph: dict[str, bool] = {}

    def font_for(char: str, is_bold: bool):
        if char not in has_glyph:
            has_glyph[char] = bytes(regular.getmask(char)) != missing
        if not has_glyph[char]:
            return fallback  # e.g. ℹ: not in DejaVu Sans Mono
        return bold if is_bold else regular
    cell_w = round(regular.getlength("M"))
    cell_h = round(SIZE * 1.3)
    pad = 10
    image = Image.new("RGB", (args.columns * cell_w + 2 * pad, args.rows * cell_h + 2 * pad), DEFAULT_BG)
    draw = ImageDraw.Draw(image)

    pen = Pen()
    lines = open(args.capture, encoding="utf-8", errors="replace").read().split("\n")
    for row, line in enumerate(lines[:args.rows]):
        col = 0
        pos = 0
        while pos < len(line) and col < args.columns:
            m = SGR.match(line, pos)
            if m:
                pen.apply([int(x) if x else 0 for x in re.split("[;:]", m.group(1))] if m.group(1) else [0])
                pos = m.end()
                continue
            m = OTHER_ESCAPE.match(line, pos)
            if m:
                pos = m.end()
                continue
            char = line[pos]
            pos += 1
            width = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
            fg, bg = pen.colours()
            x, y = pad + col * cell_w, pad + row * cell_h
            draw.rectangle([x, y, x + width * cell_w - 1, y + cell_h - 1], fill=bg)
            if char != " ":
                draw.text((x, y + (cell_h - SIZE) // 2 - 1), char, font=font_for(char, pen.bold), fill=fg)
            if pen.underline:
                draw.line([x, y + cell_h - 2, x + width * cell_w - 1, y + cell_h - 2], fill=fg)
            col += width
        # tmux resets at line ends only when attributes change; keep the pen as it is.
    image.save(args.png)


if __name__ == "__main__":
    main()
