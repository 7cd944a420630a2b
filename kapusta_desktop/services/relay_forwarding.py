"""The relay's forwarding clients, one per outside system, built from the secrets the relay holds.

The Bitrix24 client takes its requests from the team's shared budget (one
`request_budget` row per portal, store/request_budget.py), so desks calling
through the relay and desks calling the portal themselves stay under the
portal's limit together. When an admin desk saves a new webhook or bot token
through the relay, `rebuild` points the gateway at a client with the new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
from kapusta_desktop.integrations.mango.client import DEFAULT_BASE_URL as MANGO_API_URL
from kapusta_desktop.integrations.mango.client import MangoClient
from kapusta_desktop.integrations.relay.desk_gateway import DeskGateway, SettingsApplier
from kapusta_desktop.integrations.telegram.client import API_URL as TELEGRAM_API_URL
from kapusta_desktop.integrations.telegram.client import TelegramClient
from kapusta_desktop.secret_store import BITRIX24_WEBHOOK, TELEGRAM_TOKEN
from kapusta_desktop.services.team_sync import budget_key
from kapusta_desktop.store.request_budget import SharedRequestBudget


@dataclass
class ForwardingConfig:
    database_url: str | None = None  # the team's PostgreSQL: the shared Bitrix24 budget lives there
    b24_webhook_url: str | None = None
    telegram_token: str | None = None
    telegram_api_url: str = TELEGRAM_API_URL
    mango_api_key: str | None = None
    mango_api_salt: str | None = None
    mango_api_url: str = MANGO_API_URL
    b24_limits: LimitConfig | None = None

    def any(self) -> bool:
        return bool(self.b24_webhook_url or self.telegram_token or (self.mango_api_key and self.mango_api_salt))


class _BudgetedClient(Bitrix24Client):
    """A Bitrix24 client that also closes the connection of its shared budget."""

    async def aclose(self) -> None:
        await super().aclose()
        if isinstance(self.bucket, SharedRequestBudget):
            self.bucket.close()


def bitrix24_client(config: ForwardingConfig, webhook_url: str) -> Bitrix24Client:
    limits = config.b24_limits or LimitConfig()
    auth = WebhookAuth(webhook_url)
    limiter = None
    if config.database_url:
        limiter = SharedRequestBudget.open(config.database_url, key=budget_key(webhook_url), rate=limits.rate,
                                           capacity=limits.burst - limits.headroom)
    return _BudgetedClient(auth, limits=limits, limiter=limiter)


def telegram_client(config: ForwardingConfig, token: str) -> TelegramClient:
    return TelegramClient(token, base_url=config.telegram_api_url)


def build_gateway(config: ForwardingConfig, *, settings: SettingsApplier | None = None,
                  auth_ttl: float | None = None) -> DeskGateway:
    """The gateway with a client for each service the relay holds a secret for."""
    gateway: DeskGateway

    async def rebuild(secrets: Mapping[str, str]) -> None:
        if secrets.get(BITRIX24_WEBHOOK):
            gateway.replace("bitrix24", bitrix24_client(config, secrets[BITRIX24_WEBHOOK]))
        if secrets.get(TELEGRAM_TOKEN):
            gateway.replace("telegram", telegram_client(config, secrets[TELEGRAM_TOKEN]))

    mango = None
    if config.mango_api_key and config.mango_api_salt:
        mango = MangoClient(api_key=config.mango_api_key, api_salt=config.mango_api_salt,
                            base_url=config.mango_api_url)
    extra = {} if auth_ttl is None else {"auth_ttl": auth_ttl}
    gateway = DeskGateway(
        bitrix24=bitrix24_client(config, config.b24_webhook_url) if config.b24_webhook_url else None,
        telegram=telegram_client(config, config.telegram_token) if config.telegram_token else None,
        mango=mango,
        settings=settings,
        on_secrets=rebuild,
        **extra,
    )
    return gateway
