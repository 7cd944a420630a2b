"""A desk in team mode: the call runtime follows the relay's events through PostgreSQL and pops up the card."""

from __future__ import annotations

import httpx
import peewee
import pytest

from kapusta_desktop.integrations.mango.signing import signed_form
from kapusta_desktop.integrations.relay.server import RelayServer
from kapusta_desktop.paths import DATABASE_URL_ENV
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.store.db import open_database
from kapusta_desktop.store.setting_values import set_value
from kapusta_desktop.ui.calls_wiring import CallsRuntime
from tests.services.calls_fixtures import build_cache
from tests.ui.window_stub import Window
from tests.waiting import until

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")
KEY, SALT = "team-key", "team-salt"


@pytest.mark.anyio
async def test_a_team_desk_pops_up_a_call_the_relay_received(team_db: peewee.Database, pg_url: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    build_cache()
    set_value("mango.enabled", True)
    set_value("mango.desk_extensions", ["101"])
    relay = RelayServer(open_database(pg_url), mango_api_key=KEY, mango_api_salt=SALT, port=0)
    await relay.start()
    window = Window()
    qtbot.addWidget(window)
    runtime = CallsRuntime(window, EventBus(), team_db)
    await runtime.start()  # no Mango key/salt on the desk: team mode does not need them
    try:
        assert runtime.listener is None and runtime.team_feed is not None
        await until(runtime.team_feed.connected.is_set)
        runtime._watch_feed()  # what its 2 s timer does
        assert window.states[-1][:2] == ("mango", "online") and "PostgreSQL" in window.states[-1][2]
        appeared = {"entry_id": "e-1", "call_id": "c-1", "seq": 1, "call_state": "Appeared", "location": "abonent",
                    "from": {"number": "79161234567"}, "to": {"extension": "101", "number": "74951234567"}}
        async with httpx.AsyncClient() as http:
            r = await http.post(relay.url + "/mango/events/call", data=signed_form(KEY, SALT, appeared))
        assert r.status_code == 200
        await until(lambda: bool(runtime.popups.popups), "the pop-up")
        [popup] = runtime.popups.popups.values()
        assert popup.name.text() == "Сергеев Пётр"
    finally:
        await runtime.stop()
        await runtime.stop()
        await relay.stop()
    assert runtime.team_feed is None


@pytest.mark.anyio
async def test_the_status_bar_says_when_the_team_feed_is_cut_off_and_when_it_is_back(
    team_db: peewee.Database, pg_url: str, qtbot  # type: ignore[no-untyped-def]
) -> None:
    import psycopg2

    from kapusta_desktop.store.relay_feed import APPLICATION_NAME

    set_value("mango.enabled", True)
    window = Window()
    qtbot.addWidget(window)
    runtime = CallsRuntime(window, EventBus(), team_db)
    await runtime.start()
    try:
        feed = runtime.team_feed
        assert feed is not None
        await until(feed.connected.is_set)
        runtime._watch_feed()
        assert window.states[-1][1] == "online"
        admin = psycopg2.connect(pg_url)
        admin.autocommit = True
        with admin.cursor() as cur:  # what a database restart or a dropped network does to the feed
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                        (APPLICATION_NAME,))
        admin.close()
        await until(lambda: not feed.connected.is_set())
        runtime._watch_feed()
        system, state, text = window.states[-1]
        assert (system, state) == ("mango", "error") and "reconnecting" in text
        await until(feed.connected.is_set)  # it comes back by itself and catches up
        runtime._watch_feed()
        assert window.states[-1][1] == "online"
        shown = len(window.states)
        runtime._watch_feed()
        assert len(window.states) == shown  # no change, nothing said again
    finally:
        await runtime.stop()


@pytest.mark.anyio
async def test_a_team_desk_with_the_database_down_says_so(qtbot, monkeypatch: pytest.MonkeyPatch, db) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(DATABASE_URL_ENV, f"postgresql://kapusta:secret-pass@127.0.0.1:{port}/none")
    set_value("mango.enabled", True)
    window = Window()
    qtbot.addWidget(window)
    runtime = CallsRuntime(window, EventBus(), db)
    await runtime.start()
    try:
        assert runtime.team_feed is None and runtime.listener is None
        assert window.states[-1][:2] == ("mango", "error")
        assert "secret-pass" not in window.states[-1][2]
    finally:
        await runtime.stop()
