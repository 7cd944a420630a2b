"""Secret backends: system keyrings accepted, missing keyring said plainly, encrypted file store, never plaintext."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.chainer
import keyring.backends.fail
import pytest
from keyrings.cryptfile.file import PlaintextKeyring

from kapusta_desktop import secret_store as ss
from kapusta_desktop.paths import Profile
from kapusta_desktop.redact import redact
from kapusta_desktop.secret_store import BackendKind, SecretStore

TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmnop"


def _chainer_of(*members: object) -> keyring.backends.chainer.ChainerBackend:
    class Chainer(keyring.backends.chainer.ChainerBackend):
        backends = list(members)  # type: ignore[assignment]

    return Chainer()


def _profile_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_memory_keyring_round_trip_registers_with_redact(temp_profile: Profile) -> None:
    store = SecretStore.for_profile(temp_profile)
    assert store.status().kind is BackendKind.MEMORY and store.status().can_store
    store.set(ss.TELEGRAM_TOKEN, TOKEN)
    assert store.get(ss.TELEGRAM_TOKEN) == TOKEN
    assert TOKEN not in redact(f"sending with {TOKEN} now")
    assert store.masked(ss.TELEGRAM_TOKEN) == "set (•••• mnop)"
    store.forget_all()
    assert store.get(ss.TELEGRAM_TOKEN) is None and store.masked(ss.TELEGRAM_TOKEN) == "not set"


@pytest.mark.parametrize(
    "backend",
    [
        keyring.backends.fail.Keyring(),
        PlaintextKeyring(),
        _chainer_of(),
    ],
    ids=["fail", "plaintext", "chainer-without-secure-member"],
)
def test_no_secure_keyring_is_said_plainly_and_nothing_is_written(temp_profile: Profile, backend: object) -> None:
    if isinstance(backend, PlaintextKeyring):
        backend.file_path = str(temp_profile.root / "plain.cfg")  # type: ignore[attr-defined]
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        # keyring's chainer with only file backends (what a headless Linux box gets): none is acceptable.
        plain = PlaintextKeyring()
        plain.file_path = str(temp_profile.root / "plain.cfg")  # type: ignore[attr-defined]
        backend = _chainer_of(plain)
    keyring.set_keyring(backend)  # type: ignore[arg-type]
    store = SecretStore.for_profile(temp_profile)
    status = store.status()
    assert status.kind is BackendKind.NONE and not status.secure and not status.can_store
    assert "No secure system keyring" in status.message and "encrypted file store" in status.message
    with pytest.raises(ss.NoSecureKeyringError, match="never written to a plain file"):
        store.set(ss.TELEGRAM_TOKEN, TOKEN)
    assert store.get(ss.TELEGRAM_TOKEN) is None
    assert TOKEN.encode() not in _profile_bytes(temp_profile.root)
    assert not (temp_profile.root / "plain.cfg").exists()


def test_chainer_with_a_secure_member_uses_that_member(temp_profile: Profile) -> None:
    class FakeSecretService(keyring.backend.KeyringBackend):
        priority = 0  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.data: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.data.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.data[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.data.pop((service, username))

    FakeSecretService.__module__ = "keyring.backends.SecretService"
    secure = FakeSecretService()
    plain = PlaintextKeyring()
    plain.file_path = str(temp_profile.root / "plain.cfg")  # type: ignore[attr-defined]
    keyring.set_keyring(_chainer_of(plain, secure))
    store = SecretStore.for_profile(temp_profile)
    assert store.status().kind is BackendKind.SYSTEM
    store.set(ss.MANGO_API_KEY, "k" * 32)
    assert secure.get_password(ss.SERVICE, ss.MANGO_API_KEY) == "k" * 32
    assert not (temp_profile.root / "plain.cfg").exists()


def test_encrypted_file_store_offered_created_locked_and_unlocked(
    temp_profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ss.FILE_PASSWORD_ENV, raising=False)
    keyring.set_keyring(keyring.backends.fail.Keyring())
    store = SecretStore.for_profile(temp_profile)
    assert store.status().kind is BackendKind.NONE
    with pytest.raises(ss.SecretStoreError, match="at least 8"):
        store.create_file_store("short")
    store.create_file_store("master-password-1")
    store.set(ss.TELEGRAM_TOKEN, TOKEN)
    assert store.status().kind is BackendKind.FILE and store.status().can_store
    assert store.file_store_path.stat().st_mode & 0o077 == 0
    on_disk = _profile_bytes(temp_profile.root)
    assert TOKEN.encode() not in on_disk and b"master-password-1" not in on_disk

    again = SecretStore.for_profile(temp_profile)  # next start: locked until the master password
    assert again.status().locked
    with pytest.raises(ss.SecretStoreLockedError, match="locked"):
        again.get(ss.TELEGRAM_TOKEN)
    with pytest.raises(ss.WrongMasterPasswordError):
        again.unlock_file_store("not-the-password")
    assert again.status().locked
    again.unlock_file_store("master-password-1")
    assert again.get(ss.TELEGRAM_TOKEN) == TOKEN

    monkeypatch.setenv(ss.FILE_PASSWORD_ENV, "master-password-1")  # headless runs
    assert SecretStore.for_profile(temp_profile).get(ss.TELEGRAM_TOKEN) == TOKEN
    with pytest.raises(ss.SecretStoreError, match="already exists"):
        again.create_file_store("master-password-2")
