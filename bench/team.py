"""Team mode: a PBX POSTs call events to two relays, 50 desks receive them; then desks push under one budget.

Two `kapusta-desktop relay` processes share one PostgreSQL database; 50
simulated desks (each a RelayFeed with its own LISTEN connection and thread,
cursor kept in memory) run in this process. Signed Mango call events are sent
at a steady rate, alternating between the relays, by a sender process of its
own. Latency is measured from the start of the PBX's POST to the moment a
desk's handler receives the event (wall clock, one machine), for every
(event, desk) pair. Prints delivery_p50 / delivery_p99 / delivery_max
in ms, and the events and deliveries counted.

Then the push side, measured by bench/team_push.py on a fresh database: desk
processes drain one shared outbox to the Bitrix24 sandbox under the team's one
request budget (the portal's 2/s, 50). Prints team_pushes_per_s, the records a
second the team sustains, and the sandbox's QUERY_LIMIT_EXCEEDED answers (must
be 0). --push-desks (default: --desks, at most 10) and --push-records (default:
100 per second of --seconds, at least 200) size it; --push-records 0 skips it.

The database: KAPUSTA_BENCH_PG_URL or KAPUSTA_TEST_PG_URL (a server URL; a
fresh database is created on it and dropped after), else a throw-away server
from tools/pg_test_server.sh.

    .venv/bin/python bench/team.py                      # 50 desks, 100 events/s for 10 s; 10 desks push 1000
    .venv/bin/python bench/team.py --desks 5 --seconds 2
    .venv/bin/python bench/team_push.py                 # the push side alone
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEY, SALT = "bench-key-0123456789", "bench-salt-0123456789"


def server_url(stack: list[Any]) -> str:
    for env in ("KAPUSTA_BENCH_PG_URL", "KAPUSTA_TEST_PG_URL"):
        if os.environ.get(env):
            return os.environ[env]
    directory = tempfile.mkdtemp(prefix="kapusta-bench-pg-")
    out = subprocess.run([str(ROOT / "tools" / "pg_test_server.sh"), "start", directory], check=True,
                         capture_output=True, text=True).stdout
    stack.append(lambda: subprocess.run([str(ROOT / "tools" / "pg_test_server.sh"), "stop", directory],
                                        check=False, capture_output=True))
    return out.strip().splitlines()[-1]


def fresh_database(url: str, stack: list[Any]) -> str:
    import psycopg2

    name = f"kapusta_bench_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    stack.append(drop)
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


async def start_relay(url: str, name: str, profile: str) -> tuple[asyncio.subprocess.Process, str]:
    env = dict(os.environ, KAPUSTA_MANGO_API_KEY=KEY, KAPUSTA_MANGO_API_SALT=SALT, KAPUSTA_PROFILE_DIR=profile)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kapusta_desktop", "--log-level", "WARNING", "relay", "--port", "0",
        "--database-url", url, "--name", name,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env, cwd=str(ROOT))
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
    match = re.search(r"listening on (http://\S+)", line)
    if not match:
        raise RuntimeError(f"relay did not start: {line!r}")
    return proc, match.group(1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def send(urls: list[str], rate: float, total: int, out: str) -> None:
    """The PBX (its own process, so the desks' work does not slow the sender): POST at a steady rate."""
    import httpx

    from kapusta_desktop.integrations.mango.signing import signed_form

    sent: dict[str, float] = {}
    answered: list[float] = []
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=100)) as client:

        async def post(n: int, relay_url: str) -> None:
            payload = {"entry_id": f"e-{n}", "call_id": f"c-{n}", "seq": 1, "call_state": "Appeared",
                       "timestamp": int(time.time()), "location": "abonent",
                       "from": {"number": "79161234567"}, "to": {"extension": str(100 + n % 50)}}
            form = signed_form(KEY, SALT, payload)
            sent[f"c-{n}"] = time.time()
            r = await client.post(f"{relay_url}/mango/events/call", data=form)
            r.raise_for_status()
            answered.append((time.time() - sent[f"c-{n}"]) * 1000)

        tasks = []
        t0 = time.perf_counter()
        for n in range(total):
            delay = t0 + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(n, urls[n % len(urls)])))
        await asyncio.gather(*tasks)
    Path(out).write_text(json.dumps({"sent": sent, "answered": answered}))


async def run(desks: int, rate: float, seconds: float, push_desks: int, push_records: int) -> None:
    from kapusta_desktop.store.db import close_db, init_db
    from kapusta_desktop.store.relay_events import StoredRelayEvent
    from kapusta_desktop.store.relay_feed import RelayFeed

    cleanup: list[Any] = []
    try:
        server = server_url(cleanup)
        url = fresh_database(server, cleanup)
        init_db(url)  # the schema, before two relays race to make it
        close_db()
        profile = tempfile.mkdtemp(prefix="kapusta-bench-profile-")
        relays = await asyncio.gather(start_relay(url, "bench-a", profile), start_relay(url, "bench-b", profile))
        received: list[tuple[str, float]] = []
        cursors: dict[str, int] = {}

        def on_event(event: StoredRelayEvent) -> None:
            received.append((event.call_id or "", time.time()))

        feeds = [RelayFeed(url, on_event, cursor_name=f"bench-{i}", poll_seconds=5,
                           cursor_store=(cursors.get, cursors.__setitem__)) for i in range(desks)]
        for feed in feeds:
            await feed.start()
        await asyncio.sleep(0.5)
        total = int(rate * seconds)
        out = os.path.join(profile, "sent.json")
        sender = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).resolve()), "--send", relays[0][1], relays[1][1], "--rate", str(rate),
            "--count", str(total), "--out", out, cwd=str(ROOT))
        if await sender.wait() != 0:
            raise RuntimeError("the sender failed")
        deadline = time.perf_counter() + 30
        while len(received) < total * desks and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        for feed in feeds:
            await feed.stop()
        for proc, _ in relays:
            proc.terminate()
            await proc.wait()
        report = json.loads(Path(out).read_text())
        sent_at: dict[str, float] = report["sent"]
        latencies = [(t - sent_at[c]) * 1000 for c, t in received if c in sent_at]
        post_ms: list[float] = report["answered"]
        print(f"events: {total} count")
        print(f"desks: {desks} count")
        print(f"deliveries: {len(latencies)} count")
        print(f"delivery_p50: {statistics.median(latencies):.1f} ms")
        print(f"delivery_p99: {percentile(latencies, 0.99):.1f} ms")
        print(f"delivery_max: {max(latencies):.1f} ms")
        print(f"relay_post_p50: {statistics.median(post_ms):.1f} ms")
        print(f"relay_post_p99: {percentile(post_ms, 0.99):.1f} ms")
        if push_records > 0:
            # bench/team_push.py (beside this script, so on sys.path when run as one) measures the push side.
            import team_push

            team_push.report(await team_push.measure(fresh_database(server, cleanup), push_desks, push_records),
                             prefix="push_")
    finally:
        for step in reversed(cleanup):
            step()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=int(os.environ.get("BENCH_TEAM_DESKS", 50)))
    parser.add_argument("--rate", type=float, default=100.0, help="events per second (default 100)")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_TEAM_SECONDS", 10)))
    parser.add_argument("--push-desks", type=int, help="desk processes pushing (default: --desks, at most 10)")
    parser.add_argument("--push-records", type=int,
                        help="records the team pushes (default: 100 per second of --seconds, at least 200; 0: skip)")
    parser.add_argument("--send", nargs="+", metavar="RELAY_URL", help=argparse.SUPPRESS)  # the sender process
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.send:
        asyncio.run(send(args.send, args.rate, args.count, args.out))
    else:
        push_desks = args.push_desks or min(args.desks, 10)
        push_records = args.push_records if args.push_records is not None else max(200, round(100 * args.seconds))
        asyncio.run(run(args.desks, args.rate, args.seconds, push_desks, push_records))


if __name__ == "__main__":
    main()
