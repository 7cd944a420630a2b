"""Every test runs offscreen, on a temporary profile, with an in-memory keyring."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("KAPUSTA_DATABASE_URL", None)

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from kapusta_desktop.paths import PROFILE_ENV, Profile
from kapusta_desktop.redact import forget_secrets
from kapusta_desktop.secret_store import MemoryKeyring


@pytest.fixture(autouse=True)
def temp_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Profile:
    root = tmp_path / "profile"
    monkeypatch.setenv(PROFILE_ENV, str(root))
    monkeypatch.delenv("KAPUSTA_DATABASE_URL", raising=False)
    return Profile(root=root).ensure()


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)
    forget_secrets()


@pytest.fixture
def db(temp_profile: Profile) -> Iterator[object]:
    """A migrated SQLite cache in the temporary profile, bound to the models."""
    from kapusta_desktop.store.db import close_db, init_db

    database = init_db(temp_profile.db_path, backup_dir=temp_profile.backup_dir)
    yield database
    close_db()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def qloop(qapp: Any) -> Iterator[Any]:
    """A qasync event loop over the test's QApplication, as app.py runs one (async work in Qt code needs it)."""
    import asyncio

    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)
    qapp.setQuitOnLastWindowClosed(True)  # a desk test may have switched it off
