"""The settings dialog's "Test" buttons, without Qt: each opens a client, asks, closes.

They take the values being edited (not yet saved), so an admin can test
before saving. Errors propagate as the clients raise them (texts redacted).

A desk in relay mode (KAPUSTA_RELAY_URL) holds no token of those services: its
checks test the path it really uses instead, the relay (`GET /desk/whoami`: is
this desk known, is it an admin desk, which forwarding is on) and then the
same cheap call through the relay's forwarding.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

REQUIRED_SCOPES = ("crm", "task", "user", "telephony")
TEST_MESSAGE = "KAPUSTA desktop: тестовое сообщение / test message"


@dataclass(frozen=True)
class Bitrix24Check:
    user_name: str
    user_id: str
    is_admin: bool  # shown, never trusted alone
    scopes: tuple[str, ...]
    missing_scopes: tuple[str, ...]


def _bitrix24_client(values: dict[str, Any]) -> Any:
    from kapusta_desktop.integrations.bitrix24.auth import OAuthAuth, WebhookAuth
    from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client

    if values.get("bitrix24.auth_mode") == "oauth":
        from kapusta_desktop.services.bitrix24_connection import token_server_url

        auth: Any = OAuthAuth(
            values["bitrix24.portal_url"],
            access_token=values["bitrix24.access_token"],
            refresh_token=values["bitrix24.refresh_token"],
            client_id=values["bitrix24.client_id"],
            client_secret=values["bitrix24.client_secret"],
            oauth_url=token_server_url(),
            on_refresh=_keep_saved_pair(values["bitrix24.refresh_token"]),
        )
    else:
        auth = WebhookAuth(values["bitrix24.webhook_url"])
    return Bitrix24Client(auth, max_retries=1)


def _keep_saved_pair(tested_refresh_token: str) -> Any:
    """A test that refreshed the saved tokens saves the rotated pair: Bitrix24 has just invalidated the old
    refresh token, and the sync would otherwise find a dead one at its next start. Typed, unsaved tokens stay
    the admin's to save."""
    from kapusta_desktop.secret_store import BITRIX24_REFRESH_TOKEN, SecretStore
    from kapusta_desktop.services.bitrix24_connection import TokenSaver

    async def on_refresh(tokens: Any) -> None:
        secrets = SecretStore()
        if secrets.get(BITRIX24_REFRESH_TOKEN) == tested_refresh_token:
            await TokenSaver(secrets)(tokens)

    return on_refresh


async def check_bitrix24(values: dict[str, Any]) -> Bitrix24Check:
    """Who the connection acts as (user.current), the admin flag (user.admin) and missing scopes (scope)."""
    return await _bitrix24_check(_bitrix24_client(values))


async def _bitrix24_check(client: Any) -> Bitrix24Check:
    from kapusta_desktop.integrations.bitrix24.methods import Bitrix24Api

    try:
        api = Bitrix24Api(client)
        user = await api.user_current()
        is_admin = await api.user_is_admin()
        scopes = await client.call("scope")  # the scopes this webhook or application was given
    finally:
        await client.aclose()
    have = tuple(str(s) for s in (scopes or []))
    name = " ".join(str(user.get(k) or "") for k in ("NAME", "LAST_NAME")).strip() or str(user.get("EMAIL") or "")
    missing = tuple(s for s in REQUIRED_SCOPES if s not in have)
    return Bitrix24Check(name, str(user.get("ID") or ""), is_admin, have, missing)


async def bitrix24_users(values: dict[str, Any]) -> list[dict[str, Any]]:
    from kapusta_desktop.integrations.bitrix24.methods import Bitrix24Api

    client = _bitrix24_client(values)
    try:
        return await Bitrix24Api(client).users({"ACTIVE": True})
    finally:
        await client.aclose()


async def mango_users(values: dict[str, Any]) -> list[Any]:
    """The PBX users (config/users/request)."""
    from kapusta_desktop.integrations.mango.client import MangoClient

    client = MangoClient(
        api_key=values["mango.api_key"], api_salt=values["mango.api_salt"], base_url=values["mango.api_url"]
    )
    try:
        return await client.users()
    finally:
        await client.aclose()


def _telegram(values: dict[str, Any]) -> Any:
    from kapusta_desktop.integrations.telegram.client import TelegramClient

    return TelegramClient(values["telegram.bot_token"], base_url=values["telegram.api_url"])


async def telegram_get_me(values: dict[str, Any]) -> str:
    async with _telegram(values) as client:
        me = await client.get_me()
    return f"@{me.get('username')} ({me.get('first_name', '')})"


async def telegram_recent_chats(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(chat id, title) of chats that wrote to the bot lately: how an admin finds a team chat's id."""
    async with _telegram(values) as client:
        updates = await client.get_updates(limit=100, timeout=0)
    return _chats(updates)


def _chats(updates: list[dict[str, Any]]) -> list[tuple[str, str]]:
    chats: dict[str, str] = {}
    for update in updates:
        for key in ("message", "channel_post", "my_chat_member", "edited_message"):
            chat = (update.get(key) or {}).get("chat")
            if isinstance(chat, dict) and "id" in chat:
                title = chat.get("title") or " ".join(
                    str(chat.get(k) or "") for k in ("first_name", "last_name")
                ).strip() or str(chat.get("username") or "")
                chats[str(chat["id"])] = f"{title} ({chat.get('type', '?')})"
    return list(chats.items())


async def telegram_send_test(values: dict[str, Any], chat_id: str) -> None:
    async with _telegram(values) as client:
        await client.send_message(chat_id, TEST_MESSAGE)


# -- relay mode: the same checks through the team relay -------------------------------------------------------


@dataclass(frozen=True)
class RelayDesk:
    """What the relay says about this desk (`GET /desk/whoami`)."""

    name: str
    admin: bool
    forwarding: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class ThroughRelay:
    """A check's answer that came through the relay, with the relay's word on the desk."""

    desk: RelayDesk
    result: Any


class ForwardingOff(Exception):
    """The relay holds no token for `service`, so it forwards nothing there."""

    def __init__(self, service: str) -> None:
        super().__init__(f"{service} forwarding is not configured on the relay")
        self.service = service


async def relay_desk(relay: Any) -> RelayDesk:
    """Raises RelayRefusedError (401/403: unknown or revoked desk) or RelayConfigError (unreachable, no token)."""
    if not hasattr(relay, "whoami"):  # UnusableRelay: KAPUSTA_RELAY_URL set, no desk token
        from kapusta_desktop.integrations.relay.desk_side import RelayConfigError

        raise RelayConfigError(str(getattr(relay, "problem", "the relay cannot be used")))
    body = await relay.whoami()
    forwarding = body.get("forwarding")
    return RelayDesk(
        name=str(body.get("desk") or ""),
        admin=body.get("admin") is True,
        forwarding={str(k): v is True for k, v in forwarding.items()} if isinstance(forwarding, dict) else {},
    )


async def _through(relay: Any, service: str, run: Callable[[], Awaitable[T]]) -> ThroughRelay:
    desk = await relay_desk(relay)
    if not desk.forwarding.get(service):
        raise ForwardingOff(service)
    return ThroughRelay(desk, await run())


async def relay_bitrix24(relay: Any) -> ThroughRelay:
    """check_bitrix24 through the relay: who the relay's webhook acts as, its admin flag and missing scopes."""
    return await _through(relay, "bitrix24", lambda: _bitrix24_check(relay.bitrix24_client(max_retries=0)))


async def relay_bitrix24_users(relay: Any) -> list[dict[str, Any]]:
    from kapusta_desktop.integrations.bitrix24.methods import Bitrix24Api

    async def users() -> list[dict[str, Any]]:
        client = relay.bitrix24_client(max_retries=0)
        try:
            return await Bitrix24Api(client).users({"ACTIVE": True})
        finally:
            await client.aclose()

    return (await _through(relay, "bitrix24", users)).result  # type: ignore[no-any-return]


async def relay_mango_users(relay: Any) -> ThroughRelay:
    async def users() -> list[Any]:
        client = relay.mango_client()
        try:
            return await client.users()
        finally:
            await client.aclose()

    return await _through(relay, "mango", users)


async def relay_telegram_get_me(relay: Any) -> ThroughRelay:
    async def get_me() -> str:
        async with relay.telegram_client() as client:
            me = await client.get_me()
        return f"@{me.get('username')} ({me.get('first_name', '')})"

    return await _through(relay, "telegram", get_me)


async def relay_telegram_recent_chats(relay: Any) -> ThroughRelay:
    async def chats() -> list[tuple[str, str]]:
        async with relay.telegram_client() as client:
            return _chats(await client.get_updates(limit=100, timeout=0))

    return await _through(relay, "telegram", chats)


async def relay_telegram_send_test(relay: Any, chat_id: str) -> ThroughRelay:
    async def send() -> str:
        async with relay.telegram_client() as client:
            await client.send_message(chat_id, TEST_MESSAGE)
        return chat_id

    return await _through(relay, "telegram", send)
