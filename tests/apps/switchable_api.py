"""A small notes API whose bugs are switched on one by one (for ``tests/e2e/test_cli_ci.py``).

``build_switchable_api(bugs)`` plants any of ``BUGS``:

- ``crash``: ``GET /stats`` answers 500 to every request (a division by zero on the server,
  reported as a ``server_error``);
- ``leak``: ``GET /notes/{note_id}`` also hands out its owner's password hash (``data_exposure``).

With no bug it is a healthy twin: the same operations, each answering as documented. Werkzeug's
own ``Server: Werkzeug/x Python/y`` banner stays in every mode, so a run always has a finding
that a second run finds again (an ``information_disclosure`` that is "still there").
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

BUGS = ("crash", "leak")

_NOTE: dict[str, object] = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "title": {"type": "string"}, "body": {"type": "string"}},
    "required": ["id", "title"],
}
_NEW_NOTE: dict[str, object] = {
    "type": "object",
    "properties": {"title": {"type": "string", "minLength": 1}, "body": {"type": "string"}},
    "required": ["title"],
}


def _json(schema: dict[str, object], description: str = "ok") -> dict[str, object]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def spec() -> dict[str, object]:
    note_id = {"name": "note_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    stats: dict[str, object] = {
        "type": "object",
        "properties": {"notes": {"type": "integer"}},
        "required": ["notes"],
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "switchable notes", "version": "1"},
        "paths": {
            "/notes": {
                "get": {
                    "operationId": "listNotes",
                    "summary": "List notes",
                    "responses": {"200": _json({"type": "array", "items": _NOTE})},
                },
                "post": {
                    "operationId": "createNote",
                    "summary": "Create a note",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _NEW_NOTE}}},
                    "responses": {"201": _json(_NOTE, "created"), "400": {"description": "invalid"}},
                },
            },
            "/notes/{note_id}": {
                "get": {
                    "operationId": "readNote",
                    "summary": "Read a note",
                    "parameters": [note_id],
                    "responses": {"200": _json(_NOTE), "404": {"description": "no such note"}},
                },
            },
            "/stats": {
                "get": {
                    "operationId": "stats",
                    "summary": "Count the notes",
                    "responses": {"200": _json(stats)},
                },
            },
        },
    }


def build_switchable_api(bugs: frozenset[str] = frozenset()) -> Flask:
    unknown = bugs - set(BUGS)
    if unknown:
        raise ValueError(f"unknown bugs: {sorted(unknown)}")
    app = Flask("switchable_api")
    notes: dict[int, dict[str, object]] = {}

    @app.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(spec())

    @app.get("/notes")
    def list_notes() -> Response:
        return jsonify(list(notes.values()))

    @app.post("/notes")
    def create_note() -> tuple[Response, int]:
        body = request.get_json(silent=True)
        title = body.get("title") if isinstance(body, dict) else None
        if not isinstance(title, str) or not title:
            return jsonify({"error": "title is required"}), 400
        text = body.get("body") if isinstance(body, dict) else None
        note: dict[str, object] = {
            "id": len(notes) + 1,
            "title": title,
            "body": text if isinstance(text, str) else "",
        }
        notes[int(str(note["id"]))] = note
        return jsonify(note), 201

    @app.get("/notes/<int:note_id>")
    def read_note(note_id: int) -> tuple[Response, int]:
        note = notes.get(note_id)
        if note is None:
            return jsonify({"error": "no such note"}), 404
        if "leak" in bugs:  # BUG: the owner's record travels with the note
            owner = {
                "username": "olga",
                "password_hash": "$2b$12$KIXQJp1r6Ttl8e3Wc4kC9uR0yZ6eE1tB9mH2aLwq8s3fG7dV5nPaO",
            }
            return jsonify({**note, "owner": owner}), 200
        return jsonify(note), 200

    @app.get("/stats")
    def stats() -> tuple[Response, int]:
        if "crash" in bugs:  # BUG: an average over the wrong count, once per request
            return Response("Internal Server Error", status=500, mimetype="text/plain"), 500
        return jsonify({"notes": len(notes)}), 200

    return app
