"""--auth-wfc reads every WFC auth file shape Schemathesis and EvoMaster read.

Each file is checked three ways: it is valid against the auth schema the webfuzzing-commons
package ships, Schemathesis' own WFC loader accepts it (for the shapes Schemathesis reads), and
assay turns it into the identity and login recipe it describes.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from schemathesis.wfc.loader import load_from_dict
from tests.apps.wfc_login_api import API_KEY, LOGIN, PASSWORD, SESSION, USERNAME, wfc_documents

from assay.agents.analysis.security.wfc_auth import load_wfc_auth, merged
from assay.domain.login_recipe import TokenRecipe

BASE = "http://127.0.0.1:8123"
DOCUMENTS = wfc_documents(BASE)


@pytest.fixture(scope="module")
def wfc_schema() -> jsonschema.protocols.Validator:
    text = resources.files("webfuzzing_commons").joinpath("data", "auth.yaml").read_text(encoding="utf-8")
    schema = yaml.safe_load(text)
    return jsonschema.validators.validator_for(schema)(schema)


def _write(tmp_path: Path, document: object, suffix: str = ".json") -> Path:
    path = tmp_path / f"auth{suffix}"
    path.write_text(json.dumps(document) if suffix == ".json" else yaml.safe_dump(document))
    return path


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_shape_is_valid_wfc_and_read(
    name: str, tmp_path: Path, wfc_schema: jsonschema.protocols.Validator
) -> None:
    document = DOCUMENTS[name]
    wfc_schema.validate(document)
    if name.startswith("schemathesis"):
        assert len(load_from_dict(json.loads(json.dumps(document)))) == 1
    for suffix in (".json", ".yaml"):
        [creds] = load_wfc_auth(_write(tmp_path, document, suffix))
        assert creds.headers or creds.login is not None, name


def test_a_token_header_file_is_a_fixed_header_identity(tmp_path: Path) -> None:
    [creds] = load_wfc_auth(_write(tmp_path, DOCUMENTS["schemathesis: fixed token header"]))
    assert creds.headers_only and creds.headers == (("X-Api-Key", API_KEY),)
    assert API_KEY in creds.secrets and API_KEY not in repr(creds)


def test_a_cookie_header_makes_each_cookie_value_a_secret(tmp_path: Path) -> None:
    [creds] = load_wfc_auth(_write(tmp_path, DOCUMENTS["schemathesis: fixed cookie"]))
    assert creds.headers == (("Cookie", f"session={SESSION}"),)
    assert SESSION in creds.secrets  # the value alone, as a server may echo it


def test_a_body_token_login_becomes_its_recipe(tmp_path: Path) -> None:
    [creds] = load_wfc_auth(_write(tmp_path, DOCUMENTS["schemathesis: body token"]))
    recipe = creds.login
    assert recipe is not None and (creds.username, creds.password) == (USERNAME, PASSWORD)
    assert (recipe.method, recipe.endpoint, recipe.content_type) == ("POST", LOGIN, "application/json")
    assert json.loads(recipe.body or "") == {"login": USERNAME, "secret": PASSWORD}  # the file's field names
    assert recipe.token == TokenRecipe(
        "body", "/result/access_token", "header", "Authorization", "Bearer {token}"
    )
    assert PASSWORD not in repr(creds) and not creds.headers_only


def test_form_query_header_and_external_shapes(tmp_path: Path) -> None:
    [form] = load_wfc_auth(_write(tmp_path, DOCUMENTS["schemathesis: form login"]))
    assert form.login is not None and form.login.body == f"login={USERNAME}&secret={PASSWORD}"
    [query] = load_wfc_auth(_write(tmp_path, DOCUMENTS["schemathesis: query token"]))
    assert query.login is not None and query.login.token is not None
    assert (query.login.token.send_in, query.login.token.send_name) == ("query", "token")
    [header] = load_wfc_auth(_write(tmp_path, DOCUMENTS["schemathesis: header token"]))
    assert header.login is not None and header.login.token is not None
    assert (header.login.token.extract_from, header.login.token.selector) == ("header", "X-Auth-Token")
    [external] = load_wfc_auth(_write(tmp_path, DOCUMENTS["schemathesis: external login URL"]))
    assert external.login is not None and external.login.url == BASE + LOGIN
    [cookies] = load_wfc_auth(_write(tmp_path, DOCUMENTS["schemathesis: cookies"]))
    assert cookies.login is not None and cookies.login.expect_cookies and cookies.login.token is None


def test_a_raw_payload_is_sent_as_written_and_kept_secret(tmp_path: Path) -> None:
    [raw] = load_wfc_auth(_write(tmp_path, DOCUMENTS["schemathesis: raw payload"]))
    assert raw.login is not None and raw.login.body == json.dumps({"login": USERNAME, "secret": PASSWORD})
    assert raw.login.body in raw.secrets and PASSWORD in raw.secrets


def test_the_template_fills_in_nested_fields(tmp_path: Path) -> None:
    [alice] = load_wfc_auth(_write(tmp_path, DOCUMENTS["evomaster: template"], ".yaml"))
    assert alice.login is not None and alice.login.endpoint == LOGIN and alice.login.token is not None
    assert merged({"a": {"b": {"c": 1}}}, {"a": {"b": {"d": 2}, "e": 3}}) == {
        "a": {"b": {"c": 1, "d": 2}, "e": 3}
    }


def test_evomaster_older_token_names(tmp_path: Path) -> None:
    [creds] = load_wfc_auth(_write(tmp_path, DOCUMENTS["evomaster: older token names"]))
    assert creds.login is not None
    assert creds.login.token == TokenRecipe(
        "body", "/result/access_token", "header", "Authorization", "Bearer {token}"
    )


def test_a_login_without_token_or_cookies_is_left_to_assay(tmp_path: Path) -> None:
    document = {
        "auth": [
            {"name": "admin", "loginEndpointAuth": {"payloadUserPwd": {"username": "r", "password": "p"}}}
        ]
    }
    [creds] = load_wfc_auth(_write(tmp_path, document))
    assert creds.login is None and (creds.username, creds.role) == ("r", "admin")
