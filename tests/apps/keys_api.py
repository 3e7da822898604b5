"""A Flask API shaped like the real ones that blocked assay's lifecycles (issue 10, §2).

* ``/users/v2`` and ``/orders/v2``: versioned paths whose objects are named by a natural key
  (``{username}``, ``{ref}``), not an ``id``. ``POST /users/v2`` answers 201 with an empty body and
  ``POST /orders/v2`` answers 200 with a message: the key is only in the request.
* ``POST /transfers``: its spec marks nothing ``required``, yet the handler needs ``amount`` and
  ``recipient``. Without ``amount`` it fails with a 500 whose body names the missing field (a
  ``KeyError`` surfacing, as in many Flask apps); without ``recipient`` it answers 400 naming it.
  ``healthy=True`` answers 400 for the missing amount too (the twin without the 500).

Every request is recorded in ``served`` so a test can tell what the server saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, Response, jsonify, request

_KEYED = {"type": "string"}


def _item_ops(tag: str, key: str, body: dict[str, object]) -> dict[str, object]:
    param = {"name": key, "in": "path", "required": True, "schema": _KEYED}
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": body}}}}
    gone = {"404": {"description": "no such object"}}
    return {
        "parameters": [param],
        "get": {"tags": [tag], "summary": f"Read one {tag}", "responses": {**ok, **gone}},
        "put": {
            "tags": [tag],
            "summary": f"Update one {tag}",
            "requestBody": {"content": {"application/json": {"schema": body}}},
            "responses": {**ok, **gone},
        },
        "delete": {
            "tags": [tag],
            "summary": f"Delete one {tag}",
            "responses": {"204": {"description": "gone"}, **gone},
        },
    }


USER: dict[str, object] = {
    "type": "object",
    "properties": {
        "username": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "password": {"type": "string"},
    },
    "required": ["username", "email", "password"],
}
ORDER: dict[str, object] = {
    "type": "object",
    "properties": {
        "ref": {"type": "string"},
        "item": {"type": "string"},
        "quantity": {"type": "integer", "minimum": 1},
    },
    "required": ["ref", "item"],
}
# Nothing required, and the telling optional "description" comes first: a body built from the
# schema alone holds the description and leaves out what the handler needs.
TRANSFER: dict[str, object] = {
    "type": "object",
    "properties": {
        "description": {"type": "string"},
        "currency": {"type": "string", "enum": ["EUR", "USD"]},
        "reference": {"type": "string"},
        "amount": {"type": "number"},
        "recipient": {"type": "string"},
    },
}


def spec() -> dict[str, object]:
    created = {"description": "created (no body)"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "keys api", "version": "1"},
        "paths": {
            "/users/v2": {
                "post": {
                    "tags": ["users"],
                    "summary": "Register a user",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": USER}}},
                    "responses": {"201": created, "409": {"description": "taken"}},
                },
            },
            "/users/v2/{username}": _item_ops("users", "username", USER),
            "/orders/v2": {
                "post": {
                    "tags": ["orders"],
                    "summary": "Place an order",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": ORDER}}},
                    "responses": {"200": {"description": "a message"}},
                },
            },
            "/orders/v2/{ref}": _item_ops("orders", "ref", ORDER),
            "/transfers": {
                "post": {
                    "tags": ["transfers"],
                    "summary": "Send money",
                    "requestBody": {"content": {"application/json": {"schema": TRANSFER}}},
                    "responses": {"200": {"description": "sent"}},
                },
            },
        },
    }


@dataclass
class KeysState:
    users: dict[str, dict[str, object]] = field(default_factory=dict)
    orders: dict[str, dict[str, object]] = field(default_factory=dict)
    transfers: list[dict[str, object]] = field(default_factory=list)
    served: list[tuple[str, str, int]] = field(default_factory=list)  # method, path, status


def build_keys_app(state: KeysState, *, healthy: bool = False) -> Flask:
    app = Flask("keys_api")

    @app.after_request
    def record(response: Response) -> Response:
        state.served.append((request.method, request.path, response.status_code))
        return response

    @app.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(spec())

    _keyed_routes(app, "/users/v2", "username", state.users, created=("", 201))
    _keyed_routes(app, "/orders/v2", "ref", state.orders, created=({"message": "order placed"}, 200))

    @app.post("/transfers")
    def transfer() -> tuple[Response, int]:
        body = request.get_json(silent=True) or {}
        if "amount" not in body and healthy:
            return jsonify({"errors": {"amount": ["Missing data for required field."]}}), 400
        try:
            amount = float(body["amount"])
        except KeyError as missing:
            return jsonify({"error": "internal error", "detail": f"KeyError: {missing}"}), 500
        if not body.get("recipient"):
            return jsonify({"error": "recipient is required"}), 400
        state.transfers.append({"recipient": body["recipient"], "amount": amount})
        return jsonify({"status": "sent", "amount": amount}), 200

    return app


def _keyed_routes(
    app: Flask, base: str, key: str, store: dict[str, dict[str, object]], created: tuple[object, int]
) -> None:
    """Create, read, update and delete objects named by ``key`` (a natural key, no id)."""
    name = base.strip("/").replace("/", "_")

    def create() -> tuple[Response | str, int]:
        body = request.get_json(silent=True) or {}
        value = body.get(key)
        if not isinstance(value, str) or not value:
            return jsonify({"error": f"{key} is required"}), 400
        if value in store:
            return jsonify({"error": f"{key} taken"}), 409
        store[value] = dict(body)
        answer, status = created
        return (jsonify(answer) if answer else "", status)

    def item(value: str) -> tuple[Response | str, int]:
        if value not in store:
            return jsonify({"error": "not found"}), 404
        if request.method == "DELETE":
            del store[value]
            return "", 204
        if request.method == "PUT":
            store[value].update({k: v for k, v in (request.get_json(silent=True) or {}).items() if k != key})
        return jsonify(store[value]), 200

    app.add_url_rule(base, f"{name}_create", create, methods=["POST"])
    app.add_url_rule(f"{base}/<value>", f"{name}_item", item, methods=["GET", "PUT", "DELETE"])
