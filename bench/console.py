"""Console benchmark: start to window shown, search keystroke to filtered view, peak RSS.

The cache (200,000 deals, 100,000 contacts, 30,000 companies by default;
`BENCH_SCALE=0.1` or `--scale 0.1` for a quick check) is seeded once and kept in
/tmp under a name made of the sizes and a hash of the schema and the generator,
so repeat runs only copy it. Each run measures a fresh console process:

- startup_to_window: from just before the process is started to the main window
  exposed with its first table page painted;
- search_p95: one keystroke (the text as typed so far, after the debounce, which is
  waiting, not work) to the filtered rows painted; work the console left queued
  for the event loop afterwards (a deferred count) is run between keystrokes and
  timed separately as search_idle_p95, as it delays the next keystroke;
- peak_rss: the console process's own high-water mark (VmHWM). ru_maxrss would be
  wrong here: after fork + exec it keeps the parent's peak, e.g. the seeder's.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/console.py [--scale 0.1] [--reseed]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE_DIR = Path(tempfile.gettempdir()) / "kapusta-bench-cache"
SIZES = {"companies": 30_000, "contacts": 100_000, "deals": 200_000, "tasks": 50_000, "leads": 1_000}
FAILED_EVERY = 211  # one synced row in this many is marked error or conflict, as on a working desk

# (view, sync filter index in the view's combo box, text typed one character at a time).
# Names, company words, a half-typed and a whole phone in human formats, broad then narrowing words.
SCENARIOS: list[tuple[str, int, str]] = [
    ("deal", 0, "Ромашка"),
    ("deal", 0, "ООО Север"),
    ("deal", 0, "охрана объекта"),
    ("deal", 0, "Ро"),
    ("deal", 1, "охран"),  # only errors and conflicts + a broad word
    ("contact", 0, "Иванов"),
    ("contact", 0, "Петрова Анна"),
    ("contact", 0, "8 (916) 123-45-67"),
    ("contact", 0, "+7 495 "),
    ("contact", 0, "ООО Се"),
    ("contact", 0, "Ро"),
    ("contact", 1, "Смир"),
]


def peak_rss_mb() -> float:
    """This process's own peak resident set (VmHWM), not one inherited through fork + exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cache_key(scale: float) -> str:
    """Sizes + the schema an empty database gets + the generator and loader sources."""
    from kapusta_desktop.store.db import close_db, init_db

    with tempfile.TemporaryDirectory(prefix="kapusta-schema-") as tmp:
        db = init_db(Path(tmp) / "empty.sqlite3")
        schema = sorted(
            sql for (sql,) in db.execute_sql("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
        )
        close_db()
    digest = hashlib.sha256("\n".join(schema).encode())
    for source in ("domain/sample_data.py", "store/seed.py", "store/search_index.py"):
        digest.update((ROOT / "kapusta_desktop" / source).read_bytes())
    digest.update(f"{FAILED_EVERY}".encode())
    sizes = "-".join(f"{int(n * scale)}" for n in SIZES.values())
    return f"console-{sizes}-{digest.hexdigest()[:12]}"


def seed_cache(db_path: Path, scale: float) -> None:
    """The project's bulk loader; the search tables are filled once at the end, not row by row."""
    from kapusta_desktop.domain.sample_data import generate
    from kapusta_desktop.store import seed
    from kapusta_desktop.store.db import close_db, init_db
    from kapusta_desktop.store.search_index import bulk_loading

    db = init_db(db_path)
    data = generate(**{name: int(n * scale) for name, n in SIZES.items()})
    with bulk_loading(db):
        seed.seed(data)
    # A few rows failed to sync, so "errors and conflicts" filters a real, small set.
    for table in ("deal", "contact", "company", "task"):
        db.execute_sql(
            f"UPDATE {table} SET sync_state = CASE WHEN id % 2 = 0 THEN 'error' ELSE 'conflict' END,"
            f" sync_error = 'Bitrix24 refused the change (bench)' WHERE id % {FAILED_EVERY} = 0"
        )
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_db()


def cached_database(scale: float, reseed: bool) -> tuple[Path, float | None]:
    """The seeded cache file (made if missing) and the seconds seeding took, None when reused."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"{cache_key(scale)}.sqlite3"
    if path.exists() and not reseed:
        return path, None
    for stale in CACHE_DIR.glob(f"{path.stem}.sqlite3*"):
        stale.unlink()
    building = path.with_suffix(".building")
    for stale in CACHE_DIR.glob(f"{building.name}*"):
        stale.unlink()
    t0 = time.perf_counter()
    seed_cache(building, scale)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    building.rename(path)
    return path, time.perf_counter() - t0


def child(db_path: Path, profile_dir: Path) -> None:
    """Runs in a fresh process: open the console on the seeded cache, then type searches."""
    from PySide6.QtWidgets import QApplication

    from kapusta_desktop.paths import Profile
    from kapusta_desktop.store.db import init_db

    app = QApplication([])
    init_db(db_path)
    from kapusta_desktop.ui.main_window import MainWindow

    window = MainWindow(Profile(root=profile_dir).ensure())
    window.show()
    while not window.isVisible() or not window.windowHandle().isExposed():
        app.processEvents()
    window.record_views["deal"].table.viewport().repaint()
    print(f"shown {time.time():.6f}", flush=True)
    app.processEvents()  # whatever start-up left queued, before the first keystroke

    typed: list[float] = []
    idle: list[float] = []
    slow: list[tuple[float, str, str]] = []
    for view_key, sync_filter, text in SCENARIOS:
        window.show_view(view_key)
        view = window.record_views[view_key]
        view.sync_filter.setCurrentIndex(sync_filter)
        app.processEvents()
        for n in range(1, len(text) + 1):
            t0 = time.perf_counter()
            window.search.setText(text[:n])
            window.apply_search()  # what the debounce timer fires; its 150 ms delay is waiting, not work
            view.table.viewport().repaint()  # the filtered rows fetched and painted
            view.count_label.repaint()
            elapsed = time.perf_counter() - t0
            typed.append(elapsed)
            slow.append((elapsed, view_key, text[:n]))
            t1 = time.perf_counter()
            app.processEvents()  # deferred work runs before the next keystroke arrives
            idle.append(time.perf_counter() - t1)
        window.search.clear()
        window.apply_search()
        view.sync_filter.setCurrentIndex(0)
        app.processEvents()
    print(f"search {_p95(typed) * 1000:.1f} {statistics.median(typed) * 1000:.1f} {len(typed)}", flush=True)
    print(f"idle {_p95(idle) * 1000:.1f}", flush=True)
    for elapsed, view_key, text in sorted(slow, reverse=True)[:5]:
        print(f"slowest {elapsed * 1000:.1f} {view_key} {text.replace(' ', '␣')}", flush=True)
    print(f"rss {peak_rss_mb():.1f}", flush=True)
    window.close()
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: PySide6 can crash while finalising, after the figures are out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--reseed", action="store_true", help="seed the cache again even if a copy is kept")
    parser.add_argument("--child", nargs=2, metavar=("DB", "PROFILE"))
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))

    cached, seed_seconds = cached_database(args.scale, args.reseed)
    if seed_seconds is not None:
        print(f"seed_time: {seed_seconds:.1f} s")
    with tempfile.TemporaryDirectory(prefix="kapusta-bench-") as tmp:
        db_path = Path(tmp) / "cache.sqlite3"
        shutil.copyfile(cached, db_path)  # the console may write (settings, migrations): keep the copy clean
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        started = time.time()
        errors = (Path(tmp) / "stderr.txt").open("w+")  # offscreen Qt chatter; shown only if the run fails
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", str(db_path), str(Path(tmp) / "profile")],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        results: dict[str, list[str]] = {}
        slowest: list[str] = []
        for line in proc.stdout:
            key, *values = line.split()
            if key == "slowest":
                slowest.append(" ".join(values))
            results[key] = values
        failed = proc.wait() != 0 or "rss" not in results
        errors.seek(0)
        if failed:
            print(errors.read(), file=sys.stderr)
            print("error: the console process failed", file=sys.stderr)
            return 1
        errors.close()
    print(f"startup_to_window: {float(results['shown'][0]) - started:.2f} s")
    p95, median, count = results["search"]
    print(f"search_p95: {p95} ms")
    print(f"search_median: {median} ms")
    print(f"search_keystrokes: {count} count")
    print(f"search_idle_p95: {results['idle'][0]} ms")
    print(f"peak_rss: {results['rss'][0]} MB")
    for line in slowest:
        ms, view_key, text = line.split(" ", 2)
        print(f"# slow keystroke: {ms} ms {view_key} {text!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
