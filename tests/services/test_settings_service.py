"""Validation messages per field, the admin rule, secrets only in the SecretStore."""

from __future__ import annotations

import socket

import pytest

from kapusta_desktop import secret_store as ss
from kapusta_desktop.secret_store import SecretStore
from kapusta_desktop.services.admin import AdminAccess, AdminLockedError, AdminPasswordNotSetError, ScryptCost
from kapusta_desktop.services.settings import SettingsService, port_problem
from kapusta_desktop.services.settings_fields import FieldError
from kapusta_desktop.store.models import Pipeline, Setting, Stage

FAST = ScryptCost(n=2**10, r=8, p=1)
WEBHOOK = "https://acme.bitrix24.ru/rest/1/q1w2e3r4t5y6u7i8/"


@pytest.fixture
def service(db: object) -> SettingsService:
    admin = AdminAccess(cost=FAST)
    admin.set_initial_password("desk-admin-1")
    return SettingsService(SecretStore(), admin)


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        (ss.BITRIX24_WEBHOOK, "https://acme.bitrix24.ru/crm/deal/", "not a Bitrix24 incoming webhook"),
        (ss.BITRIX24_WEBHOOK, "acme.bitrix24.ru/rest/1/abcdefgh/", "expected https://"),
        (ss.BITRIX24_WEBHOOK, "http://acme.bitrix24.ru/rest/1/abcdefgh/", "must use https"),
        (ss.BITRIX24_WEBHOOK, "https://acme.bitrix24.ru/rest/1/abcdefgh/?x=1", "query"),
        ("bitrix24.portal_url", "https://acme.bitrix24.ru/crm/", "portal address only"),
        ("bitrix24.auth_mode", "password", "expected one of: webhook, oauth"),
        (ss.TELEGRAM_TOKEN, "12345:short", "not a bot token"),
        (ss.TELEGRAM_TOKEN, "0123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not a bot token"),
        (ss.MANGO_API_KEY, "key with spaces!", "PBX API key"),
        ("mango.listener_port", "70000", "between 1 and 65535"),
        ("mango.listener_port", "eighty", "whole number"),
        ("mango.listener_host", "not a host!", "IP address"),
        ("mango.base_path", "mango?x", "path like /mango"),
        ("mango.desk_extensions", "101, 10a", "not valid: 10a"),
        ("telegram.team_chats", "-1001234567890, @ab", "not valid: @ab"),
        ("sync.interval_seconds", "1", "between 5 and 3600 s"),
        ("notices.config", "{not json", "not valid JSON"),
        ("notices.config", '{"rules": {"nonsense": {}}}', "unknown event kind"),
        ("no.such.key", "1", "unknown setting"),
    ],
)
def test_validation_messages(service: SettingsService, key: str, text: str, message: str) -> None:
    with pytest.raises(FieldError, match=message) as info:
        service.validate(key, text)
    assert info.value.key == key
    if len(text) > 8:
        assert text not in info.value.message  # the value (maybe a secret) is never echoed


def test_valid_values_are_normalised(service: SettingsService) -> None:
    assert service.validate(ss.BITRIX24_WEBHOOK, "https://acme.bitrix24.ru/rest/1/q1w2e3r4t5y6u7i8") == WEBHOOK
    assert service.validate(ss.BITRIX24_WEBHOOK, "http://127.0.0.1:8080/rest/1/abcdefgh/").startswith("http://")
    assert service.validate("mango.desk_extensions", "101 102,101") == ["101", "102"]
    assert service.validate("telegram.team_chats", "-1001234567890, @sales_team") == ["-1001234567890", "@sales_team"]
    assert service.validate("mango.base_path", "/mango/") == "/mango"
    assert service.validate("bitrix24.enabled", "on") is True
    assert service.validate("sync.interval_seconds", " 45 ") == 45


def test_changes_need_an_unlocked_admin(service: SettingsService) -> None:
    service.admin.lock()
    with pytest.raises(AdminLockedError):
        service.apply({"sync.interval_seconds": "60"})
    with pytest.raises(AdminLockedError):
        service.set_enabled("bitrix24", True)
    with pytest.raises(AdminLockedError):
        service.forget_secrets()
    with pytest.raises(AdminLockedError):
        service.apply({ss.BITRIX24_WEBHOOK: WEBHOOK})
    assert service.sync_interval() == 30 and not service.enabled("bitrix24")
    assert service.get(ss.BITRIX24_WEBHOOK) is None


def test_no_admin_password_yet_refuses_changes(db: object) -> None:
    service = SettingsService(SecretStore(), AdminAccess(cost=FAST))
    with pytest.raises(AdminPasswordNotSetError, match="Set the admin password"):
        service.apply({"sync.interval_seconds": "60"})


def test_all_or_nothing_and_secrets_only_in_the_keyring(service: SettingsService, memory_keyring: object) -> None:
    errors = service.apply({"sync.interval_seconds": "60", ss.TELEGRAM_TOKEN: "bad"})
    assert set(errors) == {ss.TELEGRAM_TOKEN}
    assert service.sync_interval() == 30
    assert service.apply({"sync.interval_seconds": "60", ss.BITRIX24_WEBHOOK: WEBHOOK, "bitrix24.enabled": "yes"}) == {}
    assert service.sync_interval() == 60 and service.enabled("bitrix24")
    assert service.get(ss.BITRIX24_WEBHOOK) == WEBHOOK
    assert Setting.get_or_none(Setting.key == ss.BITRIX24_WEBHOOK) is None
    assert all("q1w2e3r4" not in str(row.value) for row in Setting.select())
    assert service.shown(ss.BITRIX24_WEBHOOK).text == "set (•••• u7i8)"
    service.forget_secrets()
    assert service.get(ss.BITRIX24_WEBHOOK) is None


def test_listener_port_in_use_is_refused(service: SettingsService) -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    try:
        assert port_problem("127.0.0.1", port) == f"port {port} is in use on 127.0.0.1"
        errors = service.apply({"mango.listener_host": "127.0.0.1", "mango.listener_port": str(port)})
        assert errors == {"mango.listener_port": f"port {port} is in use on 127.0.0.1"}
    finally:
        busy.close()
    assert service.apply({"mango.listener_port": str(port)}) == {}
    # Unchanged (our own listener may hold it now): not probed again.
    busy = socket.socket()
    busy.bind(("127.0.0.1", port))
    busy.listen(1)
    try:
        assert service.apply({"mango.listener_port": str(port)}) == {}
    finally:
        busy.close()


def test_stage_mapping_is_admin_only_and_validated(service: SettingsService) -> None:
    pipeline = Pipeline.create(b24_id=0, name="Общая")
    Stage.create(pipeline=pipeline, status_id="NEW", name="Новая", kapusta_stage="new")
    service.set_stage("NEW", "inwork")
    assert service.stage_mapping() == [("Общая", "NEW", "Новая", "inwork")]
    assert Stage.get(Stage.status_id == "NEW").mapping_edited
    with pytest.raises(FieldError, match="expected one of"):
        service.set_stage("NEW", "maybe")
    with pytest.raises(FieldError, match="no such stage"):
        service.set_stage("C9:NEW", "won")
    service.admin.lock()
    with pytest.raises(AdminLockedError):
        service.set_stage("NEW", "won")
