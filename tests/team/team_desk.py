"""One desk of the team end-to-end test, without Qt: `python -m tests.team.team_desk WEBHOOK_URL RATE BURST HEADROOM`.

It runs the services a desk runs in team mode, wired as the console wires them: the team feed
(services/team_feed.start_team_feed -> CallDesk, its extensions from KAPUSTA_DESK_EXTENSIONS) and a SyncEngine
whose Bitrix24 client takes its requests from the team's shared budget under this desk's own worker name
(services/team_sync.team_sync, as ui/sync_adapter.py does). The environment names the shared database
(KAPUSTA_DATABASE_URL), the desk's extensions and its profile (KAPUSTA_PROFILE_DIR).

stdout, one JSON object a line: {"ready": ...} once started; {"bus": KIND, ...} for each pop-up event the desk
publishes; {"mango": [call_id, seq]} / {"summary": entry_id} for each PBX event the feed hands the desk;
{"done": COMMAND, ...} after a command. stdin, one command a line:
  create N   create N companies through the editing service, pushing after each, then until the outbox is empty
  update     rename each company this desk created, pushing after each, then until the outbox is empty
  quit       stop the feed and the engine, exit 0
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

DRAIN_SECONDS = 20.0


def emit(**fields: Any) -> None:
    print(json.dumps(fields, ensure_ascii=False), flush=True)


async def main(webhook_url: str, rate: float, burst: int, headroom: float) -> int:
    from kapusta_desktop.domain.pbx_events import CallEvent, MangoEvent, SummaryEvent
    from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
    from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
    from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
    from kapusta_desktop.paths import resolve_profile
    from kapusta_desktop.services.bus import EventBus
    from kapusta_desktop.services.call_desk import (
        CallAnswered,
        CallDesk,
        CallEnded,
        CallLogged,
        CallRinging,
        CallTakenElsewhere,
    )
    from kapusta_desktop.services.call_logging import push_call_log
    from kapusta_desktop.services.editing import CompanyInput, EditingService
    from kapusta_desktop.services.sync.engine import SyncEngine
    from kapusta_desktop.services.team_feed import (
        desk_cursor_name,
        desk_extensions_from_env,
        desk_extensions_source,
        start_team_feed,
        team_database_url,
    )
    from kapusta_desktop.services.team_sync import team_sync
    from kapusta_desktop.store.db import close_db, init_db
    from kapusta_desktop.store.models import Company
    from kapusta_desktop.store.outbox import pending_count

    url = team_database_url()
    if url is None:
        print("KAPUSTA_DATABASE_URL must name the shared PostgreSQL", file=sys.stderr)
        return 2
    profile = resolve_profile().ensure()
    database = init_db(url)
    bus = EventBus()
    bus.subscribe(CallRinging, lambda e: emit(bus="CallRinging", entry_id=e.entry_id, call_id=e.call_id,
                                              extension=e.extension,
                                              name=e.card.best.name if e.card.best else None))
    bus.subscribe(CallAnswered, lambda e: emit(bus="CallAnswered", entry_id=e.entry_id, extension=e.extension))
    bus.subscribe(CallTakenElsewhere, lambda e: emit(bus="CallTakenElsewhere", entry_id=e.entry_id,
                                                     extension=e.extension, manager=e.manager_name))
    bus.subscribe(CallEnded, lambda e: emit(bus="CallEnded", entry_id=e.entry_id, extension=e.extension))
    bus.subscribe(CallLogged, lambda e: emit(bus="CallLogged", entry_id=e.entry_id, result=e.result))
    desk = CallDesk(bus, database, desk_extensions=desk_extensions_source())

    handle = desk.handle

    def observed(event: MangoEvent) -> None:  # every PBX event the feed hands this desk, before the desk acts
        if isinstance(event, CallEvent):
            emit(mango=[event.call_id, event.seq])
        elif isinstance(event, SummaryEvent):
            emit(summary=event.entry_id)
        handle(event)

    desk.handle = observed  # type: ignore[method-assign]
    feed = await start_team_feed(desk, url, cursor_name=desk_cursor_name(profile.root))
    limits = LimitConfig(rate=rate, burst=burst, headroom=headroom)
    team = team_sync(webhook_url, profile.root, limits)
    client = Bitrix24Client(WebhookAuth(webhook_url), limits=limits, limiter=team.limiter)
    engine = SyncEngine(client, bus, call_logger=push_call_log, worker_id=team.worker_id, pull_gate=team.lease)
    # Only its pusher runs here (the schedule is not started: no pulls, whose requests would blur the counts).
    editing = EditingService(database)
    mine: list[int] = []
    emit(ready=True, extensions=desk_extensions_from_env(), worker=team.worker_id, shared=team.limiter is not None)

    async def drain() -> int:
        records = 0
        deadline = time.monotonic() + DRAIN_SECONDS
        while pending_count("bitrix24"):  # other desks' claims too: the team's outbox, not only ours
            if time.monotonic() > deadline:
                raise TimeoutError(f"the outbox still has {pending_count('bitrix24')} pending")
            records += (await engine.pusher.push_all()).records
            await asyncio.sleep(0.02)
        return records

    try:
        while True:
            line = (await asyncio.to_thread(sys.stdin.readline)).split()
            if not line or line[0] == "quit":
                return 0
            pushed = 0
            started = time.monotonic()
            if line[0] == "create":
                for n in range(int(line[1])):
                    company = editing.save_company(None, CompanyInput(title=f"{team.worker_id[-6:]} #{n}"))
                    mine.append(company.id)
                    pushed += (await engine.pusher.push_all()).records
            elif line[0] == "update":
                for company_id in mine:
                    title = Company.get_by_id(company_id).title
                    editing.save_company(company_id, CompanyInput(title=title + " (изм.)"))
                    pushed += (await engine.pusher.push_all()).records
            else:
                print(f"unknown command {line!r}", file=sys.stderr)
                return 2
            pushed += await drain()
            emit(done=line[0], pushed=pushed, mine=mine, seconds=round(time.monotonic() - started, 2),
                 requests=client.stats.requests)
    finally:
        await feed.stop()
        await engine.stop()
        await client.aclose()
        team.close()
        close_db()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))))
