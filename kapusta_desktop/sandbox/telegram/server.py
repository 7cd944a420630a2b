"""A loopback Bot API: `/bot<token>/<method>` as Telegram answers it, plus `/_sandbox/...` to steer and inspect.

Plays: the token check (401), getMe, getChat, getUpdates (updates injected by
tests), sendMessage with HTML validation, the 4096-character limit and URL
buttons; per-chat states (ok, blocked, never_started, kicked, migrated,
not_found); and flood control that answers 429 with `retry_after` and a
`Retry-After` header when a client does not keep Telegram's limits.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from kapusta_desktop.sandbox.telegram.html_check import EntityParseError, parse_html, utf16_length

DEFAULT_TOKEN = "123456789:AAHsandboxSANDBOXsandboxSANDBOX_tok"
MAX_TEXT = 4096
CHAT_STATES = ("ok", "blocked", "never_started", "kicked", "migrated", "not_found")


@dataclass(frozen=True)
class FloodLimits:
    """What the sandbox tolerates before answering 429 (Telegram's documented limits)."""

    per_chat_rate: float = 1.0  # messages per second in one chat, refilled continuously
    per_chat_burst: int = 3  # short bursts tolerated
    group_count: int = 20
    group_window: float = 60.0
    global_count: int = 30
    global_window: float = 1.0

    def scaled(self, factor: float) -> FloodLimits:
        """The same limits on a faster clock: durations times `factor`."""
        return FloodLimits(
            per_chat_rate=self.per_chat_rate / factor,
            per_chat_burst=self.per_chat_burst,
            group_count=self.group_count,
            group_window=self.group_window * factor,
            global_count=self.global_count,
            global_window=self.global_window * factor,
        )


@dataclass
class Chat:
    id: int
    type: str  # private, group, supergroup, channel
    title: str
    username: str | None = None
    state: str = "ok"
    migrate_to: int | None = None
    answer_delay: float = 0.0  # seconds to sit on the answer after delivering (read-timeout tests)
    delayed_answers: int = 0

    def as_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.title
        else:
            data["title"] = self.title
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class DeliveredMessage:
    message_id: int
    chat_id: int
    text: str  # as sent (HTML)
    plain: str  # as shown
    reply_markup: dict[str, Any] | None
    disable_notification: bool
    date: int


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class _Flood:
    tokens: dict[int, tuple[float, float]] = field(default_factory=dict)  # chat -> (tokens, at)
    group_sends: dict[int, deque[float]] = field(default_factory=dict)
    global_sends: deque[float] = field(default_factory=deque)


class TelegramSandbox:
    """The emulator's state; `app()` serves it. Safe to inspect from another thread."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        limits: FloodLimits | None = None,
        bot_username: str = "kapusta_sandbox_bot",
    ) -> None:
        self.token = token
        self.limits = limits or FloodLimits()
        self.bot = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "KAPUSTA sandbox",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.chats: dict[int | str, Chat] = {}
        self.messages: list[DeliveredMessage] = []
        self.requests: list[tuple[str, int | str | None]] = []  # (method, chat_id)
        self.too_many_requests: list[tuple[int, float]] = []  # (chat_id, retry_after)
        self.too_many_reasons: Counter[str] = Counter()  # chat, group, global: which limit was broken
        self.webhook_set = False
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(100_000)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._flood = _Flood()
        self._lock = threading.Lock()
        self._updates_arrived: asyncio.Event | None = None

    # ---- steering (Python) -----------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        *,
        type: str | None = None,
        title: str | None = None,
        username: str | None = None,
        state: str = "ok",
    ) -> Chat:
        kind = type or ("private" if chat_id > 0 else ("supergroup" if str(chat_id).startswith("-100") else "group"))
        chat = Chat(id=chat_id, type=kind, title=title or f"chat {chat_id}", username=username)
        with self._lock:
            self.chats[chat_id] = chat
            if username:
                self.chats["@" + username.lower()] = chat
        self.set_state(chat_id, state)
        return chat

    def set_state(self, chat_id: int, state: str, *, migrate_to: int | None = None) -> None:
        if state not in CHAT_STATES:
            raise ValueError(f"unknown chat state {state!r}; known: {', '.join(CHAT_STATES)}")
        chat = self.chats[chat_id]
        chat.state = state
        if state == "migrated":
            if chat.type != "group":
                raise ValueError("only a basic group (negative id, not -100...) can migrate")
            new_id = migrate_to or int(f"-100{abs(chat_id)}")
            chat.migrate_to = new_id
            if new_id not in self.chats:
                self.add_chat(new_id, type="supergroup", title=chat.title)

    def delay_answers(self, chat_id: int, seconds: float, count: int = 1) -> None:
        """Deliver the next `count` messages to this chat but answer only after `seconds`."""
        chat = self.chats[chat_id]
        chat.answer_delay = seconds
        chat.delayed_answers = count

    def inject_message(self, chat_id: int, text: str = "/start", from_id: int | None = None) -> dict[str, Any]:
        """Someone wrote to the bot: getUpdates will return it."""
        chat = self.chats.get(chat_id) or self.add_chat(chat_id)
        sender = from_id or (chat_id if chat_id > 0 else 777_000)
        update = {
            "update_id": next(self._update_ids),
            "message": {
                "message_id": self._next_message_id(chat_id),
                "from": {"id": sender, "is_bot": False, "first_name": chat.title if chat_id > 0 else "Member"},
                "chat": chat.as_api(),
                "date": int(time.time()),
                "text": text,
            },
        }
        with self._lock:
            self._updates.append(update)
        if self._updates_arrived is not None:
            self._updates_arrived.set()
        return update

    def delivered(self, chat_id: int | None = None) -> list[DeliveredMessage]:
        with self._lock:
            return [m for m in self.messages if chat_id is None or m.chat_id == chat_id]

    def count_429(self, chat_id: int | None = None) -> int:
        with self._lock:
            return sum(1 for c, _ in self.too_many_requests if chat_id is None or c == chat_id)

    def count_requests(self, method: str | None = None, chat_id: int | None = None) -> int:
        with self._lock:
            return sum(
                1
                for m, c in self.requests
                if (method is None or m == method.lower()) and (chat_id is None or c == chat_id)
            )

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": len(self.requests),
                "delivered": len(self.messages),
                "too_many_requests": len(self.too_many_requests),
            }

    # ---- HTTP ------------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/_sandbox/messages", self._http_messages)
        app.router.add_get("/_sandbox/stats", self._http_stats)
        app.router.add_post("/_sandbox/chats", self._http_chat)
        app.router.add_post("/_sandbox/updates", self._http_inject)
        app.router.add_post("/_sandbox/webhook", self._http_webhook)
        app.on_startup.append(self._on_startup)
        return app

    async def _on_startup(self, app: web.Application) -> None:
        self._updates_arrived = asyncio.Event()

    async def _handle_api(self, request: web.Request) -> web.Response:
        headers: dict[str, str] = {}
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            params = await _read_params(request)
            method = request.match_info["method"].lower()
            handler = {
                "getme": self._get_me,
                "getchat": self._get_chat,
                "getupdates": self._get_updates,
                "sendmessage": self._send_message,
            }.get(method)
            with self._lock:
                self.requests.append((method, _chat_key(params.get("chat_id"))))
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(params)
            return web.json_response({"ok": True, "result": result})
        except ApiError as exc:
            body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
                if "retry_after" in exc.parameters:
                    headers["Retry-After"] = str(exc.parameters["retry_after"])
            return web.json_response(body, status=exc.code, headers=headers)

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return dict(self.bot)

    def _resolve(self, params: dict[str, Any]) -> Chat:
        raw = params.get("chat_id")
        if raw in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        key = _chat_key(raw)
        chat = self.chats.get(key.lower() if isinstance(key, str) else key)
        if chat is None or chat.state == "not_found":
            raise ApiError(400, "Bad Request: chat not found")
        if chat.state == "migrated":
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrate_to},
            )
        if chat.state == "kicked":
            where = "supergroup chat" if chat.type == "supergroup" else "group chat"
            if chat.type == "channel":
                where = "channel chat"
            raise ApiError(403, f"Forbidden: bot was kicked from the {where}")
        return chat

    async def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._resolve(params).as_api()

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook_set:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                           "to delete the webhook first")
        offset = _int_param(params, "offset", 0)
        limit = min(max(_int_param(params, "limit", 100), 1), 100)
        timeout = min(max(_int_param(params, "timeout", 0), 0), 50)
        with self._lock:
            if offset:
                # Confirming an offset forgets everything before it, as Telegram does.
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            ready = self._updates[:limit]
        if not ready and timeout and self._updates_arrived is not None:
            self._updates_arrived.clear()
            try:
                await asyncio.wait_for(self._updates_arrived.wait(), timeout)
            except TimeoutError:
                return []
            with self._lock:
                ready = [u for u in self._updates if u["update_id"] >= offset][:limit]
        return ready

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve(params)
        if chat.type == "private" and chat.state == "blocked":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat.type == "private" and chat.state == "never_started":
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        self._flood_check(chat)
        parse_mode = str(params.get("parse_mode") or "")
        if parse_mode.lower() == "html":
            try:
                plain = parse_html(text)
            except EntityParseError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        elif parse_mode:
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r} in the sandbox")
        else:
            plain = text
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_length(plain) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = _json_param(params.get("reply_markup"), "reply_markup")
        _check_markup(markup)
        _json_param(params.get("link_preview_options"), "link_preview_options")
        silent = str(params.get("disable_notification", "")).lower() in ("true", "1")
        message = DeliveredMessage(
            message_id=self._next_message_id(chat.id),
            chat_id=chat.id,
            text=text,
            plain=plain,
            reply_markup=markup,
            disable_notification=silent,
            date=int(time.time()),
        )
        with self._lock:
            self.messages.append(message)
        if chat.delayed_answers > 0:
            chat.delayed_answers -= 1
            await asyncio.sleep(chat.answer_delay)
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "from": {k: self.bot[k] for k in ("id", "is_bot", "first_name", "username")},
            "chat": chat.as_api(),
            "date": message.date,
            "text": plain,
        }
        if markup:
            result["reply_markup"] = markup
        return result

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _flood_check(self, chat: Chat) -> None:
        """Telegram's limits, counted on arrival; a refused message is not counted."""
        lim = self.limits
        now = time.monotonic()
        flood = self._flood
        tokens, at = flood.tokens.get(chat.id, (float(lim.per_chat_burst), now))
        tokens = min(float(lim.per_chat_burst), tokens + (now - at) * lim.per_chat_rate)
        wait, reason = 0.0, ""
        if tokens < 1.0:
            wait, reason = (1.0 - tokens) / lim.per_chat_rate, "chat"
        group = flood.group_sends.setdefault(chat.id, deque()) if chat.type != "private" else None
        if group is not None:
            while group and group[0] <= now - lim.group_window:
                group.popleft()
            if len(group) >= lim.group_count and group[0] + lim.group_window - now > wait:
                wait, reason = group[0] + lim.group_window - now, "group"
        glob = flood.global_sends
        while glob and glob[0] <= now - lim.global_window:
            glob.popleft()
        if len(glob) >= lim.global_count and glob[0] + lim.global_window - now > wait:
            wait, reason = glob[0] + lim.global_window - now, "global"
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            with self._lock:
                self.too_many_requests.append((chat.id, retry_after))
                self.too_many_reasons[reason] += 1
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
        flood.tokens[chat.id] = (tokens - 1.0, now)
        if group is not None:
            group.append(now)
        glob.append(now)

    # ---- inspection over HTTP --------------------------------------------------------------------

    async def _http_messages(self, request: web.Request) -> web.Response:
        chat = request.query.get("chat_id")
        items = self.delivered(int(chat) if chat else None)
        return web.json_response([asdict(m) for m in items])

    async def _http_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def _http_chat(self, request: web.Request) -> web.Response:
        data = await request.json()
        try:
            chat_id = int(data["id"])
            if chat_id not in self.chats:
                self.add_chat(chat_id, type=data.get("type"), title=data.get("title"), username=data.get("username"))
            self.set_state(chat_id, data.get("state", "ok"), migrate_to=data.get("migrate_to"))
        except (KeyError, ValueError, TypeError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "chat": self.chats[chat_id].as_api()})

    async def _http_inject(self, request: web.Request) -> web.Response:
        data = await request.json()
        try:
            update = self.inject_message(int(data["chat_id"]), str(data.get("text", "/start")))
        except (KeyError, ValueError, TypeError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "update": update})

    async def _http_webhook(self, request: web.Request) -> web.Response:
        data = await request.json()
        self.webhook_set = bool(data.get("set"))
        return web.json_response({"ok": True})


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query string, then form or JSON body, as the Bot API accepts them."""
    params: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError:
                raise ApiError(400, "Bad Request: can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON request body must be an object")
            params.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _chat_key(raw: Any) -> int | str | None:
    if raw is None:
        return None
    text = str(raw).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return text


def _int_param(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"Bad Request: field \"{name}\" must be a number") from None


def _json_param(value: Any, name: str) -> dict[str, Any] | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
    if not isinstance(value, dict):
        raise ApiError(400, f"Bad Request: field \"{name}\" must be an object")
    return value


def _check_markup(markup: dict[str, Any] | None) -> None:
    if markup is None:
        return
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ApiError(400, "Bad Request: field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text") or "").strip():
                raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed "
                               "in the inline keyboard")
            if "url" in button:
                parts = urlsplit(str(button["url"]))
                host = parts.hostname or ""
                if parts.scheme not in ("http", "https", "tg") or (parts.scheme != "tg" and "." not in host):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
