"""Call logging against the Bitrix24 sandbox: crm.activity.list finds an activity whose add answer was lost."""

from __future__ import annotations

import random

import httpx
import pytest

from kapusta_desktop.integrations.bitrix24 import LimitConfig
from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.mango.events import parse_event
from kapusta_desktop.sandbox.bitrix24 import Bitrix24Sandbox
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import CallDesk
from kapusta_desktop.services.call_logging import ORIGINATOR_ID, push_call_log
from kapusta_desktop.store.models import CallRecord, Deal
from kapusta_desktop.store.setting_values import set_value
from tests.services.calls_fixtures import build_cache

LIMITS = LimitConfig(rate=1000, burst=1000, operating_fallback_pause=0.05)


class LoseFirstAddAnswer(httpx.AsyncBaseTransport):
    """Passes every request to the portal; the first crm.activity.add is made there, but its answer never comes."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if request.url.path.removesuffix(".json").endswith("crm.activity.add") and not self.lost:
            self.lost += 1
            await response.aread()
            await response.aclose()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.mark.anyio
async def test_lost_add_answer_and_a_retry_leave_one_activity(db) -> None:  # type: ignore[no-untyped-def]
    cache = build_cache()
    Deal.update(b24_id=1).where(Deal.id == cache.deal.id).execute()
    set_value("mango.desk_extensions", ["101"])
    desk = CallDesk(EventBus(), db)
    for e in scenarios.incoming(client="79161234567", extension="101", rng=random.Random(5)):
        desk.handle(parse_event(e.route, e.payload))
    transport = LoseFirstAddAnswer()
    async with Bitrix24Sandbox(companies=3, rate=1000, burst=1000) as sb:
        async with Bitrix24Client(WebhookAuth(sb.webhook_url), limits=LIMITS, max_retries=0,
                                  transport=transport) as client:
            with pytest.raises(Exception):  # noqa: B017 - which transport error is the client's business
                await push_call_log(client, CallRecord.get(), "webhook")
            assert transport.lost == 1 and len(sb.state.activities) == 1 and CallRecord.get().b24_id is None
            # The outbox retries: crm.activity.list finds the activity by ORIGIN_ID, nothing is added.
            activity_id = await push_call_log(client, CallRecord.get(), "webhook")
        assert len(sb.state.activities) == 1
        [row] = sb.state.activities.rows.values()
    record = CallRecord.get()
    assert activity_id == int(row["ID"]) == record.b24_id and record.sync_state == "synced"
    assert row["ORIGIN_ID"] == f"mango:{record.entry_id}" and row["ORIGINATOR_ID"] == ORIGINATOR_ID
    assert row["OWNER_TYPE_ID"] == "2" and row["OWNER_ID"] == "1" and row["TYPE_ID"] == "2"


@pytest.mark.anyio
async def test_activity_list_filters_by_owner_and_origin() -> None:
    async with Bitrix24Sandbox(companies=3, rate=1000, burst=1000) as sb, httpx.AsyncClient() as http:
        async def call(method: str, params: dict) -> dict:
            r = await http.post(f"{sb.webhook_url}{method}.json", json=params)
            assert r.status_code == 200, r.text
            return r.json()

        base = {"TYPE_ID": 2, "SUBJECT": "Звонок", "COMMUNICATIONS": [{"VALUE": "+79161234567", "TYPE": "PHONE"}],
                "ORIGINATOR_ID": "kapusta-mango"}
        a = (await call("crm.activity.add", {"fields": {**base, "OWNER_TYPE_ID": 2, "OWNER_ID": 1,
                                                         "ORIGIN_ID": "mango:A"}}))["result"]
        b = (await call("crm.activity.add", {"fields": {**base, "OWNER_TYPE_ID": 3, "OWNER_ID": 1,
                                                         "ORIGIN_ID": "mango:B"}}))["result"]
        c = (await call("crm.activity.add", {"fields": {**base, "OWNER_TYPE_ID": 2, "OWNER_ID": 2,
                                                         "ORIGIN_ID": "mango:C", "ORIGINATOR_ID": "other"}}))["result"]

        async def ids(flt: dict) -> list[int]:
            answer = await call("crm.activity.list", {"filter": flt, "select": ["ID"]})
            return [int(r["ID"]) for r in answer["result"]]

        assert await ids({"ORIGINATOR_ID": "kapusta-mango", "ORIGIN_ID": "mango:B"}) == [b]
        assert await ids({"OWNER_TYPE_ID": 2, "OWNER_ID": "1"}) == [a]
        assert await ids({"OWNER_TYPE_ID": 2}) == [a, c]
        assert await ids({"ORIGINATOR_ID": "kapusta-mango"}) == [a, b]
        assert await ids({">ID": a}) == [b, c]
        assert await ids({"ORIGIN_ID": "mango:nothing"}) == []
        full = (await call("crm.activity.list", {"filter": {"ID": c}}))["result"][0]
        assert full["ORIGINATOR_ID"] == "other" and full["OWNER_ID"] == "2" and "COMMUNICATIONS" not in full
        assert (await call("crm.activity.update", {"id": a, "fields": {"DESCRIPTION": "Запись: x"}}))["result"] is True
        assert (await call("crm.activity.get", {"id": a}))["result"]["DESCRIPTION"] == "Запись: x"
