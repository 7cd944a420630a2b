"""The composition root: build order, staged shutdown twice, welcome choices, tray, the demo through the real sync."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import keyring
import pytest
import qasync

from kapusta_desktop import secret_store as ss
from kapusta_desktop.app import Desk, DeskOptions, run_until_done
from kapusta_desktop.domain.events import MissedCall
from kapusta_desktop.paths import Profile, resolve_profile
from kapusta_desktop.services.sync.status import SyncStatus
from kapusta_desktop.store.db import database_proxy
from tests.waiting import until

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")
NO_TRAY = DeskOptions(tray=False, welcome=False)


@pytest.fixture
def make_desk(qapp: Any, qloop: qasync.QEventLoop) -> Iterator[Callable[..., Desk]]:
    """Desks that are shut down at the end even when a test fails half-way."""
    desks: list[Desk] = []

    def make(profile: Profile, options: DeskOptions) -> Desk:
        desks.append(Desk(qapp, profile, options))
        return desks[-1]

    yield make
    for desk in desks:
        if desk.built:
            qloop.run_until_complete(desk.shutdown())


def _run(loop: qasync.QEventLoop, body: Callable[[], Coroutine[Any, Any, Any]], timeout: float = 30) -> Any:
    return run_until_done(loop, asyncio.wait_for(body(), timeout))  # as run_gui does: Qt's own quit may end exec()


async def _started(desk: Desk) -> asyncio.Task[Profile | None]:
    task = asyncio.ensure_future(desk.run())
    await until(lambda: "tray" in desk.built and desk.window.isVisible())
    return task


def test_desk_builds_in_order_and_shuts_down_twice(
    make_desk: Any, qloop: qasync.QEventLoop, temp_profile: Profile
) -> None:
    desk = make_desk(temp_profile, NO_TRAY)

    async def body() -> None:
        task = await _started(desk)
        await until(lambda: "integrations" in desk.built)
        assert desk.built == ["store", "secrets+settings", "bus", "services", "window", "tray", "integrations"]
        assert database_proxy.obj is not None
        assert desk.sync is None  # no Bitrix24 configured: no schedule, the status bar says so
        desk.request_quit()
        assert await task is None
        assert database_proxy.obj is None or database_proxy.obj.is_closed()
        await desk.shutdown()  # a second call is harmless
        await desk.shutdown()
        assert not desk.tasks  # the tender watch was cancelled and awaited

    _run(qloop, body)


def test_secrets_of_a_real_profile_go_to_the_profile_store(
    make_desk: Any, qloop: qasync.QEventLoop, temp_profile: Profile
) -> None:
    desk = make_desk(temp_profile, NO_TRAY)

    async def body() -> None:
        task = await _started(desk)
        assert desk.secrets.profile_root == temp_profile.root  # not a global lookup of the default profile
        desk.request_quit()
        await task

    _run(qloop, body)


def test_welcome_offers_demo_and_connect(make_desk: Any, qloop: qasync.QEventLoop, temp_profile: Profile) -> None:
    desk = make_desk(temp_profile, DeskOptions(tray=False))

    async def body() -> Profile | None:
        task = await _started(desk)
        await until(lambda: desk.welcome is not None and desk.welcome.isVisible())
        desk.welcome.connect_button.click()
        await until(lambda: desk.settings_dialog is not None)
        dialog = desk.settings_dialog
        assert dialog.isVisible()  # open(), not exec(): the loop keeps running (this coroutine does)
        assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Bitrix24"
        assert not dialog.unlocked  # the admin password comes first
        dialog.close()
        await until(lambda: desk.settings_dialog is None)
        assert not task.done()  # nothing changed: no restart
        desk.show_welcome()
        desk.welcome.demo_button.click()
        return await task

    nxt = _run(qloop, body)
    assert nxt == resolve_profile(temp_profile.root, demo=True)
    assert nxt is not None and nxt.demo
    assert desk.next_options.home == temp_profile  # the demo can lead back to this desk


def test_demo_standing_in_for_an_unconnected_desk_leads_back_to_connect(
    make_desk: Any, qloop: qasync.QEventLoop, temp_profile: Profile
) -> None:
    """`make run` on a desk with no portal opens the demo; its welcome goes home with the settings open."""
    demo = resolve_profile(temp_profile.root, demo=True).ensure()
    desk = make_desk(demo, DeskOptions(tray=False, home=temp_profile, demo_companies=5))

    async def body() -> Profile | None:
        task = await _started(desk)
        await until(lambda: desk.welcome is not None and desk.welcome.isVisible())
        assert not desk.welcome.later_button.isVisible()
        desk.welcome.connect_button.click()
        return await task

    nxt = _run(qloop, body)
    assert nxt == temp_profile
    assert desk.next_options.open_settings and desk.next_options.home is None

    home = make_desk(temp_profile, desk.next_options)

    async def at_home() -> None:
        task = await _started(home)
        await until(lambda: home.settings_dialog is not None and home.settings_dialog.isVisible())
        dialog = home.settings_dialog
        assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Bitrix24"
        assert home.welcome is None  # straight to the settings, no second welcome
        home.request_quit()
        await task

    _run(qloop, at_home)


def test_without_a_tray_closing_the_window_quits(
    qapp: Any, make_desk: Any, qloop: qasync.QEventLoop, temp_profile: Profile
) -> None:
    desk = make_desk(temp_profile, NO_TRAY)

    async def body() -> None:
        task = await _started(desk)
        assert desk.tray.icon is None and not desk.tray.available
        assert qapp.quitOnLastWindowClosed()
        desk.bus.publish(MissedCall(entry_id="e1", number="+79161234567", caller="Ivan", company="Acme",
                                    deal_id=None, responsible_id=None, extension="101"))
        desk.window.close()
        assert await asyncio.wait_for(task, 10) is None

    _run(qloop, body)


@pytest.mark.qt_log_ignore("systemTrayWindowChanged", "propagateSizeHints", "does not support raise")
def test_with_a_tray_closing_the_window_keeps_the_desk(
    qapp: Any, make_desk: Any, qloop: qasync.QEventLoop, temp_profile: Profile
) -> None:
    desk = make_desk(temp_profile, DeskOptions(tray=True, welcome=False))
    notices: list[tuple[str, str]] = []

    async def body() -> None:
        task = await _started(desk)
        desk.tray.notified.connect(lambda title, text: notices.append((title, text)))
        assert not qapp.quitOnLastWindowClosed()
        desk.window.close()
        await asyncio.sleep(0.1)
        assert not task.done() and not desk.window.isVisible()
        desk.bus.publish(MissedCall(entry_id="e1", number="+79161234567", caller="Ivan", company="Acme",
                                    deal_id=None, responsible_id=None, extension="101"))
        desk.bus.publish(SyncStatus(online=True, running=False, pending=0, errors=2, conflicts=0, last_sync=None))
        assert "Bitrix24: online, 2 refused" in desk.tray.tooltip
        desk.tray.show_window()
        assert desk.window.isVisible()
        desk.tray.quit_action.trigger()  # Quit from the tray menu runs the staged shutdown
        await asyncio.wait_for(task, 10)

    _run(qloop, body)
    titles = [t for t, _ in notices]
    assert titles == ["KAPUSTA desktop is still running", "Missed call", "Bitrix24 refused changes"]
    assert notices[1][1] == "Ivan (Acme)"


@pytest.mark.slow
def test_demo_fills_its_cache_through_the_real_sync_and_notices_flow(
    make_desk: Any, qloop: qasync.QEventLoop, temp_profile: Profile, memory_keyring: ss.MemoryKeyring
) -> None:
    from kapusta_desktop.demo_desk import DEMO_TEAM_CHAT
    from kapusta_desktop.store.models import Deal, OutboxEntry

    demo = resolve_profile(temp_profile.root, demo=True).ensure()
    desk = make_desk(demo, DeskOptions(tray=False, demo_companies=4, listener_port=0))

    async def body() -> None:
        task = await _started(desk)
        assert desk.window.demo_label.isVisible()
        assert "DEMO" in desk.window.windowTitle()
        await until(lambda: desk.first_sync is not None, timeout=60)
        assert desk.first_sync is not None and desk.first_sync.online
        assert Deal.select().count() == 24  # 6 deals per company, pulled from the sandbox
        assert desk.sandboxes.bitrix24.state is not None
        assert desk.secrets.status().kind is ss.BackendKind.MEMORY
        assert memory_keyring.get_password(ss.SERVICE, ss.BITRIX24_WEBHOOK) is None  # never the shared keyring
        assert keyring.get_keyring() is memory_keyring
        # A missed call played from the Demo menu becomes a Telegram notice in the sandbox's team chat.
        assert desk.calls.listener is not None
        menu = {a.objectName(): a for a in desk.demo_menu.actions()}
        menu["simulateMissedCall"].trigger()
        await until(lambda: any(m.chat_id == DEMO_TEAM_CHAT for m in desk.sandboxes.telegram_messages), timeout=30)
        assert OutboxEntry.select().count() >= 1  # the notice (and the call log) went through the outbox
        # "Call back" on that missed call: the desk's own Mango client asks the demo PBX, which rings this desk.
        view = desk.calls.missed_view
        await until(lambda: view.table.rowCount() > 0, timeout=10)
        view.table.selectRow(0)
        view.call_back_button.click()
        await until(lambda: "your phone rings first" in view.status.text(), timeout=10)
        pbx = desk.sandboxes.pbx
        await until(lambda: any(route == "events/call" and status == 200
                                for route, _payload, status in pbx.stats.delivered), timeout=15)
        desk.request_quit()
        await task

    _run(qloop, body, timeout=100)
