"""Sync over an OAuth application against the Bitrix24 sandbox (HTTP): settings + keyring -> connection -> engine.

The access token expires mid-run, the client refreshes once and the rotated pair lands in the keyring; calls are
logged through telephony.externalcall.*; a missing field or a team desk is refused with words saying why.
"""

from __future__ import annotations

import argparse
import logging
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest

from kapusta_desktop import secret_store as ss
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
from kapusta_desktop.integrations.mango.events import parse_event
from kapusta_desktop.redact import RedactingFormatter
from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.secret_store import SecretStore
from kapusta_desktop.services.bitrix24_connection import (
    MISSING,
    OAUTH_URL_ENV,
    TEAM_OAUTH,
    ConnectionSetupError,
    bitrix24_connection,
)
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import CallDesk
from kapusta_desktop.services.call_logging import push_call_log
from kapusta_desktop.services.editing import DealInput, EditingService
from kapusta_desktop.services.sync.engine import SyncEngine
from kapusta_desktop.store.models import CallRecord, Deal, Phone, UserManager
from kapusta_desktop.store.setting_values import set_value

pytestmark = pytest.mark.anyio
FAST = LimitConfig(rate=1000, burst=1000)


class Window:
    """What the runtime tells the status bar."""

    def __init__(self) -> None:
        self.states: list[tuple[str, str, str]] = []

    def set_connection_state(self, service: str, state: str, text: str) -> None:
        self.states.append((service, state, text))


@pytest.fixture
async def portal(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bitrix24Sandbox]:
    async with Bitrix24Sandbox(companies=3, rate=1000, burst=1000) as sb:
        monkeypatch.setenv(OAUTH_URL_ENV, sb.oauth_url)  # the sandbox's token server instead of oauth.bitrix.info
        yield sb


def _oauth_settings(sb: Bitrix24Sandbox, secrets: SecretStore, *, skip: str = "") -> tuple[str, str]:
    access, refresh = sb.issue_tokens(user_id=1)
    set_value("bitrix24.enabled", True)
    set_value("bitrix24.auth_mode", "oauth")
    set_value("bitrix24.portal_url", sb.base_url)
    set_value("bitrix24.client_id", sb.client_id)
    for name, value in ((ss.BITRIX24_CLIENT_SECRET, sb.client_secret), (ss.BITRIX24_ACCESS_TOKEN, access),
                        (ss.BITRIX24_REFRESH_TOKEN, refresh)):
        if name != skip:
            secrets.set(name, value)
    return access, refresh


def _deal_input(deal: Deal, title: str) -> DealInput:
    return DealInput(title=title, stage_id=deal.stage_id, amount=deal.amount, currency=deal.currency,
                     company_id=deal.company_id, contact_ids=[], responsible_id=deal.responsible_id)


async def test_oauth_engine_pulls_and_pushes_and_keeps_the_refreshed_pair(
    db: Any, portal: Bitrix24Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="peewee")  # its SQL lines only make a failure hard to read
    secrets = SecretStore()
    old_access, old_refresh = _oauth_settings(portal, secrets)
    connection = bitrix24_connection(secrets)
    assert connection.kind == "oauth" and connection.portal_url == portal.base_url
    expired: list[str] = []

    def expire_once(kind: str, done: int, total: int | None) -> None:  # the access token dies mid-pull
        if not expired:
            expired.append(kind)
            portal.expire_tokens()

    client = Bitrix24Client(connection.auth, limits=FAST, max_retries=0)
    try:
        engine = SyncEngine(client, EventBus(), connection_kind=connection.kind, on_progress=expire_once,
                            push_backoff=(0.0, 0.0))
        report = await engine.sync_now(full=True)
        assert report.ok, report.error
        assert expired and Deal.select().count() == len(portal.state.tables["deal"].rows) > 0
        assert portal.stats.token_refreshes == 1 and client.stats.token_refreshes == 1

        deal = Deal.select().where(Deal.b24_id.is_null(False)).first()
        EditingService(db).save_deal(deal.id, _deal_input(deal, "Изменено по OAuth"))
        report = await engine.sync_now()
        assert report.ok and report.push.records == 1, report.error
        assert portal.state.tables["deal"].get(deal.b24_id)["TITLE"] == "Изменено по OAuth"
        assert portal.stats.token_refreshes == 1  # the new access token served the push
    finally:
        await client.aclose()

    new_access, new_refresh = secrets.get(ss.BITRIX24_ACCESS_TOKEN), secrets.get(ss.BITRIX24_REFRESH_TOKEN)
    assert (new_access, new_refresh) == (connection.auth.access_token, connection.auth.refresh_token)
    assert new_access != old_access and new_refresh != old_refresh
    assert old_refresh not in portal.refresh_tokens and new_refresh in portal.refresh_tokens

    # A restart builds the connection from the keyring again: its refresh token still works.
    portal.expire_tokens()
    again = bitrix24_connection(secrets)
    async with Bitrix24Client(again.auth, limits=FAST, max_retries=0) as client2:
        assert (await client2.call("user.current"))["ID"]
    assert portal.stats.token_refreshes == 2 and secrets.get(ss.BITRIX24_REFRESH_TOKEN) in portal.refresh_tokens

    assert "Bitrix24 OAuth tokens refreshed and saved" in caplog.text
    tokens = [old_access, old_refresh, new_access, new_refresh, portal.client_secret]
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("kapusta_desktop"))
    shown = "\n".join(RedactingFormatter().format(r) for r in caplog.records)  # what the log file would hold
    assert not [t for t in tokens if t in ours or t in shown]


async def test_oauth_logs_a_call_through_externalcall_register_and_finish(db: Any, portal: Bitrix24Sandbox) -> None:
    secrets = SecretStore()
    _oauth_settings(portal, secrets)
    connection = bitrix24_connection(secrets)
    async with Bitrix24Client(connection.auth, limits=FAST, max_retries=0) as client:
        engine = SyncEngine(client, EventBus(), call_logger=push_call_log, connection_kind=connection.kind,
                            push_backoff=(0.0, 0.0))
        assert (await engine.sync_now(full=True)).ok
        phone = Phone.select().where(Phone.owner_type == "contact", Phone.e164.is_null(False)).first()
        UserManager.update(mango_extension="101").where(UserManager.b24_user_id == 1).execute()
        set_value("mango.desk_extensions", ["101"])
        desk = CallDesk(EventBus(), db)
        for e in scenarios.incoming(client=phone.e164.lstrip("+"), extension="101", rng=random.Random(3)):
            desk.handle(parse_event(e.route, e.payload))
        activities = len(portal.state.activities)
        report = await engine.sync_now()
        assert report.ok, report.error
    [call] = portal.state.calls.values()
    record = CallRecord.get()
    assert call["_finished"] and call["CALL_ID"] == record.b24_call_id and record.sync_state == "synced"
    assert call["PHONE_NUMBER"].lstrip("+") == phone.e164.lstrip("+") and call["USER_ID"] == "1"
    assert len(portal.state.activities) == activities + 1  # finish made the call activity, no crm.activity.add


async def test_missing_client_secret_is_named_by_the_service_and_the_status_bar(
    db: Any, portal: Bitrix24Sandbox, qapp: Any
) -> None:
    from kapusta_desktop.ui.sync_adapter import sync_runtime_from_settings

    secrets = SecretStore()
    _oauth_settings(portal, secrets, skip=ss.BITRIX24_CLIENT_SECRET)
    with pytest.raises(ConnectionSetupError) as refused:
        bitrix24_connection(secrets)
    assert refused.value.reason == MISSING and refused.value.fields == (ss.BITRIX24_CLIENT_SECRET,)
    assert "Application client secret (bitrix24.client_secret)" in str(refused.value)
    window = Window()
    assert sync_runtime_from_settings(window, EventBus(), secrets=secrets) is None
    [(_service, state, text)] = window.states
    assert state == "not_configured" and "Application client secret" in text and "OAuth" in text
    assert "access token" not in text  # only what is missing


async def test_a_team_desk_without_the_relay_is_refused_oauth(
    db: Any, portal: Bitrix24Sandbox, qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kapusta_desktop.ui.sync_adapter import sync_runtime_from_settings

    secrets = SecretStore()
    _oauth_settings(portal, secrets)
    monkeypatch.setenv("KAPUSTA_DATABASE_URL", "postgresql://kapusta@127.0.0.1:9/team")  # never connected to
    monkeypatch.delenv("KAPUSTA_RELAY_URL", raising=False)
    with pytest.raises(ConnectionSetupError) as refused:
        bitrix24_connection(secrets)
    assert refused.value.reason == TEAM_OAUTH and "relay" in str(refused.value)
    window = Window()
    assert sync_runtime_from_settings(window, EventBus(), secrets=secrets) is None
    [(_service, state, text)] = window.states
    assert state == "not_configured" and "relay" in text and "webhook" in text
    assert portal.stats.token_refreshes == 0


async def test_the_console_runtime_syncs_in_oauth_mode(db: Any, portal: Bitrix24Sandbox, qapp: Any) -> None:
    from kapusta_desktop.ui.sync_adapter import sync_runtime_from_settings

    secrets = SecretStore()
    _oauth_settings(portal, secrets)
    portal.expire_tokens()  # the saved access token is already dead: the first call refreshes
    runtime = sync_runtime_from_settings(Window(), EventBus(), secrets=secrets)
    assert runtime is not None
    try:
        assert runtime.engine.client.auth.kind == "oauth" and runtime.engine.pusher.connection_kind == "oauth"
        report = await runtime.engine.sync_now(full=True)
        assert report.ok, report.error
        assert Deal.select().count() == len(portal.state.tables["deal"].rows)
    finally:
        await runtime.stop()
    assert portal.stats.token_refreshes == 1 and secrets.get(ss.BITRIX24_REFRESH_TOKEN) in portal.refresh_tokens


async def test_sync_command_uses_the_oauth_connection(
    db: Any, portal: Bitrix24Sandbox, temp_profile: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from kapusta_desktop.commands import sync as command

    secrets = SecretStore.for_profile(temp_profile)
    _, old_refresh = _oauth_settings(portal, secrets)
    portal.expire_tokens()
    args = argparse.Namespace(demo=False, full=True, reconcile=False, webhook_from_stdin=False, ca_bundle=None,
                              retries=0, demo_size=4)
    assert await command._sync(args, temp_profile) == 0
    out = capsys.readouterr()
    assert "mode: full" in out.out and "pulled: company 3" in out.out
    assert portal.stats.token_refreshes == 1 and secrets.get(ss.BITRIX24_REFRESH_TOKEN) != old_refresh
    assert old_refresh not in out.out + out.err

    secrets.delete(ss.BITRIX24_ACCESS_TOKEN)
    with pytest.raises(ValueError, match=r"OAuth access token \(bitrix24.access_token\).*config set --secret"):
        await command._sync(args, temp_profile)


async def test_the_settings_test_button_keeps_the_saved_pair_alive(db: Any, portal: Bitrix24Sandbox) -> None:
    from kapusta_desktop.services.connection_checks import check_bitrix24

    secrets = SecretStore()
    access, refresh = _oauth_settings(portal, secrets)
    portal.expire_tokens()  # an admin presses "Test" an hour later: the check refreshes the saved tokens
    values = {"bitrix24.auth_mode": "oauth", "bitrix24.portal_url": portal.base_url,
              "bitrix24.client_id": portal.client_id, ss.BITRIX24_CLIENT_SECRET: portal.client_secret,
              ss.BITRIX24_ACCESS_TOKEN: access, ss.BITRIX24_REFRESH_TOKEN: refresh}
    assert (await check_bitrix24(values)).user_id == "1"
    assert portal.stats.token_refreshes == 1 and refresh not in portal.refresh_tokens
    assert secrets.get(ss.BITRIX24_REFRESH_TOKEN) in portal.refresh_tokens  # the sync starts from the live pair


async def test_two_processes_of_one_desk_share_the_rotated_pair_instead_of_killing_it(
    db: Any, portal: Bitrix24Sandbox
) -> None:
    """The console and a scheduled `sync` start from the same saved pair; the first to meet expired_token
    refreshes, the second takes the pair the first saved rather than spending a refresh token that is gone."""
    secrets = SecretStore()
    _oauth_settings(portal, secrets)
    console, cron = bitrix24_connection(secrets), bitrix24_connection(secrets)
    portal.expire_tokens()
    clients = [Bitrix24Client(c.auth, limits=FAST, max_retries=0) for c in (console, cron)]
    try:
        assert (await clients[0].call("user.current"))["ID"]  # refreshes and saves the new pair
        assert (await clients[1].call("user.current"))["ID"]  # finds that pair saved: no refresh, no invalid_grant
    finally:
        for client in clients:
            await client.aclose()
    assert portal.stats.token_refreshes == 1
    assert cron.auth.access_token == console.auth.access_token == secrets.get(ss.BITRIX24_ACCESS_TOKEN)
