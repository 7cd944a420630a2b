from __future__ import annotations

import json
import random

import httpx
import pytest
import respx

from kapusta_desktop.integrations.bitrix24.auth import OAuthAuth, WebhookAuth
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.mango.events import parse_event
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import CallDesk
from kapusta_desktop.services.call_logging import ORIGINATOR_ID, CallNotBindable, push_call_log
from kapusta_desktop.store.models import CallRecord
from kapusta_desktop.store.setting_values import set_value
from tests.services.calls_fixtures import build_cache

HOOK = "https://portal.test/rest/1/abcdefgh12345678/"


def _record(db, client: str = "79161234567", answered: bool = True, seed: int = 1) -> CallRecord:  # type: ignore[no-untyped-def]
    set_value("mango.desk_extensions", ["101"])
    desk = CallDesk(EventBus(), db)
    for e in scenarios.incoming(client=client, extension="101", answered=answered, rng=random.Random(seed)):
        desk.handle(parse_event(e.route, e.payload))
    return CallRecord.get()


class FakePortal:
    """Just enough of crm.activity.* to show that pushing twice makes one activity."""

    def __init__(self) -> None:
        self.activities: dict[int, dict] = {}
        self.lose_next_answer = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1].removesuffix(".json")
        body = json.loads(request.content or b"{}")
        if method == "crm.activity.list":
            flt = body.get("filter", {})
            wanted = (flt.get("ORIGINATOR_ID"), flt.get("ORIGIN_ID"))
            rows = [{"ID": str(i)} for i, a in self.activities.items()
                    if (a.get("ORIGINATOR_ID"), a.get("ORIGIN_ID")) == wanted]
            return httpx.Response(200, json={"result": rows, "total": len(rows)})
        if method == "crm.activity.add":
            new_id = len(self.activities) + 100
            self.activities[new_id] = body["fields"]
            if self.lose_next_answer:
                self.lose_next_answer = False
                return httpx.Response(500, text="<html>gateway</html>")
            return httpx.Response(200, json={"result": new_id})
        return httpx.Response(404, json={"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"})


@pytest.mark.anyio
async def test_webhook_logs_one_activity_even_when_pushed_twice_or_after_a_lost_answer(db) -> None:  # type: ignore[no-untyped-def]
    build_cache()
    record = _record(db)
    portal = FakePortal()
    portal.lose_next_answer = True  # the portal makes the activity, but we never hear back
    async with respx.mock() as mock:
        mock.route(host="portal.test").mock(side_effect=portal.handle)
        client = Bitrix24Client(WebhookAuth(HOOK), max_retries=0)
        try:
            with pytest.raises(Exception):  # noqa: B017 - the transport error type is the client's business
                await push_call_log(client, record, "webhook")
            await push_call_log(client, CallRecord.get_by_id(record.id), "webhook")
            await push_call_log(client, CallRecord.get_by_id(record.id), "webhook")
        finally:
            await client.aclose()
    assert len(portal.activities) == 1
    [activity] = portal.activities.values()
    assert activity["OWNER_TYPE_ID"] == 2 and activity["OWNER_ID"] == 500 and activity["TYPE_ID"] == 2
    assert activity["ORIGINATOR_ID"] == ORIGINATOR_ID and activity["ORIGIN_ID"] == f"mango:{record.entry_id}"
    assert activity["COMMUNICATIONS"] == [{"VALUE": "+79161234567", "TYPE": "PHONE"}]
    saved = CallRecord.get_by_id(record.id)
    assert saved.b24_id == 100 and saved.sync_state == "synced"


@pytest.mark.anyio
async def test_webhook_refuses_a_call_with_nothing_to_bind(db) -> None:  # type: ignore[no-untyped-def]
    build_cache()
    record = _record(db, client="79990001122")
    async with respx.mock() as mock:
        mock.route(host="portal.test").mock(side_effect=FakePortal().handle)
        client = Bitrix24Client(WebhookAuth(HOOK), max_retries=0)
        try:
            with pytest.raises(CallNotBindable):
                await push_call_log(client, record, "webhook")
        finally:
            await client.aclose()


@pytest.mark.anyio
async def test_oauth_registers_and_finishes_once(db) -> None:  # type: ignore[no-untyped-def]
    build_cache()
    record = _record(db, answered=False)
    calls: list[tuple[str, dict]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1].removesuffix(".json")
        body = json.loads(request.content)
        calls.append((method, body))
        if method == "telephony.externalcall.register":
            return httpx.Response(200, json={"result": {"CALL_ID": "externalCall.abc", "CRM_ENTITY_TYPE": "CONTACT"}})
        if method == "telephony.externalcall.finish":
            if sum(1 for m, _ in calls if m == method) > 1:
                return httpx.Response(400, json={"error": "", "error_description": "Call is not found or finished"})
            return httpx.Response(200, json={"result": {"CRM_ACTIVITY_ID": "777", "CALL_ID": "externalCall.abc"}})
        return httpx.Response(404, json={"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"})

    auth = OAuthAuth("https://portal.test", access_token="access-token-123", refresh_token="refresh-token-123",
                     client_id="local.1", client_secret="secret-secret-1")
    async with respx.mock() as mock:
        mock.route(host="portal.test").mock(side_effect=handle)
        client = Bitrix24Client(auth, max_retries=0)
        try:
            assert await push_call_log(client, record, "oauth") == 777
            assert await push_call_log(client, CallRecord.get_by_id(record.id), "oauth") == 777
        finally:
            await client.aclose()
    methods = [m for m, _ in calls]
    assert methods == ["telephony.externalcall.register", "telephony.externalcall.finish"]
    register, finish = calls[0][1], calls[1][1]
    assert register["EXTERNAL_CALL_ID"] == record.entry_id and register["TYPE"] == 2 and register["USER_ID"] == 1
    assert register["CRM_ENTITY_TYPE"] == "CONTACT" and register["CRM_ENTITY_ID"] == 11
    assert finish["STATUS_CODE"] == 304 and finish["CALL_ID"] == "externalCall.abc"
    saved = CallRecord.get_by_id(record.id)
    assert saved.b24_id == 777 and saved.b24_call_id == "externalCall.abc"


@pytest.mark.anyio
async def test_replayed_call_is_one_activity_in_the_bitrix24_sandbox(db) -> None:  # type: ignore[no-untyped-def]
    from kapusta_desktop.integrations.bitrix24 import LimitConfig
    from kapusta_desktop.sandbox.bitrix24 import Bitrix24Sandbox
    from kapusta_desktop.store.models import Deal

    cache = build_cache()
    Deal.update(b24_id=1).where(Deal.id == cache.deal.id).execute()  # a deal the sandbox has
    set_value("mango.desk_extensions", ["101"])
    events = scenarios.incoming(client="79161234567", extension="101", rng=random.Random(21))
    desk = CallDesk(EventBus(), db)
    for _ in range(2):  # the PBX replays the whole call
        for e in events:
            desk.handle(parse_event(e.route, e.payload))
    async with Bitrix24Sandbox(companies=3, rate=1000, burst=1000) as sb:
        limits = LimitConfig(rate=1000, burst=1000, operating_fallback_pause=0.05)
        async with Bitrix24Client(WebhookAuth(sb.webhook_url), limits=limits, max_retries=0) as client:
            for _ in range(2):  # and the outbox pushes twice (a retry after a lost acknowledgement)
                await push_call_log(client, CallRecord.get(), "webhook")
        assert len(sb.state.activities) == 1
    assert CallRecord.select().count() == 1 and CallRecord.get().sync_state == "synced"
