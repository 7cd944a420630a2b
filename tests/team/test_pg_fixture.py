"""The pg_url fixture hands each test its own empty database."""

from __future__ import annotations

import psycopg2


def test_each_test_gets_an_empty_database_of_its_own(pg_url: str) -> None:
    connection = psycopg2.connect(pg_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database(), count(*) FROM pg_tables WHERE schemaname = 'public'")
            name, tables = cursor.fetchone()
    finally:
        connection.close()
    assert name.startswith("kapusta_t_")
    assert pg_url.endswith("/" + name)
    assert tables == 0
