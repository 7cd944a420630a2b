"""Every path the program uses, in one place.

`--profile DIR` and `KAPUSTA_PROFILE_DIR` redirect all of it (database, logs,
settings), which is also how the tests get a throw-away profile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from kapusta_desktop import APP_NAME

PROFILE_ENV = "KAPUSTA_PROFILE_DIR"
DATABASE_URL_ENV = "KAPUSTA_DATABASE_URL"


@dataclass(frozen=True)
class Profile:
    """A profile directory and the files inside it."""

    root: Path
    demo: bool = False

    @property
    def db_path(self) -> Path:
        return self.root / "kapusta.sqlite3"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "kapusta.log"

    @property
    def settings_file(self) -> Path:
        """Non-secret UI state (window geometry, column widths), written by QSettings."""
        return self.root / "ui-state.ini"

    @property
    def backup_dir(self) -> Path:
        return self.root / "backups"

    @property
    def database_url(self) -> str | None:
        """A shared database (team mode) overrides the profile's SQLite file; never the demo's, whose sample
        portal, sandbox settings and reset would otherwise land in the team's database."""
        if self.demo:
            return None
        return os.environ.get(DATABASE_URL_ENV) or None

    def ensure(self) -> Profile:
        for d in (self.root, self.log_dir, self.backup_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self


def default_root() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_profile(cli_dir: str | os.PathLike[str] | None = None, *, demo: bool = False) -> Profile:
    """`--profile` wins over the environment, which wins over the platform default.

    The demo works in a sub-profile of its own so sample data never mixes with
    the operator's real cache.
    """
    if cli_dir:
        root = Path(cli_dir)
    elif os.environ.get(PROFILE_ENV):
        root = Path(os.environ[PROFILE_ENV])
    else:
        root = default_root()
    root = root.expanduser().resolve()
    if demo:
        root = root / "demo"
    return Profile(root=root, demo=demo)
