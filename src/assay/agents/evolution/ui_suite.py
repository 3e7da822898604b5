"""Evolution for web apps (pure): UI scenarios -> a standalone pytest + Playwright (sync) suite.

Locators are the role/label code the observer verified; credentials come from the environment
(ASSAY_USERNAME, ASSAY_PASSWORD), the target from ASSAY_BASE_URL. The conftest launches
Debian's Chromium (or $ASSAY_CHROMIUM_PATH, else Playwright's own), keeps a signed-in storage
state per session, and saves a trace for every failing test. When the login asked for a
one-time code, the suite gets otp_support.py and mail_support.py (verbatim copies of assay's
otp_support and IMAP adapter, standard library only) and the sign-in fixture types a TOTP code
from ASSAY_TOTP_SECRET or a code mailed to ASSAY_MAIL_LOGIN (EMAIL:APP_PASSWORD;
ASSAY_IMAP_HOST, ASSAY_IMAP_PORT, ASSAY_IMAP_SSL).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from assay.agents.evolution.api_suite.pysource import (
    RUFF_TOML,
    WIDTH,
    comment,
    py_quoted,
    py_text,
    wrap_call,
)
from assay.agents.evolution.ui_conftest import conftest_source
from assay.domain.scenarios import Scenario, UiStep
from assay.pages import list_checks, otp_support
from assay.pages.affordance_script import BODY_TEXT, COUNTS, DIALOG_OPEN, DIALOGS, ITEMS
from assay.pages.page_script import COLLECT, FIELD_REFUSED, MESSAGES

# otp_support.py and mail_support.py are verbatim copies of assay's own modules (linted, at
# assay's line length, where they live); the suite's rules apply to the code written for it.
UI_RUFF_TOML = RUFF_TOML.replace(
    'target-version = "py310"\n',
    'target-version = "py310"\nextend-exclude = ["otp_support.py", "mail_support.py", "list_checks.py"]\n',
)


def _value(raw: str) -> str:
    match = re.fullmatch(r"\$\{env:([A-Z0-9_]+)\}", raw)
    return f'os.environ["{match.group(1)}"]' if match else py_text(raw) if '"' not in raw else py_quoted(raw)


def step_code(step: UiStep) -> list[str]:
    """Python lines for one step (the page fixture is ``page``); they mirror the executor's checks."""
    loc, value = step.locator, _value(step.value)
    lines = {
        "goto": [
            "console_errors.clear()",
            "server_errors.clear()",
            f"page.goto(BASE_URL + {value})",
            "_settle(page)",
        ],
        "click": [f"_click({loc})", "_settle(page)"],
        "press": [f"{loc}.press({value})", "_settle(page)"],
        "confirm": ["_confirm(page)"],
        "reload": [
            *(["_skip_unless_kept(page, writes)"] if step.value == "if-kept" else []),
            "page.reload()",
            "_settle(page)",
        ],
        "back": ["page.go_back()", "_settle(page)", "page.wait_for_timeout(200)"],
        "forward": ["page.go_forward()", "_settle(page)", "page.wait_for_timeout(200)"],
        "remember": _remember(step),
        "expect_items": _expect_items(step),
        "expect_counts": [f'_expect_counts(page, {_delta(step.value)}, memory.get("counts", {{}}))'],
        "expect_dialog": [f"_expect_dialog(page, {value})"],
        "expect_view": [f'_expect_view(page, {value}, memory.get("view"))'],
        "expect_no_text": [f"expect(page.get_by_text({value}).first).to_be_hidden()"],
        "fill": [f"{loc}.fill({value})"],
        "check": [f"{loc}.check()"],
        "select": [f"{loc}.select_option(index={step.value if step.value.isdigit() else '0'})"],
        "expect_text": [f"expect(page.get_by_text({value}).first).to_be_visible()"],
        "expect_visible": [f"expect({loc}.first).to_be_visible()"],
        "expect_hidden": [f"expect({loc}.first).to_be_hidden()"],
        "expect_message": ['assert _has_message(page), "no message is shown"'],
        "expect_outcome": ["assert not server_errors, server_errors"],
        # Two lines: one would outgrow the suite's line length with a long field name.
        "expect_field_invalid": [f"refused = _invalid({loc})", "assert refused or _has_message(page, 500)"],
        "expect_status": [f"assert _status(page, {value}) < 400, {value}"],
        "expect_no_console_errors": ["assert not console_errors, console_errors"],
        "expect_accessible_names": ["assert _unnamed(page) == []"],
        "expect_url": [f"assert page.url.endswith({value})"],
    }
    return lines.get(step.action, [f"# unsupported step: {step.action}"])


_MEMORY = frozenset({"remember", "expect_items", "expect_counts", "expect_view"})


def _delta(value: str) -> int:
    return int(value) if re.fullmatch(r"[+-]?\d+", value) else 0


def _remember(step: UiStep) -> list[str]:
    if step.value == "items":  # a scenario watches one list: its items are remembered as "items"
        return [f"items = {step.locator}", 'memory["items"] = _listed(items)']
    return (
        ['memory["counts"] = _counts(page)'] if step.value == "counts" else ['memory["view"] = _view(page)']
    )


def _expect_items(step: UiStep) -> list[str]:
    op, _, arg = step.value.partition(":")
    return [
        f"items = {step.locator}",
        f'_expect_items(items, {py_quoted(op)}, {_value(arg)}, memory.get("items"))',
    ]


HELPERS = '''
# The page scripts are assay's own, as JavaScript files next to this module.
PAGE_SCRIPT = Path(__file__).with_name("page_script.js").read_text(encoding="utf-8")
MESSAGES = Path(__file__).with_name("messages.js").read_text(encoding="utf-8")
FIELD_REFUSED = Path(__file__).with_name("field_refused.js").read_text(encoding="utf-8")
# What the affordance tests read (the visible items of a list, the counts, the dialog, the view)
# and judge, with assay's own scripts and list_checks.py.
ITEMS = Path(__file__).with_name("items.js").read_text(encoding="utf-8")
COUNTS = Path(__file__).with_name("counts.js").read_text(encoding="utf-8")
DIALOG_OPEN = Path(__file__).with_name("dialog_open.js").read_text(encoding="utf-8")
DIALOGS = Path(__file__).with_name("dialogs.css").read_text(encoding="utf-8").strip()
BODY_TEXT = Path(__file__).with_name("body_text.js").read_text(encoding="utf-8")


def _click(locator):
    """Click, unless the control is disabled: a refusal, which the next check judges."""
    if locator.first.is_enabled(timeout=5000):
        locator.click()


def _confirm(page):
    """Answer the app's own "are you sure?" dialog with yes, if one is open."""
    if page.evaluate(DIALOG_OPEN) is True:
        dialog = page.locator(DIALOGS).last
        words = r"(?i)^\\s*(yes|ok|delete|remove|confirm|continue|sure)\\b"
        yes = dialog.get_by_role("button", name=re.compile(words))
        if yes.count():
            yes.first.click()
            _settle(page)


def _watch_writes(page):
    """Writes the server took (2xx to POST, PUT, PATCH) from now on: it claims to keep them."""
    writes = []

    def on_response(response):
        if response.request.method in ("POST", "PUT", "PATCH") and 200 <= response.status < 300:
            writes.append(response.url)

    page.on("response", on_response)
    return writes


def _skip_unless_kept(page, writes):
    """Nothing to judge after a reload when neither local storage nor the server took anything."""
    stored = page.evaluate("() => {{ try {{ return localStorage.length; }} catch (e) {{ return 0; }} }}")
    if not stored and not writes:
        pytest.skip("the app kept nothing a reload could show")


def _poll(judge, timeout_ms=3000):
    """None once ``judge`` holds, else its last reason after ``timeout_ms`` (lists update late)."""
    deadline = time.monotonic() + timeout_ms / 1000
    why = judge()
    while why is not None and time.monotonic() < deadline:
        time.sleep(0.15)
        why = judge()
    return why


def _items(locator):
    return locator.evaluate_all(ITEMS)


def _listed(locator):
    """The items, once a list the app fetches has filled (or after 3 s, empty)."""
    deadline = time.monotonic() + 3
    seen = _items(locator)
    while not seen and time.monotonic() < deadline:
        time.sleep(0.15)
        seen = _items(locator)
    return seen


def _expect_items(locator, op, arg, before):
    why = _poll(lambda: check_items(op, arg, before, _items(locator)))
    assert why is None, why


def _counts(page):
    return {{c["css"]: c["text"] for c in page.evaluate(COUNTS)}}


def _expect_counts(page, expected, before):
    why = _poll(lambda: check_counts(expected, before, _counts(page)))
    assert why is None, why


def _expect_dialog(page, state):
    def judge():
        shown = page.evaluate(DIALOG_OPEN) is True
        return None if shown == (state == "open") else f"the dialog is not {{state}}"

    why = _poll(judge)
    assert why is None, why


def _view(page):
    parts = urlsplit(page.url)
    path = parts.path + (f"?{{parts.query}}" if parts.query else "")
    return path + (f"#{{parts.fragment}}" if parts.fragment else ""), page.evaluate(BODY_TEXT)


def _expect_view(page, spec, before):
    if spec.startswith("unlike:"):  # not the view the app shows for a path that cannot exist
        absent = spec[len("unlike:") :]
        other = page.context.new_page()
        try:
            other.goto(BASE_URL + absent)
            other.wait_for_timeout(300)
            path, text = _view(page)
            why = not_found_problem(path, text, absent, _view(other)[1])
        finally:
            other.close()
    else:
        why = _poll(lambda: view_problem(spec, before, _view(page)))
    assert why is None, why


def _elsewhere(url):
    """True for a URL on another host than the target's: the conftest blocks those."""
    parts = urlsplit(url)
    other = (parts.hostname or "") != _URL.hostname
    return parts.scheme in ("http", "https", "ws", "wss") and other


def _watch(page):
    """Console errors and 5xx answers ``page`` sees from now on (the browser's favicon excepted).

    As assay judged them: errors the blocking of other hosts caused are not the page's (a CDN's
    script kept out, then "$ is not defined"; a call to another host, then "Failed to fetch").
    """
    console_errors, server_errors = [], []
    kept_out = set()  # "script", "call": what of other hosts this page was kept from
    # A script's HEAD/OPTIONS probe the server refuses (404, 405, 501) is feature detection,
    # not a failed load: its "Failed to load resource" message is not the page's error.
    probed, loaded_failed, resource_messages = set(), set(), []

    def forget_probe(url):
        for text, where in list(resource_messages):
            if where == url and url not in loaded_failed and text in console_errors:
                console_errors.remove(text)

    def caused_by_blocking(text):
        network = re.search(r"(?i)failed to fetch|network ?error|load failed|net::ERR_", text)
        by_script = "script" in kept_out and "ReferenceError" in text
        return by_script or ("call" in kept_out and network is not None)

    def on_console(message):
        where = (message.location or {{}}).get("url", "")
        text = message.text
        blocked = "ERR_BLOCKED_BY_CLIENT" in text or "ERR_NAME_NOT_RESOLVED" in text
        urls = re.findall(r"(?:https?|wss?)://[^\\s'<>\\x22]+", text)
        own = not where.endswith("/favicon.ico") and not _elsewhere(where)
        own = own and not any(_elsewhere(u) for u in urls)
        if message.type == "error" and own and not blocked and not caused_by_blocking(text):
            if text.startswith("Failed to load resource") and where:
                resource_messages.append((text, where))
                if where in probed and where not in loaded_failed:
                    return
            console_errors.append(text)

    def on_error(error):
        if not caused_by_blocking(f"{{error.name}}: {{error.message}}"):
            console_errors.append(str(error))

    def on_failed(request):
        kind = request.resource_type
        if request.method in ("HEAD", "OPTIONS") and "ERR_ABORTED" in (request.failure or ""):
            probed.add(request.url)
            forget_probe(request.url)
        if _elsewhere(request.url) and kind in ("script", "fetch", "xhr", "eventsource"):
            kept_out.add("script" if kind == "script" else "call")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    page.on("requestfailed", on_failed)

    def on_response(response):
        if response.status >= 500:
            server_errors.append(response.status)
        request = response.request
        if response.status >= 400 and request.resource_type != "document":
            if request.method in ("HEAD", "OPTIONS") and response.status in (404, 405, 501):
                probed.add(response.url)
                forget_probe(response.url)
            else:
                loaded_failed.add(response.url)

    page.on("response", on_response)
    return console_errors, server_errors


def _status(page, path, redirects=5):
    """The status of GET ``path``, following redirects only while they stay on the target's host."""
    url = BASE_URL + path
    for _ in range(redirects + 1):
        response = page.request.get(url, max_redirects=0)
        location = response.headers.get("location", "")
        following = urljoin(url, location)
        if not (300 <= response.status < 400 and location) or _elsewhere(following):
            return response.status
        url = following
    return response.status


def _settle(page):
    with contextlib.suppress(PlaywrightError):
        page.wait_for_load_state("networkidle", timeout=2500)


def _has_message(page, timeout_ms=3000):
    """True when an alert, status or error message, or a field shown as refused (aria-invalid,
    or a typed value the browser's validation refused), is shown within ``timeout_ms``."""
    deadline = time.monotonic() + timeout_ms / 1000

    def shown():
        return bool(page.evaluate(MESSAGES)) or page.evaluate(FIELD_REFUSED) is True

    while not shown() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return shown()


def _invalid(field):
    """True when the field reports itself invalid; False when it is valid or gone (form sent)."""
    try:
        return field.evaluate("e => !e.validity.valid", timeout=3000)
    except PlaywrightError:
        return False


def _unnamed(page):
    found = page.evaluate(PAGE_SCRIPT, 200)
    return found["unnamed"] + found["noAlt"]


def _needs(*names):
    missing = [name for name in names if name not in os.environ]
    if missing:
        pytest.skip("set " + ", ".join(missing) + " to run this test")
'''


def test_name(scenario: Scenario) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", f"{scenario.id} {scenario.title}".lower()).strip("_")
    return f"test_{slug[:80]}"


def test_function(scenario: Scenario) -> str:
    fixture = "signed_out_page" if "signed-out" in scenario.tags else "page"
    needed = sorted({m for s in scenario.ui_steps for m in re.findall(r"\$\{env:([A-Z0-9_]+)\}", s.value)})
    body = [
        py_quoted(scenario.title),
        *([f"_needs({', '.join(map(py_quoted, needed))})"] if needed else []),
        *(["page = signed_out_page"] if fixture != "page" else []),
        "console_errors, server_errors = _watch(page)",
        *(["memory = {}"] if any(s.action in _MEMORY for s in scenario.ui_steps) else []),
        *(["writes = _watch_writes(page)"] if any(s.value == "if-kept" for s in scenario.ui_steps) else []),
    ]
    for step in scenario.ui_steps:
        body.append(f"# {comment(step.description or step.action)}")
        body.extend(step_code(step))
    indented = "\n".join(_fitted(wrap_call(f"    {line}")) for line in body)
    return f"def {test_name(scenario)}({fixture}):\n{indented}\n"


def _fitted(code: str) -> str:
    """``code`` with a line that no wrapping can shorten (one long locator string) marked as such."""
    return "\n".join(f"{line}  # noqa: E501" if len(line) > WIDTH else line for line in code.split("\n"))


def build_ui_suite(
    scenarios: Sequence[Scenario], base_url: str, login_path: str = "", second_factor: str = ""
) -> dict[str, str]:
    """Suite files: conftest.py and test_ui.py (path in the suite -> content); with a
    ``second_factor`` ("totp", "email") also otp_support.py and mail_support.py, which the sign-in
    fixture uses."""
    tests = "\n\n".join(test_function(s) for s in scenarios if s.ui_steps)
    header = (
        '"""UI tests generated by assay from the observed pages."""\n\n'
        "import contextlib\nimport os\nimport re\nimport time\nfrom pathlib import Path\n"
        "from urllib.parse import urljoin, urlsplit\n\n"
        "import pytest\nfrom playwright.sync_api import Error as PlaywrightError\n"
        + ("from playwright.sync_api import expect\n" if "expect(" in tests else "")
        + "\nfrom list_checks import check_counts, check_items, not_found_problem, view_problem\n"
        + f"\n_DEFAULT_URL = {json.dumps(base_url)}\n"
        '_ENV_URL = os.environ.get("ASSAY_BASE_URL") or os.environ.get("BASE_URL")\n'
        "_URL = urlsplit(_ENV_URL or _DEFAULT_URL)\n"
        'BASE_URL = f"{_URL.scheme}://{_URL.netloc}"\n'
    )
    helpers = HELPERS.format()
    files = {
        "conftest.py": conftest_source(base_url, login_path, second_factor),
        "test_ui.py": header + helpers + "\n\n" + tests,
        "page_script.js": COLLECT.strip() + "\n",
        "messages.js": MESSAGES.strip() + "\n",
        "field_refused.js": FIELD_REFUSED.strip() + "\n",
        "items.js": ITEMS.strip() + "\n",
        "counts.js": COUNTS.strip() + "\n",
        "dialog_open.js": DIALOG_OPEN.strip() + "\n",
        "dialogs.css": DIALOGS + "\n",
        "body_text.js": BODY_TEXT.strip() + "\n",
        "list_checks.py": Path(list_checks.__file__).read_text(encoding="utf-8"),
        "ruff.toml": UI_RUFF_TOML,
    }
    if second_factor:
        files["otp_support.py"] = otp_support_source()
        files["mail_support.py"] = mail_support_source()
    return files


def otp_support_source() -> str:
    """The standalone one-time-code helper, as assay itself uses it."""
    return Path(otp_support.__file__).read_text(encoding="utf-8")


def mail_support_source() -> str:
    """The standalone IMAP reader: assay's mail adapter, read as text (the agent does not run it)."""
    return files("assay.adapters").joinpath("mail.py").read_text(encoding="utf-8")
