"""UI scenarios from a web observation (pure): sign-in, links, forms, console, names, buttons.

Each scenario carries ``ui_steps`` for the browser executor and Gherkin ``steps`` for the
.feature files. ``instruction`` ranks them and tags the ones it really names ``@focus``
(:func:`assay.agents.requirements.focus.steer`); nothing is dropped. The Requirements agent
drafts them without it and ranks them with the HTTP scenarios, in one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assay.agents.requirements.affordance_scenarios import affordance_scenarios
from assay.agents.requirements.focus import context_of, steer
from assay.domain.action_safety import (
    ActionPolicy,
    FormFacts,
    form_allowed,
    judge_button,
    judge_form,
    resolve,
)
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.domain.observation import Observation, UiElement
from assay.domain.pages import PageFacts
from assay.domain.scenarios import Scenario, ScenarioKind, Step, UiStep
from assay.pages.form_facts import button_control
from assay.pages.values import boundary_lengths, sample_value

USERNAME_ENV = "${env:ASSAY_USERNAME}"
PASSWORD_ENV = "${env:ASSAY_PASSWORD}"
_FIELD_ROLES = {"textbox", "searchbox", "spinbutton", "combobox", "checkbox", "radio", ""}


def ui_scenarios(observation: Observation, instruction: str | None = None) -> tuple[Scenario, ...]:
    pages = observation.pages
    by_page: dict[str, list[UiElement]] = {}
    for element in observation.ui_elements:
        by_page.setdefault(element.page, []).append(element)
    forms = _judged_forms(observation)
    drafts: list[Scenario] = []
    for page in pages:
        elements = by_page.get(page.path, [])
        judged = forms.get(page.path, [])
        drafts += (
            _sign_in(page, elements, judged)
            + _forms(page, elements, judged)
            + _page_checks(page)
            + _buttons(page, elements)
            + affordance_scenarios(page.affordances, page.links)
        )
    numbered = [replace(s, id=f"SC-UI-{i:03d}") for i, s in enumerate(drafts, 1)]
    return steer(numbered, instruction, context_of(observation)).scenarios


def _scenario(
    kind: ScenarioKind, page: str, title: str, ui: Sequence[UiStep], severity: int, tags: Sequence[str] = ()
) -> Scenario:
    steps = [Step("Given", f'I open "{page}"')]
    for ui_step in ui[1:]:
        steps.append(Step("Then" if ui_step.action.startswith("expect") else "When", ui_step.description))
    return Scenario(
        id="",
        feature=f"Web UI: {page}",
        title=title,
        kind=kind,
        tags=("ui", *tags),
        operations=(f"GET {page}",),
        steps=tuple(steps),
        actions=(),
        severity=severity,
        ui_steps=tuple(ui),
    )


def _act(action: str, element: UiElement, value: str = "", what: str = "") -> UiStep:
    shown = "<password>" if element.input_type == "password" else value
    text = what or {
        "click": f'I click "{element.name}"',
        "fill": f'I fill "{element.name}" with "{shown}"',
        "check": f'I check "{element.name}"',
        "select": f'I choose an option of "{element.name}"',
    }.get(action, action)
    return UiStep(action, element.locator, value, element.fingerprint, text)  # type: ignore[arg-type]


def _login_parts(elements: list[UiElement]) -> tuple[UiElement, UiElement, UiElement] | None:
    password = next((e for e in elements if e.input_type == "password"), None)
    if password is None:
        return None
    form = password.fingerprint.get("form")
    same = [e for e in elements if e.fingerprint.get("form") == form]
    if sum(1 for e in same if e.input_type == "password") != 1:
        return None  # two password fields: a sign-up or password-change form, not a login
    user = next((e for e in same if e.role in ("textbox", "") and e.input_type != "password"), None)
    submit = next((e for e in same if e.role == "button"), None)
    return (user, password, submit) if user and submit else None


def _sign_in(page: PageFacts, elements: list[UiElement], judged: list[JsonObject]) -> list[Scenario]:
    parts = _login_parts(elements)
    if parts is None:
        return []
    user, password, submit = parts
    if not _may_submit(page, str(password.fingerprint.get("form") or ""), [user, password], submit, judged):
        return []  # the login form posts elsewhere: no scenario types the password into it
    open_page = UiStep("goto", value=page.path, description=f'I open "{page.path}"')
    valid = [
        open_page,
        _act("fill", user, USERNAME_ENV),
        _act("fill", password, PASSWORD_ENV),
        _act("click", submit),
        UiStep("expect_hidden", password.locator, description="the login form is gone"),
    ]
    invalid = [
        open_page,
        _act("fill", user, "assay-nobody"),
        _act("fill", password, "wrong-password"),
        _act("click", submit),
        UiStep("expect_message", description="an error message is visible"),
    ]
    return [
        _scenario(
            "happy_path", page.path, "Sign in with valid credentials", valid, 9, ("signed-out", "smoke")
        ),
        _scenario(
            "invalid_credentials",
            page.path,
            "Sign in with a wrong password shows an error",
            invalid,
            7,
            ("signed-out",),
        ),
    ]


def _form_fields(elements: list[UiElement]) -> dict[str, tuple[list[UiElement], UiElement | None]]:
    forms: dict[str, tuple[list[UiElement], UiElement | None]] = {}
    for element in elements:
        form = str(element.fingerprint.get("form") or "")
        if not form:
            continue
        fields, submit = forms.get(form, ([], None))
        if element.role == "button":
            submit = submit or element
        elif element.role in _FIELD_ROLES and element.tag in ("input", "select", "textarea"):
            fields.append(element)
        forms[form] = (fields, submit)
    return forms


def _fill(
    fields: list[UiElement], skip: UiElement | None = None, override: str | None = None
) -> list[UiStep]:
    steps = []
    for field in fields:
        if field is skip:
            continue
        if field.role in ("checkbox", "radio"):
            steps.append(_act("check", field))
        elif field.tag == "select":
            steps.append(_act("select", field, "1"))
        else:
            steps.append(_act("fill", field, sample_value(field.input_type, field.name, field.constraints)))
    if override is not None and skip is not None:
        steps.append(_act("fill", skip, override))
    return steps


def _empty(field: UiElement) -> str | None:
    """ "" to clear a text field that may come pre-filled (a default value); None for other controls."""
    return None if field.role in ("checkbox", "radio") or field.tag == "select" else ""


def _forms(page: PageFacts, elements: list[UiElement], judged: list[JsonObject]) -> list[Scenario]:
    if _login_parts(elements) is not None:
        return []
    out = []
    for key, (fields, submit) in _form_fields(elements).items():
        if submit is None or not fields or not _may_submit(page, key, fields, submit, judged):
            continue
        out.extend(_form_scenarios(page.path, fields, submit))
    return out


def _judged_forms(observation: Observation) -> dict[str, list[JsonObject]]:
    """Each page's forms as the observer judged them (see :mod:`assay.agents.observation.web.refusals`)."""
    out: dict[str, list[JsonObject]] = {}
    for raw in as_list(observation.page_structure.get("pages")):
        page = as_object(raw)
        out[as_str(page.get("path"))] = [as_object(f) for f in as_list(page.get("forms"))]
    return out


def _may_submit(
    page: PageFacts, key: str, fields: list[UiElement], submit: UiElement, judged: list[JsonObject]
) -> bool:
    """The observer's verdict on the form(s) behind ``key`` (its id, else its action); without
    one, the action policy's verdict on what the elements themselves show."""
    policy = ActionPolicy.for_url(page.url)
    if not judge_button(button_control(submit.name, submit.fingerprint), page.url, policy).allowed:
        return False  # the button the scenario would click is itself one to leave alone
    same = [f for f in judged if (as_str(f.get("id")) or as_str(f.get("action")) or "form") == key]
    if same:
        return all(form_allowed(f) for f in same)
    return judge_form(_facts_of(page, key, fields, submit), policy).allowed


def _facts_of(page: PageFacts, key: str, fields: list[UiElement], submit: UiElement) -> FormFacts:
    action = resolve(page.url, key) if key.startswith(("/", "http", ".")) else page.url
    prefilled = tuple(
        f.name
        for f in fields
        if f.role in ("textbox", "searchbox") and as_object(f.fingerprint.get("attributes")).get("value")
    )
    passwords = sum(1 for f in fields if f.input_type == "password")
    submit_facts = button_control(submit.name, submit.fingerprint)
    return FormFacts(page.url, action, "post", submit=submit_facts, prefilled=prefilled, passwords=passwords)


def _form_scenarios(path: str, fields: list[UiElement], submit: UiElement) -> list[Scenario]:
    """Valid values, each required field left empty, and each declared length limit."""
    start = UiStep("goto", value=path, description=f'I open "{path}"')
    done = UiStep("expect_outcome", description="the page answers without a server error and shows a result")
    name = submit.name or "the form"
    valid = [start, *_fill(fields), _act("click", submit), done]
    out = [_scenario("happy_path", path, f'Submit "{name}" with valid values', valid, 7)]
    for field in (f for f in fields if f.required):
        invalid = UiStep(
            "expect_field_invalid", field.locator, description=f'"{field.name}" is reported missing'
        )
        steps = [start, *_fill(fields, skip=field, override=_empty(field)), _act("click", submit), invalid]
        out.append(_scenario("missing_required", path, f'Submit "{name}" without "{field.name}"', steps, 5))
    for field in fields:
        for label, length, accepted in boundary_lengths(field.constraints):
            rejected = UiStep("expect_field_invalid", field.locator, description="rejected")
            steps = [start, *_fill(fields, skip=field, override="x" * length), _act("click", submit)]
            steps.append(done if accepted else rejected)
            out.append(_scenario("boundary", path, f'"{field.name}" with {label}', steps, 4))
    return out


def _page_checks(page: PageFacts) -> list[Scenario]:
    start = UiStep("goto", value=page.path, description=f'I open "{page.path}"')
    links = [
        UiStep("expect_status", value=link.href, description=f'the link "{link.text}" reaches a 2xx page')
        for link in page.links[:25]
    ]
    # A route the app's router lacks answers 200 with its not-found view: opened, it must not be that.
    for link in (link for link in page.links[:25] if link.soft_404):
        links.append(UiStep("goto", value=link.href, description=f'I open "{link.href}"'))
        links.append(
            UiStep(
                "expect_view",
                value=f"unlike:{link.soft_404}",
                description=f'"{link.href}" is not the app\'s not-found page',
            )
        )
    out = [
        _scenario(
            "ui_console",
            page.path,
            f"{page.path} logs no console errors",
            [start, UiStep("expect_no_console_errors", description="the console shows no errors")],
            5,
        ),
        _scenario(
            "ui_accessibility",
            page.path,
            f"Every control on {page.path} has an accessible name",
            [start, UiStep("expect_accessible_names", description="every control has a name")],
            4,
        ),
    ]
    if links:
        out.insert(
            0,
            _scenario(
                "ui_navigation",
                page.path,
                f"Every link on {page.path} reaches a 2xx page",
                [start, *links],
                6,
            ),
        )
    return out


def _buttons(page: PageFacts, elements: list[UiElement]) -> list[Scenario]:
    out = []
    # A counter's button or a dialog's opener has its own family, whose oracle does not depend on
    # the state the crawl left (the crawl's clicks moved the cart to "Cart (26)").
    owned = {
        c.locator
        for a in page.affordances
        for c in a.controls
        if c.part in ("increment", "decrement", "opener")
    }
    for probe in page.actions:
        element = next((e for e in elements if e.locator == probe.locator and probe.locator), None)
        if probe.kind != "click" or element is None or not probe.message or element.locator in owned:
            continue
        if not judge_button(
            button_control(element.name, element.fingerprint), page.url, ActionPolicy.for_url(page.url)
        ).allowed:
            continue
        steps = [
            UiStep("goto", value=page.path, description=f'I open "{page.path}"'),
            _act("click", element),
            UiStep("expect_text", value=probe.message, description=f'"{probe.message}" is shown'),
        ]
        out.append(
            _scenario("ui_action", page.path, f'Clicking "{element.name}" shows "{probe.message}"', steps, 5)
        )
    return out
