"""`kapusta-desktop db`: look at, migrate and fill the local cache."""

from __future__ import annotations

import argparse

NAME = "db"
HELP = "show, migrate or seed the local cache database"

SEED_OPTIONS = ("companies", "contacts", "deals", "tasks", "leads", "managers", "seed", "replace")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=["info", "migrate", "seed"],
        help="info: counts; migrate: bring the schema up to date; seed: load generated sample data",
    )
    seed = parser.add_argument_group("seed options")
    seed.add_argument("--companies", type=_count, metavar="N", help="companies to generate (default 300)")
    seed.add_argument("--contacts", type=_count, metavar="N", help="contacts (default 3 × companies)")
    seed.add_argument("--deals", type=_count, metavar="N", help="deals (default 6 × companies)")
    seed.add_argument("--tasks", type=_count, metavar="N", help="tasks (default deals / 2)")
    seed.add_argument("--leads", type=_count, metavar="N", help="leads (default companies / 2)")
    seed.add_argument("--managers", type=_count, metavar="N", help="managers, 1..899 (default 8)")
    seed.add_argument("--seed", type=int, metavar="S", help="random seed: the same seed gives the same data (42)")
    seed.add_argument("--replace", action="store_true", help="wipe the cached CRM data first instead of refusing")


def run(args: argparse.Namespace) -> int:
    from kapusta_desktop.paths import resolve_profile
    from kapusta_desktop.store import models
    from kapusta_desktop.store.db import close_db, init_db
    from kapusta_desktop.store.migrations import SchemaTooNewError, current_version

    if args.action != "seed":
        # `is not`, not `in (None, False)`: a given 0 equals False but was still given.
        given = [f"--{n}" for n in SEED_OPTIONS if (v := getattr(args, n, None)) is not None and v is not False]
        if given:
            print(f"error: {', '.join(given)} only apply to 'db seed'")
            return 2

    profile = resolve_profile(args.profile, demo=args.demo).ensure()
    target = profile.database_url or profile.db_path
    try:
        db = init_db(target, backup_dir=profile.backup_dir)
    except SchemaTooNewError as exc:
        print(f"error: {exc}")
        return 1
    try:
        print(f"database: {target if profile.database_url is None else 'shared database (URL)'}")
        print(f"schema: {current_version(db)}")
        if args.action == "info":
            for model in (models.Company, models.Contact, models.Deal, models.Task, models.OutboxEntry):
                print(f"{model._meta.table_name}: {model.select().count()}")
        elif args.action == "seed":
            return _seed(args)
    finally:
        close_db()
    return 0


def _seed(args: argparse.Namespace) -> int:
    import time

    from kapusta_desktop.domain.sample_data import generate
    from kapusta_desktop.store.seed import SeedError, seed

    sizes = {
        name: getattr(args, name)
        for name in ("companies", "contacts", "deals", "tasks", "leads", "managers")
        if getattr(args, name) is not None
    }
    if args.seed is not None:
        sizes["seed"] = args.seed
    started = time.perf_counter()
    try:
        data = generate(**sizes)
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    print(f"generated in {time.perf_counter() - started:.1f} s")
    try:
        report = seed(data, replace=args.replace)
    except SeedError as exc:
        print(f"error: {exc}")
        return 1
    print("loaded:")
    for line in report.lines():
        print(f"  {line}")
    return 0
