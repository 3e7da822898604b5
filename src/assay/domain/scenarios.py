"""BDD scenarios with concrete, executable HTTP actions.

Strings in a request may hold placeholders: ``${name}`` is replaced by a variable saved by a
fixture or an earlier action (``${dataset.id}``), and ``${unique}`` by a fresh token so a run
never collides with data already on the server. A string that is exactly one placeholder is
replaced by the raw value, keeping its JSON type.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from assay.domain.json import Json, JsonObject, dig

ScenarioKind = Literal[
    "happy_path",
    "missing_required",
    "wrong_type",
    "boundary",
    "no_auth",
    "crud_lifecycle",
    "create_status",
    "trailing_slash",
    "list_read",
    "not_found",
    "invalid_credentials",
    "ui_navigation",
    "ui_console",
    "ui_accessibility",
    "ui_action",
    # What a page is for, used as a user would (see assay.domain.affordances).
    "ui_search",
    "ui_filter",
    "ui_sort",
    "ui_create",
    "ui_validation",
    "ui_dialog",
    "ui_counter",
    "ui_persistence",
    "ui_history",
    "ui_pagination",
    "ui_tabs",
]
# The affordance scenarios: a failed expectation of theirs is a ui_functional finding.
FUNCTIONAL_KINDS = frozenset(
    {
        "ui_search", "ui_filter", "ui_sort", "ui_create", "ui_validation", "ui_dialog", "ui_counter",
        "ui_persistence", "ui_history", "ui_pagination", "ui_tabs",
    }
)  # fmt: skip
AuthMode = Literal["user", "none", "malformed"]
Intent = Literal["valid", "invalid", "no_auth", "variant", "setup", "probe", "replay"]
StepKeyword = Literal["Given", "When", "Then", "And", "But"]


@dataclass(frozen=True)
class RequestSpec:
    operation: str  # operation key, "POST /items"
    method: str
    path: str  # template as the spec writes it
    path_params: dict[str, Json] = field(default_factory=dict)
    query: dict[str, Json] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Json = None
    has_body: bool = False
    content_type: str = "application/json"
    auth: AuthMode = "user"
    # Appended to / stripped from the rendered path for convention checks.
    path_variant: Literal["as_is", "add_slash", "strip_slash"] = "as_is"
    intent: Intent = "valid"


@dataclass(frozen=True)
class Expectation:
    """What a correct server answers. Empty ``statuses`` with ``status_classes`` = any of that class."""

    statuses: tuple[int, ...] = ()
    status_classes: tuple[int, ...] = (2,)
    validate_schema: bool = True
    description: str = ""

    def accepts(self, status: int) -> bool:
        return status in self.statuses or status // 100 in self.status_classes


@dataclass(frozen=True)
class Action:
    name: str
    request: RequestSpec
    expect: Expectation
    # Variables to keep from the response: name -> dotted path in the JSON body ("id", "data.id").
    save: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    keyword: StepKeyword
    text: str


UiActionKind = Literal[
    "goto",
    "click",
    "fill",
    "check",
    "select",
    "expect_visible",
    "expect_text",
    "expect_no_text",
    "expect_url",
    "expect_status",
    "expect_no_console_errors",
    "expect_accessible_names",
    "expect_field_invalid",
    "expect_hidden",
    "expect_message",
    "expect_outcome",
    "press",  # a key on the element (value: "Enter")
    "reload",
    "back",
    "forward",
    # Remember what the page shows, for the expectations after an action: the items ``locator``
    # matches (value "items"), the page's count-like texts ("counts"), or its URL and text ("view").
    "remember",
    "expect_items",  # value "op[:arg]", judged by assay.pages.list_checks.check_items
    "expect_counts",  # value "+1" / "-1": a count moved by exactly that
    "expect_dialog",  # value "open" / "closed"
    "expect_view",  # value "changed", "restored", "url:<path>" or "unlike:<path>"
    "confirm",  # answer the app's own "are you sure?" dialog with yes, if one is open
]


@dataclass(frozen=True)
class UiStep:
    """One browser step of a UI scenario.

    ``locator`` is Playwright Python code relative to ``page`` (``page.get_by_role("button",
    name="Save")``); ``fingerprint`` describes the element so a moved one can be found again
    (role, name, text, attributes, neighbours). ``value`` is what to type or select, the URL
    path for ``goto``, or the expected text / status for an assertion. ``${env:NAME}`` in a
    value is a credential: assay fills it from the run's own login (never its process
    environment); the generated suite reads it from the environment it runs in.
    """

    action: UiActionKind
    locator: str = ""
    value: str = ""
    fingerprint: JsonObject = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class ResourceRecipe:
    """How to create one resource for a fixture: the create action and the variables it yields.

    ``requires`` names the recipes that must run first (a chat session needs a dataset).
    Saved variables are namespaced by the recipe name: ``${dataset.id}``.
    """

    name: str
    action: Action
    requires: tuple[str, ...] = ()
    id_field: str = "id"

    def created_key(self, answer: Json, sent: Json) -> Json:
        """The value that names the object made: from the answer, else from the request.

        A natural key (``username``, ``ref``) is sent by the client; a create answering 201 with
        no body, or 200 with a message, still made the object under that key.
        """
        found = dig(answer, self.id_field)
        return found if found is not None else dig(sent, self.id_field)


@dataclass(frozen=True)
class Scenario:
    id: str  # "SC-API-001"
    feature: str
    title: str
    kind: ScenarioKind
    tags: tuple[str, ...]
    operations: tuple[str, ...]
    steps: tuple[Step, ...]
    actions: tuple[Action, ...]
    fixtures: tuple[str, ...] = ()  # ResourceRecipe names to run first, in order
    data: JsonObject = field(default_factory=dict)
    severity: int = 5  # 1-10, the impact if this scenario fails (RPN's S)
    description: str = ""
    ui_steps: tuple[UiStep, ...] = ()  # browser steps of a UI scenario (empty for HTTP ones)


@dataclass(frozen=True)
class CoverageItem:
    item: str
    reason: str = ""


@dataclass(frozen=True)
class CoverageMetrics:
    operations_total: int
    operations_covered: int
    scenarios_by_kind: dict[str, int]
    covered: tuple[CoverageItem, ...]
    not_covered: tuple[CoverageItem, ...]

    @property
    def ratio(self) -> float:
        return self.operations_covered / self.operations_total if self.operations_total else 0.0


@dataclass(frozen=True)
class RequirementsResult:
    scenarios: tuple[Scenario, ...]
    recipes: tuple[ResourceRecipe, ...]
    test_data: JsonObject
    coverage: CoverageMetrics

    def scenario(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    def recipe(self, name: str) -> ResourceRecipe | None:
        return next((r for r in self.recipes if r.name == name), None)


def is_ui(scenario: Scenario) -> bool:
    """A scenario a browser runs (its steps are UI steps, not HTTP actions)."""
    return bool(scenario.ui_steps)


def without_ui(requirements: RequirementsResult) -> RequirementsResult:
    """The HTTP scenarios only (the API suite and runner know nothing of browser steps)."""
    return replace(requirements, scenarios=tuple(s for s in requirements.scenarios if not is_ui(s)))
