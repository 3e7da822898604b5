"""Fixtures of the integration tests: a fresh SQL database on each backend the store supports."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from assay.adapters.store import make_engine

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_engine() -> tuple[Engine, str]:
    engine = make_engine(POSTGRES)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # the suite says why it skipped instead of failing obscurely
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES}: {exc}")
    schema = f"assay_test_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return make_engine(POSTGRES + f"?options=-csearch_path%3D{schema}"), schema


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database: a SQLite file, then a new schema on the PostgreSQL on 127.0.0.1."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        yield eng
        eng.dispose()
        return
    eng, schema = _postgres_engine()
    yield eng
    eng.dispose()
    cleanup = make_engine(POSTGRES)
    with cleanup.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    cleanup.dispose()
