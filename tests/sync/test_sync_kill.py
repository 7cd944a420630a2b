"""A pusher killed with SIGKILL at random points while pushing 1,000 edits, restarted: 20 trials.

Every edit must reach Bitrix24 and no record may be created twice. The sandbox
runs in the test process; the pusher is a subprocess over loopback HTTP.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from kapusta_desktop.integrations.bitrix24 import mapping as m
from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox
from kapusta_desktop.store.db import close_db, init_db
from kapusta_desktop.store.models import Contact, Deal, OutboxEntry, Phone
from tests.sync.helpers import FAST, rig

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
TRIALS = int(os.environ.get("KAPUSTA_KILL_TRIALS", "20"))
COMPANIES = 10
EDITS = 1000
KILLS_PER_SET = 5


def _make_edits() -> None:
    """1,000 saved edits as the editing service records them (row, merge base, pending, one outbox entry each):
    150 new contacts with a phone, 150 new deals, 700 updates spread over the existing deals and contacts.
    Written in bulk so the setup stays fast; the pusher only sees rows and entries."""
    deals = list(Deal.select().order_by(Deal.id))
    contacts = list(Contact.select().order_by(Contact.id))
    entries: list[dict] = []
    with Deal._meta.database.atomic():
        for i in range(150):
            c = Contact.create(name=f"Клиент{i}", last_name="Убитов", sync_state="pending")
            Phone.create(owner_type="contact", owner_id=c.id, raw=f"+7 916 800-{i // 100:02d}-{i % 100:02d}",
                         e164=f"+7916800{i // 100:02d}{i % 100:02d}", value_type="WORK")
            entries.append({"entity_type": "contact", "entity_id": c.id, "op": "create",
                            "payload": {"fields": ["name", "last_name", "phones"]}})
            d = Deal.create(title=f"Новая {i}", amount=Decimal(i), company=deals[0].company_id, sync_state="pending")
            entries.append({"entity_type": "deal", "entity_id": d.id, "op": "create",
                            "payload": {"fields": ["title", "amount", "company"]}})
        for n in range(EDITS - 300):
            if n % 3 == 2:
                row, name = contacts[n % len(contacts)], "last_name"
                new = f"{row.last_name.split('#')[0]}#{n}"
                fields = [name]
            else:
                row, name = deals[n % len(deals)], "title"
                new = f"{row.title.split('#')[0]}#{n}"
                row.amount = row.amount + 1
                fields = [name, "amount"]
            base = dict(row.base_values or {})
            for f in fields:
                base.setdefault(f, str(getattr(row, f)) if f != "amount" else f"{row.amount - 1:.2f}")
            setattr(row, name, new)
            row.base_values, row.sync_state = base, "pending"
            entries.append({"entity_type": "contact" if isinstance(row, Contact) else "deal", "entity_id": row.id,
                            "op": "update", "payload": {"fields": fields}})
        for row in deals + contacts:
            row.save()
        for start in range(0, len(entries), 200):
            OutboxEntry.insert_many([{"target": "bitrix24", **e} for e in entries[start:start + 200]]).execute()
    assert OutboxEntry.select().count() == EDITS


async def _worker(db_path: Path, url: str) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.sync.push_worker", str(db_path), url, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 30)
    assert line.strip() == b"ready", (line, await proc.stderr.read() if proc.stderr else b"")
    return proc


def _check(sb: Bitrix24Sandbox, seeded: dict[str, int]) -> None:
    assert OutboxEntry.select().where(OutboxEntry.state != "done").count() == 0
    for entity, model, spec in (("contact", Contact, m.CONTACT), ("deal", Deal, m.DEAL)):
        origins = Counter(r.get("ORIGIN_ID") for r in sb.rows(entity) if r.get("ORIGINATOR_ID") == "kapusta")
        assert len(origins) == 150 and max(origins.values()) == 1, f"duplicate {entity}"
        assert len(sb.rows(entity)) == seeded[entity] + 150
        for row in model.select():
            assert row.b24_id is not None and row.sync_state == "synced"
            portal = m.record_from_remote(spec, sb.row(entity, row.b24_id))
            names = ("title", "amount") if entity == "deal" else ("name", "last_name")
            for name in names:
                mine, theirs = getattr(row, name), portal.values[name]
                assert mine == theirs, f"{entity} {row.id} {name}: cache {mine!r}, portal {theirs!r}"


async def test_sigkill_while_pushing_1000_edits_loses_nothing_and_duplicates_nothing(db, tmp_path: Path) -> None:
    async with rig(companies=COMPANIES) as r:
        await r.engine.sync_now(full=True)
    _make_edits()
    template = tmp_path / "template.sqlite3"
    db.execute_sql("VACUUM INTO ?", (str(template),))
    close_db()
    rng = random.Random(5)
    kills = landed = 0
    dataset = 0
    while kills < TRIALS:
        # Each data set: a fresh portal and the 1,000 edits, killed KILLS_PER_SET times, then finished and checked.
        trial_db = tmp_path / f"set{dataset}.sqlite3"
        shutil.copy(template, trial_db)
        async with Bitrix24Sandbox(companies=COMPANIES, **FAST) as sb:
            seeded = {"contact": len(sb.rows("contact")), "deal": len(sb.rows("deal"))}
            for _ in range(min(KILLS_PER_SET, TRIALS - kills)):
                proc = await _worker(trial_db, sb.webhook_url)
                await asyncio.sleep(rng.uniform(0.0, 0.4))
                if proc.returncode is None:
                    proc.send_signal(signal.SIGKILL)
                out, _ = await proc.communicate()
                kills += 1
                landed += proc.returncode == -signal.SIGKILL and b"done" not in out
            again = await _worker(trial_db, sb.webhook_url)
            out, err = await asyncio.wait_for(again.communicate(), 60)
            assert again.returncode == 0 and b"done" in out, err.decode()[-2000:]
            init_db(trial_db)
            try:
                _check(sb, seeded)
            finally:
                close_db()
        dataset += 1
    assert landed >= TRIALS // 2, f"only {landed} of {TRIALS} kills landed while the push was running"
