"""Small helpers for writing readable Python source: literals, identifiers, docstrings."""

from __future__ import annotations

import json
import keyword
import re
import textwrap

from assay.domain.json import Json

WIDTH = 100


def py_str(text: str) -> str:
    """A double-quoted Python string literal (JSON escapes are valid Python escapes)."""
    return json.dumps(text, ensure_ascii=False)


def py_literal(value: Json, indent: int = 0, width: int = WIDTH, prefix: int = 0) -> str:
    """``value`` as a Python literal; on one line when it fits, else one item per line.

    ``indent`` is the indentation of the line the literal starts on, ``prefix`` how many
    characters precede it on that line beyond the indentation.
    """
    flat = _flat(value)
    if len(flat) + indent + prefix <= width or not isinstance(value, list | dict) or not value:
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, list):
        items = [pad + py_literal(item, indent + 4, width, 1) + "," for item in value]
        return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"
    lines = []
    for key, item in value.items():
        head = f"{py_str(key)}: "
        lines.append(pad + head + py_literal(item, indent + 4, width, len(head) + 1) + ",")
    return "{\n" + "\n".join(lines) + "\n" + " " * indent + "}"


def _flat(value: Json) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else "None"
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_flat(item) for item in value) + "]"
    return "{" + ", ".join(f"{py_str(k)}: {_flat(v)}" for k, v in value.items()) + "}"


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
    """A triple-quoted docstring: summary line, blank line, then the rest wrapped to ``WIDTH``."""
    pad = " " * indent
    clean = [line.replace("\\", "/").replace('"""', "'''").rstrip() for line in lines]
    head = clean[0].rstrip('"') if clean else ""
    if len(clean) <= 1:
        return f'{pad}"""{head}"""'
    body: list[str] = []
    for line in clean[1:]:
        wrapped = textwrap.wrap(line, WIDTH - indent, break_on_hyphens=False, break_long_words=False)
        body += [pad + part for part in wrapped] or [""]
    text = "\n".join(part if part.strip() else "" for part in body)
    return f'{pad}"""{head}\n\n{text}\n{pad}"""'


def signature(name: str, params: list[str], returns: str = "None") -> str:
    """A ``def`` line, split the way ruff format splits it when it is too long."""
    one_line = f"def {name}({', '.join(params)}) -> {returns}:"
    if len(one_line) <= WIDTH:
        return one_line
    inner = "    " + ", ".join(params)
    if len(inner) <= WIDTH:
        return f"def {name}(\n{inner}\n) -> {returns}:"
    return f"def {name}(\n" + "".join(f"    {p},\n" for p in params) + f") -> {returns}:"


def comment(text: str) -> str:
    """A single-line comment body: no newlines."""
    return " ".join(text.split())


STDLIB_IMPORTS = (
    ("base64", "import base64"),
    ("contextlib", "import contextlib"),
    ("os", "import os"),
    ("re", "import re"),
    ("Iterator", "from collections.abc import Iterator"),
    ("ThreadPoolExecutor", "from concurrent.futures import ThreadPoolExecutor"),
    ("CookieJar", "from http.cookiejar import CookieJar, DefaultCookiePolicy"),
    ("Any", "from typing import Any"),
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
    stdlib = [line for name, line in STDLIB_IMPORTS if name in used and (name != "re" or "re." in code)]
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
