"""Caller lookup: normalise a caller's number and find its owners among 300,000 cached phone rows.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/phone_lookup.py [ROWS]

ROWS (or KAPUSTA_BENCH_ROWS) sets the table size, default 300000. The cache is a
SQLite file in a temporary directory, filled from the sample-data generator
(numbers written every way people write them), then closed and reopened like
the app does. Lookups mix Mango's digits (`79161234567`) and human formats,
hits and misses. Target: lookup_p99 <= 1 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kapusta_desktop.domain.phones import normalise  # noqa: E402
from kapusta_desktop.domain.sample_data import RENDER_STYLES, generate, render_ru  # noqa: E402
from kapusta_desktop.store.db import close_db, init_db  # noqa: E402
from kapusta_desktop.store.models import Phone  # noqa: E402
from kapusta_desktop.store.phone_index import find_owners  # noqa: E402
from kapusta_desktop.store.seed import bulk_insert  # noqa: E402

LOOKUPS = 4000
WARMUP = 300


def _rows_wanted() -> int:
    text = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KAPUSTA_BENCH_ROWS", "300000")
    rows = int(text)
    if rows < 1000:
        raise SystemExit("use at least 1000 rows")
    return rows


def _fill(rows_wanted: int) -> list[str]:
    """Insert exactly `rows_wanted` phone rows; returns the E.164 keys that were stored."""
    # About 1.4 phones per contact, 1.6 per company (one company per 4 contacts), 1 per lead: overshoot a little.
    contacts = rows_wanted * 6 // 10
    data = generate(companies=contacts // 4, contacts=contacts, deals=0, tasks=0, leads=rows_wanted // 20, seed=9)
    owners = [("company", data.companies), ("contact", data.contacts), ("lead", data.leads)]

    stored: list[str] = []

    def values():  # type: ignore[no-untyped-def]
        count = 0
        for owner_type, items in owners:
            for item in items:
                for phone in item.phones:
                    if count == rows_wanted:
                        return
                    norm = normalise(phone.value)
                    if norm.e164:
                        stored.append(norm.e164)
                    count += 1
                    yield (owner_type, item.id, phone.value, norm.e164, norm.extension, phone.value_type)

    from kapusta_desktop.store.db import database_proxy

    with database_proxy.atomic():
        inserted = bulk_insert(
            database_proxy.obj, Phone, ["owner_type", "owner_id", "raw", "e164", "extension", "value_type"], values()
        )
    if inserted < rows_wanted:
        raise SystemExit(f"generator gave only {inserted} phones")
    return stored


def _queries(stored: list[str], rng: random.Random) -> list[tuple[str, bool]]:
    """(caller text, expected hit) in a realistic mix."""
    russian = [e for e in stored if e.startswith("+7")]
    known = set(stored)
    out: list[tuple[str, bool]] = []
    while len(out) < LOOKUPS + WARMUP:
        roll = rng.random()
        if roll < 0.45:  # Mango: a known client calls
            out.append((rng.choice(russian)[1:], True))
        elif roll < 0.7:  # an operator types a known number by hand
            out.append((render_ru(rng.choice(russian)[2:], rng.randrange(RENDER_STYLES)), True))
        else:  # a new caller
            national = f"9{rng.randrange(10**9):09d}"
            if "+7" + national in known:
                continue
            text = national if roll < 0.9 else f"8 ({national[:3]}) {national[3:6]}-{national[6:8]}-{national[8:]}"
            out.append(("7" + text if roll < 0.9 else text, False))
    return out


def main() -> None:
    rows_wanted = _rows_wanted()
    rng = random.Random(20240601)
    with tempfile.TemporaryDirectory(prefix="kapusta-bench-") as tmp:
        path = Path(tmp) / "cache.sqlite3"
        started = time.perf_counter()
        init_db(path)
        stored = _fill(rows_wanted)
        close_db()
        fill_s = time.perf_counter() - started

        init_db(path)  # reopen cold, as the app does at start
        queries = _queries(stored, rng)
        timings_ms: list[float] = []
        cpu_ms: list[float] = []  # this thread's CPU time: the same lookups without the scheduler's pauses
        misses_found = hits_missed = 0
        for i, (text, expect_hit) in enumerate(queries):
            c0 = time.thread_time_ns()
            t0 = time.perf_counter_ns()
            owners = find_owners(text)
            elapsed = (time.perf_counter_ns() - t0) / 1e6
            cpu = (time.thread_time_ns() - c0) / 1e6
            if i >= WARMUP:
                timings_ms.append(elapsed)
                cpu_ms.append(cpu)
            hits_missed += expect_hit and not owners
            misses_found += (not expect_hit) and bool(owners)
        total_rows = Phone.select().count()
        close_db()

    if hits_missed or misses_found:
        raise SystemExit(f"wrong answers: {hits_missed} known numbers not found, {misses_found} unknown found")
    timings_ms.sort()
    q = statistics.quantiles(timings_ms, n=100, method="inclusive")
    print(f"phone_rows: {total_rows} rows")
    print(f"fill_time: {fill_s:.1f} s")
    print(f"lookups: {len(timings_ms)} count")
    print(f"lookup_p50: {q[49]:.3f} ms")
    print(f"lookup_p99: {q[98]:.3f} ms")
    print(f"lookup_max: {timings_ms[-1]:.3f} ms")
    cpu_q = statistics.quantiles(sorted(cpu_ms), n=100, method="inclusive")
    print(f"lookup_cpu_p50: {cpu_q[49]:.3f} ms")
    print(f"lookup_cpu_p99: {cpu_q[98]:.3f} ms")


if __name__ == "__main__":
    main()
