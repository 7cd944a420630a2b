"""Secrets live in the OS keyring, behind this module and nowhere else.

Backend choice, in order:

1. the profile's encrypted file store (`secrets.encrypted.cfg`), once an admin
   has created one: a `keyrings.cryptfile` CryptFileKeyring (Argon2id + AES-GCM)
   locked by a master password;
2. the system keyring when it is a real secure one (Secret Service, KWallet,
   macOS Keychain, Windows Credential Locker), or the in-process MemoryKeyring
   the tests and the demo install;
3. nothing: the store says so plainly (`status().message`) and refuses to
   save. It never falls back to a plaintext file, and never lets keyring's own
   chainer pick a file backend that would prompt on the terminal.

Every value read or written is registered with `redact` so it is masked in
any log line or error text from then on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

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
RELAY_DESK_TOKEN = "relay.desk_token"  # a team desk's own token for the relay (`kapusta-desktop relay join`)
SECRET_NAMES = (
    BITRIX24_WEBHOOK,
    BITRIX24_CLIENT_SECRET,
    BITRIX24_ACCESS_TOKEN,
    BITRIX24_REFRESH_TOKEN,
    MANGO_API_KEY,
    MANGO_API_SALT,
    TELEGRAM_TOKEN,
    RELAY_DESK_TOKEN,
)

# Headless runs (provisioning scripts, `sync` from cron) unlock the file store from here.
FILE_PASSWORD_ENV = "KAPUSTA_SECRETS_PASSWORD"
FILE_STORE_NAME = "secrets.encrypted.cfg"
MIN_MASTER_PASSWORD = 8

# keyring backend modules that keep secrets in an OS-protected store.
_SECURE_SYSTEM_MODULES = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)


class SecretStoreError(RuntimeError):
    """Base of the errors below; their texts never contain a secret."""


class NoSecureKeyringError(SecretStoreError):
    pass


class SecretStoreLockedError(SecretStoreError):
    pass


class WrongMasterPasswordError(SecretStoreError):
    pass


class BackendKind(StrEnum):
    SYSTEM = "system"
    FILE = "encrypted_file"
    MEMORY = "memory"
    NONE = "none"


@dataclass(frozen=True)
class BackendStatus:
    """What the settings dialog and `config show` tell the admin about where secrets go."""

    kind: BackendKind
    name: str
    secure: bool
    persistent: bool
    locked: bool
    message: str

    @property
    def can_store(self) -> bool:
        return self.secure and not self.locked


NO_KEYRING_MESSAGE = (
    "No secure system keyring (Secret Service, KWallet, Keychain or Credential Locker) is available "
    "on this computer, so secrets cannot be saved. Create an encrypted file store protected by a "
    "master password (settings dialog, or `kapusta-desktop config init-file-store`). "
    "Secrets are never written to a plain file."
)


def _file_keyring_class() -> type[keyring.backend.KeyringBackend]:
    from keyrings.cryptfile.cryptfile import CryptFileKeyring

    class ProfileCryptFileKeyring(CryptFileKeyring):  # type: ignore[misc]
        """CryptFileKeyring with a per-value cost that keeps a desk responsive.

        Argon2id at 64 MiB, 3 passes, 2 lanes (~0.25 s per value) is well above
        the OWASP minimum; the library default (15 passes) costs ~1 s per value.
        """

        time_cost = 3
        memory_cost = 2**16
        parallelism = 2

    return ProfileCryptFileKeyring


def describe_backend(backend: keyring.backend.KeyringBackend) -> tuple[BackendKind, str]:
    """Classify a keyring backend: only OS stores, our file store and MemoryKeyring are acceptable."""
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, MemoryKeyring):
        return BackendKind.MEMORY, "in-memory keyring (this process only)"
    if type(backend).__name__ == "ProfileCryptFileKeyring":
        return BackendKind.FILE, "encrypted file store (keyrings.cryptfile)"
    if type(backend).__module__.startswith(_SECURE_SYSTEM_MODULES):
        return BackendKind.SYSTEM, name
    return BackendKind.NONE, name


def _secure_member(backend: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend | None:
    """The backend itself, or the best secure member of keyring's chainer, or None."""
    kind, _ = describe_backend(backend)
    if kind in (BackendKind.SYSTEM, BackendKind.MEMORY):
        return backend
    for member in getattr(backend, "backends", ()) or ():
        if describe_backend(member)[0] is BackendKind.SYSTEM:
            return member
    return None


class SecretStore:
    """The one way in to secrets. `backend` pins a keyring (tests); otherwise it is chosen per profile."""

    def __init__(
        self,
        backend: keyring.backend.KeyringBackend | None = None,
        *,
        profile_root: Path | None = None,
        file_password: str | None = None,
    ) -> None:
        self._pinned = backend
        self._profile_root = profile_root
        self._file_backend: keyring.backend.KeyringBackend | None = None
        self._file_cache: dict[str, str | None] = {}
        self._file_password = file_password

    @classmethod
    def for_profile(cls, profile: object, *, file_password: str | None = None) -> SecretStore:
        return cls(profile_root=Path(profile.root), file_password=file_password)  # type: ignore[attr-defined]

    # -- where secrets go -------------------------------------------------

    @property
    def profile_root(self) -> Path:
        if self._profile_root is None:
            from kapusta_desktop.paths import resolve_profile

            self._profile_root = resolve_profile().root
        return self._profile_root

    @property
    def file_store_path(self) -> Path:
        return self.profile_root / FILE_STORE_NAME

    def _file_store_exists(self) -> bool:
        return self._pinned is None and self.file_store_path.is_file()

    def status(self) -> BackendStatus:
        if self._file_store_exists():
            self._try_env_unlock()
            locked = self._file_backend is None
            msg = "Secrets are kept in an encrypted file in the profile, protected by a master password."
            if locked:
                msg += " It is locked: enter the master password to use it."
            return BackendStatus(BackendKind.FILE, "encrypted file store (keyrings.cryptfile)", True, True, locked, msg)
        candidate = self._pinned if self._pinned is not None else keyring.get_keyring()
        chosen = _secure_member(candidate)
        if chosen is None:
            name = describe_backend(candidate)[1]
            return BackendStatus(BackendKind.NONE, name, False, False, False, NO_KEYRING_MESSAGE)
        kind, name = describe_backend(chosen)
        if kind is BackendKind.MEMORY:
            msg = "Secrets are kept in memory for this session only (demo or test)."
            return BackendStatus(kind, name, True, False, False, msg)
        return BackendStatus(kind, name, True, True, False, f"Secrets are kept in the system keyring ({name}).")

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        """The backend in use; raises a plain-language error when there is none or it is locked."""
        if self._file_store_exists():
            self._try_env_unlock()
            if self._file_backend is None:
                raise SecretStoreLockedError(
                    "The encrypted secret file is locked: enter its master password "
                    f"(or set {FILE_PASSWORD_ENV} for a headless run)."
                )
            return self._file_backend
        candidate = self._pinned if self._pinned is not None else keyring.get_keyring()
        chosen = _secure_member(candidate)
        if chosen is None:
            raise NoSecureKeyringError(NO_KEYRING_MESSAGE)
        return chosen

    # -- the encrypted file store -------------------------------------------

    def _open_file_keyring(self, password: str) -> keyring.backend.KeyringBackend:
        ring = _file_keyring_class()()
        ring.file_path = str(self.file_store_path)  # type: ignore[attr-defined]
        try:
            ring.keyring_key = password  # type: ignore[attr-defined]  # unlocks, or creates the file
        except (ValueError, AssertionError) as exc:  # MAC check failed / Incorrect Password
            raise WrongMasterPasswordError("Wrong master password for the encrypted secret file.") from exc
        return ring

    def _try_env_unlock(self) -> None:
        if self._file_backend is not None:
            return
        password = self._file_password or os.environ.get(FILE_PASSWORD_ENV)
        if password:
            self._file_password = None
            try:
                self.unlock_file_store(password)
            except WrongMasterPasswordError:
                pass  # stays locked; status() and backend say so

    def create_file_store(self, master_password: str) -> None:
        """Start keeping secrets in an encrypted file in the profile (only offered when no keyring exists)."""
        if self._pinned is not None:
            raise SecretStoreError("This secret store is pinned to a keyring backend.")
        if self.file_store_path.exists():
            raise SecretStoreError("An encrypted secret file already exists in this profile: unlock it instead.")
        if len(master_password) < MIN_MASTER_PASSWORD or not master_password.strip():
            raise SecretStoreError(f"The master password must have at least {MIN_MASTER_PASSWORD} characters.")
        register_secret(master_password)
        self.profile_root.mkdir(parents=True, exist_ok=True)
        self._file_backend = self._open_file_keyring(master_password)
        os.chmod(self.file_store_path, 0o600)
        self._file_cache.clear()

    def unlock_file_store(self, master_password: str) -> None:
        if not self.file_store_path.is_file():
            raise SecretStoreError("There is no encrypted secret file in this profile.")
        register_secret(master_password)
        self._file_backend = self._open_file_keyring(master_password)
        self._file_cache.clear()

    def lock_file_store(self) -> None:
        self._file_backend = None
        self._file_cache.clear()

    # -- values -------------------------------------------------------------

    def get(self, name: str) -> str | None:
        if self._file_store_exists():
            if name in self._file_cache and self._file_backend is not None:
                return self._file_cache[name]
            value = self.backend.get_password(SERVICE, name)
            self._file_cache[name] = value
        else:
            try:
                backend = self.backend
            except NoSecureKeyringError:
                return None  # nothing can have been stored where there is no store
            value = backend.get_password(SERVICE, name)
        register_secret(value)
        return value

    def set(self, name: str, value: str) -> None:
        if not value:
            raise ValueError(f"{name}: an empty secret cannot be saved (use forget instead)")
        register_secret(value)
        self.backend.set_password(SERVICE, name, value)
        if self._file_backend is not None:
            self._file_cache[name] = value

    def has(self, name: str) -> bool:
        return self.get(name) is not None

    def masked(self, name: str) -> str:
        """'not set', or 'set (•••• 1a2b)': enough to recognise a value, never enough to use it."""
        value = self.get(name)
        if value is None:
            return "not set"
        tail = value.rstrip("/")
        if len(tail) >= 12:
            return f"set (•••• {tail[-4:]})"
        return "set"

    def delete(self, name: str) -> None:
        try:
            backend = self.backend
        except NoSecureKeyringError:
            return
        try:
            backend.delete_password(SERVICE, name)
        except keyring.errors.PasswordDeleteError:
            pass
        self._file_cache.pop(name, None)

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
