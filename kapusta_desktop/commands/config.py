"""`kapusta-desktop config`: provision a desk without the dialog, under the same rules.

Secrets and passwords never come from the command line (shell history, the
process list): a secret value is read from standard input, the admin password
from KAPUSTA_ADMIN_PASSWORD or standard input, the encrypted file store's
master password from KAPUSTA_SECRETS_PASSWORD or standard input. When several
are read from a pipe they come one per line in this order: admin password,
master password, then the value.

Exit codes: 0 done, 1 invalid value or other error, 2 usage, 3 refused
(no admin password, wrong password, locked out for a while).
"""

from __future__ import annotations

import argparse
import sys

NAME = "config"
HELP = "show or change settings and secrets (admin password required for changes)"

ADMIN_PASSWORD_ENV = "KAPUSTA_ADMIN_PASSWORD"
EXIT_ERROR = 1
EXIT_REFUSED = 3


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    actions.add_parser("show", help="list every setting; secrets masked")
    set_p = actions.add_parser("set", help="change one setting: config set KEY VALUE, or config set --secret KEY")
    set_p.add_argument("--secret", action="store_true", help="read the value from standard input (for secrets)")
    set_p.add_argument("key", help="setting key, e.g. sync.interval_seconds, or stage.STATUS_ID")
    set_p.add_argument("value", nargs="?", help="new value (not allowed for secrets: use --secret)")
    forget = actions.add_parser("forget-secrets", help="remove every saved secret from the keyring")
    forget.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    admin = actions.add_parser("set-admin-password", help="set the admin password (first run), or --change it")
    admin.add_argument("--change", action="store_true", help="change it: current password first, then the new one")
    actions.add_parser(
        "init-file-store", help="create the encrypted secret file (only where no secure system keyring exists)"
    )


class _Inputs:
    """Passwords and secret values from the environment, a terminal prompt or piped lines, in a fixed order."""

    def __init__(self) -> None:
        self._lines: list[str] | None = None

    def read(self, prompt: str, env: str | None = None) -> str:
        import os

        if env and os.environ.get(env):
            return os.environ[env]
        if sys.stdin.isatty():
            import getpass

            return getpass.getpass(prompt + ": ")
        if self._lines is None:
            self._lines = sys.stdin.read().splitlines()
        if not self._lines:
            hint = f" (or set {env})" if env else ""
            raise _Refused(f"expected {prompt.lower()} on standard input{hint}", EXIT_ERROR)
        return self._lines.pop(0).rstrip("\r")


class _Refused(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def run(args: argparse.Namespace) -> int:
    from kapusta_desktop.logs import setup_logging, shutdown_logging
    from kapusta_desktop.paths import resolve_profile
    from kapusta_desktop.redact import redact
    from kapusta_desktop.store.db import close_db, init_db

    profile = resolve_profile(args.profile, demo=args.demo).ensure()
    setup_logging(profile, getattr(args, "log_level", "INFO"))
    try:
        init_db(profile.database_url or profile.db_path, backup_dir=profile.backup_dir)
        return _dispatch(args, profile)
    except _Refused as exc:
        print(f"error: {redact(str(exc))}", file=sys.stderr)
        return exc.code
    except Exception as exc:
        # Texts are redacted anyway; the type helps when the message is terse.
        print(f"error: {redact(str(exc)) or type(exc).__name__}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        close_db()
        shutdown_logging()


def _dispatch(args: argparse.Namespace, profile: object) -> int:
    from kapusta_desktop.integrations.relay.desk_side import settings_relay
    from kapusta_desktop.secret_store import SecretStore
    from kapusta_desktop.services.admin import AdminAccess
    from kapusta_desktop.services.settings import SettingsService

    secrets = SecretStore.for_profile(profile)
    # A team desk with KAPUSTA_RELAY_URL changes settings through the relay, as the dialog does.
    relay = None if getattr(args, "demo", False) else settings_relay(secrets)
    from kapusta_desktop.services.team_feed import team_desk_settings

    desk = team_desk_settings(profile.root, demo=bool(getattr(args, "demo", False)))  # type: ignore[attr-defined]
    service = SettingsService(secrets, AdminAccess(), relay=relay, desk=desk)
    inputs = _Inputs()
    action = args.config_action
    if action == "show":
        return _show(service)
    if action == "set-admin-password":
        return _set_admin_password(service, inputs, change=args.change)
    if action == "init-file-store":
        _unlock_admin(service, inputs)
        status = secrets.status()
        if status.kind.value != "none":
            raise _Refused(f"not needed: {status.message}", EXIT_ERROR)
        secrets.create_file_store(inputs.read("New master password for the encrypted secret file"))
        print(f"encrypted secret file created: {secrets.file_store_path}")
        print("headless runs unlock it with KAPUSTA_SECRETS_PASSWORD")
        return 0
    if action == "forget-secrets":
        if not args.yes:
            raise _Refused("this removes every saved secret; repeat with --yes to confirm", EXIT_ERROR)
        _unlock_admin(service, inputs)
        _unlock_secrets(service, inputs)
        service.forget_secrets()
        print("all secrets forgotten")
        return 0
    if action == "set":
        return _set(service, inputs, args)
    raise _Refused(f"unknown action {action}", EXIT_ERROR)


def _show(service: object) -> int:
    from kapusta_desktop.services.settings import SettingsService

    assert isinstance(service, SettingsService)
    status = service.secrets.status()
    print(f"# secrets: {status.message}")
    print(f"# admin password: {'set' if service.admin.has_password() else 'NOT SET (run config set-admin-password)'}")
    for shown in service.show_all():
        print(f"{shown.spec.key} = {shown.text}")
    for pipeline, status_id, name, stage in service.stage_mapping():
        print(f"stage.{status_id} = {stage}    # {pipeline}: {name}")
    return 0


def _unlock_admin(service: object, inputs: _Inputs) -> None:
    from kapusta_desktop.services.admin import (
        AdminPasswordNotSetError,
        TooManyAttemptsError,
        WrongAdminPasswordError,
    )
    from kapusta_desktop.services.settings import SettingsService

    assert isinstance(service, SettingsService)
    admin = service.admin
    if not admin.has_password():
        raise _Refused(str(AdminPasswordNotSetError("No admin password is set: run config set-admin-password")), 3)
    wait = admin.retry_after()
    if wait > 0:
        raise _Refused(str(TooManyAttemptsError(wait)), EXIT_REFUSED)
    try:
        admin.unlock(inputs.read("Admin password", ADMIN_PASSWORD_ENV))
    except WrongAdminPasswordError as exc:
        # The growing wait is stored with the profile, so a new process does not reset it.
        raise _Refused(str(exc), EXIT_REFUSED) from None


def _unlock_secrets(service: object, inputs: _Inputs) -> None:
    from kapusta_desktop.secret_store import FILE_PASSWORD_ENV
    from kapusta_desktop.services.settings import SettingsService

    assert isinstance(service, SettingsService)
    if service.secrets.status().locked:
        prompt = "Master password of the encrypted secret file"
        service.secrets.unlock_file_store(inputs.read(prompt, FILE_PASSWORD_ENV))


def _set_admin_password(service: object, inputs: _Inputs, *, change: bool) -> int:
    from kapusta_desktop.services.admin import AdminError, WrongAdminPasswordError
    from kapusta_desktop.services.settings import SettingsService

    assert isinstance(service, SettingsService)
    admin = service.admin
    try:
        if change:
            if not admin.has_password():
                raise _Refused("no admin password is set yet: run without --change", EXIT_ERROR)
            _unlock_admin(service, inputs)
            admin.change_password(inputs.read("Admin password", ADMIN_PASSWORD_ENV), inputs.read("New admin password"))
        else:
            if admin.has_password():
                raise _Refused("an admin password is already set: use --change", EXIT_ERROR)
            admin.set_initial_password(inputs.read("New admin password", ADMIN_PASSWORD_ENV))
    except WrongAdminPasswordError as exc:
        raise _Refused(str(exc), EXIT_REFUSED) from None
    except AdminError as exc:
        raise _Refused(str(exc), EXIT_ERROR) from None
    print("admin password set")
    return 0


def _set(service: object, inputs: _Inputs, args: argparse.Namespace) -> int:
    from kapusta_desktop.services.admin import AdminError
    from kapusta_desktop.services.desk_settings import DESK_EXTENSIONS
    from kapusta_desktop.services.settings import STAGE_PREFIX, SettingsService
    from kapusta_desktop.services.settings_fields import FieldError

    assert isinstance(service, SettingsService)
    key: str = args.key
    try:
        # desk.extensions: this team desk's own list, kept in its profile (no field spec of the shared settings)
        is_secret = key != DESK_EXTENSIONS and not key.startswith(STAGE_PREFIX) and service.spec(key).secret
    except FieldError as exc:
        raise _Refused(str(exc), EXIT_ERROR) from None
    if is_secret and not args.secret:
        raise _Refused(f"{key} is a secret: use `config set --secret {key}` and pipe the value in", EXIT_ERROR)
    if args.secret and args.value is not None:
        raise _Refused("with --secret the value is read from standard input, never from the command line", 2)
    if not args.secret and args.value is None:
        raise _Refused(f"missing VALUE for {key}", 2)
    if not is_secret and args.secret:
        raise _Refused(f"{key} is not a secret: give the value on the command line", EXIT_ERROR)
    if not is_secret and not key.startswith(STAGE_PREFIX):
        # Validate before asking for any password, so a typo is reported at once.
        _values, early = service.validate_many({key: args.value})
        if early:
            raise _Refused("; ".join(f"{k}: {m}" for k, m in early.items()), EXIT_ERROR)
    _unlock_admin(service, inputs)
    try:
        if key.startswith(STAGE_PREFIX):
            service.set_stage(key[len(STAGE_PREFIX) :], args.value)
            print(f"{key} = {args.value.strip().lower()}")
            return 0
        if is_secret:
            _unlock_secrets(service, inputs)
            value = inputs.read(f"Value of {key}")
        else:
            value = args.value
        errors = service.apply({key: value})
    except (FieldError, AdminError) as exc:
        raise _Refused(str(exc), EXIT_ERROR) from None
    if errors:
        for field, message in errors.items():
            print(f"error: {field}: {message}", file=sys.stderr)
        return EXIT_ERROR
    if key == DESK_EXTENSIONS:
        print(f"{key} = {', '.join(service.desk_extensions()) or '(the team list)'}")
        return 0
    print(f"{key} = {service.shown(key).text}")
    return 0
