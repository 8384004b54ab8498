#!/usr/bin/env python3
"""The layering check: the module arrows in docs/ARCHITECTURE.md hold in the code.

docs/ARCHITECTURE.md has one fenced block tagged `layers`, a line per module:

    Console: MailgateAPI ControlClient AccessPolicy NetAddress CNCurses ! Gate ControlServer Hummingbird

Before `!`: the project modules it may import. After `!`: modules and library products it
must never reach, not even through another module. The check fails when

  - Package.swift gives a module a project dependency the table does not allow,
  - a source file imports a project module its module may not import (SwiftPM on Linux
    lets a file import any module built before it, declared or not),
  - a module reaches, through Package.swift's dependencies, something it must never reach,
  - a module in Package.swift is missing from the table, or the table names one that is gone.

Test targets are not checked. Run from anywhere: scripts/check-layering.py
"""
import json
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
IMPORT = re.compile(r"^\s*(?:@\w+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)", re.M)


def read_table():
    text = (root / "docs/ARCHITECTURE.md").read_text()
    match = re.search(r"```layers\n(.*?)```", text, re.S)
    if not match:
        sys.exit("docs/ARCHITECTURE.md: no ```layers block")
    table = {}
    for number, line in enumerate(match.group(1).splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, rest = line.partition(":")
        allowed, _, forbidden = rest.partition("!")
        table[name.strip()] = (set(allowed.split()), set(forbidden.split()))
    return table


def read_package():
    dump = subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True,
                          capture_output=True, text=True).stdout
    targets = {}
    for target in json.loads(dump)["targets"]:
        if target["type"] == "test":
            continue
        deps = set()
        for dep in target["dependencies"]:
            kind, value = next(iter(dep.items()))
            deps.add(value[0])
        path = target.get("path") or f"Sources/{target['name']}"
        targets[target["name"]] = (deps, root / path)
    return targets


def reach(name, targets, seen=None):
    seen = set() if seen is None else seen
    for dep in targets.get(name, (set(), None))[0]:
        if dep not in seen:
            seen.add(dep)
            reach(dep, targets, seen)
    return seen


def main():
    table = read_table()
    targets = read_package()
    problems = []
    for name in sorted(set(targets) - set(table)):
        problems.append(f"{name}: in Package.swift but not in docs/ARCHITECTURE.md's layers table")
    for name in sorted(set(table) - set(targets)):
        problems.append(f"{name}: in docs/ARCHITECTURE.md's layers table but not a module in Package.swift")
    for name, (deps, path) in sorted(targets.items()):
        if name not in table:
            continue
        allowed, forbidden = table[name]
        for dep in sorted(deps & set(targets) - allowed):
            problems.append(f"Package.swift: {name} depends on {dep}, which docs/ARCHITECTURE.md does not allow")
        for dep in sorted(reach(name, targets) & forbidden):
            problems.append(f"Package.swift: {name} reaches {dep}, which it must never reach")
        for source in sorted(path.rglob("*.swift")) if path.is_dir() else []:
            for number, line in enumerate(source.read_text().splitlines(), 1):
                found = IMPORT.match(line)
                if not found:
                    continue
                module = found.group(1)
                relative = source.relative_to(root)
                if module in forbidden:
                    problems.append(f"{relative}:{number}: {name} must never import {module}")
                elif module in targets and module != name and module not in allowed:
                    problems.append(f"{relative}:{number}: {name} may not import {module} "
                                    f"(allowed: {' '.join(sorted(allowed)) or 'no project module'})")
    if problems:
        print("layering check failed:", *problems, sep="\n  ")
        return 1
    print(f"layering check: {len(targets)} modules keep the arrows of docs/ARCHITECTURE.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
