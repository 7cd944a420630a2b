"""The Bitrix24 sandbox spoken to with plain httpx, written from the reference (not our client)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from kapusta_desktop.sandbox.bitrix24 import Bitrix24Sandbox


@pytest.fixture
async def sb() -> AsyncIterator[Bitrix24Sandbox]:
    async with Bitrix24Sandbox(companies=40, rate=1000, burst=1000) as sandbox:
        yield sandbox


@pytest.mark.anyio
async def test_form_body_add_and_string_typed_get(sb: Bitrix24Sandbox) -> None:
    async with httpx.AsyncClient() as h:
        r = await h.post(sb.webhook_url + "crm.contact.add", data={
            "fields[NAME]": "Анна", "fields[PHONE][0][VALUE]": "+7 495 123-45-67",
            "fields[PHONE][0][VALUE_TYPE]": "WORK", "fields[ORIGIN_ID]": "k-77", "fields[ORIGINATOR_ID]": "kapusta"})
        assert r.status_code == 200
        new_id = r.json()["result"]
        assert isinstance(new_id, int)
        got = (await h.post(sb.webhook_url + "crm.contact.get.json", json={"id": new_id})).json()
        row = got["result"]
        assert row["ID"] == str(new_id) and row["NAME"] == "Анна"
        assert row["PHONE"][0]["VALUE"] == "+7 495 123-45-67" and row["PHONE"][0]["TYPE_ID"] == "PHONE"
        assert set(got["time"]) >= {"start", "finish", "duration", "processing", "date_start", "date_finish",
                                    "operating", "operating_reset_at"}
        assert row["DATE_MODIFY"].endswith("+03:00")
        # Multi-field update: change by ID, add without ID, delete with DELETE=Y.
        pid = row["PHONE"][0]["ID"]
        r = await h.post(sb.webhook_url + "crm.contact.update.json", json={"id": new_id, "fields": {"PHONE": [
            {"ID": pid, "VALUE": "+7 495 765-43-21"}, {"VALUE": "8 916 000-00-01", "VALUE_TYPE": "MOBILE"}]}})
        assert r.json()["result"] is True
        phones = (await h.post(sb.webhook_url + "crm.contact.get", json={"id": new_id})).json()["result"]["PHONE"]
        assert [p["VALUE"] for p in phones] == ["+7 495 765-43-21", "8 916 000-00-01"]
        await h.post(sb.webhook_url + "crm.contact.update", json={"id": new_id, "fields": {"PHONE": [
            {"ID": phones[0]["ID"], "DELETE": "Y"}, {"ID": phones[1]["ID"], "VALUE": ""}]}})
        row = (await h.post(sb.webhook_url + "crm.contact.get", json={"id": new_id})).json()["result"]
        assert "PHONE" not in row or row["PHONE"] == []
        found = (await h.post(sb.webhook_url + "crm.contact.list", json={
            "filter": {"=ORIGIN_ID": "k-77", "ORIGINATOR_ID": "kapusta"}, "select": ["ID"]})).json()
        assert found["result"] == [{"ID": str(new_id)}] and found["total"] == 1


@pytest.mark.anyio
async def test_errors_and_statuses_follow_the_reference(sb: Bitrix24Sandbox) -> None:
    async with httpx.AsyncClient() as h:
        bad = sb.webhook_url.replace(sb.webhook_code, "wrongcode123")
        r = await h.post(bad + "user.current.json")
        assert r.status_code == 401 and r.json()["error"] == "NO_AUTH_FOUND"
        r = await h.post(sb.webhook_url + "crm.nothing.list.json")
        assert r.status_code == 404 and r.json() == {"error": "ERROR_METHOD_NOT_FOUND",
                                                      "error_description": "Method not found!"}
        r = await h.post(sb.webhook_url + "crm.deal.get.json", json={"id": 10**7})
        assert r.status_code == 400 and r.json() == {"error": "", "error_description": "Not found"}
        r = await h.post(sb.webhook_url + "tasks.task.get.json", json={"taskId": 10**7})
        assert r.status_code == 200 and r.json()["result"] == []
        r = await h.post(sb.webhook_url + "telephony.externalcall.register.json",
                         json={"USER_ID": 1, "PHONE_NUMBER": "+79990001122", "TYPE": 2})
        assert r.status_code == 403 and r.json()["error"] == "WRONG_AUTH_TYPE"
        r = await h.post(f"{sb.base_url}/rest/user.current.json", json={"auth": "not-a-token"})
        assert r.status_code == 401 and r.json()["error"] == "NO_AUTH_FOUND"
        access, _ = sb.issue_tokens(1)
        r = await h.get(f"{sb.base_url}/rest/user.current.json", params={"auth": access})
        assert r.status_code == 200 and r.json()["result"]["ID"] == "1"
        sb.expire_tokens()
        r = await h.post(f"{sb.base_url}/rest/user.current", data={"auth": access})
        assert r.status_code == 401 and r.json()["error"] == "expired_token"


@pytest.mark.anyio
async def test_paging_and_start_minus_one(sb: Bitrix24Sandbox) -> None:
    async with httpx.AsyncClient() as h:
        url = sb.webhook_url + "crm.deal.list.json"
        first = (await h.post(url, json={"select": ["ID"], "order": {"ID": "ASC"}})).json()
        assert len(first["result"]) == 50 and first["next"] == 50 and first["total"] == 240
        last = (await h.post(url, json={"select": ["ID"], "start": 200})).json()
        assert len(last["result"]) == 40 and "next" not in last
        fast = (await h.post(url, json={"select": ["ID"], "order": {"ID": "ASC"}, "filter": {">ID": 230},
                                        "start": -1})).json()
        assert [r["ID"] for r in fast["result"]] == [str(i) for i in range(231, 241)]
        assert fast["total"] == 0 and "next" not in fast
        stages = (await h.post(url, json={"select": ["ID", "STAGE_ID"], "filter": {"@STAGE_ID": ["WON", "LOSE"]},
                                          "start": -1})).json()["result"]
        assert stages and all(r["STAGE_ID"] in ("WON", "LOSE") for r in stages)


@pytest.mark.anyio
async def test_batch_answer_shape_references_and_halt(sb: Bitrix24Sandbox) -> None:
    async with httpx.AsyncClient() as h:
        cmd = {
            "page": "crm.deal.list?select[0]=ID&order[ID]=ASC&start=-1",
            "next": "crm.deal.list?select[0]=ID&order[ID]=ASC&start=-1"
                    "&filter[%3EID]=%24result%5Bpage%5D%5B49%5D%5BID%5D",
            "bad": "crm.deal.get?id=99999999",
        }
        body = (await h.post(sb.webhook_url + "batch.json", json={"halt": 0, "cmd": cmd})).json()["result"]
        assert set(body) == {"result", "result_error", "result_total", "result_next", "result_time"}
        assert body["result"]["next"][0]["ID"] == "51"
        assert body["result_error"]["bad"] == {"error": "", "error_description": "Not found"}
        assert body["result_next"] == []
        halted = (await h.post(sb.webhook_url + "batch", data={
            "halt": "1", "cmd[0]": "crm.deal.get?id=99999999", "cmd[1]": "user.current"})).json()["result"]
        assert halted["result"] == [] and halted["result_error"][0]["error_description"] == "Not found"
        listed = (await h.post(sb.webhook_url + "batch", json={"cmd": ["user.current", "user.admin"]})).json()
        assert isinstance(listed["result"]["result"], list) and listed["result"]["result"][1] is True
        too_many = await h.post(sb.webhook_url + "batch", json={"cmd": {str(i): "user.current" for i in range(51)}})
        assert too_many.status_code == 400 and too_many.json()["error"] == "ERROR_BATCH_LENGTH_EXCEEDED"


@pytest.mark.anyio
async def test_leaky_bucket_answers_503_and_control_api_counts_it() -> None:
    async with Bitrix24Sandbox(companies=5, rate=1.0, burst=3) as sb, httpx.AsyncClient() as h:
        codes = [(await h.post(sb.webhook_url + "user.current")).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and 503 in codes[3:]
        r = await h.post(sb.webhook_url + "user.current")
        if r.status_code == 503:
            assert r.json() == {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
        stats = (await h.get(f"{sb.base_url}/_sandbox/stats")).json()
        assert stats["query_limit_exceeded"] >= 2 and stats["requests"] == 6


@pytest.mark.anyio
async def test_control_api_acts_as_another_user_and_sets_faults(sb: Bitrix24Sandbox) -> None:
    async with httpx.AsyncClient() as h:
        ctl = f"{sb.base_url}/_sandbox"
        r = await h.post(f"{ctl}/act/deal/update", json={"id": 3, "fields": {"TITLE": "Чужая правка"}, "user_id": 5})
        assert r.json() == {"ok": True}
        row = (await h.get(f"{ctl}/rows/deal", params={"id": 3})).json()
        assert row["TITLE"] == "Чужая правка" and row["MODIFY_BY_ID"] == "5"
        assert (await h.post(f"{ctl}/act/deal/delete", json={"id": 3})).json() == {"ok": True}
        assert (await h.get(f"{ctl}/rows/deal", params={"id": 3})).status_code == 404
        assert (await h.post(f"{ctl}/faults", json={"html": 1.0})).status_code == 200
        r = await h.post(sb.webhook_url + "user.current")
        assert r.headers["content-type"].startswith("text/html")
        assert (await h.post(f"{ctl}/faults", json={"bogus": 1})).status_code == 400
        await h.post(f"{ctl}/faults", json={})
        assert (await h.post(sb.webhook_url + "user.current")).status_code == 200
