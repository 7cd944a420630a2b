"""`kapusta-desktop db`: look at and prepare the local cache."""

from __future__ import annotations

import argparse

NAME = "db"
HELP = "show or migrate the local cache database"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["info", "migrate"], help="what to do")


def run(args: argparse.Namespace) -> int:
    from kapusta_desktop.paths import resolve_profile
    from kapusta_desktop.store import models
    from kapusta_desktop.store.db import close_db, init_db
    from kapusta_desktop.store.migrations import SchemaTooNewError, current_version

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
    finally:
        close_db()
    return 0
