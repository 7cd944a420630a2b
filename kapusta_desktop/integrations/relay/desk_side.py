"""A team desk that calls Bitrix24, Telegram and Mango through the relay, holding no token of those services.

The desk is in relay mode when KAPUSTA_RELAY_URL is set; its desk token comes
from KAPUSTA_RELAY_TOKEN or the profile's keyring (`relay.desk_token`, saved by
`kapusta-desktop relay join`). Each client here is the ordinary client of its
service pointed at the relay: limits and retries that matter are the relay's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kapusta_desktop.redact import redact, register_secret
from kapusta_desktop.secret_store import RELAY_DESK_TOKEN

RELAY_URL_ENV = "KAPUSTA_RELAY_URL"
RELAY_TOKEN_ENV = "KAPUSTA_RELAY_TOKEN"
RELAY_TOKEN_SECRET = RELAY_DESK_TOKEN
SETTINGS_TIMEOUT = 10.0
# The relay's client keeps the portal's pace for the whole team; the desk's own bucket only needs to stop a
# runaway loop, so it is generous. Retries on the desk cover the way to the relay, the relay retries the portal.
DESK_RATE, DESK_BURST = 50.0, 500
DESK_B24_RETRIES = 2

if TYPE_CHECKING:  # the clients load when first built, not when the console starts
    from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
    from kapusta_desktop.integrations.mango.client import MangoClient
    from kapusta_desktop.integrations.telegram.client import TelegramClient


class RelayConfigError(ValueError):
    pass


class RelayRefusedError(RuntimeError):
    """The relay turned a settings change down: `status` 403 "admin only" (or 401 for the desk's token)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class RelayAccess:
    url: str  # the relay's base URL, e.g. https://relay.example.com/kapusta
    token: str

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RelayConfigError(f"{RELAY_URL_ENV} must look like https://relay.example.com[/base]")
        if not self.token:
            raise RelayConfigError(f"no desk token: set {RELAY_TOKEN_ENV} or run `kapusta-desktop relay join`")
        register_secret(self.token)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def bitrix24_client(self, **kwargs: Any) -> Bitrix24Client:
        from kapusta_desktop.integrations.bitrix24.auth import RelayAuth
        from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
        from kapusta_desktop.integrations.bitrix24.limits import LimitConfig

        kwargs.setdefault("limits", LimitConfig(rate=DESK_RATE, burst=DESK_BURST))
        kwargs.setdefault("max_retries", DESK_B24_RETRIES)
        return Bitrix24Client(RelayAuth(self.url, self.token), **kwargs)

    def telegram_client(self, **kwargs: Any) -> TelegramClient:
        from kapusta_desktop.integrations.telegram.client import TelegramClient

        return TelegramClient.via_relay(self.url, self.token, **kwargs)

    def mango_client(self, **kwargs: Any) -> MangoClient:
        from kapusta_desktop.integrations.mango.client import MangoClient

        return MangoClient.via_relay(self.url, self.token, **kwargs)

    def put_settings(self, values: dict[str, str]) -> dict[str, str]:
        """Save settings through the relay (admin desks only); {} when saved, else the per-field messages.

        Synchronous and short, like the local save it replaces. Raises RelayRefusedError on 401/403 and
        RelayConfigError when the relay cannot be reached or answers something else.
        """
        import httpx

        try:
            response = httpx.put(self.url.rstrip("/") + "/desk/settings", json={"values": values},
                                 headers=self.headers, timeout=SETTINGS_TIMEOUT)
        except httpx.HTTPError as exc:
            raise RelayConfigError(f"the relay cannot be reached ({type(exc).__name__})") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        if response.status_code in (401, 403):
            message = str(body.get("error_description") or body.get("error") or f"HTTP {response.status_code}")
            raise RelayRefusedError(response.status_code, redact(message))
        if response.status_code == 400 and isinstance(body.get("errors"), dict):
            return {str(k): str(v) for k, v in body["errors"].items()}
        if response.status_code != 200:
            raise RelayConfigError(f"the relay did not save the settings (HTTP {response.status_code})")
        return {}

    async def whoami(self) -> dict[str, Any]:
        """`GET <relay>/desk/whoami`: {"desk": name, "admin": bool, "forwarding": {service: bool}}.

        Raises RelayRefusedError on 401/403 (an unknown or revoked desk token) and RelayConfigError when the
        relay cannot be reached or answers something else.
        """
        import httpx

        try:
            async with httpx.AsyncClient(timeout=SETTINGS_TIMEOUT) as http:
                response = await http.get(self.url.rstrip("/") + "/desk/whoami", headers=self.headers)
        except httpx.HTTPError as exc:
            raise RelayConfigError(f"the relay cannot be reached ({type(exc).__name__})") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code in (401, 403):
            text = body.get("error", "") if isinstance(body, dict) else ""
            raise RelayRefusedError(response.status_code, redact(str(text) or f"HTTP {response.status_code}"))
        if response.status_code != 200 or not isinstance(body, dict):
            raise RelayConfigError(f"the relay did not say who this desk is (HTTP {response.status_code})")
        return body


def relay_access(secrets: Any = None) -> RelayAccess | None:
    """This desk's relay when KAPUSTA_RELAY_URL is set, else None. Raises RelayConfigError when half set up.

    `secrets` is the profile's SecretStore (anything with `get(name)`), asked only without KAPUSTA_RELAY_TOKEN.
    """
    url = os.environ.get(RELAY_URL_ENV, "").strip()
    if not url:
        return None
    token = os.environ.get(RELAY_TOKEN_ENV, "").strip()
    if not token and secrets is not None:
        token = (secrets.get(RELAY_TOKEN_SECRET) or "").strip()
    return RelayAccess(url, token)


@dataclass(frozen=True)
class UnusableRelay:
    """KAPUSTA_RELAY_URL is set but the relay cannot be used (no desk token): saving says why, never saves locally."""

    problem: str

    def put_settings(self, values: dict[str, str]) -> dict[str, str]:
        raise RelayConfigError(self.problem)


def settings_relay(secrets: Any = None) -> RelayAccess | UnusableRelay | None:
    """Where this desk's settings changes go: the relay, a relay that cannot be used, or None (saved here)."""
    try:
        return relay_access(secrets)
    except RelayConfigError as exc:
        return UnusableRelay(str(exc))
