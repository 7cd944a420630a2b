from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from kapusta_desktop.sandbox.telegram.runner import TelegramSandboxServer
from kapusta_desktop.sandbox.telegram.server import DEFAULT_TOKEN, FloodLimits, TelegramSandbox

pytestmark = pytest.mark.anyio


@pytest.fixture
async def server() -> AsyncIterator[TelegramSandboxServer]:
    sandbox = TelegramSandbox(limits=FloodLimits(per_chat_burst=100, group_count=1000, global_count=1000))
    sandbox.add_chat(111, title="Иван")
    sandbox.add_chat(-222, title="Отдел продаж")
    async with TelegramSandboxServer(sandbox) as srv:
        yield srv


@pytest.fixture
async def http(server: TelegramSandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{server.base_url}/bot{DEFAULT_TOKEN}") as client:
        yield client


async def test_token_is_checked(server: TelegramSandboxServer) -> None:
    async with httpx.AsyncClient() as client:
        r = await client.get(f"{server.base_url}/bot123456789:wrongwrongwrongwrongwrongwrongwrong/getMe")
    assert r.status_code == 401 and r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_methods_are_case_insensitive_and_take_query_form_or_json(http: httpx.AsyncClient) -> None:
    me = (await http.get("/GETME")).json()
    assert me["ok"] and me["result"]["is_bot"] and me["result"]["username"]
    by_query = (await http.get("/sendMessage", params={"chat_id": 111, "text": "q"})).json()
    by_form = (await http.post("/sendmessage", data={"chat_id": "111", "text": "f"})).json()
    by_json = (await http.post("/SendMessage", json={"chat_id": 111, "text": "j"})).json()
    assert [x["result"]["text"] for x in (by_query, by_form, by_json)] == ["q", "f", "j"]
    assert [x["result"]["message_id"] for x in (by_query, by_form, by_json)] == [1, 2, 3]
    chat = (await http.post("/getChat", json={"chat_id": -222})).json()
    assert chat["result"] == {"id": -222, "type": "group", "title": "Отдел продаж"}


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("a<br>b", 'Unsupported start tag "br" at byte offset 1'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("ООО <Рога>", 'Unsupported start tag "" at byte offset 7'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
    ],
)
async def test_bad_html_is_refused(http: httpx.AsyncClient, text: str, description: str) -> None:
    r = await http.post("/sendMessage", json={"chat_id": 111, "text": text, "parse_mode": "HTML"})
    assert r.status_code == 400
    assert r.json()["description"] == f"Bad Request: can't parse entities: {description}"


async def test_allowed_html_and_the_length_after_parsing(
    server: TelegramSandboxServer, http: httpx.AsyncClient
) -> None:
    ok = '<b>a</b> <i>b</i> <a href="https://x.ru">c</a> <code>d</code> <tg-spoiler>e</tg-spoiler> &lt;&amp;&gt;'
    r = await http.post("/sendMessage", json={"chat_id": 111, "text": ok, "parse_mode": "HTML"})
    assert r.json()["result"]["text"] == "a b c d e <&>"
    # 4096 visible characters pass even with markup around them; 4097 do not.
    fits = "<b>" + "я" * 4096 + "</b>"
    assert (await http.post("/sendMessage", json={"chat_id": 111, "text": fits, "parse_mode": "HTML"})).json()["ok"]
    r = await http.post("/sendMessage", json={"chat_id": 111, "text": "я" * 4097, "parse_mode": "HTML"})
    assert r.status_code == 400 and r.json()["description"] == "Bad Request: message is too long"
    assert len(server.sandbox.delivered(111)) == 2


async def test_url_buttons_must_have_a_dotted_host(http: httpx.AsyncClient) -> None:
    def markup(url: str) -> str:
        return json.dumps({"inline_keyboard": [[{"text": "Открыть", "url": url}]]})

    bad = await http.post(
        "/sendMessage", data={"chat_id": "111", "text": "x", "reply_markup": markup("http://localhost:8080/d")}
    )
    assert bad.status_code == 400 and bad.json()["description"] == "Bad Request: BUTTON_URL_INVALID"
    good = await http.post(
        "/sendMessage", data={"chat_id": "111", "text": "x", "reply_markup": markup("https://a.bitrix24.ru/")}
    )
    assert good.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["url"] == "https://a.bitrix24.ru/"


@pytest.mark.parametrize(
    ("chat", "state", "code", "description"),
    [
        (111, "blocked", 403, "Forbidden: bot was blocked by the user"),
        (111, "never_started", 403, "Forbidden: bot can't initiate conversation with a user"),
        (-222, "kicked", 403, "Forbidden: bot was kicked from the group chat"),
        (111, "not_found", 400, "Bad Request: chat not found"),
    ],
)
async def test_chat_states(
    server: TelegramSandboxServer, http: httpx.AsyncClient, chat: int, state: str, code: int, description: str
) -> None:
    server.sandbox.set_state(chat, state)
    r = await http.post("/sendMessage", json={"chat_id": chat, "text": "x"})
    assert r.status_code == code and r.json()["description"] == description
    assert server.sandbox.delivered() == []


async def test_migrated_group_points_at_the_supergroup(server: TelegramSandboxServer, http: httpx.AsyncClient) -> None:
    server.sandbox.set_state(-222, "migrated")
    r = await http.post("/sendMessage", json={"chat_id": -222, "text": "x"})
    body = r.json()
    assert r.status_code == 400 and body["parameters"] == {"migrate_to_chat_id": -100222}
    assert (await http.post("/sendMessage", json={"chat_id": -100222, "text": "x"})).json()["ok"]
    unknown = await http.post("/sendMessage", json={"chat_id": 999, "text": "x"})
    assert unknown.json()["description"] == "Bad Request: chat not found"


async def test_get_updates_with_offset_and_webhook_conflict(
    server: TelegramSandboxServer, http: httpx.AsyncClient
) -> None:
    first = server.sandbox.inject_message(111, "/start")
    server.sandbox.inject_message(-222, "/start@kapusta_sandbox_bot")
    updates = (await http.post("/getUpdates", json={"timeout": 0})).json()["result"]
    assert [u["message"]["chat"]["id"] for u in updates] == [111, -222]
    rest = (await http.post("/getUpdates", json={"offset": first["update_id"] + 1})).json()["result"]
    assert [u["message"]["chat"]["id"] for u in rest] == [-222]
    server.sandbox.webhook_set = True
    r = await http.post("/getUpdates", json={})
    assert r.status_code == 409


async def test_flood_control_answers_429_with_retry_after(http: httpx.AsyncClient) -> None:
    sandbox = TelegramSandbox(limits=FloodLimits(per_chat_burst=2))
    sandbox.add_chat(5)
    async with TelegramSandboxServer(sandbox) as srv, httpx.AsyncClient() as client:
        url = f"{srv.base_url}/bot{DEFAULT_TOKEN}/sendMessage"
        answers = [await client.post(url, json={"chat_id": 5, "text": str(i)}) for i in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        last = answers[-1]
        assert last.headers["Retry-After"] == "1"
        assert last.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        stats = (await client.get(f"{srv.base_url}/_sandbox/stats")).json()
        assert stats == {"requests": 3, "delivered": 2, "too_many_requests": 1}
        listed = (await client.get(f"{srv.base_url}/_sandbox/messages", params={"chat_id": 5})).json()
        assert [m["text"] for m in listed] == ["0", "1"]


async def test_group_limit_per_minute() -> None:
    sandbox = TelegramSandbox(limits=FloodLimits(per_chat_burst=100, group_count=20))
    sandbox.add_chat(-5)
    async with TelegramSandboxServer(sandbox) as srv, httpx.AsyncClient() as client:
        url = f"{srv.base_url}/bot{DEFAULT_TOKEN}/sendMessage"
        codes = [(await client.post(url, json={"chat_id": -5, "text": str(i)})).status_code for i in range(21)]
    assert codes == [200] * 20 + [429]
    assert 55 <= sandbox.too_many_requests[0][1] <= 60


async def test_steering_over_http(server: TelegramSandboxServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        r = await client.post("/_sandbox/chats", json={"id": -333, "state": "kicked"})
        assert r.json()["ok"]
        r = await client.post("/_sandbox/chats", json={"id": 111, "state": "sleeping"})
        assert r.status_code == 400 and "unknown chat state" in r.json()["description"]
        r = await client.post("/_sandbox/updates", json={"chat_id": 444, "text": "/start"})
        assert r.json()["update"]["message"]["chat"]["id"] == 444
    assert server.sandbox.chats[-333].state == "kicked"
