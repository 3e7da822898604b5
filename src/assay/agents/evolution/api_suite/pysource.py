"""Small helpers for writing readable Python source: literals, identifiers, docstrings."""

from __future__ import annotations

import json
import keyword
import re
import textwrap
from dataclasses import dataclass

from assay.domain.json import Json

WIDTH = 100  # the suite's ruff.toml line-length: the code below is laid out as ruff format would
REPEAT_MIN = 16  # a string of one repeated character at least this long is written ``"x" * 300``

RUFF_TOML = f"""\
# Lint and format settings of this generated suite: `ruff check . && ruff format --check .`
line-length = {WIDTH}
target-version = "py310"

[lint]
select = ["E", "F", "W", "I", "B", "UP", "SIM"]

[lint.isort]
known-first-party = ["assay_support"]
"""


def py_str(text: str) -> str:
    """A double-quoted Python string literal (JSON escapes are valid Python escapes)."""
    return json.dumps(text, ensure_ascii=False)


def py_quoted(text: str) -> str:
    """A string literal in the quotes ruff format picks: single ones when that saves escapes."""
    if text.count('"') <= text.count("'"):
        return py_str(text)
    inner = py_str(text)[1:-1].replace('\\"', '"').replace("'", "\\'")
    return f"'{inner}'"


def py_text(text: str) -> str:
    """A string expression: a literal, or ``"x" * 300`` for a long run of one character.

    The run form keeps long generated values (boundary lengths) inside the line length: ruff
    cannot split a string literal.
    """
    if len(text) >= REPEAT_MIN and len(set(text)) == 1:
        return f"{py_str(text[0])} * {len(text)}"
    return py_str(text)


def py_literal(value: Json, indent: int = 0, width: int = WIDTH, prefix: int = 0, suffix: int = 1) -> str:
    """``value`` as a Python literal; on one line when it fits, else one item per line.

    ``indent`` is the indentation of the line the literal starts on, ``prefix`` how many
    characters precede it on that line beyond the indentation, ``suffix`` how many follow it
    (the ``,`` or ``)`` ruff counts). A split literal ends its items with a comma, which ruff
    keeps as a magic trailing comma.
    """
    flat = _flat(value)
    if len(flat) + indent + prefix + suffix <= width or not isinstance(value, list | dict) or not value:
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, list):
        items = [pad + py_literal(item, indent + 4, width) + "," for item in value]
        return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"
    lines = []
    for key, item in value.items():
        head = f"{py_str(key)}: "
        lines.append(pad + head + py_literal(item, indent + 4, width, len(head)) + ",")
    return "{\n" + "\n".join(lines) + "\n" + " " * indent + "}"


def flat_literal(value: Json) -> str:
    """``value`` as a one-line Python literal."""
    return _flat(value)


def _flat(value: Json) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else "None"
    if isinstance(value, str):
        return py_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(_flat(item) for item in value) + "]"
    return "{" + ", ".join(f"{py_str(k)}: {_flat(v)}" for k, v in value.items()) + "}"


@dataclass(frozen=True)
class Lit:
    """A JSON value as a call argument, after ``keyword=`` when there is one."""

    value: Json
    keyword: str = ""

    def flat(self) -> str:
        return f"{self.keyword}{_flat(self.value)}"

    def laid(self, indent: int) -> str:
        return self.keyword + py_literal(self.value, indent, prefix=len(self.keyword))


@dataclass(frozen=True)
class Call:
    """A call to lay out: ``func(args...)``, after ``keyword=`` when there is one."""

    func: str
    args: tuple[Arg, ...]
    keyword: str = ""

    def flat(self) -> str:
        return f"{self.keyword}{self.func}({', '.join(flat_arg(a) for a in self.args)})"


Arg = str | Lit | Call


def flat_arg(arg: Arg) -> str:
    return arg if isinstance(arg, str) else arg.flat()


def layout(call: Call, indent: int, prefix: int = 0, suffix: int = 0) -> str:
    """``call`` on one line when it fits, else one argument per line with a trailing comma.

    The trailing comma is ruff's magic one: ruff format keeps the split as it is, so the
    generator need not mirror ruff's choice between splitting and joining the arguments.
    Arguments that are already multi-line (split literals) are re-indented.
    """
    flat = call.flat()
    if "\n" not in flat and indent + prefix + len(flat) + suffix <= WIDTH:
        return flat
    pad = " " * (indent + 4)
    lines = [f"{call.keyword}{call.func}("]
    for arg in call.args:
        lines.append(f"{pad}{_laid_arg(arg, indent + 4)},")
    lines.append(" " * indent + ")")
    return "\n".join(lines)


def _laid_arg(arg: Arg, indent: int) -> str:
    if isinstance(arg, Call):
        return layout(arg, indent, 0, 1)
    return arg.laid(indent) if isinstance(arg, Lit) else arg


def slug(text: str, max_len: int = 48) -> str:
    """Lower-case identifier words from free text: ``"Create item (201)"`` -> ``create_item_201``."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    out = ""
    for word in words:
        candidate = f"{out}_{word}" if out else word
        if len(candidate) > max_len:
            break
        out = candidate
    return out or (words[0][:max_len] if words else "")


def identifier(text: str, fallback: str = "value") -> str:
    """A valid, non-keyword Python identifier made from ``text``."""
    name = slug(text) or fallback
    if name[0].isdigit() or keyword.iskeyword(name):
        name = f"{fallback}_{name}"
    return name


def docstring(lines: list[str], indent: int = 4) -> str:
    """A triple-quoted docstring: summary, blank line, then the rest, all wrapped to ``WIDTH``."""
    pad = " " * indent
    clean = [line.replace("\\", "/").replace('"""', "'''").rstrip() for line in lines]
    head = clean[0].rstrip('"') if clean else ""
    if len(clean) <= 1 and len(pad) + len(head) + 6 <= WIDTH:
        return f'{pad}"""{head}"""'
    summary = _wrap(head, WIDTH - indent - 6)  # ruff joins a one-line summary with its quotes
    body: list[str] = []
    for line in clean[1:]:
        body += [pad + part for part in _wrap(line, WIDTH - indent)] or [""]
    text = "\n".join(part if part.strip() else "" for part in body)
    opening = f"\n{pad}".join(summary)
    if not body:
        return f'{pad}"""{opening}\n{pad}"""'
    return f'{pad}"""{opening}\n\n{text}\n{pad}"""'


def _wrap(line: str, width: int) -> list[str]:
    return textwrap.wrap(line, width, break_on_hyphens=False, break_long_words=False)


def assert_explained(condition: str, label: str = "", indent: int = 4) -> str:
    """``assert condition, label + explain(response)``, split where ruff format splits it."""
    pad = " " * indent
    message = f"{label} + explain(response)" if label else "explain(response)"
    one_line = f"{pad}assert {condition}, {message}"
    if len(one_line) <= WIDTH:
        return one_line
    if len(one_line) - len("response)") <= WIDTH:
        return f"{one_line.removesuffix('response)')}\n{pad}    response\n{pad})"
    if not label:
        return f"{pad}assert {condition}, explain(\n{pad}    response\n{pad})"
    if indent + 4 + len(message) <= WIDTH:
        return f"{pad}assert {condition}, (\n{pad}    {message}\n{pad})"
    return f"{pad}assert {condition}, (\n{pad}    {label}\n{pad}    + explain(response)\n{pad})"


def signature(name: str, params: list[str], returns: str = "None") -> str:
    """A ``def`` line, split the way ruff format splits it when it is too long."""
    one_line = f"def {name}({', '.join(params)}) -> {returns}:"
    if len(one_line) <= WIDTH:
        return one_line
    inner = "    " + ", ".join(params)
    if len(inner) <= WIDTH:
        return f"def {name}(\n{inner}\n) -> {returns}:"
    return f"def {name}(\n" + "".join(f"    {p},\n" for p in params) + f") -> {returns}:"


def comment(text: str, indent: int = 4) -> str:
    """A single-line comment body: no newlines, cut to fit the line after ``# ``."""
    body = " ".join(text.split())
    room = WIDTH - indent - 2
    return body if len(body) <= room else body[: room - 3].rstrip() + "..."


def wrap_call(line: str) -> str:
    """A statement line that ends in a call, split inside that call's parentheses as ruff does.

    Ruff splits a too-long line at its last bracket pair: the arguments go on their own
    indented line (when they fit there, or cannot be split further). Other lines are returned
    as they are.
    """
    indent = len(line) - len(line.lstrip())
    opening = _last_call_paren(line)
    if len(line) <= WIDTH or opening is None:
        return line
    head, body = line[: opening + 1], line[opening + 1 : -1]
    if len(head) > WIDTH or (indent + 4 + len(body) > WIDTH and "," in body):
        return line
    pad = " " * indent
    return f"{head}\n{pad}    {body}\n{pad})"


def _last_call_paren(line: str) -> int | None:
    """Index of the ``(`` whose ``)`` ends ``line``, skipping brackets inside strings."""
    if not line.endswith(")"):
        return None
    quote, escaped = "", False
    opened: list[int] = []
    for i, char in enumerate(line):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "([{":
            opened.append(i)
        elif char in ")]}" and opened:
            start = opened.pop()
            if i == len(line) - 1:
                return start
    return None


STDLIB_IMPORTS = (
    ("base64", "import base64"),
    ("contextlib", "import contextlib"),
    ("html", "import html"),
    ("json", "import json"),
    ("os", "import os"),
    ("re", "import re"),
    ("Iterator", "from collections.abc import Iterator"),
    ("ThreadPoolExecutor", "from concurrent.futures import ThreadPoolExecutor"),
    ("CookieJar", "from http.cookiejar import CookieJar, DefaultCookiePolicy"),
    ("Any", "from typing import Any"),
    ("parse_qsl", "from urllib.parse import parse_qsl, urlencode"),
)
SUPPORT_NAMES = (
    "check_schema",
    "dig",
    "explain",
    "fill_path",
    "json_body",
    "multipart",
    "namespaced",
    "new_user",
    "save",
    "substitute",
    "unique_token",
)


def import_block(source: str) -> str:
    """The import lines a generated module needs: only names its code uses (ruff-clean)."""
    code = re.sub(r'"""[\s\S]*?"""', "", source)
    used = set(re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", code))
    # A module whose name is also a common word or keyword argument (``re``, ``json=``) is
    # imported only when the code uses it as a module.
    stdlib = [
        line
        for name, line in STDLIB_IMPORTS
        if name in used and (name not in ("re", "json", "html") or f"{name}." in code)
    ]
    support = [name for name in SUPPORT_NAMES if re.search(rf"\b{name}\(", code)]
    lines = [*stdlib, "", "import httpx", "import pytest"] if stdlib else ["import httpx", "import pytest"]
    if support:
        lines += ["", _from_import("assay_support", support)]
    return "\n".join(lines)


def _from_import(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= WIDTH:
        return line
    return f"from {module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


SUPPORT_IMPORT = re.compile(r"^from assay_support import (\([^)]*\)|[^\n]*)$", re.MULTILINE)


def refresh_support_import(module: str) -> str:
    """``module`` with its ``from assay_support import`` naming what its code now uses (a test
    that gained asserts may call helpers the module did not import)."""
    code = re.sub(r'"""[\s\S]*?"""', "", SUPPORT_IMPORT.sub("", module))
    support = [name for name in SUPPORT_NAMES if re.search(rf"\b{name}\(", code)]
    if not support:
        return module
    line = _from_import("assay_support", support)
    if SUPPORT_IMPORT.search(module):
        return SUPPORT_IMPORT.sub(lambda _m: line, module, count=1)
    return module.replace("import pytest\n", f"import pytest\n\n{line}\n", 1)
