"""The HTML form reader and the reflection judgments, on fixed markup."""

from __future__ import annotations

from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.oracles.base import OracleContext
from assay.oracles.reflected_input import (
    ReflectionTrial,
    judge_reflections,
    markup_elements,
    markup_payload,
    template_payload,
)
from assay.pages.html_forms import parse_forms

PAGE = """<html><base href="/app/"><form id="f" action="save" method="POST">
<input type="hidden" name="csrf_token" value="abc">
<input name="title" value="Hello"><input type="number" name="n" value="3">
<input type="checkbox" name="on" value="y" checked><input type="checkbox" name="off" value="n">
<select name="kind"><option value="">- pick -</option><option>tea</option><option>cake</option></select>
<textarea name="body">
line</textarea><input type="password" name="pw"><button type="submit" name="go" value="1">Save it</button>
</form><form><input name="q"></form>"""


def test_forms_are_read_as_a_browser_would_submit_them() -> None:
    first, second = parse_forms(PAGE, "http://h/app/page")
    assert first.action == "http://h/app/save" and first.method == "post"
    assert first.default_values() == [
        ("csrf_token", "abc"),
        ("title", "Hello"),
        ("n", "3"),
        ("on", "y"),
        ("kind", "tea"),  # the first real option, not the blank "- pick -"
        ("body", "line"),
        ("pw", ""),
        ("go", "1"),
    ]
    assert first.token_fields() == ("csrf_token",)
    assert [f.name for f in first.text_fields()] == ["title", "n", "body"]
    assert first.submit == "1" and first.passwords == 1
    assert second.method == "get" and second.action == "http://h/app/page"


def _exchange(body: str, status: int = 200, kind: str = "text/html", url: str = "http://h/p") -> Exchange:
    response = RecordedResponse(status, {"content-type": kind}, body)
    return Exchange(RecordedRequest("GET", url), response)


def test_markup_counts_only_as_a_live_element() -> None:
    mark = "zx1"
    live = f"<p>{markup_payload(mark)}</p>"
    assert markup_elements(live, mark) == 1
    assert markup_elements(f"<p>&lt;i id={mark}&gt;</p>", mark) == 0  # escaped
    assert markup_elements(f"<textarea>{markup_payload(mark)}</textarea>", mark) == 0  # inert
    assert markup_elements(f'<input value="{mark}">', mark) == 0  # only text in an attribute


def test_judgments_need_their_proof() -> None:
    ctx = OracleContext()
    mark = "zx2"
    xss = ReflectionTrial(
        "markup", _exchange(markup_payload(mark)), _exchange(markup_payload(mark)), "q", mark, "q"
    )
    as_json = _exchange(markup_payload(mark), kind="application/json")
    json_trial = ReflectionTrial("markup", as_json, as_json, "q", mark, "q")
    echo_ok = ReflectionTrial(
        "text", _exchange(f"not found: {mark}", 404), _exchange(f"not found: {mark}", 404), "", mark, "p"
    )
    echo_200 = ReflectionTrial("text", _exchange(f"hi {mark}"), _exchange(f"hi {mark}"), "", mark, "p")
    evaluated = _exchange(f"<li>{mark}9801547str</li>")
    sandboxed = _exchange(f"<li>{mark}9801547</li>")  # the product alone: a sandboxed engine
    ssti = ReflectionTrial("template", evaluated, evaluated, "t", mark, "t")
    safe = ReflectionTrial("template", sandboxed, sandboxed, "t", mark, "t")
    found = judge_reflections([xss, json_trial, echo_ok, echo_200, ssti, safe], ctx)
    assert [f.title.split(":")[0] for f in found] == [
        "Reflected cross-site scripting (XSS)",
        "Content injection",
        "Server-side template injection",
    ]
    assert template_payload(mark) == "zx2{{1337*7331}}{{''.__class__.__name__}}"
