"""Team mode end to end: two relay processes and three desk processes on one PostgreSQL, against the sandboxes.

Everything here runs as it does in production, each in a process of its own: `kapusta-desktop relay` twice
(started together on the empty database), and three desks (tests/team/team_desk.py: the team feed into a
CallDesk for extension 101, 102 or 103, and a SyncEngine pushing under the team's shared Bitrix24 budget). The
test process plays the PBX (the Mango sandbox's scenarios, signed as the PBX signs) and hosts the Bitrix24
sandbox, which enforces the portal's leaky bucket, made small here (10 requests, draining 10/s) so that a short
burst of edits would overflow it if the desks did not share their budget.

- A call to extension 102 pops up on desk 102 only; a queue call ringing 101 and 102 pops up on both, and
  desk 101 learns that 102 took it. Each finished call is stored once and logged to Bitrix24 once.
- Relay A is killed (SIGKILL) in the middle of a stream of PBX events; what did not get a 200 from it is sent
  to relay B. Every event reaches every desk exactly once.
- Each desk creates, then renames, companies of its own, pushing after every edit: each edit reaches Bitrix24
  exactly once, and the sandbox never answers QUERY_LIMIT_EXCEEDED.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.sandbox.mango.sender import pbx_form, play
from kapusta_desktop.store.db import close_db, init_db
from kapusta_desktop.store.models import CallRecord, Company, Contact, OutboxEntry, RelayEvent, UserManager
from tests.services.calls_fixtures import add_phone
from tests.waiting import until

ROOT = Path(__file__).resolve().parents[2]
KEY, SALT = "e2e-mango-key-0123456789", "e2e-mango-salt-0123456789"
RATE, BURST = 10.0, 10  # the sandbox portal's bucket, five times faster than a real one
# The desks keep HEADROOM requests below the burst: half a second of drain, as the defaults do (1 request at 2/s).
# That slack absorbs requests reaching the portal later than the budget handed them out: a desk's first request
# (a new connection) arrives 150-200 ms after its take here, later ones within 10 ms. With 1 request of headroom
# at 10/s (0.1 s) the sandbox refused one request in 4 runs of 5.
HEADROOM = 5.0
EDITS = 8  # companies per desk: 3 desks x 8 pushes in a row are more than the burst
STREAM = 60  # calls in the stream, two events each
CLIENT = "79161234567"
DESKS = ("101", "102", "103")


@dataclass
class Child:
    """A subprocess, its stdout lines as they come (JSON for a desk) and its stderr in a file."""

    name: str
    proc: asyncio.subprocess.Process
    stderr: Path
    lines: list[Any] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None

    def of(self, key: str, value: Any = None) -> list[dict[str, Any]]:
        return [m for m in self.lines if isinstance(m, dict) and key in m and (value is None or m[key] == value)]

    async def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command.encode() + b"\n")
        await self.proc.stdin.drain()

    def report(self) -> str:
        err = self.stderr.read_text(errors="replace")[-3000:] if self.stderr.exists() else ""
        tail = "\n".join(str(x) for x in self.lines[-15:])
        return f"--- {self.name} (exit {self.proc.returncode}) stderr:\n{err}\n--- last stdout:\n{tail}\n"


class Team:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.children: list[Child] = []

    async def spawn(self, name: str, args: list[str], env: dict[str, str], *, json_lines: bool) -> Child:
        profile = self.dir / name
        profile.mkdir(parents=True, exist_ok=True)
        stderr = self.dir / f"{name}.stderr"
        with stderr.open("wb") as err:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, *args, cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=err, env=dict(os.environ, KAPUSTA_PROFILE_DIR=str(profile), **env))
        child = Child(name, proc, stderr)
        self.children.append(child)

        async def read() -> None:
            assert proc.stdout is not None
            async for raw in proc.stdout:
                text = raw.decode(errors="replace").strip()
                child.lines.append(json.loads(text) if json_lines and text.startswith("{") else text)

        child.reader = asyncio.create_task(read())
        return child

    async def close(self) -> None:
        """Kill whatever still runs and show every child's stderr (pytest prints it when the test failed)."""
        for child in self.children:
            if child.proc.returncode is None:
                child.proc.kill()
        for child in self.children:
            await child.proc.wait()
            if child.reader is not None:
                await asyncio.wait_for(child.reader, 10)
            print(child.report())


@pytest.fixture
async def team(tmp_path: Path) -> AsyncIterator[Team]:
    crew = Team(tmp_path)
    try:
        yield crew
    finally:
        await crew.close()


async def start_relay(team: Team, db_url: str, name: str) -> tuple[Child, str]:
    child = await team.spawn(name, ["-m", "kapusta_desktop", "--log-level", "WARNING", "relay", "--port", "0",
                                    "--database-url", db_url, "--name", name],
                             {"KAPUSTA_MANGO_API_KEY": KEY, "KAPUSTA_MANGO_API_SALT": SALT}, json_lines=False)
    await until(lambda: bool(child.lines) or child.proc.returncode is not None, f"{name} to start", 30)
    match = re.search(r"listening on (http://\S+)", child.lines[0] if child.lines else "")
    assert match, child.report()
    return child, match.group(1)


async def start_desk(team: Team, db_url: str, webhook_url: str, extension: str) -> Child:
    return await team.spawn(f"desk-{extension}", ["-m", "tests.team.team_desk", webhook_url, str(RATE), str(BURST),
                                                     str(HEADROOM)],
                            {"KAPUSTA_DATABASE_URL": db_url, "KAPUSTA_DESK_EXTENSIONS": extension}, json_lines=True)


def seed_cache(sb: Bitrix24Sandbox) -> None:
    """The managers behind the extensions and one known caller, who is also in the portal (calls bind to him)."""
    for n, (ext, name) in enumerate(zip(DESKS, ("Иван Иванов", "Мария Петрова", "Олег Сидоров"), strict=True)):
        UserManager.create(name=name, b24_user_id=n + 1, mango_extension=ext)
    remote = sb.act_add("contact", {"NAME": "Пётр", "LAST_NAME": "Сергеев"})
    contact = Contact.create(name="Пётр", last_name="Сергеев", b24_id=remote)
    add_phone("contact", contact.id, "8 (916) 123-45-67")


def legs(desk: Child, prefix: str) -> list[tuple[str, int]]:
    return [(c, s) for c, s in (m["mango"] for m in desk.of("mango")) if c.startswith(prefix)]


@pytest.mark.slow
@pytest.mark.anyio
async def test_three_desks_and_two_relays_on_one_database(pg_url: str, team: Team) -> None:
    async with Bitrix24Sandbox(companies=1, rate=RATE, burst=BURST) as sb:
        # Two relays start at once on an empty database: they take turns creating the schema.
        (relay_a, url_a), (relay_b, url_b) = await asyncio.gather(
            start_relay(team, pg_url, "relay-a"), start_relay(team, pg_url, "relay-b"))
        init_db(pg_url)
        try:
            seed_cache(sb)
            desks = {ext: await start_desk(team, pg_url, sb.webhook_url, ext) for ext in DESKS}
            await until(lambda: all(d.of("ready") for d in desks.values()), "every desk to start", 30)
            ready = {ext: d.of("ready")[0] for ext, d in desks.items()}
            assert all(r["shared"] and r["extensions"] == [ext] for ext, r in ready.items()), ready
            assert len({r["worker"] for r in ready.values()}) == 3  # three names in the outbox's claims

            await calls_pop_up_where_they_ring(desks, url_a, url_b)
            await a_relay_killed_mid_stream_loses_nothing(desks, relay_a, url_a, url_b)
            await edits_go_out_once_under_the_shared_budget(desks, sb)

            for desk in desks.values():
                await desk.send("quit")
            for desk in desks.values():
                assert await asyncio.wait_for(desk.proc.wait(), 15) == 0, desk.report()
            relay_b.proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(relay_b.proc.wait(), 15) == 0, relay_b.report()
        finally:
            close_db()


async def calls_pop_up_where_they_ring(desks: dict[str, Child], url_a: str, url_b: str) -> None:
    direct = scenarios.incoming(client=CLIENT, extension="102", rng=random.Random(1))
    queued = scenarios.queue(client=CLIENT, extensions=["101", "102"], answered_by="102", rng=random.Random(2))
    direct_id, queued_id = direct[0].payload["entry_id"], queued[0].payload["entry_id"]
    assert await play(url_a + "/mango", direct, api_key=KEY, api_salt=SALT, paced=False) == [200] * len(direct)
    assert await play(url_b + "/mango", queued, api_key=KEY, api_salt=SALT, paced=False) == [200] * len(queued)
    await until(lambda: all({m["summary"] for m in d.of("summary")} == {direct_id, queued_id}
                            for d in desks.values()), "every desk to get both calls' summaries")
    await until(lambda: sum(len(d.of("bus", "CallLogged")) for d in desks.values()) == 2, "both calls stored")
    await asyncio.sleep(0.3)  # anything that should not come would have come by now

    def rings(ext: str) -> list[tuple[str, str, str | None]]:
        return [(m["entry_id"], m["extension"], m["name"]) for m in desks[ext].of("bus", "CallRinging")]

    assert rings("102") == [(direct_id, "102", "Сергеев Пётр"), (queued_id, "102", "Сергеев Пётр")]
    assert rings("101") == [(queued_id, "101", "Сергеев Пётр")]  # the queue rang 101 too; the direct call did not
    assert rings("103") == []
    taken = [(m["entry_id"], m["extension"], m["manager"]) for m in desks["101"].of("bus", "CallTakenElsewhere")]
    assert taken == [(queued_id, "102", "Мария Петрова")]
    assert [m["entry_id"] for m in desks["102"].of("bus", "CallAnswered")] == [direct_id, queued_id]
    assert [m for m in desks["103"].of("bus") if m["bus"] != "CallLogged"] == []  # no pop-up, nothing to show
    logged = Counter(m["entry_id"] for d in desks.values() for m in d.of("bus", "CallLogged"))
    assert logged == {direct_id: 1, queued_id: 1}  # three desks saw each call end; one stored it
    assert sorted(r.entry_id for r in CallRecord.select()) == sorted([direct_id, queued_id])


async def a_relay_killed_mid_stream_loses_nothing(
    desks: dict[str, Child], relay_a: Child, url_a: str, url_b: str
) -> None:
    # Calls ringing an extension no desk has: the desks only follow them. Two events each (seq 1, 2).
    events = [{"entry_id": f"stream-entry-{n}", "call_id": f"stream-{n}", "seq": seq, "call_state": state,
               "timestamp": 1767250800 + n, "location": "abonent", "from": {"number": CLIENT},
               "to": {"extension": "150"}}
              for n in range(STREAM) for seq, state in ((1, "Appeared"), (2, "Connected"))]
    answered: Counter[str] = Counter()
    async with httpx.AsyncClient(timeout=10) as client:

        async def deliver(payload: dict[str, Any]) -> None:
            form = pbx_form(KEY, SALT, payload)
            try:
                r = await client.post(f"{url_a}/mango/events/call", data=form)
                if r.status_code == 200:
                    answered["a"] += 1
                    return
            except httpx.TransportError:
                pass
            # No 200 from A (killed before or while answering): the PBX, or the load balancer, tries B.
            r = await client.post(f"{url_b}/mango/events/call", data=form)
            assert r.status_code == 200, r.text
            answered["b"] += 1

        sends = []
        for i, payload in enumerate(events):
            if i == len(events) // 2:
                relay_a.proc.send_signal(signal.SIGKILL)  # mid-stream, with requests in flight
            sends.append(asyncio.create_task(deliver(payload)))
            await asyncio.sleep(0.004)
        await asyncio.gather(*sends)
    assert await asyncio.wait_for(relay_a.proc.wait(), 10) == -signal.SIGKILL
    assert answered["a"] > 0 and answered["b"] > 0, answered
    every = sorted((e["call_id"], e["seq"]) for e in events)
    stored = RelayEvent.select().where(RelayEvent.call_id.startswith("stream-"))
    assert sorted((r.call_id, r.seq) for r in stored) == every  # each once, though some went to both relays
    await until(lambda: all(len(legs(d, "stream-")) >= len(every) for d in desks.values()),
                "every desk to get the whole stream")
    await asyncio.sleep(0.3)
    for ext, desk in desks.items():
        assert sorted(legs(desk, "stream-")) == every, f"desk {ext}"


async def edits_go_out_once_under_the_shared_budget(desks: dict[str, Child], sb: Bitrix24Sandbox) -> None:
    for command in (f"create {EDITS}", "update"):
        requests_before = sb.stats.requests
        started = time.monotonic()
        for desk in desks.values():  # all at once
            await desk.send(command)
        verb = command.split()[0]
        await until(lambda verb=verb: all(d.of("done", verb) for d in desks.values()),
                    f"every desk to finish {command!r}", 20)
        elapsed = time.monotonic() - started
        requests = sb.stats.requests - requests_before
        # More than the bucket holds went out in a burst, yet the sandbox refused none: the budget spread them.
        assert requests > BURST, requests
        assert sb.stats.query_limit_exceeded == 0, sb.stats.as_dict()
        assert elapsed >= (requests - BURST) / RATE * 0.8, (requests, elapsed)
        print(f"{command}: {requests} requests in {elapsed:.1f} s")

    assert sb.stats.commands["crm.company.add"] == 3 * EDITS, sb.stats.as_dict()
    assert sb.stats.commands["crm.company.update"] == 3 * EDITS, sb.stats.as_dict()
    mine = {ext: d.of("done", "update")[0]["mine"] for ext, d in desks.items()}
    assert sorted(i for ids in mine.values() for i in ids) == sorted(c.id for c in Company.select())
    companies = list(Company.select())
    assert len(companies) == 3 * EDITS and len({c.b24_id for c in companies if c.b24_id}) == 3 * EDITS
    assert {c.sync_state for c in companies} == {"synced"}
    for company in companies:
        remote = sb.row("company", company.b24_id)
        assert remote is not None and remote["TITLE"] == company.title and company.title.endswith(" (изм.)")
    assert {e.state for e in OutboxEntry.select()} == {"done"}
    # The calls of the first part went out with the edits: one call activity each, from whichever desk claimed it.
    origins = Counter(a.get("ORIGIN_ID") for a in sb.rows("activity"))
    for record in CallRecord.select():
        assert origins[f"mango:{record.entry_id}"] == 1
        assert record.sync_state == "synced"
