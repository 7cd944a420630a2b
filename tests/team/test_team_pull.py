"""One pull for the whole team: the desk holding the pull lease pulls, the others only push; a Bitrix24 outgoing
event stored by the relay makes that desk read exactly the record it names. Real PostgreSQL, the real client over
loopback HTTP against the Bitrix24 sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx
import peewee
import psycopg2
import pytest

from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
from kapusta_desktop.integrations.bitrix24.outgoing_events import OutgoingEvent
from kapusta_desktop.integrations.relay.server import RelayServer
from kapusta_desktop.paths import DATABASE_URL_ENV
from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.editing import DealInput, EditingService
from kapusta_desktop.services.sync.engine import SyncEngine
from kapusta_desktop.services.sync.status import RecordsChanged, SyncStatus
from kapusta_desktop.services.team_pull import RecordChange, RecordEventQueue, follow_bitrix24_events, record_change
from kapusta_desktop.services.team_sync import team_sync
from kapusta_desktop.store.db import open_database
from kapusta_desktop.store.models import Company, Deal, DealContact, OutboxEntry
from kapusta_desktop.store.pull_lease import PullLease
from tests.waiting import until

TOKEN = "b24-app-token-team-pull"
WEBHOOK = "https://portal.bitrix24.ru/rest/1/abcdef/"


@dataclass
class Desk:
    name: str
    client: Bitrix24Client
    lease: PullLease
    engine: SyncEngine
    bus_events: list[object]


@asynccontextmanager
async def team(pg_url: str, sb: Bitrix24Sandbox, names: tuple[str, ...]) -> AsyncIterator[list[Desk]]:
    desks = []
    for name in names:
        client = Bitrix24Client(WebhookAuth(sb.webhook_url), limits=LimitConfig(rate=1000, burst=1000),
                                backoff_base=0.01, backoff_max=0.05)
        lease = PullLease(pg_url, holder=name)
        bus = EventBus()
        events: list[object] = []
        bus.subscribe(object, events.append)
        engine = SyncEngine(client, bus, worker_id=name, pull_gate=lease, push_backoff=(0.0, 0.0))
        desks.append(Desk(name, client, lease, engine, events))
    try:
        yield desks
    finally:
        for desk in desks:
            await desk.engine.stop()
            await desk.client.aclose()
            desk.lease.close()


def list_requests(desk: Desk) -> int:
    return sum(n for method, n in desk.client.stats.methods.items() if method == "batch" or method.endswith(".list"))


@pytest.mark.anyio
async def test_one_desk_of_three_pulls_and_another_takes_over_when_it_stops(
        pg_db: peewee.Database, pg_url: str) -> None:
    async with (Bitrix24Sandbox(companies=4, rate=1000.0, burst=1000.0) as sb,
                team(pg_url, sb, ("a", "b", "c")) as desks):
        a, b, c = desks
        first = [await d.engine.sync_now() for d in desks]
        assert first[0].ok and first[0].pull is not None and first[0].pull.full  # the first sync of the cache
        assert [r.pulled_elsewhere for r in first] == [False, True, True]
        assert all(r.ok for r in first)
        assert (list_requests(b), list_requests(c)) == (0, 0)  # nothing to push, nothing pulled
        assert b.client.stats.requests == c.client.stats.requests == 0
        assert (a.engine.leading, b.engine.leading, c.engine.leading) == (True, False, False)
        assert b.engine.status().pulled_elsewhere and not a.engine.status().pulled_elsewhere
        assert b.engine.online is True and b.engine.last_sync is not None  # the shared cache is fresh
        assert Company.select().count() == len(sb.rows("company"))

        # A change in Bitrix24 reaches the shared cache through desk A's pull alone.
        company = Company.select().order_by(Company.id).first()
        sb.act_update("company", company.b24_id, {"TITLE": "ООО Общая загрузка"})
        for _ in range(3):
            for d in desks:
                await d.engine.sync_now()
        assert Company.get_by_id(company.id).title == "ООО Общая загрузка"
        assert (list_requests(b), list_requests(c)) == (0, 0)

        # Desk A stops: the turn goes to whichever desk asks next, and that desk pulls from the shared cursors.
        before = a.client.stats.requests
        await a.engine.stop()
        assert not a.lease.held
        report = await b.engine.sync_now()
        assert report.pull is not None and not report.pull.full and report.requests == 1  # one idle batch
        assert (await c.engine.sync_now()).pulled_elsewhere
        assert (a.engine.leading, b.engine.leading, c.engine.leading) == (None, True, False)
        assert a.client.stats.requests == before and list_requests(c) == 0


@pytest.mark.anyio
async def test_a_desk_that_vanishes_loses_the_lease_with_its_session(pg_db: peewee.Database, pg_url: str) -> None:
    async with Bitrix24Sandbox(companies=2, rate=1000.0, burst=1000.0) as sb, team(pg_url, sb, ("a", "b")) as desks:
        a, b = desks
        assert not (await a.engine.sync_now()).pulled_elsewhere
        assert (await b.engine.sync_now()).pulled_elsewhere
        # The server ends desk A's session, as it does for a desk whose machine died (keepalives run out).
        admin = psycopg2.connect(pg_url)
        admin.autocommit = True
        try:
            with admin.cursor() as cur:
                cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE application_name = 'kapusta-pull-lease:a'")
                assert cur.fetchall() == [(True,)]
        finally:
            admin.close()
        assert not (await b.engine.sync_now()).pulled_elsewhere  # B takes over on its next cycle
        assert b.engine.leading is True
        # Desk A notices on its next cycle that its session is gone, and finds the turn taken.
        assert (await a.engine.sync_now()).pulled_elsewhere
        assert (await a.engine.sync_now()).pulled_elsewhere
        assert (a.engine.leading, a.lease.held) == (False, False)


@pytest.mark.anyio
async def test_a_desk_bitrix24_refuses_hands_the_pulling_on(pg_db: peewee.Database, pg_url: str) -> None:
    async with (Bitrix24Sandbox(companies=2, rate=1000.0, burst=1000.0) as sb,
                team(pg_url, sb, ("a", "b")) as desks):
        a, b = desks
        a.client.auth = WebhookAuth(sb.webhook_url.replace(sb.webhook_code, "0" * 16))  # a wrong webhook
        failed = await a.engine.sync_now()
        assert failed.error and not failed.pulled_elsewhere and a.engine.refused
        assert (a.engine.leading, a.lease.held) == (False, False)  # handed on: it cannot pull for anyone
        report = await b.engine.sync_now()
        assert report.ok and report.pull is not None and report.pull.full
        assert b.engine.leading is True and (await a.engine.sync_now()).pulled_elsewhere


def _event(name: str, record_id: int, ts: str, block: str = "FIELDS") -> dict[str, str]:
    return {"event": name, f"data[{block}][ID]": str(record_id), "ts": ts, "auth[domain]": "team.bitrix24.ru",
            "auth[application_token]": TOKEN}


@pytest.mark.anyio
async def test_a_bitrix24_event_makes_the_puller_read_that_record_at_once(pg_db: peewee.Database, pg_url: str) -> None:
    relay = RelayServer(open_database(pg_url), mango_api_key="k", mango_api_salt="s", b24_application_token=TOKEN,
                        port=0)
    await relay.start()
    async with (Bitrix24Sandbox(companies=4, rate=1000.0, burst=1000.0) as sb,
                team(pg_url, sb, ("a", "b")) as desks, httpx.AsyncClient() as http):
        a, b = desks
        followers = [follow_bitrix24_events(d.engine, pg_url, cursor_name=f"{d.name}:b24", debounce=0.05,
                                            poll_seconds=1.0) for d in desks]
        try:
            await a.engine.sync_now()
            await b.engine.sync_now()
            assert [f.following for f in followers] == [True, False]  # only the puller follows
            feed = followers[0].feed
            assert feed is not None and await asyncio.to_thread(feed.connected.wait, 5)

            deals = list(Deal.select().order_by(Deal.id))
            target, edited, doomed = deals[0], deals[1], deals[2]
            before_commands, before_requests = dict(sb.stats.commands), sb.stats.requests
            # Bitrix24 sends three events for one save within a moment: one read serves them all.
            sb.act_update("deal", target.b24_id, {"TITLE": "Изменено в Битрикс24"})
            for ts in ("1767250800", "1767250801", "1767250802"):
                answer = await http.post(f"{relay.url}/bitrix24", data=_event("ONCRMDEALUPDATE", target.b24_id, ts))
                assert answer.status_code == 200
            took = await until(lambda: Deal.get_by_id(target.id).title == "Изменено в Битрикс24", "the deal read")
            assert took < 2.0
            await asyncio.sleep(0.2)  # let any stray second read show itself
            commands = {k: n - before_commands.get(k, 0) for k, n in sb.stats.commands.items()
                        if n != before_commands.get(k, 0)}
            assert commands == {"crm.deal.get": 1, "crm.deal.contact.items.get": 1}  # no list, no pull
            assert sb.stats.requests - before_requests == 1  # one batch request
            assert any(isinstance(e, RecordsChanged) and "deal" in e.entity_types for e in a.bus_events)
            assert list_requests(b) == 0

            # An operator's unsent edit of a deal survives Bitrix24's change of another field of it.
            contacts = [c.contact_id for c in DealContact.select().where(DealContact.deal == edited.id)]
            EditingService(pg_db).save_deal(edited.id, DealInput(
                title="Моё название", stage_id=edited.stage_id, amount=edited.amount, currency=edited.currency,
                company_id=edited.company_id, contact_ids=contacts, responsible_id=edited.responsible_id,
                comment=edited.comment))
            sb.act_update("deal", edited.b24_id, {"TITLE": edited.title, "OPPORTUNITY": "777000"})
            await http.post(f"{relay.url}/bitrix24", data=_event("ONCRMDEALUPDATE", edited.b24_id, "1767250900"))
            await until(lambda: Deal.get_by_id(edited.id).amount == Decimal("777000"), "the edited deal's amount")
            row = Deal.get_by_id(edited.id)
            assert (row.title, row.sync_state) == ("Моё название", "pending")
            assert OutboxEntry.select().where((OutboxEntry.entity_id == edited.id)
                                              & (OutboxEntry.state == "pending")).count() == 1

            # A deletion in Bitrix24 drops the row without asking Bitrix24 again.
            gets = sb.stats.commands["crm.deal.get"]
            sb.act_delete("deal", doomed.b24_id)
            await http.post(f"{relay.url}/bitrix24", data=_event("ONCRMDEALDELETE", doomed.b24_id, "1767251000"))
            await until(lambda: Deal.get_or_none(Deal.id == doomed.id) is None, "the deleted deal gone")
            assert sb.stats.commands["crm.deal.get"] == gets

            # When the puller stops, it stops following; the next puller follows instead.
            await a.engine.stop()
            assert not followers[0].following
            await b.engine.sync_now()
            assert followers[1].following
        finally:
            for follower in followers:
                await follower.close()
            await relay.stop()


def test_record_changes_named_by_crm_and_task_events() -> None:
    def ev(name: str, data: dict[str, object]) -> OutgoingEvent:
        return OutgoingEvent(name, data, None, None)

    assert record_change(ev("ONCRMDEALUPDATE", {"FIELDS": {"ID": "42"}})) == RecordChange("deal", 42, False)
    assert record_change(ev("ONCRMCOMPANYDELETE", {"FIELDS": {"ID": "7"}})) == RecordChange("company", 7, True)
    assert record_change(ev("ONCRMLEADADD", {"FIELDS": {"ID": "3"}})) == RecordChange("lead", 3, False)
    assert record_change(ev("ONTASKUPDATE", {"FIELDS_BEFORE": {"ID": "9"}, "FIELDS_AFTER": {"ID": "9"}})) == (
        RecordChange("task", 9, False))
    assert record_change(ev("ONTASKDELETE", {"FIELDS_BEFORE": {"ID": "9"}})) == RecordChange("task", 9, True)
    assert record_change(ev("ONCRMDEALUSERFIELDADD", {"FIELDS": {"ID": "1"}})) is None
    assert record_change(ev("ONCRMACTIVITYADD", {"FIELDS": {"ID": "1"}})) is None
    assert record_change(ev("ONCRMDEALUPDATE", {"FIELDS": {"ID": "abc"}})) is None
    assert record_change(ev("ONCRMDEALUPDATE", {})) is None


@pytest.mark.anyio
async def test_events_within_the_debounce_window_make_one_round_and_a_delete_wins() -> None:
    rounds: list[tuple[dict[str, set[int]], dict[str, set[int]]]] = []
    release = asyncio.Event()

    async def pull(changed: dict[str, set[int]], deleted: dict[str, set[int]]) -> None:
        rounds.append((changed, deleted))
        await release.wait()

    queue = RecordEventQueue(pull, debounce=0.02)
    for change in (RecordChange("deal", 1, False), RecordChange("deal", 1, False), RecordChange("contact", 5, False),
                   RecordChange("deal", 2, False), RecordChange("deal", 2, True), RecordChange("deal", 2, False)):
        queue.add(change)
    await until(lambda: len(rounds) == 1, "the first round")
    assert rounds[0] == ({"deal": {1}, "contact": {5}}, {"deal": {2}})
    queue.add(RecordChange("deal", 1, False))  # changed again while the read runs: read again afterwards
    await asyncio.sleep(0.05)
    assert len(rounds) == 1
    release.set()
    await until(lambda: len(rounds) == 2, "the second round")
    assert rounds[1] == ({"deal": {1}}, {})
    await queue.aclose()


def test_a_team_desk_s_runtime_pulls_behind_the_lease_and_follows_events(
        qtbot: object, pg_db: peewee.Database, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kapusta_desktop.ui.sync_adapter import status_text, sync_runtime_from_settings

    assert team_sync(WEBHOOK, tmp_path / "solo").lease is None  # a desk alone always pulls
    monkeypatch.setenv(DATABASE_URL_ENV, pg_url)
    runtime = sync_runtime_from_settings(object(), EventBus(), webhook_url=WEBHOOK, profile_root=tmp_path / "desk")
    assert runtime is not None
    qtbot.addWidget(runtime.conflicts_view)  # type: ignore[attr-defined]
    try:
        assert runtime.team.lease is not None and runtime.engine.pull_gate is runtime.team.lease
        assert runtime.follower is not None and runtime.engine.on_leading == runtime.follower.set_leading
        assert runtime.follower.cursor_name == runtime.team.worker_id + ":b24"
    finally:
        asyncio.run(runtime.stop())
    status = SyncStatus(online=True, running=False, pending=0, errors=0, conflicts=0, last_sync=None,
                        pulled_elsewhere=True)
    assert status_text(status) == ("online", "online, another desk pulls for the team")
