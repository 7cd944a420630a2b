"""Envelope and error edge cases of the Bitrix24 client, one HTTP exchange at a time (respx)."""

from __future__ import annotations

import httpx
import pytest
import respx

from kapusta_desktop.integrations.bitrix24 import Bitrix24Client, LimitConfig, OAuthAuth, WebhookAuth
from kapusta_desktop.integrations.bitrix24 import errors as e

PORTAL = "https://kapusta.bitrix24.ru"
HOOK = f"{PORTAL}/rest/1/s3cr3tc0de77/"
FAST = LimitConfig(rate=1000, burst=1000, operating_fallback_pause=0.01)


def client(**kw: object) -> Bitrix24Client:
    return Bitrix24Client(WebhookAuth(HOOK), limits=FAST, backoff_base=0.001, backoff_max=0.002, seed=1,
                          **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "code", "cls", "transient"),
    [
        (503, "QUERY_LIMIT_EXCEEDED", e.QueryLimitExceeded, True),
        (429, "OPERATION_TIME_LIMIT", e.OperationTimeLimit, True),
        (503, "OVERLOAD_LIMIT", e.OverloadLimit, True),
        (500, "INTERNAL_SERVER_ERROR", e.ServerError, True),
        (401, "NO_AUTH_FOUND", e.AuthError, False),
        (403, "INVALID_CREDENTIALS", e.InvalidCredentials, False),
        (403, "insufficient_scope", e.InsufficientScope, False),
        (403, "WRONG_AUTH_TYPE", e.WrongAuthType, False),
        (403, "ACCESS_DENIED", e.AccessDenied, False),
        (404, "ERROR_METHOD_NOT_FOUND", e.MethodNotFound, False),
        (400, "ERROR_BATCH_LENGTH_EXCEEDED", e.BatchLengthExceeded, False),
        (400, "", e.NotFound, False),
        (400, "ERROR_CORE", e.ApiError, False),
    ],
)
@pytest.mark.anyio
async def test_each_error_code_maps_to_its_type(status: int, code: str, cls: type, transient: bool) -> None:
    desc = "Not found" if code == "" else "something"
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post(f"{HOOK}crm.deal.get.json").respond(status, json={"error": code, "error_description": desc})
        async with client(max_retries=2) as c:
            with pytest.raises(cls) as info:
                await c.call("crm.deal.get", {"id": 1})
    assert info.value.transient is transient
    assert info.value.code == code
    # Transient errors are retried (bounded), permanent ones are not.
    assert route.call_count == (3 if transient else 1)
    assert "s3cr3tc0de77" not in str(info.value)


@pytest.mark.anyio
async def test_envelope_is_parsed_with_total_next_and_time() -> None:
    body = {"result": [{"ID": "1"}], "total": 120, "next": 50,
            "time": {"start": 1.0, "finish": 1.1, "operating": 0.5, "operating_reset_at": 1700000000}}
    with respx.mock() as mock:
        route = mock.post(f"{HOOK}crm.deal.list.json").respond(200, json=body)
        async with client() as c:
            env = await c.list_page("crm.deal.list", {"select": ["ID"]}, start=0)
            assert c.operating.operating["crm.deal.list"] == 0.5
    assert env.result == [{"ID": "1"}] and env.total == 120 and env.next == 50
    sent = route.calls.last.request
    assert sent.headers["content-type"] == "application/json"
    assert b'"start": 0' in sent.content or b'"start":0' in sent.content


@pytest.mark.anyio
async def test_html_instead_of_json_is_transient_and_retried() -> None:
    with respx.mock() as mock:
        route = mock.post(f"{HOOK}user.current.json")
        route.side_effect = [httpx.Response(200, html="<html><body>502 Bad Gateway</body></html>"),
                             httpx.Response(200, json={"result": {"ID": "1"}})]
        async with client() as c:
            assert await c.call("user.current") == {"ID": "1"}
            assert c.stats.retries == 1
            assert c.stats.errors["HTML_RESPONSE"] == 1


@pytest.mark.anyio
async def test_html_error_page_surfaces_as_transient_when_retries_run_out() -> None:
    with respx.mock() as mock:
        mock.post(f"{HOOK}user.current.json").respond(502, html="<!DOCTYPE html><html>oops</html>")
        async with client(max_retries=0) as c:
            with pytest.raises(e.HtmlInsteadOfJson) as info:
                await c.call("user.current")
    assert info.value.transient


@pytest.mark.anyio
async def test_timeouts_and_dropped_connections_are_transient() -> None:
    with respx.mock() as mock:
        route = mock.post(f"{HOOK}user.current.json")
        route.side_effect = [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("dropped"),
                             httpx.Response(200, json={"result": {"ID": "1"}})]
        async with client() as c:
            assert await c.call("user.current") == {"ID": "1"}
            assert c.stats.errors["TIMEOUT"] == 1 and c.stats.errors["NETWORK_ERROR"] == 1
        route.side_effect = httpx.ConnectTimeout("never")
        async with client(max_retries=1) as c:
            with pytest.raises(e.RequestTimeout) as info:
                await c.call("user.current")
    assert "s3cr3tc0de77" not in str(info.value) and "bitrix24.ru" not in str(info.value)


@pytest.mark.anyio
async def test_portal_move_302_is_reposted_and_remembered() -> None:
    moved = "https://new-kapusta.bitrix24.ru"
    with respx.mock() as mock:
        old = mock.post(f"{HOOK}crm.deal.add.json").respond(
            302, headers={"Location": f"{moved}/rest/1/s3cr3tc0de77/crm.deal.add.json"})
        new = mock.post(f"{moved}/rest/1/s3cr3tc0de77/crm.deal.add.json").respond(200, json={"result": 394})
        later = mock.post(f"{moved}/rest/1/s3cr3tc0de77/crm.deal.get.json").respond(200, json={"result": {}})
        async with client() as c:
            assert await c.call("crm.deal.add", {"fields": {"TITLE": "x"}}) == 394
            await c.call("crm.deal.get", {"id": 394})
    assert old.call_count == 1 and later.call_count == 1
    assert new.calls.last.request.method == "POST"
    assert b"TITLE" in new.calls.last.request.content


@pytest.mark.anyio
async def test_expired_token_is_refreshed_then_the_call_retried() -> None:
    saved: list[str] = []
    auth = OAuthAuth(PORTAL, access_token="old-access-1", refresh_token="old-refresh-1", client_id="app",
                     client_secret="app-secret-1", oauth_url="https://oauth.example/oauth/token/",
                     on_refresh=lambda t: saved.append(t.refresh_token))
    with respx.mock() as mock:
        rest = mock.post(f"{PORTAL}/rest/user.current.json")
        rest.side_effect = [
            httpx.Response(401, json={"error": "expired_token", "error_description": "The access token expired"}),
            httpx.Response(200, json={"result": {"ID": "1"}}),
        ]
        token = mock.get("https://oauth.example/oauth/token/").respond(
            200, json={"access_token": "new-access-2", "refresh_token": "new-refresh-2", "expires_in": 3600})
        async with Bitrix24Client(auth, limits=FAST) as c:
            assert await c.call("user.current") == {"ID": "1"}
            assert c.stats.token_refreshes == 1
    assert saved == ["new-refresh-2"]
    assert token.calls.last.request.url.params["grant_type"] == "refresh_token"
    assert token.calls.last.request.url.params["refresh_token"] == "old-refresh-1"
    assert b'"auth": "new-access-2"' in rest.calls.last.request.content or \
        b'"auth":"new-access-2"' in rest.calls.last.request.content


@pytest.mark.anyio
async def test_refused_refresh_is_a_permanent_auth_error() -> None:
    auth = OAuthAuth(PORTAL, access_token="old-access-1", refresh_token="old-refresh-1", client_id="app",
                     client_secret="app-secret-1", oauth_url="https://oauth.example/oauth/token/")
    with respx.mock() as mock:
        mock.post(f"{PORTAL}/rest/user.current.json").respond(
            401, json={"error": "expired_token", "error_description": "expired"})
        mock.get("https://oauth.example/oauth/token/").respond(400, json={"error": "invalid_grant"})
        async with Bitrix24Client(auth, limits=FAST) as c:
            with pytest.raises(e.AuthError) as info:
                await c.call("user.current")
    assert not info.value.transient
    assert "old-refresh-1" not in str(info.value) and "app-secret-1" not in str(info.value)


@pytest.mark.anyio
async def test_batch_answer_with_list_sections_and_errors() -> None:
    answer = {"result": {"result": [{"ID": "1"}, None], "result_error": {"1": {"error": "",
              "error_description": "Not found"}}, "result_total": [], "result_next": [], "result_time": []},
              "time": {}}
    with respx.mock() as mock:
        route = mock.post(f"{HOOK}batch.json").respond(200, json=answer)
        async with client() as c:
            res = await c.batch([("crm.deal.get", {"id": 1}), ("crm.deal.get", {"id": 2})])
    assert res.results == {0: {"ID": "1"}}
    assert isinstance(res.errors[1], e.NotFound)
    sent = route.calls.last.request.content.decode()
    assert '"cmd"' in sent and "crm.deal.get?id=2" in sent


def test_bad_webhook_url_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError) as info:
        WebhookAuth("https://kapusta.bitrix24.ru/rest/xx/abc")
    assert "kapusta.bitrix24.ru" not in str(info.value)
