from __future__ import annotations

import httpx
import pytest

from kapusta_desktop.integrations.mango.events import CallEvent, MangoEvent
from kapusta_desktop.integrations.mango.listener import MangoListener
from kapusta_desktop.integrations.mango.signing import compact_json, sign, signed_form

KEY, SALT = "test-key", "test-salt"
APPEARED = {
    "entry_id": "E1",
    "call_id": "C1",
    "seq": 1,
    "call_state": "Appeared",
    "location": "abonent",
    "from": {"number": "79161234567"},
    "to": {"extension": "101"},
}


@pytest.fixture
async def listener():
    got: list[MangoEvent] = []
    lst = MangoListener(api_key=KEY, api_salt=SALT, on_event=got.append, port=0, base_path="/mango/")
    await lst.start()
    lst.got = got  # type: ignore[attr-defined]
    yield lst
    await lst.stop()
    await lst.stop()  # twice is fine


@pytest.mark.anyio
async def test_signed_event_is_delivered(listener: MangoListener) -> None:
    async with httpx.AsyncClient() as http:
        r = await http.post(listener.url + "/events/call", data=signed_form(KEY, SALT, APPEARED))
    assert r.status_code == 200
    assert listener.url.endswith("/mango")
    [ev] = listener.got  # type: ignore[attr-defined]
    assert isinstance(ev, CallEvent) and ev.to.extension == "101"


@pytest.mark.anyio
async def test_forged_unsigned_and_wrong_key_are_403(listener: MangoListener) -> None:
    text = compact_json(APPEARED)
    forged = [
        {"vpbx_api_key": KEY, "sign": sign(KEY, text, "wrong-salt"), "json": text},
        {"vpbx_api_key": KEY, "json": text},
        {"vpbx_api_key": "other", "sign": sign("other", text, SALT), "json": text},
        {"sign": sign(KEY, text, SALT), "json": text},
        # A sign over a re-serialised (different) string must not pass for the raw field.
        {"vpbx_api_key": KEY, "sign": sign(KEY, text, SALT), "json": text.replace(",", ", ")},
    ]
    async with httpx.AsyncClient() as http:
        for form in forged:
            r = await http.post(listener.url + "/events/call", data=form)
            assert r.status_code == 403, form
    assert listener.got == []  # type: ignore[attr-defined]
    assert listener.stats.forged == len(forged)


@pytest.mark.anyio
async def test_malformed_json_400_check_200_oversized_413_unknown_404(listener: MangoListener) -> None:
    bad = "{not json"
    async with httpx.AsyncClient() as http:
        form = {"vpbx_api_key": KEY, "sign": sign(KEY, bad, SALT), "json": bad}
        r = await http.post(listener.url + "/events/call", data=form)
        assert r.status_code == 400
        wrong_shape = compact_json({"call_id": "x"})
        r = await http.post(
            listener.url + "/events/call",
            data={"vpbx_api_key": KEY, "sign": sign(KEY, wrong_shape, SALT), "json": wrong_shape},
        )
        assert r.status_code == 400
        r = await http.post(listener.url + "/events/call", data={"vpbx_api_key": KEY})
        assert r.status_code == 200
        r = await http.post(listener.url + "/events/call", data={"json": "x" * 200_000})
        assert r.status_code == 413
        r = await http.post(listener.url + "/events/nope", data=signed_form(KEY, SALT, APPEARED))
        assert r.status_code == 404
        r = await http.get(listener.url + "/events/call")
        assert r.status_code == 405
        r = await http.post(listener.url + "/events/dtmf", data=signed_form(KEY, SALT, {"entry_id": "E"}))
        assert r.status_code == 200
    assert listener.got == []  # type: ignore[attr-defined]
    assert listener.stats.checks == 1


@pytest.mark.anyio
async def test_listener_without_credentials_refuses_everything() -> None:
    got: list[MangoEvent] = []
    lst = MangoListener(api_key=None, api_salt=None, on_event=got.append, port=0)
    await lst.start()
    try:
        async with httpx.AsyncClient() as http:
            r = await http.post(lst.url + "/events/call", data=signed_form("", "", APPEARED))
        assert r.status_code == 403
    finally:
        await lst.stop()
    assert got == []


@pytest.mark.anyio
async def test_async_callback_failure_is_500() -> None:
    async def boom(_: MangoEvent) -> None:
        raise RuntimeError("x")

    lst = MangoListener(api_key=KEY, api_salt=SALT, on_event=boom, port=0)
    await lst.start()
    try:
        async with httpx.AsyncClient() as http:
            r = await http.post(lst.url + "/events/call", data=signed_form(KEY, SALT, APPEARED))
        assert r.status_code == 500
    finally:
        await lst.stop()


@pytest.mark.anyio
async def test_a_port_in_use_raises_and_leaves_nothing_running(listener: MangoListener) -> None:
    second = MangoListener(api_key=KEY, api_salt=SALT, on_event=lambda _e: None, port=listener.port)
    with pytest.raises(OSError):
        await second.start()
    assert not second.running and second.port == listener.port
    second.port = 0
    await second.start()
    try:
        assert second.running and second.port not in (0, listener.port)
    finally:
        await second.stop()
