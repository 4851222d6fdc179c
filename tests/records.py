"""Record fixtures: a fresh record on SQLite (a file in tmp_path) and on a real PostgreSQL server.

PostgreSQL: the URL of a database whose role may create databases comes in
MOVEMENT_CHECK_TEST_POSTGRES (``make test`` sets it from .ci/postgres, which
installs Debian's postgresql and starts it). Each test gets a database of its
own, dropped afterwards. Without the URL the PostgreSQL cases skip, unless
MOVEMENT_CHECK_REQUIRE_POSTGRES=1 (set by .ci/run), where they fail.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES = os.environ.get("MOVEMENT_CHECK_TEST_POSTGRES", "")
KINDS = ["sqlite", "postgresql"]
REQUIRED = os.environ.get("MOVEMENT_CHECK_REQUIRE_POSTGRES") == "1"


def database_url(kind: str, tmp_path):
    """A URL (or file path) for an empty database of ``kind`` (sqlite | postgresql); yields, then drops it."""
    if kind == "sqlite":
        yield tmp_path / "record.sqlite"
        return
    if not POSTGRES:
        if REQUIRED:
            pytest.fail("MOVEMENT_CHECK_TEST_POSTGRES is not set: .ci/postgres did not start PostgreSQL")
        pytest.skip("no PostgreSQL server (run through `make test`, which starts one with .ci/postgres)")
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"mc_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

