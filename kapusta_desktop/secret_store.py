"""Secrets live in the OS keyring, behind this module and nowhere else.

Every value read or written is registered with `redact` so it is masked in
any log line or error text from then on.
"""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.errors

from kapusta_desktop.redact import register_secret

SERVICE = "kapusta-desktop"

# The names of every secret the program keeps.
BITRIX24_WEBHOOK = "bitrix24.webhook_url"
BITRIX24_CLIENT_SECRET = "bitrix24.client_secret"
BITRIX24_ACCESS_TOKEN = "bitrix24.access_token"
BITRIX24_REFRESH_TOKEN = "bitrix24.refresh_token"
MANGO_API_KEY = "mango.api_key"
MANGO_API_SALT = "mango.api_salt"
TELEGRAM_TOKEN = "telegram.bot_token"
SECRET_NAMES = (
    BITRIX24_WEBHOOK,
    BITRIX24_CLIENT_SECRET,
    BITRIX24_ACCESS_TOKEN,
    BITRIX24_REFRESH_TOKEN,
    MANGO_API_KEY,
    MANGO_API_SALT,
    TELEGRAM_TOKEN,
)


class SecretStore:
    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        return self._backend or keyring.get_keyring()

    def get(self, name: str) -> str | None:
        value = self.backend.get_password(SERVICE, name)
        register_secret(value)
        return value

    def set(self, name: str, value: str) -> None:
        register_secret(value)
        self.backend.set_password(SERVICE, name, value)

    def delete(self, name: str) -> None:
        try:
            self.backend.delete_password(SERVICE, name)
        except keyring.errors.PasswordDeleteError:
            pass

    def forget_all(self) -> None:
        for name in SECRET_NAMES:
            self.delete(name)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that keeps secrets in this process only: tests and the demo."""

    priority = 0  # type: ignore[assignment]  # never chosen automatically

    def __init__(self) -> None:
        super().__init__()
        self._data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self._data:
            raise keyring.errors.PasswordDeleteError(username)
        del self._data[(service, username)]
