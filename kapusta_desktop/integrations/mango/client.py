"""The one Mango Office API client (httpx): commands and queries to the PBX.

Each request is three form fields; `json` is built once, compactly, and that
exact string is signed. Client-side rate limits follow the vendor's per-second
limits so we never collect 429s (or, worse, a 3xxx lock-out); a 429 that still
comes back is waited out and retried. Result codes: 1000 is ok, transient
5xxx are retried, everything else raises `MangoApiError` with the code and its
class. A 401 means the key is locked out for two minutes: we stop sending.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from kapusta_desktop.integrations.mango import results
from kapusta_desktop.integrations.mango.signing import compact_json, signed_form
from kapusta_desktop.redact import register_secret

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://app.mango-office.ru/vpbx/"
LOCKOUT_SECONDS = 120.0


class MangoApiError(Exception):
    def __init__(self, message: str, *, code: int | None = None, http_status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status

    @property
    def code_class(self) -> int | None:
        return None if self.code is None else results.result_class(self.code)


class MangoRateLimited(MangoApiError):
    pass


class MangoLockedOut(MangoApiError):
    pass


class RateLimiter:
    """At most `limit` requests per `period` seconds (sliding window).

    The PBX counts arrivals, not our sends: a request that left late but travelled
    fast would land inside the window, so each slot is held `margin` seconds longer.
    """

    def __init__(
        self, limit: int, period: float, clock: Callable[[], float] = time.monotonic, *, margin: float = 0.05
    ) -> None:
        self.limit = limit
        self.period = period + margin
        self._clock = clock
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self.period:
                    self._sent.popleft()
                if len(self._sent) < self.limit:
                    self._sent.append(now)
                    return
                await sleep(self.period - (now - self._sent[0]) + 0.001)


# Vendor limits, per second unless noted.
def _limits() -> dict[str, RateLimiter]:
    return {
        "general": RateLimiter(10, 1.0),
        "commands/callback": RateLimiter(4, 1.0),
        "commands/call/hangup": RateLimiter(4, 1.0),
        "commands/recording/start": RateLimiter(4, 1.0),
        "config/users/request": RateLimiter(1, 2.0),
        "stats/request": RateLimiter(1, 2.0),
    }


def _relay_refused(response: httpx.Response) -> bool:
    """The relay turned the desk's token away (as opposed to passing on the PBX's own 401)."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("relay") == "refused"


@dataclass(frozen=True)
class MangoUser:
    extension: str | None
    name: str
    email: str | None
    department: str | None
    position: str | None
    mobile: str | None
    numbers: tuple[str, ...]
    groups: tuple[str, ...]


def parse_users(body: Any) -> list[MangoUser]:
    if not isinstance(body, dict) or not isinstance(body.get("users"), list):
        raise MangoApiError("config/users/request answered without a users list")
    out: list[MangoUser] = []
    for raw in body["users"]:
        if not isinstance(raw, dict):
            continue
        general = raw.get("general") if isinstance(raw.get("general"), dict) else {}
        tel = raw.get("telephony") if isinstance(raw.get("telephony"), dict) else {}
        numbers = tel.get("numbers") if isinstance(tel.get("numbers"), list) else []
        groups = raw.get("groups") if isinstance(raw.get("groups"), list) else []
        ext = tel.get("extension")
        out.append(
            MangoUser(
                extension=None if ext in (None, "") else str(ext),
                name=str(general.get("name") or ""),
                email=general.get("email") or None,
                department=general.get("department") or None,
                position=general.get("position") or None,
                mobile=general.get("mobile") or None,
                numbers=tuple(str(n.get("number")) for n in numbers if isinstance(n, dict) and n.get("number")),
                groups=tuple(str(g) for g in groups if not isinstance(g, dict | list)),
            )
        )
    return out


class MangoClient:
    def __init__(
        self,
        *,
        api_key: str,
        api_salt: str,
        base_url: str = DEFAULT_BASE_URL,
        http: httpx.AsyncClient | None = None,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        relay_desk_token: str | None = None,
    ) -> None:
        # A team desk sends unsigned requests to the relay with its desk token; the relay signs them.
        self._relay = relay_desk_token is not None
        if self._relay:
            if not (relay_desk_token or "").strip():
                raise ValueError("a desk token is needed to call Mango through the relay")
            register_secret(relay_desk_token)
        elif not api_key or not api_salt:
            raise ValueError("Mango API key and salt are required")
        self._key = api_key
        self._salt = api_salt
        self.base_url = base_url.rstrip("/") + "/"
        self._own_http = http is None
        headers = {"Authorization": f"Bearer {(relay_desk_token or '').strip()}"} if self._relay else None
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(15.0), headers=headers)
        self._max_retries = max_retries
        self._clock = clock
        self._sleep = sleep
        self._limits = _limits()
        self._locked_until = 0.0

    @classmethod
    def via_relay(cls, relay_url: str, desk_token: str, **kwargs: Any) -> MangoClient:
        """A team desk's client: commands go to `<relay>/desk/mango/<service>` and the relay signs them."""
        return cls(api_key="", api_salt="", base_url=relay_url.rstrip("/") + "/desk/mango/",
                   relay_desk_token=desk_token, **kwargs)

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def request(self, service: str, payload: dict[str, Any]) -> Any:
        """POST one signed request; returns the decoded JSON body (or None for an empty one)."""
        service = service.strip("/")
        if self._clock() < self._locked_until:
            raise MangoLockedOut("Mango API key is locked out for a while after errors", http_status=401)
        # Built and signed once, reused on retries; through the relay only the JSON goes (it signs).
        form = {"json": compact_json(payload)} if self._relay else signed_form(self._key, self._salt, payload)
        attempt = 0
        while True:
            attempt += 1
            await self._limits["general"].acquire(self._sleep)
            if service in self._limits:
                await self._limits[service].acquire(self._sleep)
            try:
                response = await self._http.post(self.base_url + service, data=form)
            except httpx.TransportError as exc:
                if attempt > self._max_retries:
                    raise MangoApiError(f"Mango {service}: network error: {type(exc).__name__}") from None
                await self._sleep(min(8.0, 0.5 * 2 ** (attempt - 1)))
                continue
            status = response.status_code
            if status == 429:
                if attempt > self._max_retries:
                    raise MangoRateLimited(f"Mango {service}: rate limit exceeded", http_status=429)
                await self._sleep(1.0 * attempt)
                continue
            if self._relay and status in (401, 403) and _relay_refused(response):
                raise MangoApiError(f"Mango {service}: the relay refused this desk's token (HTTP {status})",
                                    http_status=status)
            if status == 401:
                self._locked_until = self._clock() + LOCKOUT_SECONDS
                raise MangoLockedOut(f"Mango {service}: key locked out (HTTP 401)", http_status=401)
            if status >= 500:
                if attempt > self._max_retries:
                    raise MangoApiError(f"Mango {service}: server error HTTP {status}", http_status=status)
                await self._sleep(min(8.0, 0.5 * 2 ** (attempt - 1)))
                continue
            body = self._decode(service, response)
            code = self._result_code(body)
            if code is not None and not results.is_ok(code):
                if results.is_transient(code) and attempt <= self._max_retries:
                    await self._sleep(min(8.0, 0.5 * 2 ** (attempt - 1)))
                    continue
                raise MangoApiError(f"Mango {service}: {results.describe(code)}", code=code, http_status=status)
            if status >= 400:
                raise MangoApiError(f"Mango {service}: HTTP {status}", http_status=status)
            return body

    @staticmethod
    def _decode(service: str, response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise MangoApiError(
                f"Mango {service}: answer is not JSON (HTTP {response.status_code})", http_status=response.status_code
            ) from None

    @staticmethod
    def _result_code(body: Any) -> int | None:
        if isinstance(body, dict) and "result" in body:
            try:
                return int(body["result"])
            except (TypeError, ValueError):
                return None
        return None

    async def callback(
        self, *, extension: str, to_number: str, line_number: str | None = None, command_id: str | None = None
    ) -> str:
        """Ring the employee's extension, then the client; returns the command_id the result will carry."""
        if not extension or not to_number:
            raise ValueError("callback needs the employee's extension and the client's number")
        command_id = command_id or f"cb-{uuid.uuid4()}"
        payload: dict[str, Any] = {
            "command_id": command_id,
            "from": {"extension": str(extension)},
            "to_number": to_number,
        }
        if line_number:
            payload["line_number"] = line_number
        await self.request("commands/callback", payload)
        return command_id

    async def hangup(self, call_id: str, *, command_id: str | None = None) -> str:
        if not call_id:
            raise ValueError("hangup needs a call_id")
        command_id = command_id or f"hu-{uuid.uuid4()}"
        await self.request("commands/call/hangup", {"command_id": command_id, "call_id": call_id})
        return command_id

    async def users(self, extension: str | None = None) -> list[MangoUser]:
        payload: dict[str, Any] = {"ext_fields": ["general.mobile"]}
        if extension:
            payload["extension"] = str(extension)
        return parse_users(await self.request("config/users/request", payload))
