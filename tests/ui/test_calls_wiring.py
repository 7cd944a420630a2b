from __future__ import annotations

import random

import httpx
import pytest

from kapusta_desktop.integrations.mango.signing import signed_form
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.secret_store import MANGO_API_KEY, MANGO_API_SALT, SecretStore
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.store.setting_values import set_value
from kapusta_desktop.ui.calls_wiring import CallsRuntime
from tests.services.calls_fixtures import build_cache
from tests.ui.window_stub import Window

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")


@pytest.mark.anyio
async def test_runtime_listens_pops_up_and_stops(db, qtbot) -> None:  # type: ignore[no-untyped-def]
    build_cache()
    SecretStore().set(MANGO_API_KEY, "wiring-key-0123456789")
    SecretStore().set(MANGO_API_SALT, "wiring-salt-0123456789")
    set_value("mango.enabled", True)
    set_value("mango.listener_port", 0)
    set_value("mango.desk_extensions", ["101"])
    window = Window()
    qtbot.addWidget(window)
    runtime = CallsRuntime(window, EventBus(), db)
    assert set(window.views) == {"calls", "missed_calls"}
    set_value("bitrix24.portal_url", "https://wiring.bitrix24.ru")  # saved after build, as the demo does
    await runtime.start()
    try:
        assert runtime.listener is not None and window.states[-1][1] == "online"
        [appeared] = scenarios.incoming(client="79161234567", extension="101", rng=random.Random(1))[:1]
        async with httpx.AsyncClient() as http:
            form = signed_form("wiring-key-0123456789", "wiring-salt-0123456789", appeared.payload)
            r = await http.post(runtime.listener.url + "/events/call", data=form)
        assert r.status_code == 200
        [popup] = runtime.popups.popups.values()
        assert popup.name.text() == "Сергеев Пётр"
        assert popup.bitrix24_url() == "https://wiring.bitrix24.ru/crm/deal/details/500/"
    finally:
        await runtime.stop()
        await runtime.stop()
    assert runtime.popups.popups == {}


@pytest.mark.anyio
async def test_runtime_without_credentials_says_so(db, qtbot) -> None:  # type: ignore[no-untyped-def]
    set_value("mango.enabled", True)
    window = Window()
    qtbot.addWidget(window)
    runtime = CallsRuntime(window, EventBus(), db)
    await runtime.start()
    assert runtime.listener is None and window.states[-1][:2] == ("mango", "not_configured")
    await runtime.stop()
