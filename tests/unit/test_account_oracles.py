"""The web account oracles on fixed answers: pages compared as a person reads them, a cookie kept
after logout, a forged session accepted, messages that tell accounts apart, a weak password taken;
and the signed-cookie codec against the frameworks' own libraries (Flask's itsdangerous, Django)."""

from __future__ import annotations

import pytest

from assay.agents.analysis.security.web import signed_cookies as codec
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.oracles.base import OracleContext
from assay.oracles.session_management import LogoutTrial, judge_logout
from assay.oracles.user_enumeration import judge_form_messages
from assay.oracles.weak_password_policy import WeakRegistration, judge_password_policy
from assay.oracles.weak_session_secret import CookieForgery, judge_session_secret
from assay.oracles.web_views import visible_text

HTML = {"content-type": "text/html"}
ACCOUNT = "<h1>Your account</h1><p>Orders of alice: none yet.</p><form><button>Log out</button></form>"
LOGIN = '<h1>Sign in</h1><form><input name="u"><input type="password" name="p"></form>'


def _page(path: str, body: str, status: int = 200, method: str = "GET") -> Exchange:
    return Exchange(RecordedRequest(method, f"http://h{path}"), RecordedResponse(status, HTML, body))


def test_pages_are_compared_by_what_a_person_reads() -> None:
    one = visible_text('<p>Hi alice</p><input value="tok123"><script>x=1</script><p>12:01</p>', ["alice"])
    two = visible_text('<p>Hi  alice</p><input value="tok999"><p>12:07</p>', ["alice"])
    assert one == two == "Hi <user> 0:0"


def _logout(replay: Exchange) -> LogoutTrial:
    return LogoutTrial(
        signed_in=_page("/account", ACCOUNT),
        anonymous=_page("/login", LOGIN),
        logout=_page("/logout", "", 303, "POST"),
        after=_page("/login", LOGIN),
        replay=replay,
        control="the form Log out",
    )


def test_an_old_cookie_that_still_gets_the_account_page_is_a_finding() -> None:
    [finding] = judge_logout([_logout(_page("/account", ACCOUNT))], ["alice"], OracleContext())
    assert finding.category == "session_management" and finding.severity == "medium"
    assert (finding.method, finding.path) == ("GET", "/account")
    assert judge_logout([_logout(_page("/login", LOGIN))], ["alice"], OracleContext()) == []


def test_a_logout_that_logged_nobody_out_is_not_judged() -> None:
    trial = _logout(_page("/account", ACCOUNT))
    kept = LogoutTrial(
        trial.signed_in, trial.anonymous, trial.logout, _page("/account", ACCOUNT), trial.replay
    )
    assert judge_logout([kept], ["alice"], OracleContext()) == []


def _forgery(forged: Exchange, tampered: Exchange | None) -> CookieForgery:
    signed, anonymous = _page("/account", ACCOUNT), _page("/login", LOGIN)
    return CookieForgery("session", "flask", True, signed, anonymous, forged, tampered)


def test_a_forged_session_is_a_finding_only_when_a_broken_signature_is_refused() -> None:
    accepted, refused = _page("/account", ACCOUNT), _page("/login", LOGIN)
    [finding] = judge_session_secret(
        [_forgery(accepted, refused)], ["alice"], OracleContext(secrets=("dev",))
    )
    assert finding.category == "weak_session_secret" and finding.severity == "high"
    assert finding.evidence["framework"] == "flask"
    # An app that takes any signature checks none: the key proves nothing.
    assert judge_session_secret([_forgery(accepted, accepted)], [], OracleContext()) == []
    assert judge_session_secret([_forgery(refused, refused)], [], OracleContext()) == []


def test_login_messages_that_differ_consistently_tell_accounts_apart() -> None:
    unknown = [_page("/login", LOGIN + "<p>No such user.</p>") for _ in range(2)]
    known = [_page("/login", LOGIN + "<p>Wrong password.</p>") for _ in range(2)]
    [finding] = judge_form_messages("login", unknown, known, [], OracleContext())
    assert finding.severity == "medium" and finding.evidence["signal"] == "message"
    generic = [_page("/login", LOGIN + "<p>Invalid username or password.</p>") for _ in range(2)]
    assert judge_form_messages("login", generic, generic, [], OracleContext()) == []
    mixed = [known[0], _page("/login", LOGIN + "<p>Try later.</p>")]
    assert judge_form_messages("login", unknown, mixed, [], OracleContext()) == []  # not consistent


def test_a_sign_in_that_let_the_known_user_in_is_not_judged() -> None:
    unknown = [_page("/login", LOGIN + "<p>No such user.</p>")]
    assert judge_form_messages("login", unknown, [_page("/account", ACCOUNT)], [], OracleContext()) == []


def test_a_taken_name_at_registration_is_low() -> None:
    taken = _page("/register", "<p>That username is already taken.</p>", method="POST")
    [finding] = judge_form_messages("register", [], [taken], [], OracleContext())
    assert finding.severity == "low" and finding.evidence["signal"] == "taken"
    welcome = _page("/register", "<p>Check your e-mail to finish.</p>", method="POST")
    assert judge_form_messages("register", [], [welcome], [], OracleContext()) == []


def test_a_one_character_password_taken_is_medium_with_a_sign_in_and_low_without() -> None:
    sent = _page("/register", "", 303, "POST")
    welcome = _page("/welcome", "<p>Thanks! You can sign in now.</p>")
    [proven] = judge_password_policy(
        [WeakRegistration(sent, welcome, True, "/register", "assaypw1")], OracleContext()
    )
    assert proven.severity == "medium" and proven.evidence["account"] == "assaypw1"
    [shown] = judge_password_policy([WeakRegistration(sent, welcome, None)], OracleContext())
    assert shown.severity == "low"
    refused = _page("/register", LOGIN + "<p>Passwords must be at least 8 characters.</p>")
    assert judge_password_policy([WeakRegistration(sent, refused, None)], OracleContext()) == []
    assert judge_password_policy([WeakRegistration(sent, welcome, False)], OracleContext()) == []


def test_flask_sessions_are_read_cracked_and_forged_as_itsdangerous_reads_them() -> None:
    flask = pytest.importorskip("flask")
    from flask.sessions import SecureCookieSessionInterface

    app = flask.Flask("t")
    app.secret_key = "dev"
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    for data in ({"user": "alice"}, {"user": "alice", "cart": "x" * 200}):  # plain and compressed
        [cookie] = codec.read_cookies({"session": str(serializer.dumps(data))})
        assert cookie.framework == "flask" and codec.crack(cookie, codec.DEFAULT_SECRETS) == b"dev"
        forged = codec.forged(cookie, b"dev", {"_assay": "1"})
        assert serializer.loads(forged["session"]) == {**data, "_assay": "1"}
        assert codec.crack(cookie, [b"not-it"]) is None


def test_django_signed_cookie_sessions_are_read_cracked_and_forged() -> None:
    pytest.importorskip("django")
    from django.core import signing  # type: ignore[import-untyped]

    # The session backend's signer, with its key given (no Django settings needed).
    signer = signing.TimestampSigner(key="changeme", salt=codec.DJANGO_SALT.decode(), fallback_keys=[])
    issued = signer.sign_object({"_auth_user_id": "1"}, compress=True)
    [cookie] = codec.read_cookies({"sessionid": issued})
    assert cookie.framework == "django" and codec.crack(cookie) == b"changeme"
    forged = codec.forged(cookie, b"changeme", {"_assay": "1"})
    assert signer.unsign_object(forged["sessionid"]) == {"_auth_user_id": "1", "_assay": "1"}
    with pytest.raises(signing.BadSignature):
        signer.unsign_object(codec.tampered(cookie)["sessionid"])


def test_cookie_session_pairs_are_read_and_resigned() -> None:
    import base64
    import hashlib
    import hmac

    value = base64.b64encode(b'{"user":"alice"}').decode()
    sig = base64.urlsafe_b64encode(hmac.new(b"keyboard cat", f"s={value}".encode(), hashlib.sha1).digest())
    [cookie] = codec.read_cookies({"s": value, "s.sig": sig.decode().rstrip("=")})
    assert (
        cookie.framework == "cookie-session" and codec.crack(cookie, codec.DEFAULT_SECRETS) == b"keyboard cat"
    )
    forged = codec.forged(cookie, b"keyboard cat", {"_assay": "1"})
    assert base64.b64decode(forged["s"]) == b'{"user":"alice","_assay":"1"}' and forged["s.sig"]


def test_plain_cookies_are_no_signed_sessions() -> None:
    assert codec.read_cookies({"sid": "abc123", "theme": "dark", "jwt": "a.b.c"}) == []
