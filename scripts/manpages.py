#!/usr/bin/env python3
"""Finish the man pages swift-argument-parser's generate-manual wrote for mailgate.

    scripts/manpages.py GENERATED_DIR OUT_DIR KEYS_MARKDOWN_FILE

generate-manual --multi-page names the pages `mailgate.whitelist.add.1`; Debian (and git,
systemd, …) name them `mailgate-whitelist-add.1`, which is what `man mailgate-tui` finds.
This renames the pages and their cross references, drops `mailgate help`'s page, adds a
FILES section to mailgate(1), and gives mailgate-tui(1) a KEYS section made from the
console's own key table (`mailgate tui --print-keys-markdown`, the table that also builds
its footer and help view) in place of the plain-text key list of `mailgate tui --help`.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path


def page_name(generated: str) -> str:
    """`mailgate.whitelist.add.1` → `mailgate-whitelist-add`."""
    return generated[: -len(".1")].replace(".", "-")


def ascii_roff(text: str) -> str:
    """Non-ASCII characters (the console's arrow keys) as groff escapes: \\[u2193]."""
    return "".join(ch if ord(ch) < 128 else f"\\[u{ord(ch):04X}]" for ch in text)


def roff_text(text: str) -> str:
    """One line of running text, safe for roff: no leading dot or quote, backslashes escaped."""
    text = ascii_roff(text.replace("\\", "\\e"))
    if text[:1] in (".", "'"):
        text = "\\&" + text
    return text


def roff_arg(text: str) -> str:
    """A quoted macro argument (quoted, so that a key like `Ns` is never read as a macro)."""
    return '"' + ascii_roff(text.replace("\\", "\\e").replace('"', '\\(dq')) + '"'


def keys_section(markdown: str) -> str:
    rows = []
    for line in markdown.splitlines():
        line = line.strip()
        if not line.startswith("|") or line.startswith("|---") or line.startswith("| Keys"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) < 3:
            continue
        keys = re.findall(r"`([^`]+)`", cells[0])
        action = cells[1]
        where = cells[2]
        notes = cells[3].replace("`", "") if len(cells) > 3 else ""
        rows.append((keys, action, where, notes))
    if not rows:
        raise SystemExit("manpages.py: no rows in the key table")
    out = [".Sh KEYS",
           "The console's keys; the same table builds its footer and its help view",
           "(press", ".Sy \\&?", "or", ".Sy F1 ) .",
           "A change that could cut clients off first shows its impact: focus starts on Cancel,",
           ".Sy Enter",
           "never applies, only",
           ".Sy E",
           "does, and the change is then pending until confirmed",
           ".Pq Sy c",
           "or undone",
           ".Pq Sy u ;",
           "unconfirmed, it reverts itself.",
           ".Bl -tag -width Ds"]
    for keys, action, where, notes in rows:
        out.append(".It " + " ".join("Sy " + roff_arg(key) for key in keys))
        out.append(roff_text(action + "."))
        detail = "Where: " + where
        if notes:
            detail += "; " + notes
        out.append(roff_text(detail + "."))
    out.append(".El")
    return "\n".join(out) + "\n"


FILES_SECTION = """.Sh FILES
.Bl -tag -width Ds
.It Pa /etc/mailgate/mailgate.toml
The static settings: listeners, upstreams, the control socket, limits.
.It Pa /etc/mailgate/access.toml
The whitelist and the blacklist; rewritten atomically by the daemon, fine to edit by hand.
.It Pa /etc/mailgate/access.toml.pending.json
The daemon's journal of pending changes; leave it alone.
.It Pa /run/mailgate/control.sock
The control API (HTTP + JSON), mode 0660, group
.Sy mailgate-admin .
.It Pa /var/lib/mailgate/audit.log
One JSON line per change.
.It Pa /lib/systemd/system/mailgate.service
The systemd unit (installed, not enabled).
.El
.Sh "EXIT STATUS"
0 ok, 1 refused or invalid, 2 usage, 3 daemon unreachable.
"""

TUI_DESCRIPTION = """.Sh DESCRIPTION
The ncurses console on the running daemon's control socket (by default the
.Ic [control] socket
of
.Pa /etc/mailgate/mailgate.toml
if readable, else
.Pa /run/mailgate/control.sock ) .
It shows the open connections, the rejects, the whitelist, the blacklist and the
pending changes, follows the live event stream, and edits the lists through the
daemon. Using the socket takes membership of its group
.Pq Sy mailgate-admin .
If the daemon goes away the top bar says so and the console keeps trying.
"""


def main() -> None:
    generated, out, keys_file = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    pages = sorted(p for p in generated.glob("mailgate*.1") if p.name != "mailgate.help.1")
    if not any(p.name == "mailgate.tui.1" for p in pages):
        raise SystemExit("manpages.py: generate-manual wrote no mailgate.tui.1")
    for page in pages:
        name = page_name(page.name)
        text = page.read_text()
        text = re.sub(r"^\.Dt (\S+) 1$", lambda m: ".Dt " + m.group(1).replace(".", "-") + " 1", text, flags=re.M)
        # Cross references: renamed, and none to `mailgate help`.
        text = re.sub(r"^\.Xr mailgate\.help 1 ?,?\n", "", text, flags=re.M)
        text = re.sub(r"^(\.Xr) (mailgate(?:\.[\w-]+)+) 1",
                      lambda m: f"{m.group(1)} {m.group(2).replace('.', '-')} 1", text, flags=re.M)
        # A list that ended with the dropped entry would end in a comma.
        text = re.sub(r"^(\.Xr \S+ 1) ,\n(?=\.Sh)", r"\1\n", text, flags=re.M)
        if '.Sh "SEE ALSO"' not in text:
            see_also = '.Sh "SEE ALSO"\n.Xr mailgate 1\n'
            if ".Sh AUTHORS" in text:
                text = text.replace(".Sh AUTHORS", see_also + ".Sh AUTHORS", 1)
            else:
                text = text.rstrip("\n") + "\n" + see_also
        if name == "mailgate":
            text = re.sub(r'^\.Sh "EXIT STATUS"\n\.Ex -std\n', FILES_SECTION, text, flags=re.M)
        if name == "mailgate-tui":
            # The generated DESCRIPTION is the plain-text key list of `--help`, which mdoc
            # would fill into one paragraph: replace it, keep the option list.
            match = re.search(r"^\.Sh DESCRIPTION\n.*?(?=^\.Bl -tag)", text, flags=re.M | re.S)
            if not match:
                raise SystemExit("manpages.py: mailgate.tui.1 has no DESCRIPTION")
            text = text[: match.start()] + TUI_DESCRIPTION + ".Pp\nOptions:\n" + text[match.end():]
            text = text.replace('.Sh "EXIT STATUS"', keys_section(keys_file.read_text()) + '.Sh "EXIT STATUS"', 1)
            if ".Sh KEYS" not in text:
                raise SystemExit("manpages.py: no place for KEYS in mailgate.tui.1")
        (out / f"{name}.1").write_text(text)
        print(f"{name}.1")


if __name__ == "__main__":
    main()
