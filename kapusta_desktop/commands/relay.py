"""`kapusta-desktop relay`: the team relay, a headless service for a server behind the company's HTTPS front.

It receives Mango events (verified exactly as a desk's listener verifies them)
and Bitrix24 outgoing events (verified by application_token), stores each once
in the shared PostgreSQL and notifies desks (integrations/relay/server.py).

Configuration: the database URL from --database-url or KAPUSTA_DATABASE_URL
(PostgreSQL only). Secrets come from the environment when set
(KAPUSTA_MANGO_API_KEY, KAPUSTA_MANGO_API_SALT, KAPUSTA_B24_APPLICATION_TOKEN:
the usual way on a headless server, e.g. a systemd EnvironmentFile readable by
the service user only), otherwise from the profile's keyring (`config set
--secret mango.api_key`, ...). They are never printed.

Exit codes: 0 stopped by SIGINT/SIGTERM, 2 configuration error, 1 failed.
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "relay"
HELP = "run the team relay: receive Mango and Bitrix24 events, store them in PostgreSQL, notify desks"

MANGO_KEY_ENV = "KAPUSTA_MANGO_API_KEY"
MANGO_SALT_ENV = "KAPUSTA_MANGO_API_SALT"
B24_TOKEN_ENV = "KAPUSTA_B24_APPLICATION_TOKEN"
B24_TOKEN_SECRET = "bitrix24.application_token"

EXIT_FAILED = 1
EXIT_CONFIG = 2


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: the HTTPS front proxies to it)")
    parser.add_argument("--port", type=int, default=8780, help="port to listen on (default 8780; 0: a free one)")
    parser.add_argument("--base-path", default="",
                        help="path prefix the front forwards, e.g. /kapusta (default: none)")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: $KAPUSTA_DATABASE_URL)")
    parser.add_argument("--name", help="this instance's name in the event log (default: host name + random)")


def _secret(env: str, name: str, profile: object) -> str | None:
    from kapusta_desktop.redact import register_secret
    from kapusta_desktop.secret_store import SecretStore

    value = os.environ.get(env, "").strip()
    if value:
        register_secret(value)
        return value
    return SecretStore.for_profile(profile).get(name)


def run(args: argparse.Namespace) -> int:
    import logging

    from kapusta_desktop.logs import setup_logging, shutdown_logging
    from kapusta_desktop.paths import DATABASE_URL_ENV, resolve_profile
    from kapusta_desktop.redact import redact, register_secret
    from kapusta_desktop.secret_store import MANGO_API_KEY, MANGO_API_SALT, SecretStoreError

    profile = resolve_profile(args.profile).ensure()
    setup_logging(profile, args.log_level)
    log = logging.getLogger(__name__)
    try:
        url = (args.database_url or os.environ.get(DATABASE_URL_ENV, "")).strip()
        if not url:
            print(f"error: no database: pass --database-url or set {DATABASE_URL_ENV}", file=sys.stderr)
            return EXIT_CONFIG
        if not url.startswith(("postgres://", "postgresql://", "postgres+", "postgresql+")):
            print("error: the relay needs PostgreSQL (a postgresql:// URL)", file=sys.stderr)
            return EXIT_CONFIG
        register_secret(url)  # it usually carries a password
        if not 0 <= args.port <= 65535:
            print("error: --port must be within 0..65535", file=sys.stderr)
            return EXIT_CONFIG
        try:
            key = _secret(MANGO_KEY_ENV, MANGO_API_KEY, profile)
            salt = _secret(MANGO_SALT_ENV, MANGO_API_SALT, profile)
            token = _secret(B24_TOKEN_ENV, B24_TOKEN_SECRET, profile)
        except SecretStoreError as exc:
            print(f"error: {redact(str(exc))}", file=sys.stderr)
            return EXIT_CONFIG
        if bool(key) != bool(salt):
            print("error: the Mango key and salt go together: one of them is missing", file=sys.stderr)
            return EXIT_CONFIG
        if not (key and salt) and not token:
            print(f"error: nothing to receive: set {MANGO_KEY_ENV} and {MANGO_SALT_ENV} (or save mango.api_key and "
                  f"mango.api_salt in the keyring), and/or {B24_TOKEN_ENV}", file=sys.stderr)
            return EXIT_CONFIG
        try:
            return _serve(args, url, key, salt, token)
        except Exception as exc:
            log.exception("relay failed")
            print(f"error: {redact(type(exc).__name__ + ': ' + str(exc))}", file=sys.stderr)
            return EXIT_FAILED
    finally:
        shutdown_logging()


def _serve(args: argparse.Namespace, url: str, key: str | None, salt: str | None, token: str | None) -> int:
    import asyncio
    import signal

    import peewee

    from kapusta_desktop.integrations.relay.server import RelayServer
    from kapusta_desktop.store.db import close_db, init_db

    try:
        database = init_db(url)  # creates or migrates the shared schema
    except peewee.OperationalError as exc:
        from kapusta_desktop.redact import redact

        print(f"error: cannot open the database: {redact(str(exc).strip())}", file=sys.stderr)
        return EXIT_CONFIG
    database.close()  # the relay's own thread opens its connection

    async def serve() -> None:
        relay = RelayServer(database, mango_api_key=key, mango_api_salt=salt, b24_application_token=token,
                            host=args.host, port=args.port, base_path=args.base_path, name=args.name)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C raises KeyboardInterrupt instead
                pass
        await relay.start()
        try:
            print(f"relay {relay.name} listening on {relay.url}", flush=True)
            print(f"mango events: {relay.url}/mango ({'on' if key else 'off'}); bitrix24 events: "
                  f"{relay.url}/bitrix24 ({'on' if token else 'off'}); health: {relay.url}/health", flush=True)
            await stop.wait()
        finally:
            await relay.stop()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    finally:
        close_db()
    return 0
