"""A desk joins the team's outbox and request budget only when its cache is the shared PostgreSQL."""

from __future__ import annotations

import socket
from pathlib import Path

import peewee
import pytest

from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
from kapusta_desktop.paths import DATABASE_URL_ENV
from kapusta_desktop.services.team_sync import SOLO_WORKER, TEAM_HEADROOM, budget_key, team_sync
from kapusta_desktop.store.request_budget import budget_row

WEBHOOK = "https://Portal.bitrix24.ru/rest/1/abcdef/"


def test_a_desk_alone_keeps_its_own_bucket_and_the_solo_worker_name(tmp_path: Path) -> None:
    team = team_sync(WEBHOOK, tmp_path)
    assert (team.worker_id, team.limiter) == (SOLO_WORKER, None)


def test_a_team_desk_gets_its_own_worker_name_and_the_portal_s_shared_budget(
        team_db: peewee.Database, tmp_path: Path) -> None:
    first = team_sync(WEBHOOK, tmp_path / "desk1", LimitConfig.enterprise())
    second = team_sync(WEBHOOK, tmp_path / "desk2", LimitConfig.enterprise())
    try:
        assert first.worker_id.startswith(socket.gethostname()[:40] + ":")
        assert first.worker_id != second.worker_id and len(first.worker_id) <= 64
        assert first.limiter is not None and second.limiter is not None
        assert first.limiter.key == second.limiter.key == "bitrix24:portal.bitrix24.ru"
        assert (first.limiter.rate, first.limiter.capacity) == (5.0, 249.0)
        assert first.limiter.try_take() and second.limiter.try_take()
        row = budget_row("bitrix24:portal.bitrix24.ru")
        assert row is not None and row.level == pytest.approx(2.0, abs=0.1)  # one bucket for both desks
    finally:
        first.close()
        second.close()


def test_the_budget_key_needs_a_portal_host() -> None:
    with pytest.raises(ValueError, match="host"):
        budget_key("not a url")


def test_by_default_a_team_keeps_more_slack_below_the_portal_s_burst(
        team_db: peewee.Database, tmp_path: Path) -> None:
    team = team_sync(WEBHOOK, tmp_path / "desk")
    try:
        assert team.limiter is not None
        assert (team.limiter.rate, team.limiter.capacity) == (2.0, 50 - TEAM_HEADROOM) and TEAM_HEADROOM > 1
    finally:
        team.close()


def test_a_desk_going_through_the_relay_takes_no_budget_of_its_own(
        team_db: peewee.Database, tmp_path: Path) -> None:
    team = team_sync("https://relay.example.local", tmp_path / "desk", shared_budget=False)
    try:
        assert team.limiter is None and team.lease is not None  # it still pushes and pulls as one of the team
    finally:
        team.close()


def test_the_demo_on_a_team_desk_stays_out_of_the_team(pg_url: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, pg_url)  # no database is opened: the demo never touches the team's
    team = team_sync(WEBHOOK, tmp_path / "demo", demo=True)
    assert (team.worker_id, team.limiter, team.lease, team.database_url) == (SOLO_WORKER, None, None, None)
