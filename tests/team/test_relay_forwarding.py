"""Tokens on the relay: desks call Bitrix24, Telegram and Mango through it with a desk token of their own.

Real PostgreSQL, the real sandboxes on loopback, the desks' ordinary clients pointed at the relay.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import peewee
import pytest

from kapusta_desktop.domain.events import DealStageChanged
from kapusta_desktop.domain.notice_rules import NoticeConfig, NoticeKind, NoticeRule
from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.errors import AccessDenied, AuthError, NotFound, QueryLimitExceeded
from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
from kapusta_desktop.integrations.bitrix24.methods import Bitrix24Api
from kapusta_desktop.integrations.relay.desk_gateway import DeskGateway
from kapusta_desktop.integrations.relay.desk_side import RelayAccess
from kapusta_desktop.integrations.relay.server import RelayServer
from kapusta_desktop.integrations.telegram.errors import TelegramUnauthorized
from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox
from kapusta_desktop.sandbox.mango.api import MangoApiSandbox
from kapusta_desktop.sandbox.telegram.runner import TelegramSandboxServer
from kapusta_desktop.sandbox.telegram.server import DEFAULT_TOKEN, FloodLimits, TelegramSandbox
from kapusta_desktop.secret_store import MemoryKeyring, SecretStore
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.notice_worker import NoticeWorker
from kapusta_desktop.services.notifier import Notifier, save_config
from kapusta_desktop.services.relay_forwarding import ForwardingConfig, build_gateway
from kapusta_desktop.services.relay_settings import team_settings_applier
from kapusta_desktop.store.models import Notice, RelayDesk, Setting
from kapusta_desktop.store.relay_desks import add_desk, revoke_desk
from kapusta_desktop.store.request_budget import budget_row

MANGO_KEY, MANGO_SALT = "relay-mango-key-0001", "relay-mango-salt-0001"
CHAT = 111


@dataclass
class Team:
    relay: RelayServer
    b24: Bitrix24Sandbox
    telegram: TelegramSandboxServer
    mango: MangoApiSandbox
    relay_secrets: SecretStore
    desk_token: str
    admin_token: str

    def desk(self, token: str | None = None) -> RelayAccess:
        return RelayAccess(self.relay.url, token or self.desk_token)


@pytest.fixture
async def team(pg_db: peewee.Database, pg_url: str) -> AsyncIterator[Team]:
    sandbox = TelegramSandbox(limits=FloodLimits(per_chat_burst=100, group_count=1000, global_count=1000))
    sandbox.add_chat(CHAT, title="Иван")
    async with (
        Bitrix24Sandbox(companies=3) as b24,
        TelegramSandboxServer(sandbox) as telegram,
        MangoApiSandbox(api_key=MANGO_KEY, api_salt=MANGO_SALT) as mango,
    ):
        config = ForwardingConfig(database_url=pg_url, b24_webhook_url=b24.webhook_url, telegram_token=DEFAULT_TOKEN,
                                  telegram_api_url=telegram.base_url, mango_api_key=MANGO_KEY,
                                  mango_api_salt=MANGO_SALT, mango_api_url=mango.base_url)
        secrets = SecretStore(MemoryKeyring())  # the relay host's own keyring
        gateway = build_gateway(config, settings=team_settings_applier(secrets), auth_ttl=0.0)
        relay = RelayServer(pg_db, mango_api_key=MANGO_KEY, mango_api_salt=MANGO_SALT, port=0, desks=gateway)
        await relay.start()
        try:
            yield Team(relay, b24, telegram, mango, secrets, add_desk(pg_db, "desk-102"),
                       add_desk(pg_db, "boss", admin=True))
        finally:
            await relay.stop()


def _secrets_of(team: Team) -> list[str]:
    return [team.desk_token, team.admin_token, team.b24.webhook_code, DEFAULT_TOKEN, MANGO_SALT]


@pytest.mark.anyio
async def test_a_desk_creates_a_deal_through_the_relay_under_the_shared_budget(
    team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kapusta_desktop")
    client = team.desk().bitrix24_client()
    try:
        api = Bitrix24Api(client)
        deal_id = await client.call("crm.deal.add", {"fields": {"TITLE": "Через реле", "OPPORTUNITY": 1500}})
        assert team.b24.row("deal", int(deal_id))["TITLE"] == "Через реле"
        batch = await client.batch({"a": ("crm.deal.get", {"id": deal_id}), "b": ("crm.deal.get", {"id": 99999})})
        assert batch.results["a"]["TITLE"] == "Через реле" and isinstance(batch.errors["b"], NotFound)
        pages = [rows async for rows in client.list_all("crm.deal.list", select=["ID", "TITLE"])]
        assert any(row["TITLE"] == "Через реле" for rows in pages for row in rows)
        assert (await api.client.call("user.current"))["ID"]
    finally:
        await client.aclose()
    assert team.relay.desks is not None and team.relay.desks.forwarded["bitrix24"] >= 4
    host = httpx.URL(team.b24.webhook_url).host
    assert budget_row(f"bitrix24:{host}") is not None  # the relay's client took its requests from the team's bucket
    for secret in _secrets_of(team):
        assert secret not in caplog.text


@pytest.mark.anyio
async def test_bitrix24_errors_come_back_readable(team: Team, pg_db: peewee.Database) -> None:
    client = team.desk().bitrix24_client(max_retries=0)
    try:
        with pytest.raises(NotFound) as missing:
            await client.call("crm.deal.get", {"id": 987654})
        assert missing.value.http_status == 400 and "Not found" in str(missing.value)
    finally:
        await client.aclose()
    # A portal that is out of breath: the relay's client (no retries here) passes QUERY_LIMIT_EXCEEDED on as is.
    async with Bitrix24Sandbox(companies=1, rate=0.5, burst=1) as tight:
        relay_client = Bitrix24Client(WebhookAuth(tight.webhook_url), limits=LimitConfig(rate=100, burst=100),
                                      max_retries=0)
        relay = RelayServer(pg_db, mango_api_key=None, mango_api_salt=None, port=0,
                            desks=DeskGateway(bitrix24=relay_client, auth_ttl=0.0))
        await relay.start()
        desk = RelayAccess(relay.url, team.desk_token).bitrix24_client(max_retries=0)
        try:
            answers = await asyncio.gather(*(desk.call("user.current") for _ in range(4)), return_exceptions=True)
        finally:
            await desk.aclose()
            await relay.stop()
        limited = [a for a in answers if isinstance(a, QueryLimitExceeded)]
        assert limited and limited[0].http_status == 503 and tight.stats.query_limit_exceeded == len(limited)


@pytest.mark.anyio
async def test_telegram_and_mango_through_the_relay(team: Team) -> None:
    telegram = team.desk().telegram_client()
    mango = team.desk().mango_client()
    try:
        me = await telegram.get_me()
        assert me["is_bot"]
        sent = await telegram.send_message(CHAT, "<b>Пропущенный звонок</b>")
        assert sent.chat_id == str(CHAT)
        users = await mango.users()
        assert users and all(u.name for u in users)
        command_id = await mango.callback(extension=users[0].extension or "101", to_number="79161234567")
        assert command_id.startswith("cb-")
    finally:
        await telegram.aclose()
        await mango.aclose()
    assert [m.text for m in team.telegram.sandbox.delivered(CHAT)] == ["<b>Пропущенный звонок</b>"]
    assert team.mango.stats.requests >= 2


@pytest.mark.anyio
async def test_wrong_missing_or_revoked_tokens_are_refused_and_nothing_is_forwarded(
    team: Team, pg_db: peewee.Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kapusta_desktop")
    before = team.b24.stats.requests
    wrong = "kdt_" + "x" * 43
    async with httpx.AsyncClient() as http:
        url = f"{team.relay.url}/desk/bitrix24/crm.deal.add"
        body = {"fields": {"TITLE": "не должно"}}
        missing = await http.post(url, json=body)
        unknown = await http.post(url, json=body, headers={"Authorization": f"Bearer {wrong}"})
        basic = await http.post(url, json=body, headers={"Authorization": f"Basic {team.desk_token}"})
        tg = await http.post(f"{team.relay.url}/desk/telegram/sendMessage", json={"chat_id": CHAT, "text": "x"})
        mango = await http.post(f"{team.relay.url}/desk/mango/commands/callback", json={"command_id": "x"})
    assert (missing.status_code, unknown.status_code, basic.status_code) == (401, 401, 401)
    assert missing.json()["error"] == "NO_AUTH_FOUND"
    assert tg.status_code == 401 and tg.json()["ok"] is False
    assert mango.status_code == 401 and mango.json()["relay"] == "refused"

    assert revoke_desk(pg_db, "desk-102")
    client = team.desk().bitrix24_client()
    telegram = team.desk().telegram_client()
    stranger = RelayAccess(team.relay.url, wrong).bitrix24_client()
    try:
        with pytest.raises(AccessDenied) as revoked:
            await client.call("crm.deal.add", {"fields": {"TITLE": "не должно"}})
        assert revoked.value.http_status == 403 and "revoked" in str(revoked.value)
        with pytest.raises(TelegramUnauthorized):
            await telegram.send_message(CHAT, "не должно")
        with pytest.raises(AuthError):
            await stranger.call("user.current")
    finally:
        for each in (client, telegram, stranger):
            await each.aclose()
    assert team.b24.stats.requests == before
    assert team.telegram.sandbox.delivered() == []
    assert team.mango.stats.requests == 0
    assert not [row for row in team.b24.rows("deal") if row["TITLE"] == "не должно"]
    for secret in [*_secrets_of(team), wrong]:
        assert secret not in caplog.text
        for answer in (missing, unknown, basic, tg, mango):
            assert secret not in answer.text


@pytest.mark.anyio
async def test_only_an_admin_desk_changes_settings_and_tokens_stay_on_the_relay(
    team: Team, pg_db: peewee.Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kapusta_desktop")
    new_bot_token = "987654321:" + "B" * 35
    change = {"sync.interval_seconds": "120", "telegram.bot_token": new_bot_token}
    with pytest.raises(Exception) as refused:
        await asyncio.to_thread(team.desk().put_settings, change)
    assert getattr(refused.value, "status", None) == 403 and "admin" in str(refused.value)
    assert Setting.get_or_none(Setting.key == "sync.interval_seconds") is None
    assert team.relay_secrets.get("telegram.bot_token") is None

    bad = await asyncio.to_thread(team.desk(team.admin_token).put_settings, {"sync.interval_seconds": "1"})
    assert set(bad) == {"sync.interval_seconds"}
    oauth = await asyncio.to_thread(team.desk(team.admin_token).put_settings, {"bitrix24.client_secret": "s" * 20})
    assert "not kept on the relay" in oauth["bitrix24.client_secret"]
    assert Setting.get_or_none(Setting.key == "sync.interval_seconds") is None

    old_telegram = team.relay.desks.telegram if team.relay.desks else None
    assert await asyncio.to_thread(team.desk(team.admin_token).put_settings, change) == {}
    assert Setting.get(Setting.key == "sync.interval_seconds").value == 120
    assert team.relay_secrets.get("telegram.bot_token") == new_bot_token
    assert team.relay.desks is not None and team.relay.desks.telegram is not old_telegram  # re-pointed at once

    # No token in the shared database, the relay's log or an answer.
    dump = " ".join(str(row) for table in ("setting", "relay_desk")
                    for row in pg_db.execute_sql(f"SELECT * FROM {table}").fetchall())
    for secret in (new_bot_token, team.desk_token, team.admin_token):
        assert secret not in dump and secret not in caplog.text
    assert {d.name: d.is_admin for d in RelayDesk.select()} == {"desk-102": False, "boss": True}


@pytest.mark.anyio
async def test_a_service_without_a_token_on_the_relay_answers_404(pg_db: peewee.Database) -> None:
    token = add_desk(pg_db, "lonely")
    relay = RelayServer(pg_db, mango_api_key=None, mango_api_salt=None, port=0,
                        desks=build_gateway(ForwardingConfig(), auth_ttl=0.0))
    await relay.start()
    try:
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
            answers: dict[str, Any] = {
                service: await http.post(f"{relay.url}/desk/{service}/{method}", json={})
                for service, method in (("bitrix24", "user.current"), ("telegram", "getMe"),
                                        ("mango", "config/users/request"))
            }
            who = (await http.get(f"{relay.url}/desk/whoami")).json()
    finally:
        await relay.stop()
    assert {s: r.status_code for s, r in answers.items()} == dict.fromkeys(answers, 404)
    assert "not configured" in answers["bitrix24"].json()["error_description"]
    assert "not configured" in answers["telegram"].json()["description"]
    assert who == {"desk": "lonely", "admin": False,
                   "forwarding": {"bitrix24": False, "telegram": False, "mango": False}}


@pytest.mark.anyio
async def test_a_desk_joins_with_its_token_and_its_console_works_through_the_relay(
    team: Team, monkeypatch: pytest.MonkeyPatch, qapp: Any
) -> None:
    import io

    from kapusta_desktop.cli import main
    from kapusta_desktop.integrations.relay.desk_side import RelayConfigError, relay_access
    from kapusta_desktop.services.admin import AdminAccess, ScryptCost
    from kapusta_desktop.services.bus import EventBus
    from kapusta_desktop.services.settings import RelaySettingsError, SettingsService
    from kapusta_desktop.store.setting_values import set_value
    from kapusta_desktop.ui.sync_adapter import sync_runtime_from_settings

    monkeypatch.setenv("KAPUSTA_RELAY_URL", team.relay.url)
    monkeypatch.delenv("KAPUSTA_RELAY_TOKEN", raising=False)
    monkeypatch.delenv("KAPUSTA_DATABASE_URL", raising=False)
    with pytest.raises(RelayConfigError, match="relay join"):
        relay_access(SecretStore())
    monkeypatch.setattr("sys.stdin", io.StringIO(team.desk_token + "\n"))
    assert main(["relay", "join"]) == 0
    access = relay_access(SecretStore())
    assert access is not None and access.token == team.desk_token

    # The console's sync talks to the portal through the relay, with no webhook on this desk.
    set_value("bitrix24.enabled", True)
    runtime = sync_runtime_from_settings(object(), EventBus(), secrets=SecretStore())
    assert runtime is not None and runtime.engine.client.auth.kind == "relay"
    try:
        assert (await runtime.engine.client.call("user.current"))["ID"]
    finally:
        await runtime.stop()
    assert SecretStore().get("bitrix24.webhook_url") is None

    # A settings change from this (non-admin) desk: unlocked here, refused by the relay, nothing changed.
    service = SettingsService(SecretStore(), AdminAccess(cost=ScryptCost(n=2**10, r=8, p=1)), relay=access)
    service.admin.set_initial_password("desk-admin-1")
    await asyncio.to_thread(service.admin.unlock, "desk-admin-1")
    with pytest.raises(RelaySettingsError) as refused:
        await asyncio.to_thread(service.apply, {"sync.interval_seconds": "60"})
    assert refused.value.status == 403
    assert Setting.get_or_none(Setting.key == "sync.interval_seconds") is None


@pytest.mark.anyio
async def test_a_desk_s_notices_reach_telegram_through_the_relay_once(
    team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kapusta_desktop")
    save_config(NoticeConfig().with_rule(NoticeRule(NoticeKind.DEAL_WON, chats=(str(CHAT),))))
    bus = EventBus()
    won = DealStageChanged(deal_id=1, b24_id=101, title="Охрана склада", old_stage="sent", new_stage="won",
                           amount=Decimal("150000"), currency="RUB", company="ООО «Ромашка»", responsible_id=None)
    Notifier(bus).handle(won)
    Notifier(bus).handle(won)  # a replayed sync hears the same fact again
    client = team.desk().telegram_client()  # the desk holds no bot token: only its desk token
    try:
        await NoticeWorker(client, bus, retry_base=0.01).run_until_idle()
    finally:
        await client.aclose()
    [message] = team.telegram.sandbox.delivered(CHAT)
    assert "Охрана склада" in message.plain
    assert [n.state for n in Notice.select()] == ["sent"]
    assert team.relay.desks is not None and team.relay.desks.forwarded["telegram"] == 1
    for secret in _secrets_of(team):
        assert secret not in caplog.text
