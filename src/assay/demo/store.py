"""The demo target's in-memory state: one per app instance, safe across threads."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel

from assay.demo.models import AgentKit, ChatSession, Dataset, Project, RecordValue, User

T = TypeVar("T", bound=BaseModel)

# The planted broken_authentication: tokens are HS256 JWTs signed with a key from every
# weak-secret list. The check itself is strict (alg pinned, signature and expiry verified).
JWT_KEY = b"changeme"
JWT_LIFETIME_S = 3600
LOGIN_FAILURE_LIMIT = 10
LOGIN_FAILURE_WINDOW_S = 60.0
_HASH_ROUNDS = 2_000


def now() -> datetime:
    return datetime.now(UTC)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mint_token(user_id: UUID) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"sub": str(user_id), "jti": secrets.token_urlsafe(8), "exp": int(time.time()) + JWT_LIFETIME_S}
    signing_input = f"{header}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(JWT_KEY, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def token_subject(token: str) -> UUID | None:
    """The user id a well-signed, unexpired HS256 token names; None for anything else."""
    try:
        header, claims, signature = token.split(".")
        if json.loads(_unb64(header)).get("alg") != "HS256":
            return None
        expected = hmac.new(JWT_KEY, f"{header}.{claims}".encode(), hashlib.sha256).digest()
        payload = json.loads(_unb64(claims))
        if not hmac.compare_digest(expected, _unb64(signature)) or payload.get("exp", 0) < time.time():
            return None
        return UUID(str(payload.get("sub")))
    except (ValueError, TypeError, AttributeError):
        return None


def _hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _HASH_ROUNDS)


@dataclass
class _Account:
    user: User
    salt: bytes
    password_hash: bytes


class OwnedCollection(Generic[T]):
    """Objects of one kind, each visible only to the user who created it."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._items: dict[UUID, tuple[UUID, T]] = {}

    def add(self, owner: UUID, item_id: UUID, item: T) -> T:
        with self._lock:
            self._items[item_id] = (owner, item)
        return item

    def get(self, owner: UUID, item_id: UUID) -> T | None:
        with self._lock:
            found = self._items.get(item_id)
        return found[1] if found is not None and found[0] == owner else None

    def replace(self, owner: UUID, item_id: UUID, update: Callable[[T], T]) -> T | None:
        with self._lock:
            current = self.get(owner, item_id)
            if current is None:
                return None
            new = update(current)
            self._items[item_id] = (owner, new)
            return new

    def delete(self, owner: UUID, item_id: UUID) -> bool:
        with self._lock:
            if self.get(owner, item_id) is None:
                return False
            del self._items[item_id]
            return True

    def page(self, owner: UUID, limit: int, offset: int) -> tuple[list[T], int]:
        with self._lock:
            mine = [item for who, item in self._items.values() if who == owner]
        return mine[offset : offset + limit], len(mine)

    def count(self, owner: UUID) -> int:
        with self._lock:
            return sum(1 for who, _ in self._items.values() if who == owner)


@dataclass
class DemoStore:
    """Users, tokens and every collection of the demo."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    _accounts: dict[str, _Account] = field(default_factory=dict)
    _users: dict[UUID, User] = field(default_factory=dict)
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _reset_codes: dict[str, str] = field(default_factory=dict)
    records: dict[UUID, list[dict[str, RecordValue]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.projects: OwnedCollection[Project] = OwnedCollection(self.lock)
        self.datasets: OwnedCollection[Dataset] = OwnedCollection(self.lock)
        self.agent_kits: OwnedCollection[AgentKit] = OwnedCollection(self.lock)
        self.chat_sessions: OwnedCollection[ChatSession] = OwnedCollection(self.lock)

    def register(self, email: str, password: str, full_name: str | None) -> User | None:
        """The new user, or None when the email is taken."""
        key = email.lower()
        salt = secrets.token_bytes(16)
        digest = _hash_password(password, salt)
        with self.lock:
            if key in self._accounts:
                return None
            user = User(id=uuid4(), email=email, full_name=full_name, created_at=now())
            self._accounts[key] = _Account(user, salt, digest)
            self._users[user.id] = user
            return user

    def login_blocked(self, username: str) -> bool:
        """True while `username` has too many recent failed logins."""
        cutoff = time.monotonic() - LOGIN_FAILURE_WINDOW_S
        with self.lock:
            recent = [t for t in self._failures.get(username.lower(), []) if t > cutoff]
            self._failures[username.lower()] = recent
            return len(recent) >= LOGIN_FAILURE_LIMIT

    def login(self, username: str, password: str) -> str | None:
        """A fresh bearer token, or None; unknown users cost the same hashing as known ones."""
        with self.lock:
            account = self._accounts.get(username.lower())
        salt = account.salt if account else b"\0" * 16
        digest = _hash_password(password, salt)
        if account is None or not hmac.compare_digest(digest, account.password_hash):
            with self.lock:
                self._failures.setdefault(username.lower(), []).append(time.monotonic())
            return None
        return mint_token(account.user.id)

    def user_for_token(self, token: str) -> User | None:
        user_id = token_subject(token)
        with self.lock:
            return self._users.get(user_id) if user_id is not None else None

    def request_reset(self, email: str) -> bool:
        """A new reset code for a known email (a real app mails it); False when no account has it."""
        with self.lock:
            if email.lower() not in self._accounts:
                return False
            self._reset_codes[email.lower()] = f"{secrets.randbelow(10**6):06d}"
            return True

    def confirm_reset(self, email: str, code: str, new_password: str) -> bool:
        """Set a new password when ``code`` is the pending one; wrong codes are never counted."""
        with self.lock:
            expected = self._reset_codes.get(email.lower())
            account = self._accounts.get(email.lower())
            if expected is None or account is None or not hmac.compare_digest(expected, code):
                return False
            del self._reset_codes[email.lower()]
            account.salt = secrets.token_bytes(16)
            account.password_hash = _hash_password(new_password, account.salt)
            return True

    def directory(self) -> list[tuple[User, str]]:
        """Every user with the hex of their password hash."""
        with self.lock:
            return [(account.user, account.password_hash.hex()) for account in self._accounts.values()]

    def user_count(self) -> int:
        with self.lock:
            return len(self._users)
