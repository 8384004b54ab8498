#!/usr/bin/env python3
"""Regenerates Sources/Console/Theme/BuiltinThemes.swift from themes/*.theme (run from the repo root)."""
names = ["default", "light", "high-contrast", "mono"]
out = ['// Generated from themes/*.theme by scripts/generate-builtin-themes.py; a test keeps them equal.',
       '// Built in so the binary needs no files beside it.', '', 'enum BuiltinThemes {',
       '    static let names = [%s]' % ", ".join('"%s"' % n for n in names), '',
       '    static let text: [String: String] = [']
for n in names:
    t = open(f"themes/{n}.theme").read()
    out.append(f'        "{n}": #"""')
    out += ["        " + l if l else "" for l in t.rstrip("\n").split("\n")]
    out.append('        """#,')
out += ['    ]', '}']
open("Sources/Console/Theme/BuiltinThemes.swift", "w").write("\n".join(out) + "\n")
