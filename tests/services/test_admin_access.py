"""The admin rule: first-run password, slow salted hash, wrong passwords, backoff, idle lock."""

from __future__ import annotations

import pytest

from kapusta_desktop.services.admin import (
    FAILURES_KEY,
    HASH_KEY,
    AdminAccess,
    AdminError,
    AdminLockedError,
    AdminPasswordNotSetError,
    ScryptCost,
    TooManyAttemptsError,
    WrongAdminPasswordError,
    hash_password,
    verify_password,
)
from kapusta_desktop.store.models import Setting
from kapusta_desktop.store.setting_values import get_value

FAST = ScryptCost(n=2**10, r=8, p=1)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_hash_is_salted_and_verifies_in_constant_time_compare() -> None:
    a = hash_password("correct horse", FAST)
    b = hash_password("correct horse", FAST)
    assert a["salt"] != b["salt"] and a["hash"] != b["hash"]
    assert verify_password("correct horse", a)
    assert not verify_password("correct horsE", a)
    assert a["alg"] == "scrypt" and a["n"] == 2**10


def test_first_run_then_locked_then_unlocked(db: object) -> None:
    clock = Clock()
    admin = AdminAccess(cost=FAST, clock=clock)
    assert not admin.has_password()
    with pytest.raises(AdminPasswordNotSetError):
        admin.require()
    with pytest.raises(AdminError, match="at least 8"):
        admin.set_initial_password("short")
    admin.set_initial_password("desk-admin-1")
    assert admin.is_unlocked
    stored = Setting.get(Setting.key == HASH_KEY).value
    assert "desk-admin-1" not in str(stored)
    with pytest.raises(AdminError, match="already set"):
        admin.set_initial_password("another-one")

    fresh = AdminAccess(cost=FAST, clock=clock)  # a new session starts locked
    with pytest.raises(AdminLockedError, match="Only an admin"):
        fresh.require()
    fresh.unlock("desk-admin-1")
    fresh.require()
    fresh.lock()
    assert not fresh.is_unlocked


def test_wrong_password_is_refused_with_growing_wait(db: object) -> None:
    clock = Clock()
    admin = AdminAccess(cost=FAST, clock=clock)
    admin.set_initial_password("desk-admin-1")
    admin.lock()
    with pytest.raises(WrongAdminPasswordError):
        admin.unlock("guess-0001")
    assert not admin.is_unlocked
    assert admin.retry_after() == pytest.approx(2.0)
    with pytest.raises(TooManyAttemptsError):  # even the right password waits out the delay
        admin.unlock("desk-admin-1")
    clock.now += 2.01
    with pytest.raises(WrongAdminPasswordError):
        admin.unlock("guess-0002")
    assert admin.retry_after() == pytest.approx(4.0)
    # The wait survives a new process (kept in the Setting table).
    assert AdminAccess(cost=FAST, clock=clock).retry_after() == pytest.approx(4.0)
    clock.now += 4.01
    admin.unlock("desk-admin-1")
    assert admin.is_unlocked and get_value(FAILURES_KEY) is None


def test_session_locks_itself_when_idle(db: object) -> None:
    clock = Clock()
    admin = AdminAccess(cost=FAST, clock=clock, idle_lock_seconds=60)
    admin.set_initial_password("desk-admin-1")
    clock.now += 59
    admin.require()  # use keeps it open
    clock.now += 59
    assert admin.is_unlocked
    clock.now += 61
    with pytest.raises(AdminLockedError):
        admin.require()


@pytest.mark.anyio
async def test_unlock_async_runs_the_hash_off_the_loop(db: object) -> None:
    admin = AdminAccess(cost=FAST)
    admin.set_initial_password("desk-admin-1")
    admin.lock()
    await admin.unlock_async("desk-admin-1")
    assert admin.is_unlocked


def test_change_password_needs_the_current_one(db: object) -> None:
    clock = Clock()
    admin = AdminAccess(cost=FAST, clock=clock)
    admin.set_initial_password("desk-admin-1")
    with pytest.raises(WrongAdminPasswordError):
        admin.change_password("not-the-one", "desk-admin-2")
    clock.now += 5
    admin.change_password("desk-admin-1", "desk-admin-2")
    admin.lock()
    admin.unlock("desk-admin-2")
