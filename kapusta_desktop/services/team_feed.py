"""Team mode on a desk: call events come from the team relay through PostgreSQL, not from a local listener.

A desk whose cache is the shared PostgreSQL (KAPUSTA_DATABASE_URL) cannot be
reached by the PBX (it sits behind NAT); the relay stores the PBX's events and
the desk follows them with a `RelayFeed`, handing each to the same
`CallDesk.handle` the local listener would call. Each desk keeps its own
cursor (host name + profile), so a desk that was off catches up on start.

Settings live in the shared database in team mode, so `mango.desk_extensions`
would be one list for every desk: a desk's own list is kept in its profile
(services/desk_settings.py, set in the Settings dialog), and
`KAPUSTA_DESK_EXTENSIONS` (e.g. `102` or `101,105`) in a desk's environment
overrides both; a call then pops up only on the desks whose extension rings.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path

from kapusta_desktop.domain.pbx_events import CommandResult, MangoEvent
from kapusta_desktop.integrations.relay.desk_events import MangoEventDispatcher
from kapusta_desktop.paths import DATABASE_URL_ENV
from kapusta_desktop.services.call_desk import DESK_EXTENSIONS_KEY, CallDesk
from kapusta_desktop.services.desk_settings import DESK_EXTENSIONS_ENV, DeskSettings, extensions_override
from kapusta_desktop.services.settings_fields import FieldError, parse_extensions
from kapusta_desktop.store.relay_feed import POLL_SECONDS, RelayFeed
from kapusta_desktop.store.setting_values import get_value

log = logging.getLogger(__name__)

POSTGRES_SCHEMES = ("postgres://", "postgresql://", "postgres+", "postgresql+")
FEED_LABEL = "kapusta_events (PostgreSQL)"  # how the desk's status names its event source


def team_database_url() -> str | None:
    """The shared PostgreSQL URL when this desk runs in team mode, else None."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    return url if url.startswith(POSTGRES_SCHEMES) else None


def team_desk_settings(profile_root: Path, *, demo: bool = False) -> DeskSettings | None:
    """This desk's own settings (its profile's desk.json) when it is one desk of a team; None otherwise."""
    if demo or team_database_url() is None:
        return None
    return DeskSettings.in_profile(profile_root)


def desk_extensions_from_env() -> list[str] | None:
    """This desk's own extensions from KAPUSTA_DESK_EXTENSIONS; None when unset. Raises FieldError when invalid."""
    text = extensions_override()
    if text is None:
        return None
    return parse_extensions(DESK_EXTENSIONS_ENV, text)


def desk_extensions_source(desk: DeskSettings | None = None) -> Callable[[], list[str]] | None:
    """What CallDesk takes as `desk_extensions`: the environment's list, else (a team desk, `desk` given) the
    desk's own list from its profile, read at each call so a save applies at once, falling back to the shared
    setting while it is empty. None: the shared setting alone (CallDesk's default)."""
    try:
        extensions = desk_extensions_from_env()
    except FieldError as exc:  # a bad value must not stop the desk: say so and use the settings
        log.error("%s ignored: %s", DESK_EXTENSIONS_ENV, exc.message)
        extensions = None
    if extensions is not None:
        return lambda: extensions
    if desk is None:
        return None
    return lambda: desk.extensions() or [str(x) for x in get_value(DESK_EXTENSIONS_KEY, []) or []]


def libpq_url(url: str) -> str:
    """peewee's `postgres+pool://` style names are not libpq's: the feed's own connection needs the plain one."""
    scheme, sep, rest = url.partition("://")
    return "postgresql://" + rest if sep and "+" in scheme else url


def desk_cursor_name(profile_root: Path) -> str:
    """One feed cursor per desk: this host and this profile."""
    digest = hashlib.sha256(str(profile_root.expanduser().resolve()).encode("utf-8")).hexdigest()[:12]
    return f"{socket.gethostname()[:40]}:{digest}"


def desk_handler(desk: CallDesk) -> Callable[[MangoEvent], None]:
    """CallDesk.handle, except command results of commands another desk started (their outcome is not ours)."""

    def handle(event: MangoEvent) -> None:
        if isinstance(event, CommandResult) and not desk.issued_command(event.command_id):
            return
        desk.handle(event)

    return handle


async def start_team_feed(
    desk: CallDesk, url: str, *, cursor_name: str, poll_seconds: float = POLL_SECONDS
) -> RelayFeed:
    feed = RelayFeed(libpq_url(url), MangoEventDispatcher(desk_handler(desk)), cursor_name=cursor_name,
                     poll_seconds=poll_seconds)
    await feed.start()
    return feed
