"""This desk's Bitrix24 connection, built from its settings and secrets: an incoming webhook or an OAuth application.

One builder for the console (ui/sync_adapter.py) and `kapusta-desktop sync`:

- `bitrix24.auth_mode` "webhook": `WebhookAuth` from the keyring's `bitrix24.webhook_url`;
- "oauth": `OAuthAuth` from `bitrix24.portal_url`, `bitrix24.client_id` (settings) and the client secret, access and
  refresh tokens (keyring). Bitrix24 rotates the refresh token at each refresh and the old one stops working, so
  `on_refresh` saves the new pair back into the keyring at once; a restart then starts from the live pair.

A team desk (shared PostgreSQL) without the relay may not use OAuth: each desk would refresh the one refresh token
on its own and the first refresh kills the others' copy. Such a team connects through the relay or by webhook.
The token server is Bitrix24's (`oauth.bitrix.info`) unless KAPUSTA_BITRIX24_OAUTH_URL names another (the sandbox).
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from kapusta_desktop import secret_store as ss
from kapusta_desktop.integrations.bitrix24.auth import DEFAULT_OAUTH_URL, OAuthAuth, OAuthTokens, WebhookAuth
from kapusta_desktop.services.team_feed import team_database_url

log = logging.getLogger(__name__)

OAUTH_URL_ENV = "KAPUSTA_BITRIX24_OAUTH_URL"
PORTAL_URL = "bitrix24.portal_url"
CLIENT_ID = "bitrix24.client_id"
# What an OAuth connection needs, in the order the Settings dialog shows them.
OAUTH_FIELDS = (PORTAL_URL, CLIENT_ID, ss.BITRIX24_CLIENT_SECRET, ss.BITRIX24_ACCESS_TOKEN, ss.BITRIX24_REFRESH_TOKEN)
_OAUTH_SECRETS = {ss.BITRIX24_CLIENT_SECRET, ss.BITRIX24_ACCESS_TOKEN, ss.BITRIX24_REFRESH_TOKEN}

MISSING = "missing"  # `fields` are empty
INVALID = "invalid"  # `fields` hold something that is not usable
TEAM_OAUTH = "team_oauth"  # OAuth on a team desk that does not go through the relay


class Secrets(Protocol):
    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...


class ConnectionSetupError(ValueError):
    """Why the saved settings give no Bitrix24 connection. `reason` and `fields` (setting names) let the UI say it
    in the operator's language; the English text names the fields too. Never contains a secret."""

    def __init__(self, reason: str, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reason = reason
        self.fields = fields


@dataclass(frozen=True)
class Bitrix24Connection:
    auth: WebhookAuth | OAuthAuth
    portal_url: str  # https://PORTAL: what the team's request budget is counted by

    @property
    def kind(self) -> str:
        """"webhook" or "oauth": the SyncEngine's connection_kind (how calls are logged)."""
        return self.auth.kind


def _label(name: str) -> str:
    from kapusta_desktop.services.settings_fields import FIELDS

    return next((f.label for f in FIELDS if f.key == name), name)


def token_server_url() -> str:
    """Where OAuth tokens are refreshed: Bitrix24's server, or KAPUSTA_BITRIX24_OAUTH_URL (the sandbox's)."""
    return os.environ.get(OAUTH_URL_ENV, "").strip() or DEFAULT_OAUTH_URL


def webhook_connection(url: str) -> Bitrix24Connection:
    try:
        auth = WebhookAuth(url)
    except ValueError:
        raise ConnectionSetupError(
            INVALID, f"the saved {_label(ss.BITRIX24_WEBHOOK)} is not a Bitrix24 incoming webhook URL",
            (ss.BITRIX24_WEBHOOK,),
        ) from None
    return Bitrix24Connection(auth, auth.portal_origin)


def bitrix24_connection(secrets: Secrets, *, get_setting: Any = None, team: bool | None = None,
                        oauth_url: str | None = None) -> Bitrix24Connection:
    """The connection `bitrix24.auth_mode` asks for; ConnectionSetupError when a needed value is missing or unusable.

    `team`: whether this desk is one of a team's without the relay (default: KAPUSTA_DATABASE_URL names PostgreSQL);
    the caller that talks through the relay never asks for this connection. SecretStoreError propagates.
    """
    if get_setting is None:
        from kapusta_desktop.store.setting_values import get_value as get_setting
    if get_setting("bitrix24.auth_mode", "webhook") != "oauth":
        url = secrets.get(ss.BITRIX24_WEBHOOK)
        if not url:
            raise ConnectionSetupError(MISSING, "no Bitrix24 webhook saved", (ss.BITRIX24_WEBHOOK,))
        return webhook_connection(url)
    if team is None:
        team = team_database_url() is not None
    if team:
        raise ConnectionSetupError(
            TEAM_OAUTH,
            "a team's desks cannot share one OAuth application's tokens (each refresh invalidates the others' "
            "refresh token): connect the team's desks through the relay (KAPUSTA_RELAY_URL) or use a webhook",
        )
    values = {name: (secrets.get(name) if name in _OAUTH_SECRETS else get_setting(name, None)) or ""
              for name in OAUTH_FIELDS}
    values = {name: str(value).strip() for name, value in values.items()}
    missing = tuple(name for name in OAUTH_FIELDS if not values[name])
    if missing:
        raise ConnectionSetupError(
            MISSING, "Bitrix24 OAuth connection incomplete, missing: "
            + ", ".join(f"{_label(n)} ({n})" for n in missing), missing,
        )
    portal = urlsplit(values[PORTAL_URL])
    if portal.scheme not in ("http", "https") or not portal.netloc:
        raise ConnectionSetupError(INVALID, f"{_label(PORTAL_URL)} ({PORTAL_URL}) must look like https://PORTAL",
                                   (PORTAL_URL,))
    auth = OAuthAuth(
        values[PORTAL_URL], access_token=values[ss.BITRIX24_ACCESS_TOKEN],
        refresh_token=values[ss.BITRIX24_REFRESH_TOKEN], client_id=values[CLIENT_ID],
        client_secret=values[ss.BITRIX24_CLIENT_SECRET],
        oauth_url=oauth_url or token_server_url(),
        on_refresh=TokenSaver(secrets),
        stored=StoredPair(secrets),
    )
    return Bitrix24Connection(auth, auth.portal_origin)


class StoredPair:
    """OAuthAuth's `stored`: the pair in the keyring now (another process of this desk may have rotated it)."""

    def __init__(self, secrets: Secrets) -> None:
        self.secrets = secrets

    async def __call__(self) -> OAuthTokens | None:
        return await asyncio.to_thread(self._read)

    def _read(self) -> OAuthTokens | None:
        access, refresh = self.secrets.get(ss.BITRIX24_ACCESS_TOKEN), self.secrets.get(ss.BITRIX24_REFRESH_TOKEN)
        if not access or not refresh:
            return None
        return OAuthTokens(access_token=access, refresh_token=refresh)


class TokenSaver:
    """OAuthAuth's `on_refresh`: the rotated pair goes into the keyring before the retried call is sent."""

    def __init__(self, secrets: Secrets) -> None:
        self.secrets = secrets
        self.saved = 0

    async def __call__(self, tokens: OAuthTokens) -> None:
        try:
            # Off the event loop: an encrypted file store takes a moment per value.
            await asyncio.to_thread(self._save, tokens)
        except Exception as exc:  # the tokens still work for this run; only a restart would miss them
            log.error("Bitrix24 OAuth tokens were refreshed but could not be saved (%s: %s); after a restart the "
                      "saved refresh token no longer works: enter new tokens in Settings", type(exc).__name__, exc)
            return
        self.saved += 1
        log.info("Bitrix24 OAuth tokens refreshed and saved to the keyring")

    def _save(self, tokens: OAuthTokens) -> None:
        # The refresh token first: stopped between the two, the desk keeps a live refresh token and an old access
        # token (refreshed again at the first call), not the reverse.
        self.secrets.set(ss.BITRIX24_REFRESH_TOKEN, tokens.refresh_token)
        self.secrets.set(ss.BITRIX24_ACCESS_TOKEN, tokens.access_token)
