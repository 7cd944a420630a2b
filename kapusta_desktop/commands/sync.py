"""`kapusta-desktop sync`: one headless sync cycle with Bitrix24.

Pushes the outbox, pulls what changed (or everything with --full), optionally
reconciles deletions (in team mode the pull is left to the desk holding the
team's pull lease, if another one does), prints a progress bar on stderr and a summary on stdout.
The connection is the one the settings name (`bitrix24.auth_mode`): the
incoming webhook saved in the keyring (`bitrix24.webhook_url`), or the OAuth
application (`bitrix24.portal_url`, `bitrix24.client_id`, and the client
secret, access and refresh tokens in the keyring; a refreshed pair is saved
back there; refused on a team desk); or one webhook line read from standard
input with --webhook-from-stdin; with --demo, a loopback sandbox seeded with
sample data. The webhook URL and the tokens are never printed or logged.

Exit codes: 0 everything settled, 1 something failed (Bitrix24 unreachable,
records refused, unreadable rows), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from kapusta_desktop.services.bitrix24_connection import Bitrix24Connection

NAME = "sync"
HELP = "sync the local cache with Bitrix24 once (push pending edits, pull changes)"

EXIT_FAILED = 1
EXIT_CONFIG = 2


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--full", action="store_true", help="pull everything, not only what changed")
    parser.add_argument("--reconcile", action="store_true", help="also remove records deleted in Bitrix24")
    parser.add_argument(
        "--webhook-from-stdin", action="store_true", help="read the incoming webhook URL from standard input"
    )
    parser.add_argument("--ca-bundle", metavar="FILE", help="CA file to trust (a portal or sandbox on HTTPS)")
    parser.add_argument("--retries", type=int, default=6, metavar="N",
                        help="retries of a request that failed for a passing reason (default 6)")
    parser.add_argument("--demo-size", type=int, default=60, metavar="N",
                        help="with --demo: companies in the sample portal (default 60)")


class ProgressBar:
    """`deal     [##########..........]  1250/2500` on one terminal line."""

    WIDTH = 30

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._kind: str | None = None

    def __call__(self, kind: str, done: int, total: int | None) -> None:
        if kind != self._kind and self._kind is not None:
            self.out.write("\n")
        self._kind = kind
        if total:
            filled = min(self.WIDTH, int(self.WIDTH * done / max(total, 1)))
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.out.write(f"\r{kind:<8} [{bar}] {done:>7}/{total}")
        else:
            self.out.write(f"\r{kind:<8} {done:>7} rows")
        self.out.flush()

    def close(self) -> None:
        if self._kind is not None:
            self.out.write("\n")
            self.out.flush()


def _connection(args: argparse.Namespace, profile: object) -> Bitrix24Connection:
    """The webhook from standard input, else the profile's connection (webhook or OAuth, as its settings say)."""
    from kapusta_desktop.redact import register_secret
    from kapusta_desktop.secret_store import BITRIX24_WEBHOOK, SECRET_NAMES, SecretStore
    from kapusta_desktop.services.bitrix24_connection import (
        MISSING,
        ConnectionSetupError,
        bitrix24_connection,
        webhook_connection,
    )

    if args.webhook_from_stdin:
        url = sys.stdin.readline().strip()
        register_secret(url)
        if not url:
            raise ValueError("no webhook URL on standard input")
        return webhook_connection(url)
    try:
        # OAuth: refreshed tokens are saved back into this profile's keyring.
        return bitrix24_connection(SecretStore.for_profile(profile))
    except ConnectionSetupError as exc:
        if exc.reason == MISSING and tuple(exc.fields) == (BITRIX24_WEBHOOK,):
            raise ValueError(
                "no Bitrix24 webhook saved: run `kapusta-desktop config set --secret bitrix24.webhook_url` "
                "or pass --webhook-from-stdin"
            ) from None
        if exc.reason == MISSING:
            hints = "; ".join(f"`kapusta-desktop config set{' --secret' if n in SECRET_NAMES else ''} {n}`"
                              for n in exc.fields)
            raise ValueError(f"{exc}; set them with {hints}") from None
        raise


def run(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from kapusta_desktop.logs import setup_logging, shutdown_logging
    from kapusta_desktop.paths import resolve_profile
    from kapusta_desktop.redact import redact
    from kapusta_desktop.store.db import close_db, init_db
    from kapusta_desktop.store.migrations import SchemaTooNewError

    profile = resolve_profile(args.profile, demo=args.demo).ensure()
    setup_logging(profile, args.log_level)
    try:
        try:
            init_db(profile.database_url or profile.db_path, backup_dir=profile.backup_dir)
        except SchemaTooNewError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        try:
            return asyncio.run(_sync(args, profile))
        except (ValueError, OSError) as exc:
            print(f"error: {redact(str(exc))}", file=sys.stderr)
            return EXIT_CONFIG
        except Exception as exc:  # the secret store can fail in many plain-language ways
            from kapusta_desktop.secret_store import SecretStoreError

            if isinstance(exc, SecretStoreError):
                print(f"error: {redact(str(exc))}", file=sys.stderr)
                return EXIT_CONFIG
            logging.getLogger(__name__).exception("sync failed")
            print(f"error: {redact(type(exc).__name__ + ': ' + str(exc))}", file=sys.stderr)
            return EXIT_FAILED
    finally:
        close_db()
        shutdown_logging()


async def _sync(args: argparse.Namespace, profile: object) -> int:
    from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
    from kapusta_desktop.services.bus import EventBus
    from kapusta_desktop.services.call_logging import push_call_log
    from kapusta_desktop.services.sync.engine import SyncEngine
    from kapusta_desktop.services.sync.pull import has_full_sync

    sandbox = None
    ca_bundle = args.ca_bundle
    if args.demo:
        from kapusta_desktop.commands._sync_demo import start_demo_portal
        from kapusta_desktop.services.bitrix24_connection import webhook_connection

        sandbox, url = await start_demo_portal(args.demo_size)
        connection = webhook_connection(url)
    else:
        connection = _connection(args, profile)
    bar = ProgressBar(sys.stderr)
    if not 0 <= args.retries <= 20:
        raise ValueError("--retries must be within 0..20")
    from kapusta_desktop.services.team_sync import team_sync

    team = team_sync(connection.portal_url, profile.root)  # type: ignore[attr-defined]
    client = Bitrix24Client(connection.auth, ca_bundle=ca_bundle, max_retries=args.retries, limiter=team.limiter)
    try:
        # connection_kind: calls are logged through telephony.externalcall.* with OAuth, as CRM activities by webhook.
        engine = SyncEngine(client, EventBus(), call_logger=push_call_log, on_progress=bar, worker_id=team.worker_id,
                            pull_gate=team.lease, connection_kind=connection.kind)
        full = args.full or not has_full_sync()
        report = await engine.sync_now(full=full, reconcile=args.reconcile)
        bar.close()
        status = engine.status()
    finally:
        await client.aclose()
        team.close()
        if sandbox is not None:
            await sandbox.stop()
    pull = report.pull
    print(f"mode: {'full' if full else 'incremental'}")
    if report.pulled_elsewhere:
        print("pulled: nothing here, another desk of the team pulls into the shared cache")
    if pull is not None:
        rows = ", ".join(f"{k} {n}" for k, n in pull.rows.items())
        print(f"pulled: {rows or 'nothing'}")
        print(f"cache: {pull.created} new, {pull.updated} updated, {pull.merged} merged, "
              f"{pull.conflicts} new conflicts, {report.reconciled} removed")
        if pull.bad_rows:
            print(f"unreadable rows skipped: {pull.bad_rows} (see the log)")
    print(f"pushed: {report.push.records} records ({report.push.entries} changes), "
          f"{report.push.transient} to retry, {report.push.permanent} refused")
    print(f"requests: {report.requests}")
    print(f"pending: {status.pending}, errors: {status.errors}, conflicts: {status.conflicts}")
    if report.error:
        print(f"failed: {report.error}")
    return 0 if report.ok and report.push.transient == 0 else EXIT_FAILED
