"""The relay's forwarding for team desks: the relay holds the Bitrix24, Telegram and Mango secrets, desks hold none.

Routes (below the relay's base path), each for a desk with `Authorization: Bearer <desk token>`:

- `POST /desk/bitrix24/<method>`: JSON (or form) params, sent through the relay's one Bitrix24 client
  (its limits, the team's shared request budget, its retries); answered with the portal's envelope and
  status, errors included (`{"error", "error_description"}`), so a desk's client with `RelayAuth` reads
  the answer exactly as if it had called the portal.
- `POST /desk/telegram/<method>`: through the relay's TelegramClient; the Bot API envelope.
- `POST /desk/mango/<service>`: the JSON payload (a JSON body or the form's `json` field), signed with the
  relay's key and salt by its MangoClient; Mango's answer.
- `PUT /desk/settings`: `{"values": {key: text}}`, admin desks only (403 "admin only"); non-secret values go
  to the shared Setting table, the tokens to the relay's own secret store.
- `GET /desk/whoami`: `{"desk": name, "admin": bool, "forwarding": {service: bool}}` (the desk's Settings
  dialog tests the relay with it).

401 for a missing or unknown token, 403 for a revoked one; each refusal is phrased in the service's own
envelope so the desk's client reports it plainly. A service the relay holds no secret for answers 404.
No token (the desk's or a service's) is written to a log line or an answer.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from aiohttp import web

from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.encoding import FormKeyError, nest_form
from kapusta_desktop.integrations.bitrix24.errors import (
    Bitrix24Error,
    NetworkError,
    RequestTimeout,
)
from kapusta_desktop.integrations.mango.client import MangoApiError, MangoClient
from kapusta_desktop.integrations.relay.desk_auth import DEFAULT_TTL, DeskAuthError, DeskDirectory, DeskIdentity
from kapusta_desktop.integrations.telegram.client import TelegramClient
from kapusta_desktop.redact import redact
from kapusta_desktop.store.relay_desks import DeskRecord

log = logging.getLogger(__name__)

T = TypeVar("T")
RunDb = Callable[[Callable[[], T]], Awaitable[T]]
DESK_MAX_BODY = 1024 * 1024  # a batch of 50 updates with long comments fits; the event routes keep their 64 KiB
B24_METHOD_RE = re.compile(r"^[A-Za-z0-9_.]{1,100}$")
TG_METHOD_RE = re.compile(r"^[A-Za-z]{1,64}$")
MANGO_SERVICE_RE = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+){0,5}$")
SERVICES = ("bitrix24", "telegram", "mango")
SERVICE_NAMES = {"bitrix24": "Bitrix24", "telegram": "Telegram", "mango": "Mango"}


@dataclass
class SettingsOutcome:
    saved: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)  # secret values saved: the relay re-points its clients


# Validates and stores a desk's settings change (services/relay_settings.py); runs on the relay's database thread.
SettingsApplier = Callable[[Mapping[str, Any]], SettingsOutcome]
SecretsChanged = Callable[[Mapping[str, str]], Awaitable[None]]


class BadDeskRequest(ValueError):
    pass


class DeskGateway:
    def __init__(
        self,
        *,
        bitrix24: Bitrix24Client | None = None,
        telegram: TelegramClient | None = None,
        mango: MangoClient | None = None,
        settings: SettingsApplier | None = None,
        on_secrets: SecretsChanged | None = None,
        auth_ttl: float = DEFAULT_TTL,
    ) -> None:
        self.bitrix24 = bitrix24
        self.telegram = telegram
        self.mango = mango
        self._settings = settings
        self._on_secrets = on_secrets
        self._auth_ttl = auth_ttl
        self._retired: list[Any] = []  # clients replaced while requests may still be using them
        self._run_db: RunDb[Any] | None = None
        self.directory: DeskDirectory | None = None
        self.forwarded: dict[str, int] = dict.fromkeys(SERVICES, 0)
        self.refused = 0

    # ---- wiring -----------------------------------------------------------------------------------

    def add_routes(self, router: web.UrlDispatcher, base_path: str, run_db: RunDb[Any],
                   load_desks: Callable[[], Sequence[DeskRecord]]) -> None:
        """Mount the /desk routes; `load_desks` runs through `run_db` (the relay's database thread)."""
        self._run_db = run_db

        async def load() -> Sequence[DeskRecord]:
            return await run_db(load_desks)

        self.directory = DeskDirectory(load, ttl=self._auth_ttl)
        prefix = base_path + "/desk"
        router.add_post(prefix + "/bitrix24/{method}", self._bitrix24)
        router.add_post(prefix + "/telegram/{method}", self._telegram)
        router.add_post(prefix + "/mango/{service:.+}", self._mango)
        router.add_put(prefix + "/settings", self._put_settings)
        router.add_get(prefix + "/whoami", self._whoami)

    def replace(self, service: str, client: Any) -> None:
        """Point `service` at a new client (its secret changed); the old one closes when the relay stops."""
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}")
        old = getattr(self, service)
        if old is not None:
            self._retired.append(old)
        setattr(self, service, client)

    async def aclose(self) -> None:
        clients = [*self._retired, self.bitrix24, self.telegram, self.mango]
        self._retired.clear()
        for client in clients:
            if client is not None:
                await client.aclose()

    def configured(self) -> dict[str, bool]:
        return {name: getattr(self, name) is not None for name in SERVICES}

    # ---- the desk ---------------------------------------------------------------------------------

    async def _desk(self, request: web.Request, service: str) -> DeskIdentity | web.Response:
        if self.directory is None:
            raise RuntimeError("DeskGateway.add_routes was not called")
        try:
            return await self.directory.authenticate(request.headers.get("Authorization"))
        except DeskAuthError as exc:
            self.refused += 1
            log.warning("relay: %s call from %s refused: %s", service, request.remote, exc)
            return _refusal(service, exc.status, str(exc))

    async def _forwarding(self, request: web.Request, service: str) -> tuple[DeskIdentity, Any] | web.Response:
        """The calling desk and the relay's client for `service`, or the refusal to answer with."""
        desk = await self._desk(request, service)
        if isinstance(desk, web.Response):
            return desk
        client = getattr(self, service)
        if client is None:
            return _refusal(service, 404, f"{SERVICE_NAMES[service]} forwarding is not configured on this relay")
        return desk, client

    # ---- Bitrix24 ---------------------------------------------------------------------------------

    async def _bitrix24(self, request: web.Request) -> web.Response:
        found = await self._forwarding(request, "bitrix24")
        if isinstance(found, web.Response):
            return found
        desk, client = found
        method = request.match_info["method"].removesuffix(".json")
        if not B24_METHOD_RE.match(method):
            return _b24_error("ERROR_METHOD_NOT_FOUND", "not a Bitrix24 method name", 404)
        try:
            params = await _read_params(request)
        except BadDeskRequest as exc:
            return _b24_error("INVALID_REQUEST", str(exc), 400)
        self.forwarded["bitrix24"] += 1
        try:
            env = await client.forward(method, params)
        except Bitrix24Error as exc:
            status = _b24_status(exc)
            log.info("relay: desk %s: %s -> %s %s", desk.name, method, status, exc.code or "NOT_FOUND")
            return _b24_error(exc.code, exc.description, status)
        body: dict[str, Any] = {"result": env.result}
        for key, value in (("total", env.total), ("next", env.next), ("time", env.time)):
            if value is not None:
                body[key] = value
        return web.json_response(body)

    # ---- Telegram ---------------------------------------------------------------------------------

    async def _telegram(self, request: web.Request) -> web.Response:
        found = await self._forwarding(request, "telegram")
        if isinstance(found, web.Response):
            return found
        desk, client = found
        method = request.match_info["method"]
        if not TG_METHOD_RE.match(method):
            return _tg_error(404, "Not Found: no such method")
        try:
            params = await _read_params(request)
        except BadDeskRequest as exc:
            return _tg_error(400, f"Bad Request: {exc}")
        self.forwarded["telegram"] += 1
        status, body = await client.forward(method, params)
        if status != 200:
            log.info("relay: desk %s: Telegram %s -> %s", desk.name, method, status)
        return web.json_response(body, status=status)

    # ---- Mango ------------------------------------------------------------------------------------

    async def _mango(self, request: web.Request) -> web.Response:
        found = await self._forwarding(request, "mango")
        if isinstance(found, web.Response):
            return found
        desk, client = found
        service = request.match_info["service"].strip("/")
        if not MANGO_SERVICE_RE.match(service):
            return web.json_response({"error": "not a Mango API service"}, status=404)
        try:
            params = await _read_params(request)
            payload = json.loads(params["json"]) if isinstance(params.get("json"), str) else params
        except (BadDeskRequest, ValueError) as exc:
            return web.json_response({"error": f"bad request: {redact(str(exc))}"}, status=400)
        if not isinstance(payload, dict):
            return web.json_response({"error": "bad request: the payload must be a JSON object"}, status=400)
        self.forwarded["mango"] += 1
        try:
            answer = await client.request(service, payload)
        except MangoApiError as exc:
            log.info("relay: desk %s: Mango %s -> %s", desk.name, service, exc)
            if exc.code is not None:
                return web.json_response({"result": exc.code}, status=exc.http_status or 200)
            return web.json_response({"error": redact(str(exc))}, status=exc.http_status or 502)
        if answer is None:
            return web.Response(status=200)
        return web.json_response(answer)

    # ---- settings ---------------------------------------------------------------------------------

    async def _whoami(self, request: web.Request) -> web.Response:
        desk = await self._desk(request, "settings")
        if isinstance(desk, web.Response):
            return desk
        return web.json_response({"desk": desk.name, "admin": desk.is_admin, "forwarding": self.configured()})

    async def _put_settings(self, request: web.Request) -> web.Response:
        desk = await self._desk(request, "settings")
        if isinstance(desk, web.Response):
            return desk
        if not desk.is_admin:
            log.warning("relay: settings change from non-admin desk %s refused", desk.name)
            return web.json_response(
                {"error": "admin only", "error_description": "only an admin desk may change settings"}, status=403
            )
        if self._settings is None or self._run_db is None:
            return _refusal("settings", 404, "settings cannot be changed through this relay")
        try:
            body = json.loads(await _read_body(request))
        except (BadDeskRequest, ValueError):
            return web.json_response({"error": "bad request", "error_description": "expected JSON"}, status=400)
        values = body.get("values") if isinstance(body, dict) else None
        if not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
            return web.json_response(
                {"error": "bad request", "error_description": 'expected {"values": {key: text}}'}, status=400
            )
        applier = self._settings
        outcome: SettingsOutcome = await self._run_db(lambda: applier(values))
        if outcome.errors:
            return web.json_response({"error": "invalid", "errors": outcome.errors}, status=400)
        log.info("relay: desk %s changed settings: %s", desk.name, ", ".join(sorted(outcome.saved)) or "nothing")
        if outcome.secrets and self._on_secrets is not None:
            await self._on_secrets(outcome.secrets)
        return web.json_response({"saved": sorted(outcome.saved)})


# ---- request and answer helpers ---------------------------------------------------------------------


async def _read_body(request: web.Request, limit: int = DESK_MAX_BODY) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise BadDeskRequest(f"the body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_params(request: web.Request) -> dict[str, Any]:
    """A JSON object body, or a form (PHP-style `a[b][]=v` keys nest as Bitrix24 reads them)."""
    raw = await _read_body(request)
    if not raw.strip():
        return {}
    if request.content_type == "application/json" or raw.lstrip()[:1] == b"{":
        try:
            data = json.loads(raw)
        except ValueError:
            raise BadDeskRequest("the body is not JSON") from None
        if not isinstance(data, dict):
            raise BadDeskRequest("the body must be a JSON object")
        return data
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        raise BadDeskRequest("the body is neither JSON nor a form") from None
    try:
        return nest_form(pairs)
    except FormKeyError as exc:
        raise BadDeskRequest(str(exc)) from None


def _b24_status(exc: Bitrix24Error) -> int:
    if exc.http_status and 400 <= exc.http_status <= 599:
        return exc.http_status
    if isinstance(exc, RequestTimeout):
        return 504
    if isinstance(exc, NetworkError) or exc.transient:
        return 502
    return 400


def _b24_error(code: str, description: str, status: int) -> web.Response:
    return web.json_response({"error": code, "error_description": redact(description)}, status=status)


def _tg_error(status: int, description: str, error_code: int | None = None) -> web.Response:
    body = {"ok": False, "error_code": error_code or status, "description": description}
    return web.json_response(body, status=status)


def _refusal(service: str, status: int, message: str) -> web.Response:
    """The relay's own refusal (desk token, not configured), in the dialect the desk's client reads."""
    if service == "bitrix24":
        code = {401: "NO_AUTH_FOUND", 403: "ACCESS_DENIED"}.get(status, "RELAY_NOT_CONFIGURED")
        return _b24_error(code, "relay: " + message, status)
    if service == "telegram":
        # A revoked desk is "Unauthorized" to the desk's client (stop sending, tell the admin), not a refusing chat.
        return _tg_error(status, "relay: " + message, 401 if status in (401, 403) else status)
    return web.json_response({"error": "relay: " + message, "relay": "refused"}, status=status)
