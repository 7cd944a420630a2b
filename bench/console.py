"""Console benchmark: start to window shown, search keystroke to filtered view, peak RSS.

Seeds a cache once (200,000 deals, 100,000 contacts, 30,000 companies by default;
`BENCH_SCALE=0.1` or `--scale 0.1` for a quick check) in a temp dir, then measures
in a fresh subprocess so the seeding does not count towards start-up or memory.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/console.py [--scale 0.1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Each query is typed one character at a time; every prefix is one keystroke.
QUERIES = ["Иванов", "Ромашк", "охран", "8 (916) 12", "ООО Сев", "Петрова Ан", "+7 495 "]


def seed_cache(db_path: Path, scale: float) -> None:
    """The project's bulk loader; the search tables are filled once at the end, not row by row."""
    from kapusta_desktop.domain.sample_data import generate
    from kapusta_desktop.store import seed
    from kapusta_desktop.store.db import close_db, init_db
    from kapusta_desktop.store.search_index import bulk_loading

    db = init_db(db_path)
    data = generate(
        companies=int(30_000 * scale),
        contacts=int(100_000 * scale),
        deals=int(200_000 * scale),
        tasks=int(50_000 * scale),
        leads=int(1_000 * scale),
    )
    with bulk_loading(db):
        seed.seed(data)
    close_db()


def child(db_path: Path, profile_dir: Path) -> None:
    """Runs in a fresh process: open the console on the seeded cache, then type searches."""
    import resource

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
    app.processEvents()
    print(f"shown {time.time():.6f}", flush=True)

    timings: list[float] = []
    for view_key in ("deal", "contact"):
        window.show_view(view_key)
        view = window.record_views[view_key]
        for query in QUERIES:
            for n in range(1, len(query) + 1):
                t0 = time.perf_counter()
                window.search.setText(query[:n])
                window.apply_search()  # what the debounce timer fires; its delay is not work
                view.table.viewport().repaint()  # the filtered rows fetched and painted
                timings.append(time.perf_counter() - t0)
            window.search.clear()
            window.apply_search()
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"search {p95 * 1000:.1f} {statistics.median(timings) * 1000:.1f} {len(timings)}", flush=True)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rss {rss_mb:.1f}", flush=True)
    window.close()
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: PySide6 can crash while finalising, after the figures are out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--child", nargs=2, metavar=("DB", "PROFILE"))
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))

    with tempfile.TemporaryDirectory(prefix="kapusta-bench-") as tmp:
        db_path = Path(tmp) / "cache.sqlite3"
        t0 = time.perf_counter()
        seed_cache(db_path, args.scale)
        print(f"seed_time: {time.perf_counter() - t0:.1f} s")
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        started = time.time()
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", str(db_path), str(Path(tmp) / "profile")],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        results: dict[str, list[str]] = {}
        for line in proc.stdout:
            key, *values = line.split()
            results[key] = values
        if proc.wait() != 0:
            print("error: the console process failed", file=sys.stderr)
            return 1
    print(f"startup_to_window: {float(results['shown'][0]) - started:.2f} s")
    p95, median, count = results["search"]
    print(f"search_p95: {p95} ms")
    print(f"search_median: {median} ms")
    print(f"search_keystrokes: {count} count")
    print(f"peak_rss: {results['rss'][0]} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
