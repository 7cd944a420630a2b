"""Settings changed by an admin desk through the relay: the same fields and validation as the dialog and the CLI.

On the relay the admin rule is the desk's token: the gateway lets only admin
desks reach this (403 "admin only" otherwise). Non-secret values go to the
shared Setting table; of the secrets, only the tokens the relay forwards with
(the Bitrix24 webhook, the Telegram bot token) are taken, into the relay's own
secret store, never onto a desk. It runs on the relay's database thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kapusta_desktop.integrations.relay.desk_gateway import SettingsApplier, SettingsOutcome
from kapusta_desktop.secret_store import SecretStore
from kapusta_desktop.services.admin import AdminAccess
from kapusta_desktop.services.settings import SettingsService
from kapusta_desktop.services.settings_fields import FIELDS_BY_KEY, RELAY_SECRETS


class _AdminDesk(AdminAccess):
    """The relay's admin rule was applied before (an admin desk's token): changes are allowed here."""

    @property
    def is_unlocked(self) -> bool:
        return True

    def require(self, what: str = "change settings") -> None:
        return None


def team_settings_applier(secrets: SecretStore) -> SettingsApplier:
    service = SettingsService(secrets, _AdminDesk(), port_check=lambda _host, _port: None)  # no listener on a relay

    def apply(values: Mapping[str, Any]) -> SettingsOutcome:
        errors: dict[str, str] = {}
        for key, text in values.items():
            spec = FIELDS_BY_KEY.get(key)
            if spec is None:
                errors[key] = "unknown setting"
            elif not isinstance(text, str):
                errors[key] = "expected the value as text"
            elif spec.secret and key not in RELAY_SECRETS:
                errors[key] = "not kept on the relay: set it on the relay's host (environment or keyring)"
        if errors:
            return SettingsOutcome(errors=errors)
        errors = service.apply(values)
        if errors:
            return SettingsOutcome(errors=errors)
        saved_secrets = {k: service.get(k) for k in values if FIELDS_BY_KEY[k].secret}
        return SettingsOutcome(saved=sorted(values), secrets={k: v for k, v in saved_secrets.items() if v})

    return apply
