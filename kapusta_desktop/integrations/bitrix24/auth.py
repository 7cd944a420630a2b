"""How a request proves who it is: an incoming webhook or an OAuth application.

Both register their secrets with `redact` at once, so a webhook code or token
is masked in any log line or error text from then on.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from kapusta_desktop.integrations.bitrix24.errors import AuthError, NetworkError, RequestTimeout, ServerError
from kapusta_desktop.redact import register_secret

DEFAULT_OAUTH_URL = "https://oauth.bitrix.info/oauth/token/"
_WEBHOOK_RE = re.compile(r"^(https?://[^/]+)(/rest/(\d+)/([A-Za-z0-9_]+))/?$")


class Auth(Protocol):
    kind: str

    def method_url(self, method: str) -> str: ...

    def sign(self, body: dict[str, Any]) -> dict[str, Any]: ...

    def moved(self, origin: str) -> None: ...

    @property
    def portal_origin(self) -> str: ...


class WebhookAuth:
    """`https://PORTAL/rest/{user_id}/{code}/` — the code in the URL is the secret."""

    kind = "webhook"

    def __init__(self, webhook_url: str) -> None:
        m = _WEBHOOK_RE.match(webhook_url.strip())
        if not m:
            raise ValueError("not a Bitrix24 incoming webhook URL (expected https://PORTAL/rest/USER_ID/CODE/)")
        register_secret(m.group(4))
        register_secret(webhook_url.strip().rstrip("/"))
        self._origin = m.group(1)
        self._path = m.group(2)
        self.user_id = int(m.group(3))

    @property
    def portal_origin(self) -> str:
        return self._origin

    def method_url(self, method: str) -> str:
        return f"{self._origin}{self._path}/{method}.json"

    def sign(self, body: dict[str, Any]) -> dict[str, Any]:
        return body

    def moved(self, origin: str) -> None:
        self._origin = origin


class RelayAuth:
    """A team desk calling through the relay, which holds the webhook: `<relay>/desk/bitrix24/<method>`.

    The desk proves itself with its own desk token (a bearer header), never a
    portal secret; the relay forwards the call through its one Bitrix24 client
    and answers with the portal's envelope, errors included.
    """

    kind = "relay"

    def __init__(self, relay_url: str, desk_token: str) -> None:
        parts = urlsplit(relay_url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("the relay URL must look like https://relay.example.com[/base]")
        if not desk_token.strip():
            raise ValueError("a desk token is needed to call through the relay")
        register_secret(desk_token.strip())
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self._base = parts.path.rstrip("/")
        self.http_headers = {"Authorization": f"Bearer {desk_token.strip()}"}

    @property
    def portal_origin(self) -> str:
        return self._origin

    def method_url(self, method: str) -> str:
        return f"{self._origin}{self._base}/desk/bitrix24/{method}"

    def sign(self, body: dict[str, Any]) -> dict[str, Any]:
        return body

    def moved(self, origin: str) -> None:
        pass  # the relay follows the portal's moves; it never sends the desk elsewhere


@dataclass(frozen=True)
class OAuthTokens:
    access_token: str
    refresh_token: str
    expires_at: float | None = None  # unix time
    client_endpoint: str | None = None  # https://PORTAL/rest/ as the OAuth server reports it


RefreshCallback = Callable[[OAuthTokens], Awaitable[None] | None]
# Where the pair is kept (the keyring): read before refreshing, since another process of this desk (the console
# and a scheduled `kapusta-desktop sync`) may have refreshed already, which made our refresh token worthless.
StoredTokens = Callable[[], Awaitable[OAuthTokens | None]]


class OAuthAuth:
    """An installed application's access token, refreshed on `expired_token`.

    `on_refresh` receives the new pair so the caller can store it in the
    keyring; the client itself never persists anything.
    """

    kind = "oauth"

    def __init__(self, portal_url: str, *, access_token: str, refresh_token: str, client_id: str,
                 client_secret: str, oauth_url: str = DEFAULT_OAUTH_URL,
                 on_refresh: RefreshCallback | None = None, stored: StoredTokens | None = None) -> None:
        parts = urlsplit(portal_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("portal_url must look like https://PORTAL")
        for s in (access_token, refresh_token, client_secret):
            register_secret(s)
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.client_id = client_id
        self._client_secret = client_secret
        self.oauth_url = oauth_url
        self._on_refresh = on_refresh
        self._stored = stored
        self._lock = asyncio.Lock()
        self.refresh_count = 0

    @property
    def portal_origin(self) -> str:
        return self._origin

    def method_url(self, method: str) -> str:
        return f"{self._origin}/rest/{method}.json"

    def sign(self, body: dict[str, Any]) -> dict[str, Any]:
        # In the body, not the query string, so the token never appears in a URL.
        return {**body, "auth": self.access_token}

    def moved(self, origin: str) -> None:
        self._origin = origin

    async def _adopt_stored(self) -> bool:
        assert self._stored is not None
        try:
            stored = await self._stored()
        except Exception:  # the store cannot be read now: refresh with what we hold, as before
            return False
        if stored is None or not stored.access_token or stored.access_token == self.access_token:
            return False
        register_secret(stored.access_token)
        register_secret(stored.refresh_token)
        self.access_token, self.refresh_token = stored.access_token, stored.refresh_token
        return True

    async def refresh(self, http: httpx.AsyncClient, used_token: str) -> None:
        """Exchange the refresh token; a no-op when another call already refreshed `used_token`."""
        async with self._lock:
            if self.access_token != used_token:
                return
            if self._stored is not None and await self._adopt_stored():
                return  # another process of this desk refreshed: its pair is the live one
            params = {
                "grant_type": "refresh_token",
                "client_id": self.client_id,
                "client_secret": self._client_secret,
                "refresh_token": self.refresh_token,
            }
            try:
                resp = await http.get(self.oauth_url, params=params)
            except httpx.TimeoutException as exc:
                raise RequestTimeout(f"token refresh timed out ({type(exc).__name__})") from None
            except httpx.HTTPError as exc:
                raise NetworkError(f"token refresh failed ({type(exc).__name__})") from None
            if resp.status_code >= 500:
                raise ServerError("token refresh: OAuth server error", http_status=resp.status_code)
            try:
                data = resp.json()
            except ValueError:
                raise ServerError("token refresh: not JSON", http_status=resp.status_code) from None
            if not isinstance(data, dict) or "error" in data or not data.get("access_token"):
                code = str(data.get("error", "")) if isinstance(data, dict) else ""
                raise AuthError(f"token refresh refused: {code or 'no access_token'}", http_status=resp.status_code)
            self.access_token = str(data["access_token"])
            self.refresh_token = str(data.get("refresh_token") or self.refresh_token)
            register_secret(self.access_token)
            register_secret(self.refresh_token)
            self.refresh_count += 1
            expires_in = data.get("expires_in")
            tokens = OAuthTokens(
                access_token=self.access_token,
                refresh_token=self.refresh_token,
                expires_at=time.time() + float(expires_in) if expires_in else None,
                client_endpoint=data.get("client_endpoint"),
            )
            if self._on_refresh is not None:
                outcome = self._on_refresh(tokens)
                if inspect.isawaitable(outcome):
                    await outcome
