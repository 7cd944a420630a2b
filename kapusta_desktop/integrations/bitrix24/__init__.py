"""Bitrix24 REST: the one client (`client.py`), its auth, limits, typed errors and method helpers."""

from kapusta_desktop.integrations.bitrix24.auth import OAuthAuth, OAuthTokens, WebhookAuth
from kapusta_desktop.integrations.bitrix24.client import BatchResult, Bitrix24Client, ClientStats, Envelope
from kapusta_desktop.integrations.bitrix24.errors import Bitrix24Error
from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
from kapusta_desktop.integrations.bitrix24.methods import Bitrix24Api

__all__ = [
    "BatchResult",
    "Bitrix24Api",
    "Bitrix24Client",
    "Bitrix24Error",
    "ClientStats",
    "Envelope",
    "LimitConfig",
    "OAuthAuth",
    "OAuthTokens",
    "WebhookAuth",
]
