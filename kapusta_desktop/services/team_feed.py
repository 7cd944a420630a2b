"""Team mode on a desk: call events come from the team relay through PostgreSQL, not from a local listener.

A desk whose cache is the shared PostgreSQL (KAPUSTA_DATABASE_URL) cannot be
reached by the PBX (it sits behind NAT); the relay stores the PBX's events and
the desk follows them with a `RelayFeed`, handing each to the same
`CallDesk.handle` the local listener would call. Each desk keeps its own
cursor (host name + profile), so a desk that was off catches up on start.
"""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path

from kapusta_desktop.integrations.relay.desk_events import MangoEventDispatcher
from kapusta_desktop.paths import DATABASE_URL_ENV
from kapusta_desktop.services.call_desk import CallDesk
from kapusta_desktop.store.relay_feed import POLL_SECONDS, RelayFeed

POSTGRES_SCHEMES = ("postgres://", "postgresql://", "postgres+", "postgresql+")
FEED_LABEL = "kapusta_events (PostgreSQL)"  # how the desk's status names its event source


def team_database_url() -> str | None:
    """The shared PostgreSQL URL when this desk runs in team mode, else None."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    return url if url.startswith(POSTGRES_SCHEMES) else None


def libpq_url(url: str) -> str:
    """peewee's `postgres+pool://` style names are not libpq's: the feed's own connection needs the plain one."""
    scheme, sep, rest = url.partition("://")
    return "postgresql://" + rest if sep and "+" in scheme else url


def desk_cursor_name(profile_root: Path) -> str:
    """One feed cursor per desk: this host and this profile."""
    digest = hashlib.sha256(str(profile_root.expanduser().resolve()).encode("utf-8")).hexdigest()[:12]
    return f"{socket.gethostname()[:40]}:{digest}"


async def start_team_feed(
    desk: CallDesk, url: str, *, cursor_name: str, poll_seconds: float = POLL_SECONDS
) -> RelayFeed:
    feed = RelayFeed(libpq_url(url), MangoEventDispatcher(desk.handle), cursor_name=cursor_name,
                     poll_seconds=poll_seconds)
    await feed.start()
    return feed
