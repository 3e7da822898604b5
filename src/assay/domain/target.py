"""What assay is pointed at, and the rules it must respect while testing it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from assay.domain.ledger import Ledger
from assay.domain.login_recipe import LoginRecipe

# The crawl depth (navigations) of a "deep crawl": the CLI's default, and the API's depth 3.
DEEP_CRAWL = 8


@dataclass(frozen=True)
class MailAccount:
    """A mailbox assay may read one-time login codes from over IMAP (only when the user gave it).

    ``host`` empty: derived from the address (gmail.com: imap.gmail.com); ``port`` 0: 993 over
    SSL, 143 without. The password never appears in a repr, log or report.
    """

    address: str
    password: str = field(repr=False)
    host: str = ""
    port: int = 0
    ssl: bool = True


@dataclass(frozen=True)
class Credentials:
    """A login given to assay, with what its second step may need (a TOTP secret, a mailbox
    receiving one-time codes), and fixed headers to send as this identity (a static API key or
    token: ``--header``, a WFC ``fixedHeaders`` entry). No secret appears in a repr, log or report.

    An identity of fixed headers alone has an empty ``username`` and ``password``.
    """

    username: str
    password: str = field(repr=False)
    role: str = "user"
    totp_secret: str | None = field(default=None, repr=False)
    mail: MailAccount | None = field(default=None, repr=False)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    # How to log in, step by step (a WFC file's loginEndpointAuth); None: assay finds the login.
    login: LoginRecipe | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret of this login, to redact from all outputs."""
        found = (self.password, self.totp_secret or "", self.mail.password if self.mail else "")
        fixed = (s for name, value in self.headers for s in header_secrets(value, name))
        recipe = self.login.secrets if self.login else ()
        return tuple(dict.fromkeys(s for s in (*found, *fixed, *recipe) if s))

    @property
    def headers_only(self) -> bool:
        """An identity given as fixed headers, with no login to perform."""
        return bool(self.headers) and not self.username and self.login is None


def website_login(
    name: str, password: str, totp_secret: str | None = None, mail: MailAccount | None = None
) -> tuple[Credentials, ...]:
    """The one login a front door (the API's ``login_credentials``, the dashboard's form) hands
    in, with its second step's TOTP secret and mailbox."""
    return (Credentials(name, password, totp_secret=totp_secret or None, mail=mail),)


def header_secrets(value: str, name: str = "") -> tuple[str, ...]:
    """A fixed header's value and, after a scheme word (``Bearer x``, ``token x``), the bare credential:
    the bare one can surface alone (a reflected token, a generated test's comment). A ``Cookie``
    header's cookie values too (``sid=x; csrftoken=y``: x and y), each of which is a credential."""
    scheme, _, rest = value.strip().partition(" ")
    bare = rest.strip() if rest and scheme.isalpha() else ""
    cookies: list[str] = []
    if name.lower() == "cookie":
        # Short values (a "1" flag cookie) are no secret, and masking them would mask every digit.
        cookies = [
            v.strip() for part in value.split(";") for _, _, v in [part.partition("=")] if len(v.strip()) >= 4
        ]
    return tuple(s for s in (value, bare, *cookies) if s)


@dataclass(frozen=True)
class MailServer:
    """The configured IMAP server (ASSAY_IMAP_HOST, _PORT, _SSL) for mailboxes given without one."""

    host: str = ""
    port: int = 0
    ssl: bool = True

    def serve(self, credentials: Credentials) -> Credentials:
        """``credentials`` with its mailbox on this server, unless the mailbox names its own host."""
        mail = credentials.mail
        if mail is None:
            return credentials
        served = self.serve_mail(mail)
        return credentials if served is mail else replace(credentials, mail=served)

    def serve_mail(self, mail: MailAccount) -> MailAccount:
        """``mail`` on this server, unless it names its own host or no server is configured."""
        if mail.host or not (self.host or self.port or not self.ssl):
            return mail
        return replace(mail, host=self.host, port=self.port, ssl=self.ssl)


@dataclass(frozen=True)
class Target:
    """One run's target: the base URL plus everything the user told us about it."""

    base_url: str
    spec_location: str | None = None
    credentials: tuple[Credentials, ...] = ()
    instruction: str | None = None
    budget_seconds: float = 60.0
    depth: int = 1
    allowed_hosts: tuple[str, ...] = ()
    destructive: bool = False  # security checks may change or delete objects assay did not create
    latency_budget_seconds: float = 1.0
    artifacts_dir: str | None = None  # where screenshots go (the run's output folder); None: a temp dir
    # What this run created on the target (mutable, shared by every copy of this Target made with
    # dataclasses.replace): the only objects destructive actions may touch without --destructive.
    ledger: Ledger = field(default_factory=Ledger, compare=False, repr=False)

    @property
    def fixed_headers(self) -> tuple[tuple[str, str], ...]:
        """The fixed credential headers of the primary identity (``--header``), if any."""
        return self.credentials[0].headers if self.credentials else ()

    @property
    def described_login(self) -> bool:
        """The primary identity's login is described step by step (a WFC file's loginEndpointAuth):
        it is performed whatever the spec says of authentication."""
        return bool(self.credentials) and self.credentials[0].login is not None

    @property
    def web_login(self) -> Credentials | None:
        """The login the browser signs in with: the first one given, else the account this run
        registered through the app's own form (with the run's password, redacted like a given one)."""
        if self.credentials:
            return self.credentials[0]
        name = self.ledger.web_account()
        return Credentials(name, self.ledger.password) if name else None

    @property
    def host(self) -> str:
        return (urlsplit(self.base_url).hostname or "").lower()

    @property
    def is_test_system(self) -> bool:
        """Loopback hosts and hosts the user marked with --allow-host take destructive traffic."""
        return is_loopback(self.host) or self.host in {h.lower() for h in self.allowed_hosts}


def is_loopback(host: str) -> bool:
    """True for localhost and any address in 127.0.0.0/8 or ::1."""
    if host in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
