"""YAML loaded with a bound on what its aliases expand to ("billion laughs") and on nesting.

PyYAML shares an aliased node instead of copying it, so a 1 KB document of nested aliases loads
quickly; it is every later walk of the result (turning it into plain JSON, resolving, reporting)
that expands it to billions of values. The composed node graph is therefore measured as the tree
it stands for, without expanding it, before any Python value is built from it.
"""

from __future__ import annotations

from yaml import SafeLoader
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_YAML_NODES = 3_000_000  # values once every alias is expanded; large real specs have ~10**5
MAX_YAML_DEPTH = 150


class YamlTooLarge(ValueError):
    """The document would expand past the bounds (or refers to itself)."""


def load_yaml(text: str) -> object:
    """``yaml.safe_load`` that refuses documents expanding past MAX_YAML_NODES or MAX_YAML_DEPTH."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


class _BoundedLoader(SafeLoader):  # the pure-Python parser: its error positions are exact
    def get_single_data(self) -> object:
        node = self.get_single_node()
        if node is None:
            return None
        check_expansion(node)
        return self.construct_document(node)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_expansion(root: Node, max_nodes: int = MAX_YAML_NODES, max_depth: int = MAX_YAML_DEPTH) -> int:
    """The number of values ``root`` stands for with aliases expanded; YamlTooLarge past the bounds.

    A post-order walk with a memo per node: linear in the document, however much it expands.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool, int]] = [(root, False, 1)]
    while stack:
        node, finished, depth = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            sizes[key] = min(max_nodes + 1, 1 + sum(sizes[id(c)] for c in _children(node)))
            if sizes[key] > max_nodes:
                raise YamlTooLarge(f"its aliases expand to more than {max_nodes:,} values ('billion laughs')")
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlTooLarge("an alias refers to a node that contains it (a recursive document)")
        if depth > max_depth:
            raise YamlTooLarge(f"it nests deeper than {max_depth} levels")
        on_path.add(key)
        stack.append((node, True, depth))
        stack.extend((c, False, depth + 1) for c in _children(node) if id(c) not in sizes)
    return sizes[id(root)]
