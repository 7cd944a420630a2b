"""The one way to the Telegram Bot API: getMe, getUpdates, sendMessage (and any method a desk forwards).

The token sits in every URL, so no URL is ever logged or put in an error
text. Limits and retries live here: sends pass the rate limiter, a connect
failure is retried (nothing was sent), a short 429 is sat out for that chat
only, and a read timeout is reported as "maybe delivered" rather than resent
blindly.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx

from kapusta_desktop.integrations.telegram.errors import (
    TelegramBadRequest,
    TelegramChatNotFound,
    TelegramConfigError,
    TelegramConflict,
    TelegramError,
    TelegramForbidden,
    TelegramMaybeDelivered,
    TelegramMigrated,
    TelegramRetryAfter,
    TelegramTransientError,
    TelegramUnauthorized,
)
from kapusta_desktop.integrations.telegram.limiter import Limits, RateLimiter
from kapusta_desktop.redact import redact, register_secret

log = logging.getLogger(__name__)

API_URL = "https://api.telegram.org"
TOKEN_RE = re.compile(r"^[1-9]\d{4,15}:[A-Za-z0-9_-]{30,64}$")
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=10.0, pool=10.0)


def check_token(token: str | None) -> str:
    """The token stripped, or TelegramConfigError saying what is wrong (never echoing it)."""
    value = (token or "").strip()
    if not value:
        raise TelegramConfigError("no Telegram bot token is configured")
    if not TOKEN_RE.match(value):
        raise TelegramConfigError(
            "this does not look like a bot token: expected '<bot id>:<secret>' as issued by @BotFather"
        )
    return value


@dataclass(frozen=True)
class SentMessage:
    chat_id: str
    message_id: int


class TelegramClient:
    def __init__(
        self,
        token: str,
        *,
        base_url: str = API_URL,
        http: httpx.AsyncClient | None = None,
        limits: Limits | None = None,
        limiter: RateLimiter | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        connect_retries: int = 3,
        connect_backoff: float = 0.5,
        max_inline_wait: float = 30.0,
        max_429_retries: int = 3,
        relay_desk_token: str | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        if relay_desk_token is None:
            self._token = check_token(token)
            self._prefix = f"{self._base}/bot{self._token}"
            self._headers: dict[str, str] = {}
        else:  # a team desk: the relay holds the bot token, this desk shows its own desk token
            self._token = relay_desk_token.strip()
            if not self._token:
                raise TelegramConfigError("no desk token for the relay is configured")
            self._prefix = f"{self._base}/desk/telegram"
            self._headers = {"Authorization": f"Bearer {self._token}"}
        register_secret(self._token)
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(timeout=timeout)
        self._timeout = timeout
        self.limiter = limiter or RateLimiter(limits)
        self._connect_retries = connect_retries
        self._connect_backoff = connect_backoff
        self._max_inline_wait = max_inline_wait
        self._max_429_retries = max_429_retries

    @classmethod
    def via_relay(cls, relay_url: str, desk_token: str, **kwargs: Any) -> TelegramClient:
        """A team desk's client: every call goes to `<relay>/desk/telegram/<method>`, the relay adds the bot token."""
        return cls("", base_url=relay_url, relay_desk_token=desk_token, **kwargs)

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def __aenter__(self) -> TelegramClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ---- methods ---------------------------------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        """The bot itself: the "Test token" button."""
        return await self.call("getMe", {})

    async def get_updates(self, offset: int | None = None, limit: int = 100, timeout: int = 0) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit, "timeout": timeout}
        if offset is not None:
            params["offset"] = offset
        return await self.call("getUpdates", params, timeout=self._poll_timeout(timeout))

    async def send_message(
        self,
        chat_id: str | int,
        text: str,
        *,
        button_text: str | None = None,
        button_url: str | None = None,
        silent: bool = False,
    ) -> SentMessage:
        """Send one HTML message, keeping the limits; a short 429 is waited out for this chat only."""
        chat = str(chat_id)
        params: dict[str, Any] = {
            "chat_id": _chat_param(chat),
            "text": text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        if silent:
            params["disable_notification"] = True
        if button_text and button_url:
            params["reply_markup"] = {"inline_keyboard": [[{"text": button_text, "url": button_url}]]}
        for attempt in range(self._max_429_retries + 1):
            await self.limiter.acquire(chat)
            try:
                result = await self.call("sendMessage", params)
            except TelegramRetryAfter as exc:
                self.limiter.pause(chat, exc.retry_after)
                if exc.retry_after > self._max_inline_wait or attempt == self._max_429_retries:
                    raise
                log.warning("Telegram asked to slow down for chat %s: waiting %.0f s", chat, exc.retry_after)
                continue
            return SentMessage(chat_id=str(result["chat"]["id"]), message_id=int(result["message_id"]))
        raise AssertionError("unreachable")  # pragma: no cover

    # ---- transport -------------------------------------------------------------------------------

    async def call(self, method: str, params: dict[str, Any], *, timeout: httpx.Timeout | None = None) -> Any:
        """POST one method as JSON; the result, or a typed TelegramError."""
        url = f"{self._prefix}/{method}"
        for attempt in range(self._connect_retries + 1):
            try:
                response = await self._http.post(
                    url, json=params, timeout=timeout or self._timeout, headers=self._headers
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Nothing reached Telegram: retrying cannot duplicate anything.
                if attempt == self._connect_retries:
                    raise TelegramTransientError(f"cannot reach Telegram: {self._clean(exc)}") from None
                await asyncio.sleep(self._connect_backoff * (2**attempt))
                continue
            except (httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                raise TelegramMaybeDelivered(
                    f"no answer from Telegram to {method} ({type(exc).__name__}); it may have been delivered"
                ) from None
            except httpx.HTTPError as exc:
                raise TelegramTransientError(f"{method} failed: {self._clean(exc)}") from None
            return self._parse(method, response)
        raise AssertionError("unreachable")  # pragma: no cover

    async def forward(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """A desk's call through the team relay: (HTTP status, Bot API envelope) to answer it with.

        sendMessage keeps this client's per-chat and global limits (the relay's are the team's); errors come
        back as the Bot API reports them, so the desk's client reads them as if it had called Telegram.
        """
        chat = str(params.get("chat_id")) if method.lower() == "sendmessage" and "chat_id" in params else None
        timeout = self._poll_timeout(int(params.get("timeout") or 0)) if method.lower() == "getupdates" else None
        if chat is not None:
            await self.limiter.acquire(chat)
        try:
            result = await self.call(method, params, timeout=timeout)
        except TelegramRetryAfter as exc:
            if chat is not None:
                self.limiter.pause(chat, exc.retry_after)
            return 429, _error_body(exc, 429, {"retry_after": int(exc.retry_after + 0.999)})
        except TelegramMigrated as exc:
            return 400, _error_body(exc, 400, {"migrate_to_chat_id": _chat_param(exc.new_chat_id)})
        except TelegramMaybeDelivered as exc:
            return 504, _error_body(exc, 504, {"maybe_delivered": True})
        except TelegramError as exc:
            status = exc.code if 400 <= exc.code <= 599 else 502
            return status, _error_body(exc, status)
        return 200, {"ok": True, "result": result}

    def _poll_timeout(self, wait: int) -> httpx.Timeout:
        """A long poll holds the answer up to `wait` seconds: the read timeout covers that on top."""
        return httpx.Timeout(self._timeout.connect or 10.0, read=wait + (self._timeout.read or 30.0))

    def _clean(self, exc: BaseException) -> str:
        text = str(exc) or type(exc).__name__
        return redact(text.replace(self._token, "***"))

    def _parse(self, method: str, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "ok" not in body:
            if response.status_code in (401, 403, 404):
                # A proxy or a wrong base URL: report like the Bot API would, without the URL.
                raise TelegramUnauthorized("Unauthorized", response.status_code)
            raise TelegramTransientError(f"{method}: HTTP {response.status_code} without a Bot API answer")
        if body["ok"]:
            return body.get("result")
        code = int(body.get("error_code") or response.status_code)
        description = redact(str(body.get("description") or "no description"))
        parameters = body.get("parameters") or {}
        if parameters.get("maybe_delivered"):  # the relay's own call went out but got no answer
            raise TelegramMaybeDelivered(description, code)
        if code == 429:
            retry_after = parameters.get("retry_after") or response.headers.get("Retry-After") or 1
            raise TelegramRetryAfter(description, code, max(1.0, float(retry_after)))
        if "migrate_to_chat_id" in parameters:
            raise TelegramMigrated(description, code, str(parameters["migrate_to_chat_id"]))
        if code == 401:
            raise TelegramUnauthorized(description, code)
        if code == 403:
            raise TelegramForbidden(description, code)
        if code == 400 and "chat not found" in description.lower():
            raise TelegramChatNotFound(description, code)
        if code == 409:
            raise TelegramConflict(description, code)
        if code >= 500:
            raise TelegramTransientError(description, code)
        if code == 400:
            raise TelegramBadRequest(description, code)
        raise TelegramError(description, code)


def _error_body(exc: TelegramError, code: int, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": redact(exc.description)}
    if parameters:
        body["parameters"] = parameters
    return body


def _chat_param(chat_id: str | int) -> str | int:
    text = str(chat_id).strip()
    return int(text) if text.lstrip("-").isdigit() else text
