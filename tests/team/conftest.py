"""Team-mode tests run against a real PostgreSQL: `.ci/run` starts one (tools/pg_test_server.sh) and exports its URL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import peewee
import pytest

from kapusta_desktop.paths import DATABASE_URL_ENV
from kapusta_desktop.store.db import close_db, init_db

PG_URL_ENV = "KAPUSTA_TEST_PG_URL"


def _admin_connection(server_url: str) -> object:
    import psycopg2

    connection = psycopg2.connect(server_url)
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run inside a transaction
    return connection


def _with_database(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database for this test; dropped afterwards.

    Skips when KAPUSTA_TEST_PG_URL is unset, except under CI, where it fails so the team tests never vanish quietly.
    """
    server_url = os.environ.get(PG_URL_ENV, "").strip()
    if not server_url:
        if os.environ.get("CI"):
            pytest.fail("team tests need KAPUSTA_TEST_PG_URL: .ci/run starts PostgreSQL")
        pytest.skip("KAPUSTA_TEST_PG_URL is not set (tools/pg_test_server.sh start prints one)")
    name = f"kapusta_t_{uuid.uuid4().hex[:12]}"
    admin = _admin_connection(server_url)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield _with_database(server_url, name)
    finally:
        with admin.cursor() as cursor:
            # FORCE: a test that failed half-way may leave connections open.
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[peewee.Database]:
    """This test's cache on its own fresh PostgreSQL database (the schema, as a relay or desk makes it)."""
    database = init_db(pg_url)
    yield database
    close_db()


@pytest.fixture
def team_db(pg_db: peewee.Database, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> peewee.Database:
    """pg_db, and KAPUSTA_DATABASE_URL pointing at it: a desk set up this way runs in team mode."""
    monkeypatch.setenv(DATABASE_URL_ENV, pg_url)
    return pg_db
