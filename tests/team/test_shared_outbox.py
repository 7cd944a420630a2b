"""A shared outbox on PostgreSQL: several desks push from it, each change goes out from exactly one desk."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import threading
from pathlib import Path

import peewee
import psycopg2
import pytest

from kapusta_desktop.sandbox.bitrix24.faults import FaultConfig
from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox
from kapusta_desktop.services.editing import CompanyInput, EditingService
from kapusta_desktop.store.models import Company, OutboxEntry
from kapusta_desktop.store.outbox import enqueue
from kapusta_desktop.store.outbox_claims import claim_due_entries

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 12, 4, 12, 0)


def _queue(records: int, op: str = "update") -> None:
    for n in range(1, records + 1):
        enqueue(target="bitrix24", entity_type="deal", entity_id=n, op=op, payload={"fields": ["title"]})


def test_a_record_claimed_by_one_desk_is_not_claimed_by_another_until_its_lease_runs_out(
        pg_db: peewee.Database) -> None:
    _queue(3)
    first = claim_due_entries("bitrix24", worker_id="desk-a", now=NOW, max_records=2, lease_seconds=60)
    assert sorted(first) == [("deal", 1), ("deal", 2)]
    # A new edit of a record desk A is pushing waits for desk A; desk B takes only the free record.
    enqueue(target="bitrix24", entity_type="deal", entity_id=1, op="update", payload={"fields": ["stage_id"]})
    second = claim_due_entries("bitrix24", worker_id="desk-b", now=NOW, max_records=10, lease_seconds=60)
    assert sorted(second) == [("deal", 3)]
    assert claim_due_entries("bitrix24", worker_id="desk-c", now=NOW, max_records=10) == {}
    claimed = {e.id: e for e in OutboxEntry.select()}
    assert [(e.claimed_by, e.attempts) for e in sorted(claimed.values(), key=lambda e: e.id)] == [
        ("desk-a", 1), ("desk-a", 1), ("desk-b", 1), (None, 0)]
    assert all(e.claimed_until is not None for e in claimed.values() if e.claimed_by)

    # Desk A dies: once its lease has run out its records, and the edit that waited, go to desk C.
    OutboxEntry.update(claimed_until=dt.datetime(2000, 1, 1)).where(OutboxEntry.claimed_by == "desk-a").execute()
    third = claim_due_entries("bitrix24", worker_id="desk-c", now=NOW, max_records=10)
    assert sorted(third) == [("deal", 1), ("deal", 2)]
    assert [e.op for e in third[("deal", 1)]] == ["update", "update"]
    # The entries as they were before this claim: one went out already (so a create would look itself up first).
    assert [e.attempts for e in third[("deal", 1)]] == [1, 0]
    assert [e.attempts for e in OutboxEntry.select().where(OutboxEntry.entity_id == 1).order_by(OutboxEntry.id)] == [
        2, 1]


def test_rows_locked_by_a_concurrent_claim_are_skipped_not_waited_for(pg_url: str, pg_db: peewee.Database) -> None:
    _queue(3)
    locked = threading.Event()
    release = threading.Event()

    def hold_record_two() -> None:
        connection = psycopg2.connect(pg_url)
        try:
            with connection.cursor() as cursor:  # psycopg2 opens a transaction: the lock holds until rollback
                cursor.execute("SELECT id FROM outbox_entry WHERE entity_id = 2 FOR UPDATE")
                locked.set()
                release.wait(30)
            connection.rollback()
        finally:
            connection.close()

    holder = threading.Thread(target=hold_record_two)
    holder.start()
    try:
        assert locked.wait(30)
        claimed = claim_due_entries("bitrix24", worker_id="desk-a", now=NOW, max_records=10)
    finally:
        release.set()
        holder.join(30)
    assert sorted(claimed) == [("deal", 1), ("deal", 3)]
    assert sorted(claim_due_entries("bitrix24", worker_id="desk-b", now=NOW, max_records=10)) == [("deal", 2)]


async def _run_desks(db_url: str, webhook_url: str, desks: int, max_records: int) -> list[int]:
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.team.push_desk", db_url, webhook_url, f"desk-{n}", str(max_records),
            cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        for n in range(desks)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            assert (await asyncio.wait_for(proc.stdout.readline(), 60)).strip() == b"ready"
        for proc in procs:  # all at once
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
        pushed = []
        for proc in procs:
            out, err = await asyncio.wait_for(proc.communicate(), 60)
            assert proc.returncode == 0, err.decode()[-2000:]
            pushed.append(int(out.split()[-1]))
        return pushed
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()


@pytest.mark.anyio
async def test_three_desks_push_every_edit_from_one_outbox_exactly_once(pg_url: str, pg_db: peewee.Database) -> None:
    service = EditingService(pg_db)
    created = [service.save_company(None, CompanyInput(title=f"ООО Команда {n}", inn=None)) for n in range(24)]
    for company in created[::3]:  # a second edit before any push: coalesced into the create
        service.save_company(company.id, CompanyInput(title=company.title + " (изм.)"))
    # Every answer is held back 30 ms, so the desks' rounds overlap.
    async with Bitrix24Sandbox(companies=1, rate=1000.0, burst=1000.0,
                               faults=FaultConfig(slow=1.0, slow_seconds=0.03)) as sb:
        before = len(sb.rows("company"))
        pushed = await _run_desks(pg_url, sb.webhook_url, desks=3, max_records=2)
        assert sum(pushed) == 24
        assert sum(1 for n in pushed if n > 0) >= 2, pushed  # the work really was shared
        assert sb.stats.commands["crm.company.add"] == 24
        assert len(sb.rows("company")) == before + 24
        rows = list(Company.select().order_by(Company.id))
        assert len({r.b24_id for r in rows}) == 24 and all(r.b24_id for r in rows)
        assert {r.sync_state for r in rows} == {"synced"}
        remote_titles = sorted(sb.row("company", r.b24_id)["TITLE"] for r in rows)
        assert remote_titles == sorted(r.title for r in rows)

        # Then one more edit of each: 24 updates, again each sent once.
        for company in rows:
            service.save_company(company.id, CompanyInput(title=company.title + "!"))
        pushed = await _run_desks(pg_url, sb.webhook_url, desks=3, max_records=2)
        assert sum(pushed) == 24
        assert sb.stats.commands["crm.company.update"] == 24
        assert sb.stats.commands["crm.company.add"] == 24
    states = {(e.state, e.claimed_by) for e in OutboxEntry.select()}
    assert states == {("done", None)}
