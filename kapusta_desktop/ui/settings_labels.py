"""Settings field labels and hints (services/settings_fields.py has no Qt), listed for lupdate.

The settings dialog shows them through QCoreApplication.translate("SettingsField", ...);
tests/ui/test_translations.py fails when a field is missing here.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

SETTINGS_FIELD_TEXTS = [
    QT_TRANSLATE_NOOP("SettingsField", "Bitrix24 on"),
    QT_TRANSLATE_NOOP("SettingsField", "Connection"),
    QT_TRANSLATE_NOOP("SettingsField", "Incoming webhook URL"),
    QT_TRANSLATE_NOOP("SettingsField", "Portal URL"),
    QT_TRANSLATE_NOOP("SettingsField", "Application client id"),
    QT_TRANSLATE_NOOP("SettingsField", "Application client secret"),
    QT_TRANSLATE_NOOP("SettingsField", "OAuth access token"),
    QT_TRANSLATE_NOOP("SettingsField", "OAuth refresh token"),
    QT_TRANSLATE_NOOP("SettingsField", "Mango Office on"),
    QT_TRANSLATE_NOOP("SettingsField", "API key (vpbx_api_key)"),
    QT_TRANSLATE_NOOP("SettingsField", "API salt (signature key)"),
    QT_TRANSLATE_NOOP("SettingsField", "API address"),
    QT_TRANSLATE_NOOP("SettingsField", "Listener address"),
    QT_TRANSLATE_NOOP("SettingsField", "Listener port"),
    QT_TRANSLATE_NOOP("SettingsField", "Listener base path"),
    QT_TRANSLATE_NOOP("SettingsField", "This desk's extensions"),
    QT_TRANSLATE_NOOP("SettingsField", "Telegram on"),
    QT_TRANSLATE_NOOP("SettingsField", "Bot token"),
    QT_TRANSLATE_NOOP("SettingsField", "Bot API address"),
    QT_TRANSLATE_NOOP("SettingsField", "Team chats"),
    QT_TRANSLATE_NOOP("SettingsField", "Sync interval"),
    QT_TRANSLATE_NOOP("SettingsField", "Notice rules (JSON)"),
]
