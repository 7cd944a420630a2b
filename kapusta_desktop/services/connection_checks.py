"""The settings dialog's "Test" buttons, without Qt: each opens a client, asks, closes.

They take the values being edited (not yet saved), so an admin can test
before saving. Errors propagate as the clients raise them (texts redacted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REQUIRED_SCOPES = ("crm", "task", "user", "telephony")


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
        auth: Any = OAuthAuth(
            values["bitrix24.portal_url"],
            access_token=values["bitrix24.access_token"],
            refresh_token=values["bitrix24.refresh_token"],
            client_id=values["bitrix24.client_id"],
            client_secret=values["bitrix24.client_secret"],
        )
    else:
        auth = WebhookAuth(values["bitrix24.webhook_url"])
    return Bitrix24Client(auth, max_retries=1)


async def check_bitrix24(values: dict[str, Any]) -> Bitrix24Check:
    """Who the connection acts as (user.current), the admin flag (user.admin) and missing scopes (scope)."""
    from kapusta_desktop.integrations.bitrix24.methods import Bitrix24Api

    client = _bitrix24_client(values)
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
        await client.send_message(chat_id, "KAPUSTA desktop: тестовое сообщение / test message")
