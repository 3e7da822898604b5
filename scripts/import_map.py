"""Print assay's package map: packages, import arrows between them, and cycles.

Usage: python scripts/import_map.py [--depth N] [--edges]
Depth 1 counts top-level packages (``assay.agents``); depth 2 also splits them
(``assay.agents.analysis``). A cycle is a strongly connected group of two or more packages.
Run from a checkout whose ``src`` is on the import path (``PYTHONPATH=src``).
"""

from __future__ import annotations

import argparse
from collections import Counter

import grimp


def package_of(module: str, depth: int) -> str:
    return ".".join(module.split(".")[: depth + 1])


def arrows(depth: int) -> Counter[tuple[str, str]]:
    graph = grimp.build_graph("assay")
    found: Counter[tuple[str, str]] = Counter()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = package_of(module, depth), package_of(imported, depth)
            if a != b:
                found[(a, b)] += 1
    return found


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected components of two or more nodes (Tarjan)."""
    out: dict[str, list[str]] = {}
    for a, b in edges:
        out.setdefault(a, []).append(b)
        out.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in out[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(out):
        if node not in index:
            visit(node)
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=1)
    parser.add_argument("--edges", action="store_true", help="list every arrow with its import count")
    args = parser.parse_args()
    found = arrows(args.depth)
    packages = sorted({p for pair in found for p in pair})
    print(f"depth {args.depth}: {len(packages)} packages or modules, {len(found)} import arrows")
    for group in cycles(set(found)):
        print("cycle:", " <-> ".join(group))
    if args.edges:
        for (a, b), n in sorted(found.items()):
            print(f"  {a} -> {b} ({n})")


if __name__ == "__main__":
    main()
