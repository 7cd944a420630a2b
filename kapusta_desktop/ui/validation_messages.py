"""The editing service's fixed messages, listed for translation (the service itself has no Qt)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

VALIDATION_MESSAGES = [
    QT_TRANSLATE_NOOP("Validation", "Enter a title."),
    QT_TRANSLATE_NOOP("Validation", "The title is longer than 255 characters."),
    QT_TRANSLATE_NOOP("Validation", "Choose a stage."),
    QT_TRANSLATE_NOOP("Validation", "Use a three-letter currency code, e.g. RUB."),
    QT_TRANSLATE_NOOP("Validation", "Enter an amount as a number, e.g. 150000.50."),
    QT_TRANSLATE_NOOP("Validation", "The amount cannot be negative."),
    QT_TRANSLATE_NOOP("Validation", "The amount is too large."),
    QT_TRANSLATE_NOOP("Validation", "Use at most two digits after the decimal point."),
    QT_TRANSLATE_NOOP("Validation", "Enter a name or a last name."),
    QT_TRANSLATE_NOOP("Validation", "Longer than 100 characters."),
    QT_TRANSLATE_NOOP("Validation", "Longer than 200 characters."),
    QT_TRANSLATE_NOOP("Validation", "Enter the company name."),
    QT_TRANSLATE_NOOP("Validation", "Longer than 255 characters."),
    QT_TRANSLATE_NOOP("Validation", "An INN has 10 digits (organisation) or 12 (person) with valid check digits."),
    QT_TRANSLATE_NOOP("Validation", "A KPP has 9 characters: 4 digits, 2 digits or letters, 3 digits."),
    QT_TRANSLATE_NOOP("Validation", "A sole trader (12-digit INN) has no KPP."),
    QT_TRANSLATE_NOOP("Validation", "Enter a site address such as example.ru or https://example.ru."),
    QT_TRANSLATE_NOOP("Validation", "This number is already listed."),
    QT_TRANSLATE_NOOP("Validation", "This address is already listed."),
    QT_TRANSLATE_NOOP("Validation", "Enter a date and time."),
    QT_TRANSLATE_NOOP("Validation", "Bitrix24 needs a responsible person for a task."),
    QT_TRANSLATE_NOOP("Validation", "Choose a company from the list."),
    QT_TRANSLATE_NOOP("Validation", "Choose a deal from the list."),
    QT_TRANSLATE_NOOP("Validation", "This is not a phone number."),
    QT_TRANSLATE_NOOP("Validation", "This is not an e-mail address."),
    QT_TRANSLATE_NOOP("Validation", "This company is not in the cache."),
    QT_TRANSLATE_NOOP("Validation", "This manager is not in the cache."),
    QT_TRANSLATE_NOOP("Validation", "This deal is not in the cache."),
]
