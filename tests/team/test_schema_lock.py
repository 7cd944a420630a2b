"""Relays and desks starting at once on an empty PostgreSQL database take turns creating the schema."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import psycopg2
import pytest

from kapusta_desktop.store.db import SCHEMA_LOCK_KEY, close_db, init_db
from kapusta_desktop.store.migrations import current_version, latest_version

ROOT = Path(__file__).resolve().parents[2]
# Import first, then wait for "go": the processes reach init_db together, not one import time apart.
STARTER = ("import sys\nfrom kapusta_desktop.store.db import init_db\nprint('ready', flush=True)\n"
           "sys.stdin.readline()\ninit_db(sys.argv[1])\nprint('done', flush=True)\n")


def test_four_processes_creating_the_schema_at_once_all_succeed(pg_url: str) -> None:
    # Without the lock, CREATE TABLE IF NOT EXISTS racing in four sessions fails on pg_type's unique key.
    procs = [subprocess.Popen([sys.executable, "-c", STARTER, pg_url], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = [proc.communicate(timeout=60) for proc in procs]
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                proc.wait()
    failed = [err.strip().splitlines()[-3:] for (_out, err), proc in zip(results, procs, strict=True)
              if proc.returncode != 0]
    assert failed == []
    assert [out.split() for out, _err in results] == [["done"]] * 4
    database = init_db(pg_url)
    try:
        assert current_version(database) == latest_version()
        with database.cursor() as cur:  # nobody holds the lock any more
            cur.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
            assert cur.fetchone()[0] == 0
    finally:
        close_db()


def test_init_db_waits_while_another_process_holds_the_schema_lock(pg_url: str) -> None:
    holder = psycopg2.connect(pg_url)
    holder.autocommit = True
    finished = threading.Event()
    errors: list[BaseException] = []

    def start() -> None:
        try:
            init_db(pg_url)
        except BaseException as exc:  # shown by the assertion below
            errors.append(exc)
        finally:
            finished.set()

    try:
        with holder.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
        thread = threading.Thread(target=start)
        thread.start()
        assert not finished.wait(0.5), "init_db did not wait for the schema lock"
        with holder.cursor() as cur:
            cur.execute("SELECT to_regclass('schema_version')")
            assert cur.fetchone()[0] is None  # nothing created while the lock was held elsewhere
            cur.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))
        assert finished.wait(30)
        thread.join(5)
        assert errors == []
        with holder.cursor() as cur:
            cur.execute("SELECT max(version) FROM schema_version")
            assert cur.fetchone()[0] == latest_version()
    finally:
        holder.close()
        close_db()


@pytest.mark.parametrize("broken", [False, True])
def test_the_lock_is_released_when_migrating_fails(pg_url: str, broken: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import kapusta_desktop.store.migrations as migrations

    if broken:
        def fail(*_a: object, **_k: object) -> int:
            raise RuntimeError("migration step failed")

        monkeypatch.setattr(migrations, "migrate", fail)
        with pytest.raises(RuntimeError, match="migration step failed"):
            init_db(pg_url)
    else:
        init_db(pg_url)
    try:
        other = psycopg2.connect(pg_url)
        try:
            with other.cursor() as cur:
                cur.execute("SELECT pg_try_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
                assert cur.fetchone()[0] is True  # free, although this process's session is still open
        finally:
            other.close()
    finally:
        close_db()
