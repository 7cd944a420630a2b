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

Optionally the relay also holds the Bitrix24 webhook (KAPUSTA_B24_WEBHOOK_URL or
`bitrix24.webhook_url`) and the Telegram bot token (KAPUSTA_TELEGRAM_BOT_TOKEN or
`telegram.bot_token`) and forwards desks' calls with them and with the Mango
key/salt (integrations/relay/desk_gateway.py); desks then authenticate with a
desk token: `relay desk add NAME [--admin]` prints one, once; `relay desk list`,
`relay desk revoke NAME`. On a desk, `relay join` saves its token (read from
standard input) in the profile's keyring.

`kapusta-desktop relay [options]` and `kapusta-desktop relay serve [options]` both serve.

Exit codes: 0 stopped by SIGINT/SIGTERM (or done), 2 configuration error, 1 failed.
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "relay"
HELP = "run the team relay (receive Mango and Bitrix24 events, forward desks' calls), or manage its desks"

MANGO_KEY_ENV = "KAPUSTA_MANGO_API_KEY"
MANGO_SALT_ENV = "KAPUSTA_MANGO_API_SALT"
B24_TOKEN_ENV = "KAPUSTA_B24_APPLICATION_TOKEN"
B24_TOKEN_SECRET = "bitrix24.application_token"
B24_WEBHOOK_ENV = "KAPUSTA_B24_WEBHOOK_URL"
TELEGRAM_TOKEN_ENV = "KAPUSTA_TELEGRAM_BOT_TOKEN"
TELEGRAM_API_ENV = "KAPUSTA_TELEGRAM_API_URL"
MANGO_API_ENV = "KAPUSTA_MANGO_API_URL"

EXIT_FAILED = 1
EXIT_CONFIG = 2


def _serve_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    # The bare `relay` carries the defaults; `relay serve` repeats the options without them, so either spelling
    # works and `relay serve` never resets what `relay --port ... serve` set.
    def d(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    parser.add_argument("--host", default=d("127.0.0.1"),
                        help="address to listen on (default 127.0.0.1: the HTTPS front proxies to it)")
    parser.add_argument("--port", type=int, default=d(8780),
                        help="port to listen on (default 8780; 0: a free one)")
    parser.add_argument("--base-path", default=d(""),
                        help="path prefix the front forwards, e.g. /kapusta (default: none)")
    parser.add_argument("--database-url", default=d(None), help="PostgreSQL URL (default: $KAPUSTA_DATABASE_URL)")
    parser.add_argument("--name", default=d(None),
                        help="this instance's name in the event log (default: host name + random)")
    parser.add_argument("--telegram-api-url", default=d(None),
                        help=f"Bot API address for forwarding (default: ${TELEGRAM_API_ENV} or api.telegram.org)")
    parser.add_argument("--mango-api-url", default=d(None),
                        help=f"Mango API address for forwarding (default: ${MANGO_API_ENV} or Mango's)")


def configure(parser: argparse.ArgumentParser) -> None:
    _serve_options(parser, defaults=True)
    actions = parser.add_subparsers(dest="relay_action", metavar="ACTION")
    _serve_options(actions.add_parser("serve", help="run the relay (the default)"), defaults=False)
    desk = actions.add_parser("desk", help="desks allowed to call through the relay: add, list, revoke")
    desk_actions = desk.add_subparsers(dest="desk_action", metavar="ACTION", required=True)
    add = desk_actions.add_parser("add", help="register a desk and print its token (shown once)")
    add.add_argument("desk_name", metavar="NAME")
    add.add_argument("--admin", action="store_true", help="this desk may change settings through the relay")
    desk_actions.add_parser("list", help="list the desks (never their tokens)")
    revoke = desk_actions.add_parser("revoke", help="revoke a desk's token from now on")
    revoke.add_argument("desk_name", metavar="NAME")
    for sub in desk_actions.choices.values():
        sub.add_argument("--database-url", default=argparse.SUPPRESS,
                         help="PostgreSQL URL (default: $KAPUSTA_DATABASE_URL)")
    actions.add_parser("join", help="on a desk: save this desk's relay token (read from standard input)")


def _secret(env: str, name: str, profile: object) -> str | None:
    from kapusta_desktop.redact import register_secret
    from kapusta_desktop.secret_store import SecretStore

    value = os.environ.get(env, "").strip()
    if value:
        register_secret(value)
        return value
    return SecretStore.for_profile(profile).get(name)


def _database_url(args: argparse.Namespace) -> str | None:
    """The PostgreSQL URL, or None after saying what is wrong."""
    from kapusta_desktop.paths import DATABASE_URL_ENV
    from kapusta_desktop.redact import register_secret

    url = (getattr(args, "database_url", None) or os.environ.get(DATABASE_URL_ENV, "")).strip()
    if not url:
        print(f"error: no database: pass --database-url or set {DATABASE_URL_ENV}", file=sys.stderr)
        return None
    if not url.startswith(("postgres://", "postgresql://", "postgres+", "postgresql+")):
        print("error: the relay needs PostgreSQL (a postgresql:// URL)", file=sys.stderr)
        return None
    register_secret(url)  # it usually carries a password
    return url


def run(args: argparse.Namespace) -> int:
    import logging

    from kapusta_desktop.logs import setup_logging, shutdown_logging
    from kapusta_desktop.paths import resolve_profile
    from kapusta_desktop.redact import redact

    profile = resolve_profile(args.profile).ensure()
    setup_logging(profile, args.log_level)
    log = logging.getLogger(__name__)
    action = getattr(args, "relay_action", None)
    try:
        if action == "join":
            return _join(profile)
        url = _database_url(args)
        if url is None:
            return EXIT_CONFIG
        if action == "desk":
            return _desk(args, url)
        if not 0 <= args.port <= 65535:
            print("error: --port must be within 0..65535", file=sys.stderr)
            return EXIT_CONFIG
        config = _relay_config(args, url, profile)
        if config is None:
            return EXIT_CONFIG
        try:
            return _serve(args, url, config, profile)
        except Exception as exc:
            log.exception("relay failed")
            print(f"error: {redact(type(exc).__name__ + ': ' + str(exc))}", file=sys.stderr)
            return EXIT_FAILED
    finally:
        shutdown_logging()


def _relay_config(args: argparse.Namespace, url: str, profile: object) -> tuple[str | None, object] | None:
    """(application token, ForwardingConfig), or None after saying what is wrong."""
    from kapusta_desktop.redact import redact
    from kapusta_desktop.secret_store import MANGO_API_KEY, MANGO_API_SALT, TELEGRAM_TOKEN, SecretStoreError
    from kapusta_desktop.services.relay_forwarding import ForwardingConfig

    try:
        key = _secret(MANGO_KEY_ENV, MANGO_API_KEY, profile)
        salt = _secret(MANGO_SALT_ENV, MANGO_API_SALT, profile)
        token = _secret(B24_TOKEN_ENV, B24_TOKEN_SECRET, profile)
        webhook = _secret(B24_WEBHOOK_ENV, "bitrix24.webhook_url", profile)
        bot_token = _secret(TELEGRAM_TOKEN_ENV, TELEGRAM_TOKEN, profile)
    except SecretStoreError as exc:
        print(f"error: {redact(str(exc))}", file=sys.stderr)
        return None
    if bool(key) != bool(salt):
        print("error: the Mango key and salt go together: one of them is missing", file=sys.stderr)
        return None
    config = ForwardingConfig(database_url=url, b24_webhook_url=webhook, telegram_token=bot_token,
                              mango_api_key=key, mango_api_salt=salt)
    config.telegram_api_url = args.telegram_api_url or os.environ.get(TELEGRAM_API_ENV) or config.telegram_api_url
    config.mango_api_url = args.mango_api_url or os.environ.get(MANGO_API_ENV) or config.mango_api_url
    if not config.any() and not token:
        print(f"error: nothing to receive: set {MANGO_KEY_ENV} and {MANGO_SALT_ENV} (or save mango.api_key and "
              f"mango.api_salt in the keyring), and/or {B24_TOKEN_ENV}, or a token to forward with "
              f"({B24_WEBHOOK_ENV}, {TELEGRAM_TOKEN_ENV})", file=sys.stderr)
        return None
    if webhook:
        from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth

        try:
            WebhookAuth(webhook)
        except ValueError as exc:
            print(f"error: {B24_WEBHOOK_ENV}: {exc}", file=sys.stderr)
            return None
    return token, config


def _serve(args: argparse.Namespace, url: str, relay_config: tuple[str | None, object], profile: object) -> int:
    import asyncio
    import signal

    import peewee

    from kapusta_desktop.integrations.relay.server import RelayServer
    from kapusta_desktop.secret_store import SecretStore
    from kapusta_desktop.services.relay_forwarding import ForwardingConfig, build_gateway
    from kapusta_desktop.services.relay_settings import team_settings_applier
    from kapusta_desktop.store.db import close_db, init_db

    token, config = relay_config
    assert isinstance(config, ForwardingConfig)
    try:
        database = init_db(url)  # creates or migrates the shared schema
    except peewee.OperationalError as exc:
        from kapusta_desktop.redact import redact

        print(f"error: cannot open the database: {redact(str(exc).strip())}", file=sys.stderr)
        return EXIT_CONFIG
    database.close()  # the relay's own thread opens its connection

    async def serve() -> None:
        gateway = build_gateway(config, settings=team_settings_applier(SecretStore.for_profile(profile)))
        relay = RelayServer(database, mango_api_key=config.mango_api_key, mango_api_salt=config.mango_api_salt,
                            b24_application_token=token, host=args.host, port=args.port,
                            base_path=args.base_path, name=args.name, desks=gateway)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C raises KeyboardInterrupt instead
                pass
        try:
            await relay.start()
        except BaseException:
            await gateway.aclose()
            raise
        try:
            on = {True: "on", False: "off"}
            forwarding = ", ".join(f"{name} {on[ok]}" for name, ok in gateway.configured().items())
            print(f"relay {relay.name} listening on {relay.url}", flush=True)
            print(f"mango events: {relay.url}/mango ({on[bool(config.mango_api_key)]}); bitrix24 events: "
                  f"{relay.url}/bitrix24 ({on[bool(token)]}); health: {relay.url}/health", flush=True)
            print(f"desk forwarding: {relay.url}/desk ({forwarding})", flush=True)
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


def _desk(args: argparse.Namespace, url: str) -> int:
    import peewee

    from kapusta_desktop.redact import redact
    from kapusta_desktop.store.db import close_db, init_db
    from kapusta_desktop.store.relay_desks import DeskNameError, add_desk, list_desks, revoke_desk

    try:
        database = init_db(url)
    except peewee.OperationalError as exc:
        print(f"error: cannot open the database: {redact(str(exc).strip())}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        if args.desk_action == "add":
            try:
                token = add_desk(database, args.desk_name, admin=args.admin)
            except DeskNameError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return EXIT_FAILED
            kind = "admin desk" if args.admin else "desk"
            print(f"{kind} {args.desk_name} added; its token (shown only now, keep it like a password):")
            print(token, flush=True)
            print("on the desk: set KAPUSTA_RELAY_URL and run `kapusta-desktop relay join` (the token on "
                  "standard input), or set KAPUSTA_RELAY_TOKEN", file=sys.stderr)
            return 0
        if args.desk_action == "list":
            for desk in list_desks(database):
                state = f"revoked {desk.revoked_at:%Y-%m-%d %H:%M}" if desk.revoked_at else "active"
                role = "admin" if desk.is_admin else "desk"
                print(f"{desk.name}\t{role}\t{state}\tadded {desk.created_at:%Y-%m-%d %H:%M}")
            return 0
        if not revoke_desk(database, args.desk_name):
            print(f"error: no active desk named {args.desk_name!r}", file=sys.stderr)
            return EXIT_FAILED
        print(f"desk {args.desk_name} revoked (relays refuse it within seconds)")
        return 0
    finally:
        close_db()


def _join(profile: object) -> int:
    from kapusta_desktop.integrations.relay.desk_side import RELAY_TOKEN_SECRET
    from kapusta_desktop.redact import redact
    from kapusta_desktop.secret_store import SecretStore, SecretStoreError

    if sys.stdin.isatty():
        import getpass

        token = getpass.getpass("desk token: ")
    else:
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        print("error: expected the desk token (from `relay desk add`) on standard input", file=sys.stderr)
        return EXIT_FAILED
    try:
        SecretStore.for_profile(profile).set(RELAY_TOKEN_SECRET, token)
    except SecretStoreError as exc:
        print(f"error: {redact(str(exc))}", file=sys.stderr)
        return EXIT_CONFIG
    print("desk token saved in this profile's keyring; set KAPUSTA_RELAY_URL to use the relay")
    return 0
