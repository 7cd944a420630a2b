"""Pop-up latency: signed Mango `Appeared` event POSTed -> pop-up visible with the caller's name.

Cache: 100,000 contacts and 200,000 deals (sample data); the listener, the call
desk and the pop-up manager run in one qasync app (offscreen). Prints
popup_p50 / popup_p99 / popup_max in ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/popup_latency.py
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/popup_latency.py --contacts 3000 --deals 6000 --calls 50
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KEY, SALT = "bench-key-0123456789", "bench-salt-0123456789"


def seed(contacts: int, deals: int) -> list[tuple[str, str]]:
    """Fill the cache with the fast bulk loader; returns (Mango number, expected name) of callers."""
    from kapusta_desktop.domain.sample_data import generate
    from kapusta_desktop.store.db import database_proxy
    from kapusta_desktop.store.seed import seed as seed_cache

    data = generate(companies=max(1, contacts // 3), contacts=contacts, deals=deals)
    seed_cache(data)
    # Callers: Russian numbers that belong to exactly one contact, so the name to expect is unambiguous.
    rows = database_proxy.obj.execute_sql(
        "SELECT p.e164, c.last_name, c.name, c.second_name FROM phone p JOIN contact c ON c.id = p.owner_id "
        "WHERE p.owner_type = 'contact' AND p.e164 LIKE '+7%' AND p.extension IS NULL AND c.deleted = 0 "
        "AND p.e164 IN (SELECT e164 FROM phone WHERE e164 IS NOT NULL GROUP BY e164 HAVING count(*) = 1)"
    ).fetchall()
    return [(e164.lstrip("+"), " ".join(x for x in (last, first, second) if x)) for e164, last, first, second in rows]


async def measure(calls: int, callers: list[tuple[str, str]]) -> list[float]:
    import httpx

    from kapusta_desktop.integrations.mango.listener import MangoListener
    from kapusta_desktop.integrations.mango.signing import signed_form
    from kapusta_desktop.services.bus import EventBus
    from kapusta_desktop.services.call_desk import CallDesk
    from kapusta_desktop.store.db import database_proxy
    from kapusta_desktop.ui.call_popup import CallPopup, PopupManager

    bus = EventBus()
    desk = CallDesk(bus, database_proxy.obj, desk_extensions=lambda: ["101"])
    manager = PopupManager(bus, desk)
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    expected: dict[str, str] = {}
    wrong: list[str] = []

    def shown(popup: CallPopup) -> None:
        done = time.perf_counter()
        if popup.isVisible() and popup.name.text() == expected[popup.entry_id]:
            latencies.append((done - sent_at[popup.entry_id]) * 1000)
        else:
            wrong.append(f"{popup.name.text()!r} != {expected[popup.entry_id]!r}")
        popup.close()  # keep the stack small: each call is measured alone

    manager.popup_shown.connect(shown)
    listener = MangoListener(api_key=KEY, api_salt=SALT, on_event=desk.handle, port=0)
    await listener.start()
    rng = random.Random(7)
    try:
        async with httpx.AsyncClient() as http:
            for i in range(calls + 5):  # five warm-up calls are not counted
                number, name = rng.choice(callers)
                entry_id = f"bench-entry-{i}"
                payload = {"entry_id": entry_id, "call_id": f"bench-leg-{i}", "timestamp": 1_767_250_800 + i,
                           "seq": 1, "call_state": "Appeared", "location": "abonent",
                           "from": {"number": number}, "to": {"extension": "101", "line_number": "74957654321"}}
                form = signed_form(KEY, SALT, payload)
                expected[entry_id] = name
                if i == 5:
                    latencies.clear()
                sent_at[entry_id] = time.perf_counter()
                response = await http.post(listener.url + "/events/call", data=form)
                response.raise_for_status()
                await asyncio.sleep(0.005)
    finally:
        await listener.stop()
        manager.shutdown()
    if wrong:
        raise SystemExit(f"wrong pop-ups: {wrong[:3]}")
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=int(os.environ.get("BENCH_CONTACTS", 100_000)))
    parser.add_argument("--deals", type=int, default=int(os.environ.get("BENCH_DEALS", 200_000)))
    parser.add_argument("--calls", type=int, default=int(os.environ.get("BENCH_CALLS", 200)))
    args = parser.parse_args()

    import qasync
    from PySide6.QtWidgets import QApplication

    from kapusta_desktop.store.db import close_db, init_db

    with tempfile.TemporaryDirectory() as tmp:
        init_db(Path(tmp) / "bench.sqlite3")
        started = time.perf_counter()
        callers = seed(args.contacts, args.deals)
        print(f"seed_time: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        app = QApplication.instance() or QApplication(sys.argv[:1])
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            latencies = loop.run_until_complete(measure(args.calls, callers))
        close_db()
    latencies.sort()
    p99_index = min(len(latencies) - 1, max(0, round(0.99 * len(latencies)) - 1))
    print(f"popup_p50: {statistics.median(latencies):.1f} ms")
    print(f"popup_p99: {latencies[p99_index]:.1f} ms")
    print(f"popup_max: {latencies[-1]:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
