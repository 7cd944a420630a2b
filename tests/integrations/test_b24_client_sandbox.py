"""The Bitrix24 client against the real sandbox over loopback HTTP."""

from __future__ import annotations

import time

import pytest

from kapusta_desktop.integrations.bitrix24 import Bitrix24Api, Bitrix24Client, LimitConfig, OAuthAuth, WebhookAuth
from kapusta_desktop.integrations.bitrix24 import errors as e
from kapusta_desktop.sandbox.bitrix24 import Bitrix24Sandbox, FaultConfig

FAST = LimitConfig(rate=1000, burst=1000, operating_fallback_pause=0.05)


def quick_client(sb: Bitrix24Sandbox, **kw: object) -> Bitrix24Client:
    opts: dict[str, object] = {"limits": FAST, "backoff_base": 0.01, "backoff_max": 0.05, "seed": 3}
    opts.update(kw)
    return Bitrix24Client(WebhookAuth(sb.webhook_url), **opts)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_list_all_carries_2500_rows_per_http_request() -> None:
    async with Bitrix24Sandbox(companies=500, rate=1000, burst=1000) as sb:  # 3,000 deals
        async with quick_client(sb) as c:
            ids: list[int] = []
            async for page in c.list_all("crm.deal.list", select=["ID", "TITLE", "STAGE_ID"]):
                ids.extend(int(r["ID"]) for r in page)
            assert c.stats.requests == 2  # 2,500 + 500 rows
        assert ids == sorted(sb.state.tables["deal"].ids)
        assert sb.stats.methods["batch"] == 2
        assert sb.stats.rows_served == 3000


@pytest.mark.anyio
async def test_incremental_listing_by_date_modify_and_changes_behind_our_back() -> None:
    async with Bitrix24Sandbox(companies=40, rate=1000, burst=1000) as sb, quick_client(sb) as c:
        api = Bitrix24Api(c)
        cutoff = max(r["DATE_MODIFY"] for r in sb.rows("deal"))
        assert [r async for r in api.crm_list_modified_since("deal", cutoff)] == []
        assert sb.act_update("deal", 7, {"STAGE_ID": "WON"}, user_id=3)
        assert sb.act_delete("deal", 8)
        changed = [row async for page in api.crm_list_modified_since("deal", cutoff) for row in page]
        assert [r["ID"] for r in changed] == ["7"]
        assert changed[0]["STAGE_ID"] == "WON" and changed[0]["STAGE_SEMANTIC_ID"] == "S"
        with pytest.raises(e.NotFound):
            await api.deal_get(8)


@pytest.mark.anyio
async def test_batch_reports_failed_commands_without_failing_the_rest() -> None:
    async with Bitrix24Sandbox(companies=10, rate=1000, burst=1000) as sb, quick_client(sb) as c:
        cmds = {f"d{i}": ("crm.deal.get", {"id": i}) for i in range(1, 60)}
        cmds["missing"] = ("crm.deal.get", {"id": 999999})
        cmds["nomethod"] = ("crm.nothing.here", {})
        res = await c.batch(cmds)
        assert res.http_requests == 2  # 61 commands -> 50 + 11
        assert len(res.results) == 59 and res.results["d5"]["ID"] == "5"
        assert isinstance(res.errors["missing"], e.NotFound)
        assert isinstance(res.errors["nomethod"], e.MethodNotFound)
        ref = await c.batch({"a": ("crm.deal.get", {"id": 3}),
                             "b": ("crm.company.get", {"id": "$result[a][COMPANY_ID]"})})
        company_id = ref.results["a"]["COMPANY_ID"]
        if company_id:
            assert ref.results["b"]["ID"] == company_id


@pytest.mark.anyio
async def test_burst_then_steady_rate_never_sees_query_limit_exceeded() -> None:
    limits = LimitConfig(rate=20.0, burst=10, headroom=1.0)
    async with Bitrix24Sandbox(companies=5, rate=20.0, burst=10) as sb:
        async with quick_client(sb, limits=limits) as c:
            started = time.monotonic()
            for _ in range(30):
                await c.call("user.current")
            elapsed = time.monotonic() - started
        assert sb.stats.query_limit_exceeded == 0
        assert c.stats.errors["QUERY_LIMIT_EXCEEDED"] == 0
        # 9 go at once, the other 21 at 20/s.
        assert elapsed >= (30 - 9) / 20.0 * 0.9


@pytest.mark.anyio
async def test_a_client_without_the_limiter_is_refused_and_backs_off() -> None:
    async with Bitrix24Sandbox(companies=5, rate=20.0, burst=5) as sb:
        async with quick_client(sb, limits=LimitConfig(rate=1000, burst=1000)) as c:
            for _ in range(12):
                await c.call("user.current")
        assert sb.stats.query_limit_exceeded > 0
        assert c.stats.errors["QUERY_LIMIT_EXCEEDED"] == sb.stats.query_limit_exceeded


@pytest.mark.anyio
async def test_retries_under_injected_faults_get_everything() -> None:
    faults = FaultConfig(error_500=0.1, error_503=0.1, html=0.1, drop=0.05, slow=0.05, slow_seconds=1.0, seed=11)
    async with Bitrix24Sandbox(companies=120, rate=1000, burst=1000, faults=faults) as sb:
        async with quick_client(sb, timeout=0.5, max_retries=10) as c:
            n = 0
            for _ in range(3):
                n = 0
                async for page in c.list_all("crm.contact.list", select=["ID"], pages_per_request=1):
                    n += len(page)
            assert n == len(sb.state.tables["contact"])
            assert c.stats.retries > 0
            seen = set(c.stats.errors)
        injected = set(sb.stats.faults)
        assert injected, "the seed should inject some faults"
        if "html" in injected:
            assert "HTML_RESPONSE" in seen
        if "slow" in injected:
            assert "TIMEOUT" in seen


@pytest.mark.anyio
async def test_oauth_token_refresh_against_the_sandbox_token_server() -> None:
    saved = []
    async with Bitrix24Sandbox(companies=5, rate=1000, burst=1000) as sb:
        access, refresh = sb.issue_tokens(user_id=2)
        auth = OAuthAuth(sb.base_url, access_token=access, refresh_token=refresh, client_id=sb.client_id,
                         client_secret=sb.client_secret, oauth_url=sb.oauth_url, on_refresh=saved.append)
        async with Bitrix24Client(auth, limits=FAST) as c:
            api = Bitrix24Api(c)
            assert (await api.user_current())["ID"] == "2"
            sb.expire_tokens()
            assert (await api.user_current())["ID"] == "2"
            assert c.stats.token_refreshes == 1 and sb.stats.token_refreshes == 1
            # Telephony works in the application context; the same parameters give the same CALL_ID.
            params = {"USER_PHONE_INNER": "101", "PHONE_NUMBER": "+7 999 000-11-22", "TYPE": 2, "CRM_CREATE": 1}
            first = await api.external_call_register(params)
            again = await api.external_call_register(params)
            assert first["CALL_ID"] == again["CALL_ID"] and first["CRM_ENTITY_TYPE"] == "LEAD"
            done = await api.external_call_finish({"CALL_ID": first["CALL_ID"], "USER_ID": 1, "DURATION": 42})
            assert done["CRM_ACTIVITY_ID"]
            with pytest.raises(e.NotFound):
                await api.external_call_finish({"CALL_ID": first["CALL_ID"], "USER_ID": 1, "DURATION": 42})
    assert len(saved) == 1 and saved[0].access_token == auth.access_token


@pytest.mark.anyio
async def test_operating_time_limit_pauses_only_that_method() -> None:
    async with Bitrix24Sandbox(companies=5, rate=1000, burst=1000, operating_limit=1.0, operating_window=1.0,
                               operating_min_cost=0.4) as sb:
        limits = LimitConfig(rate=1000, burst=1000, operating_limit=1.0, operating_threshold=0.7,
                             operating_fallback_pause=0.5)
        async with quick_client(sb, limits=limits) as c:
            for _ in range(2):
                await c.call("crm.deal.get", {"id": 1})
            # 0.8 s used of 1.0: the client pauses crm.deal.get until the portal's reset time ...
            assert c.operating.pause_left("crm.deal.get") > 0
            assert c.operating.pause_left("user.current") == 0
            started = time.monotonic()
            await c.call("user.current")  # ... while other methods go on at once
            assert time.monotonic() - started < 0.3
            await c.call("crm.deal.get", {"id": 1})
            assert c.stats.operating_wait > 0
        assert sb.stats.operation_time_limit == 0


@pytest.mark.anyio
async def test_operation_time_limit_answer_is_retried_after_a_pause() -> None:
    async with Bitrix24Sandbox(companies=5, rate=1000, burst=1000, operating_limit=0.5, operating_window=1.0,
                               operating_min_cost=0.6) as sb:
        limits = LimitConfig(rate=1000, burst=1000, operating_limit=1000.0, operating_fallback_pause=0.3)
        async with quick_client(sb, limits=limits) as c:
            await c.call("crm.deal.get", {"id": 1})
            await c.call("crm.deal.get", {"id": 1})  # refused with 429 once, then served after the reset
            assert c.stats.errors["OPERATION_TIME_LIMIT"] >= 1
        assert sb.stats.operation_time_limit >= 1


@pytest.mark.anyio
async def test_webhook_gets_wrong_auth_type_for_telephony_and_helpers_work() -> None:
    async with Bitrix24Sandbox(companies=20, rate=1000, burst=1000) as sb, quick_client(sb) as c:
        api = Bitrix24Api(c)
        with pytest.raises(e.WrongAuthType):
            await api.external_call_register({"USER_ID": 1, "PHONE_NUMBER": "+79990001122", "TYPE": 2})
        contact = sb.rows("contact")[0]
        found = await api.find_by_phone([contact["PHONE"][0]["VALUE"]])
        assert int(contact["ID"]) in found["CONTACT"]
        cid = await api.crm_add("contact", {"NAME": "Пётр", "PHONE": [{"VALUE": "+7 495 111-22-33"}],
                                            "ORIGINATOR_ID": "kapusta", "ORIGIN_ID": "c-1"})
        assert (await api.crm_find_by_origin("contact", "kapusta", "c-1"))["ID"] == str(cid)
        assert await api.timeline_comment_add("contact", cid, "Перезвонить") > 0
        deal_id = await api.deal_add({"TITLE": "Охрана склада", "OPPORTUNITY": 1000})
        assert await api.deal_contacts_set(deal_id, [cid])
        assert (await api.deal_contacts_get(deal_id))[0]["CONTACT_ID"] == str(cid)
        task = await api.task_add({"TITLE": "Позвонить", "RESPONSIBLE_ID": 2, "UF_CRM_TASK": [f"D_{deal_id}"]})
        assert task["responsibleId"] == "2" and task["ufCrmTask"] == [f"D_{deal_id}"]
        assert await api.task_get(10**6) is None
        assert [s["STATUS_ID"] for s in await api.deal_stages()][:2] == ["NEW", "PREPARATION"]
        assert (await api.deal_categories())[0]["id"] == 0
        assert await api.user_is_admin() is True
        assert len(await api.users()) == 8


@pytest.mark.anyio
async def test_https_sandbox_with_the_generated_ca(tmp_path: object) -> None:
    from pathlib import Path

    async with Bitrix24Sandbox(companies=5, rate=1000, burst=1000, https=True, cert_dir=Path(str(tmp_path))) as sb:
        assert sb.ca_file is not None and sb.webhook_url.startswith("https://")
        async with Bitrix24Client(WebhookAuth(sb.webhook_url), limits=FAST, ca_bundle=str(sb.ca_file)) as c:
            assert (await c.call("user.current"))["ID"] == "1"
        async with Bitrix24Client(WebhookAuth(sb.webhook_url), limits=FAST, max_retries=0) as c:
            with pytest.raises(e.NetworkError):  # without the CA the certificate is refused
                await c.call("user.current")
