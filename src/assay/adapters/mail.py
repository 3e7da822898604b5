"""The mailbox one-time login codes arrive in, read over IMAP (only when the user gave one).

Standard library only (the domain is imported for type checking alone): assay copies this file
verbatim into the Playwright suites it generates (as ``mail_support.py``), so they read the code
the same way without assay installed. :class:`ImapMailbox` is assay's ``CodeMailbox`` port
(:mod:`assay.domain.ports`); the functions below it are what the generated suites call.
"""

from __future__ import annotations

import email
import html
import imaplib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from assay.domain.target import MailAccount

_T = TypeVar("_T")
IMAP_HOSTS = {
    "gmail.com": "imap.gmail.com",
    "googlemail.com": "imap.gmail.com",
    "outlook.com": "outlook.office365.com",
    "hotmail.com": "outlook.office365.com",
    "live.com": "outlook.office365.com",
    "yahoo.com": "imap.mail.yahoo.com",
    "icloud.com": "imap.mail.me.com",
}


class ImapMailbox:
    """The ``CodeMailbox`` port over IMAP: a refused login or a protocol error is an OSError,
    like an unreachable server, so callers need not know imaplib."""

    def mark(self, account: MailAccount) -> int:
        return _io(lambda: mailbox_mark(_box(account)))

    def texts_since(self, account: MailAccount, mark: int) -> list[str]:
        return _io(lambda: new_texts(_box(account), mark))


def _box(account: MailAccount) -> Mailbox:
    return Mailbox(account.address, account.password, account.host, account.port, account.ssl)


def _io(read: Callable[[], _T]) -> _T:
    try:
        return read()
    except imaplib.IMAP4.error as exc:
        raise OSError(f"IMAP: {exc}") from exc


@dataclass(frozen=True)
class Mailbox:
    """Where the one-time codes arrive. ``host`` empty: from the address's domain (gmail.com:
    imap.gmail.com); ``port`` 0: 993 over SSL, 143 without."""

    address: str
    password: str = field(repr=False)
    host: str = ""
    port: int = 0
    ssl: bool = True
    folder: str = "INBOX"

    @property
    def server(self) -> tuple[str, int]:
        return self.host or imap_host_for(self.address), self.port or (993 if self.ssl else 143)


def imap_host_for(address: str) -> str:
    domain = address.rpartition("@")[2].lower()
    return IMAP_HOSTS.get(domain, f"imap.{domain}")


def _connect(box: Mailbox, timeout: float) -> imaplib.IMAP4:
    host, port = box.server
    if box.ssl:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(host, port, timeout=timeout)
    else:
        client = imaplib.IMAP4(host, port, timeout)
    client.login(box.address, box.password)
    return client


def mailbox_mark(box: Mailbox, timeout: float = 15.0) -> int:
    """The UID the next message will get (messages from it on are new); 0 when unknown."""
    client = _connect(box, timeout)
    try:
        typ, data = client.status(box.folder, "(UIDNEXT)")
        found = re.search(rb"UIDNEXT (\d+)", data[0] if typ == "OK" and isinstance(data[0], bytes) else b"")
        return int(found.group(1)) if found else 0
    finally:
        client.logout()


def new_texts(box: Mailbox, mark: int, newest: int = 10) -> list[str]:
    """Subject and text of the (at most ``newest``) messages with a UID from ``mark`` on, newest first."""
    client = _connect(box, 15.0)
    try:
        client.select(box.folder, readonly=True)
        typ, data = client.uid("SEARCH", f"UID {max(mark, 1)}:*")
        uids = [int(u) for u in (data[0] or b"").split()] if typ == "OK" and data else []
        texts = []
        for uid in sorted((u for u in uids if u >= mark), reverse=True)[:newest]:
            typ, fetched = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
            raw = next((p[1] for p in fetched if isinstance(p, tuple)), b"") if typ == "OK" else b""
            if raw:
                texts.append(message_text(raw))
        return texts
    finally:
        client.logout()


def message_text(raw: bytes) -> str:
    """Subject and text of a mail (HTML turned into text) as one string."""
    message = email.message_from_bytes(raw)
    parts = [str(message.get("Subject", ""))]
    for part in message.walk() if message.is_multipart() else [message]:
        kind = part.get_content_type()
        if kind in {"text/plain", "text/html"}:
            body = _decoded(part)
            parts.append(_html_text(body) if kind == "text/html" else body)
    return "\n".join(parts)


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return payload.decode(part.get_content_charset() or "utf-8", errors="replace")


def _html_text(body: str) -> str:
    body = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", body)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))
