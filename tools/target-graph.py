#!/usr/bin/env python3
"""The package's targets as a layered picture, from Package.swift (`swift package dump-package`).

Each target sits one layer above the highest target it depends on, so every arrow points down; the script
fails if one does not. `--svg FILE` writes the picture with graphviz's `dot` (default docs/targets.svg, next to
its .dot source); `--check-imports` lists the modules a target's sources import without declaring them, and declared ones
they never import.
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Modules every Swift target may import without declaring them.
IMPLICIT = {"Foundation", "FoundationNetworking", "FoundationEssentials", "Glibc", "Musl", "Darwin", "Dispatch",
            "Synchronization", "_Concurrency", "XCTest", "Testing", "os", "CoreFoundation"}


IMPORT = re.compile(r"^[ \t]*(?:@\w+(?:\([^)]*\))?[ \t]+)*import[ \t]+(?:(?:struct|class|enum|protocol|func|var|let|typealias)[ \t]+)?(\w+)", re.M)


def load_package():
    out = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def dependencies(target):
    """(own target names, product names) a target declares."""
    own, products = [], []
    for entry in target["dependencies"]:
        kind, value = next(iter(entry.items()))
        (own if kind in ("byName", "target") else products).append(value[0])
    return own, products


def layers(targets):
    """Each target's layer: 0 for one that depends on none of ours, else one above its highest dependency."""
    deps = {t["name"]: dependencies(t)[0] for t in targets}
    layer = {}

    def place(name, path=()):
        if name in path:
            sys.exit(f"dependency cycle: {' -> '.join(path + (name,))}")
        if name not in layer:
            layer[name] = 1 + max((place(d, path + (name,)) for d in deps[name] if d in deps), default=-1)
        return layer[name]

    for name in deps:
        place(name)
    return layer, deps


def dot(targets, layer, deps):
    kinds = {t["name"]: t["type"] for t in targets}
    shape = {"executable": "box3d", "system": "cylinder"}
    lines = ["digraph targets {", '  rankdir=TB; nodesep=0.25; ranksep=0.5;',
             '  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", fillcolor="#eef3fb"];',
             '  edge [color="#8a94a6", arrowsize=0.6];']
    for level in sorted(set(layer.values()), reverse=True):
        names = sorted(n for n, l in layer.items() if l == level)
        members = " ".join(f'"{n}" [shape={shape.get(kinds[n], "box")}]' for n in names)
        lines.append(f"  {{ rank=same; {members} }}")
    for name in sorted(deps):
        for dep in sorted(deps[name]):
            if dep in layer:
                if layer[dep] >= layer[name]:
                    sys.exit(f"upward arrow: {name} (layer {layer[name]}) -> {dep} (layer {layer[dep]})")
                lines.append(f'  "{name}" -> "{dep}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def import_mismatches(targets):
    """Per target, modules its sources import without declaring them, and declared ones none of its sources import."""
    found = {}
    for target in targets:
        if target["type"] == "system":
            continue
        own, products = dependencies(target)
        declared = set(own) | set(products) | IMPLICIT | {target["name"]}
        folder = os.path.join(ROOT, target.get("path") or ("Tests" if target["type"] == "test" else "Sources"),
                              "" if target.get("path") else target["name"])
        imported = set()
        for base, _, files in os.walk(folder):
            for file in files:
                if file.endswith(".swift"):
                    text = open(os.path.join(base, file), encoding="utf-8").read()
                    for match in IMPORT.finditer(text):
                        if text.count('"""', 0, match.start()) % 2 == 0:  # not inside a multi-line string literal
                            imported.add(match.group(1))
        missing = sorted(imported - declared)
        unused = sorted(set(own + products) - imported)
        if missing or unused:
            found[target["name"]] = (missing, unused)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", default=os.path.join(ROOT, "docs", "targets.svg"))
    parser.add_argument("--check-imports", action="store_true")
    arguments = parser.parse_args()
    package = load_package()
    if arguments.check_imports:
        mismatches = import_mismatches(package["targets"])
        for name, (missing, unused) in sorted(mismatches.items()):
            if missing:
                print(f"{name} imports without declaring: {', '.join(missing)}")
            if unused:
                print(f"{name} declares without importing: {', '.join(unused)}")
        print(f"{len(mismatches)} target(s) whose imports and declared dependencies differ")
        return 1 if mismatches else 0
    targets = [t for t in package["targets"] if t["type"] != "test"]
    layer, deps = layers(targets)
    source = dot(targets, layer, deps)
    with open(os.path.splitext(arguments.svg)[0] + ".dot", "w") as file:
        file.write(source)
    subprocess.run(["dot", "-Tsvg", "-o", arguments.svg], input=source, text=True, check=True)
    print(f"{arguments.svg}: {len(targets)} targets in {max(layer.values()) + 1} layers, every arrow pointing down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
