"""What the attack oracles share: the text shapes they look for, and how to read a list answer.

Pure data and matchers (interpreter errors, stack traces, banners, secrets); each pattern is
specific enough that an ordinary answer (or a payload reflected back, as httpbin does) does not
match it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assay.domain.json import Json

# Interpreter -> error texts that only that interpreter produces.
INTERPRETER_ERRORS: dict[str, tuple[re.Pattern[str], ...]] = {
    "SQL": (
        re.compile(r"sqlite3?\.\w*Error"),
        re.compile(r"\bOperationalError\b"),
        re.compile(r"(?i)syntax error (?:at or )?near\b"),
        re.compile(r"(?i)unrecognized token:"),
        re.compile(r"(?i)unterminated quoted string"),
        re.compile(r"\bpsycopg2?\b|\bPG::SyntaxError\b|\bpg_query\(\)"),
        re.compile(r"(?i)you have an error in your SQL syntax"),
        re.compile(r"\bMySQL(?:db)?\b.{0,40}(?:error|Error|syntax)|\bmysqli?_\w+\(\)"),
        re.compile(r"\bORA-\d{5}\b"),
        re.compile(r"\bSQLSTATE\b"),
        re.compile(r"(?i)unclosed quotation mark|quoted string not properly terminated"),
        re.compile(r"\b(?:java\.sql\.)?SQL(?:Syntax)?(?:Error)?Exception\b"),
        re.compile(r"sqlalchemy\.exc\.\w+"),
    ),
    "NoSQL": (
        re.compile(r"\bMongo(?:Server)?Error\b|\bpymongo\.errors\b|\bCastError\b"),
        re.compile(r"(?i)unknown operator: \$\w+|\$where"),
    ),
    "template": (
        re.compile(r"jinja2\.exceptions\.\w+|\bTemplateSyntaxError\b|\bUndefinedError\b"),
        re.compile(r"(?i)\bfreemarker\.core\.\w+|\bTwig_Error\w*|\bLiquid(?:::)?\w*Error"),
    ),
    "shell": (
        re.compile(r"(?m)(?:/bin/)?sh: \d+: .{0,60}(?:not found|Syntax error)"),
        re.compile(r"(?i)unexpected EOF while looking for matching"),
        re.compile(r"(?i)/bin/(?:ba)?sh: .{0,80}(?:command not found|syntax error)"),
    ),
}

_TRACEBACK = re.compile(r"Traceback \(most recent call last\)")
_DRIVERS = re.compile(r"(?i)\b(sqlite3|psycopg2?|pymysql|MySQLdb|cx_Oracle|sqlalchemy|pymongo|asyncpg)\b")

# The interpreter ran our command or evaluated our expression.
SHELL_OUTPUT = re.compile(r"uid=\d+\([\w.-]*\) gid=\d+")


def interpreter_error(text: str) -> tuple[str, str] | None:
    """(interpreter, matched text) for the first interpreter error found in ``text``."""
    for kind, patterns in INTERPRETER_ERRORS.items():
        for pattern in patterns:
            match = pattern.search(text)
            if match:
                return kind, match.group(0)
    if _TRACEBACK.search(text):
        driver = _DRIVERS.search(text)
        if driver:
            return "SQL" if driver.group(1).lower() != "pymongo" else "NoSQL", driver.group(0)
    return None


# The database engine an error text names (a driver, a message only that engine writes).
ENGINE_ERRORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "SQLite",
        re.compile(r"(?i)\bsqlite3?\b|SQLITE_ERROR|unrecognized token:|near \"[^\"]*\": syntax error"),
    ),
    (
        "PostgreSQL",
        re.compile(
            r"(?i)\bpsycopg2?\b|\bPG::\w+|\bpg_query\(\)|\bpostgres(?:ql)?\b|\basyncpg\b"
            r"|unterminated quoted string at or near|syntax error at or near"
        ),
    ),
    (
        "MySQL",
        re.compile(r"(?i)you have an error in your SQL syntax|\bmysql(?:db|i)?\b|\bpymysql\b|\bMariaDB\b"),
    ),
    ("Oracle", re.compile(r"\bORA-\d{5}\b|\bcx_Oracle\b")),
    (
        "SQL Server",
        re.compile(r"(?i)unclosed quotation mark after the character string|microsoft sql server"),
    ),
    (
        "MongoDB",
        re.compile(r"\bMongo(?:Server)?Error\b|\bpymongo\b|\bCastError\b|(?i:unknown operator: \$\w+)"),
    ),
)
NOSQL_ENGINES = frozenset({"MongoDB"})


def database_engine(text: str) -> str | None:
    """The database engine an interpreter error in ``text`` names (SQLite, PostgreSQL, MongoDB...)."""
    if interpreter_error(text) is None:
        return None
    for engine, pattern in ENGINE_ERRORS:
        if pattern.search(text):
            return engine
    return None


# --------------------------------------------------------------------------- stack traces

STACK_TRACES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Python traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("Python frame", re.compile(r'File "[^"]+\.py", line \d+, in \w+')),
    ("Werkzeug debugger", re.compile(r"(?i)werkzeug debugger|__debugger__")),
    ("Django debug page", re.compile(r"You're seeing this error because you have <code>DEBUG = True")),
    ("Java stack trace", re.compile(r"\bat [\w$.]+\([\w$]+\.java:\d+\)")),
    ("Node.js stack trace", re.compile(r"\bat (?:[\w.<>]+ )?\(?/[^\s()]+\.[cm]?js:\d+:\d+\)?")),
    ("PHP error", re.compile(r"(?:Fatal error|Warning|Parse error)</b>?:? .{0,200} on line <b>?\d+")),
    (".NET stack trace", re.compile(r"\bat [\w.]+\(.*\) in [^\n]+:line \d+")),
    ("Rails exception page", re.compile(r"Action(?:Controller|View)::\w+Error|Rails\.root:")),
)


def stack_trace(text: str) -> str | None:
    """The kind of stack trace or debugger page ``text`` shows, or None."""
    for kind, pattern in STACK_TRACES:
        if pattern.search(text):
            return kind
    return None


# --------------------------------------------------------------------------- banners

VERSIONED = re.compile(r"\b[A-Za-z][\w.-]*/v?\d+(?:\.\d+)+|\b\d+\.\d+(?:\.\d+)?\b")
BANNER_HEADERS = (
    "x-powered-by",
    "x-aspnet-version",
    "x-aspnetmvc-version",
    "x-generator",
    "x-runtime-version",
)


@dataclass(frozen=True)
class Banner:
    header: str
    value: str


def banners(headers: dict[str, str]) -> list[Banner]:
    """Headers that name the server's software: always for X-Powered-By & co, Server only with a version."""
    found: list[Banner] = []
    for name in BANNER_HEADERS:
        value = headers.get(name)
        if value:
            found.append(Banner(name, value))
    server = headers.get("server", "")
    if server and VERSIONED.search(server):
        found.append(Banner("server", server))
    return found


# --------------------------------------------------------------------------- secret shapes

SECRET_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bcrypt hash", re.compile(r"^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$")),
    ("argon2 hash", re.compile(r"^\$argon2(?:id|i|d)\$")),
    ("PBKDF2 hash", re.compile(r"^pbkdf2_sha\d+\$\d+\$")),
    ("crypt SHA hash", re.compile(r"^\$[56]\$[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{40,}$")),
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("JSON Web Token", re.compile(r"^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}$")),
)
HEX_DIGEST = re.compile(r"^(?:[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{128})$")


def secret_shape(value: str) -> str | None:
    """The kind of secret a string value looks like (a hash, a key, a token), or None."""
    for kind, pattern in SECRET_SHAPES:
        if pattern.search(value):
            return kind
    return None


# --------------------------------------------------------------------------- list answers


def list_size(body: Json) -> int | None:
    """How many records an answer lists: a top-level array, or the largest array one level down."""
    if isinstance(body, list):
        return len(body)
    if isinstance(body, dict):
        sizes = [len(v) for v in body.values() if isinstance(v, list)]
        return max(sizes) if sizes else None
    return None
