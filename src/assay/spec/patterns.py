"""A small deterministic generator of strings that match common regular expressions.

It understands literals, escapes (``\\d \\w \\s`` and escaped punctuation), character classes,
groups with alternation, and the quantifiers ``? * + {n} {n,} {n,m}``. Anything else (look-around,
back-references) makes it give up and return None so the caller falls back to another value.
"""

from __future__ import annotations

import re

_CLASS_ESCAPES = {"d": "0", "w": "a", "s": " ", "D": "a", "W": "-", "S": "a"}


class _Unsupported(Exception):
    pass


class _Gen:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def peek(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def take(self) -> str:
        ch = self.peek()
        self.i += 1
        return ch

    def alternation(self) -> str:
        first = self.sequence()
        while self.peek() == "|":
            self.take()
            self.sequence()  # parsed to move past it; the first branch is the deterministic choice
        return first

    def sequence(self) -> str:
        out: list[str] = []
        while self.peek() not in ("", "|", ")"):
            atom = self.atom()
            out.append(atom * self.quantifier())
        return "".join(out)

    def atom(self) -> str:
        ch = self.take()
        if ch in "^$":
            return ""
        if ch == "(":
            if self.peek() == "?":
                self.take()
                if self.take() != ":":
                    raise _Unsupported("look-around")
            inner = self.alternation()
            if self.take() != ")":
                raise _Unsupported("unbalanced group")
            return inner
        if ch == "[":
            return self.char_class()
        if ch == "\\":
            return self.escape()
        if ch == ".":
            return "a"
        return ch

    def escape(self) -> str:
        ch = self.take()
        if ch in _CLASS_ESCAPES:
            return _CLASS_ESCAPES[ch]
        if ch.isdigit() or ch in "bBpPk":
            raise _Unsupported("back-reference or property")
        return {"n": "\n", "t": "\t"}.get(ch, ch)

    def char_class(self) -> str:
        negated = self.peek() == "^"
        if negated:
            self.take()
        members: list[str] = []
        while self.peek() not in ("]", ""):
            ch = self.take()
            if ch == "\\":
                ch = self.escape()
            if self.peek() == "-" and self.p[self.i + 1 : self.i + 2] not in ("]", ""):
                self.take()
                self.take()  # the range end: the range start is our choice
            members.append(ch)
        if self.take() != "]":
            raise _Unsupported("unterminated class")
        if negated:
            return next(c for c in "aZ0_" if c not in members)
        return members[0] if members else "a"

    def quantifier(self) -> int:
        ch = self.peek()
        if ch in ("?", "*", "+"):
            self.take()  # one occurrence satisfies all three and keeps values readable
            return 1
        if ch == "{":
            close = self.p.find("}", self.i)
            spec = self.p[self.i + 1 : close]
            if close < 0 or not re.fullmatch(r"\d+(,\d*)?", spec):
                return 1  # a literal brace
            self.i = close + 1
            low = int(spec.split(",")[0])
            return max(low, 1) if "," in spec and low == 0 else low
        return 1


def from_pattern(pattern: str) -> str | None:
    """A string matching ``pattern`` (searched, as JSON Schema does), or None when unsure."""
    try:
        gen = _Gen(pattern)
        text = gen.alternation()
        if gen.i < len(pattern):
            return None
        return text if re.search(pattern, text) else None
    except (_Unsupported, re.error, StopIteration):
        return None


def matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False
