"""Fill resources/translations/kapusta_ru.ts from the dictionary below (run after `make translations` adds strings).

Strings without an entry stay "unfinished" and show in English; the script lists them.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parent.parent / "resources" / "translations" / "kapusta_ru.ts"

RU: dict[str, str] = {
    # sync states
    "Synced": "Синхронизировано",
    "Pending": "Ожидает отправки",
    "Error": "Ошибка",
    "Conflict": "Конфликт",
    "Synced: Bitrix24 has exactly what you see.": "Синхронизировано: в Битрикс24 то же, что вы видите.",
    "Pending: your change waits to be sent to Bitrix24.": "Ожидает отправки: ваше изменение ещё не отправлено в Битрикс24.",
    "no reason given": "причина не указана",
    "Error: Bitrix24 refused the change: %1": "Ошибка: Битрикс24 не принял изменение: %1",
    "Conflict: Bitrix24 changed a field you changed too; your value is kept aside.": "Конфликт: в Битрикс24 изменили то же поле, что и вы; ваше значение сохранено отдельно.",
    "work": "рабочий",
    "mobile": "мобильный",
    "home": "домашний",
    "fax": "факс",
    "other": "другой",
    # editors and panel
    "Company": "Компания",
    "Company: %1": "Компания: %1",
    "Name": "Имя",
    "INN": "ИНН",
    "KPP": "КПП",
    "Site": "Сайт",
    "Add phone": "Добавить телефон",
    "Add e-mail": "Добавить e-mail",
    "Phones": "Телефоны",
    "E-mails": "E-mail",
    "Responsible": "Ответственный",
    "Contact": "Контакт",
    "Contact: %1": "Контакт: %1",
    "Last name": "Фамилия",
    "Middle name": "Отчество",
    "Position": "Должность",
    "Deal": "Сделка",
    "Deal: %1": "Сделка: %1",
    "Title": "Название",
    "Stage": "Стадия",
    "Amount": "Сумма",
    "Contacts": "Контакты",
    "Comment": "Комментарий",
    "Edit…": "Изменить…",
    "Source": "Источник",
    "Changed": "Изменено",
    "VIP": "VIP",
    "yes": "да",
    "Deadline": "Крайний срок",
    "Description": "Описание",
    "Task": "Задача",
    "Task: %1": "Задача: %1",
    "Select a record to see it here.": "Выберите запись, чтобы увидеть её здесь.",
    "Sync": "Синхронизация",
    "Bitrix24 ID": "ID в Битрикс24",
    "Conflicting fields": "Поля в конфликте",
    "Field": "Поле",
    "Yours": "Ваше",
    "Bitrix24": "Битрикс24",
    "Remove": "Удалить",
    "Type to search…": "Начните вводить для поиска…",
    # crash
    "The error was written to the log. Your saved changes are kept; you can keep working.": "Ошибка записана в журнал. Сохранённые изменения не потеряны, можно продолжать работу.",
    "Something went wrong: %1": "Что-то пошло не так: %1",
    # main window
    "Main": "Основная",
    "Sync now": "Синхронизировать",
    "Send pending changes and fetch news from Bitrix24 (F5)": "Отправить изменения и получить новое из Битрикс24 (F5)",
    "New": "Создать",
    "Create a record in the current view (Ctrl+N)": "Создать запись в текущем разделе (Ctrl+N)",
    "Search: name, title, company, phone (Ctrl+F)": "Поиск: имя, название, компания, телефон (Ctrl+F)",
    "Search": "Поиск",
    "Demo profile: sample data, not your real cache": "Демо-профиль: примерные данные, не ваша база",
    "not configured": "не настроено",
    "Currency": "Валюта",
    "Phone": "Телефон",
    "Status": "Статус",
    "Waiting": "Ждёт выполнения",
    "In progress": "Выполняется",
    "Awaiting control": "Ждёт контроля",
    "Done": "Завершена",
    "Deferred": "Отложена",
    "Deals": "Сделки",
    "Companies": "Компании",
    "Tasks": "Задачи",
    "Pending changes: %1": "Неотправленных изменений: %1",
    "never": "ещё не было",
    "Last sync: %1": "Синхронизация: %1",
    # record view
    "Only mine": "Только мои",
    "All stages": "Все стадии",
    "All statuses": "Все статусы",
    "Any sync state": "Любое состояние",
    "Errors and conflicts": "Ошибки и конфликты",
    "Not synced": "Не синхронизировано",
    "Choose who you are in Settings to use this filter.": "Укажите себя в настройках, чтобы пользоваться этим фильтром.",
    # validation
    "Enter a title.": "Введите название.",
    "The title is longer than 255 characters.": "Название длиннее 255 символов.",
    "Choose a stage.": "Выберите стадию.",
    "Use a three-letter currency code, e.g. RUB.": "Укажите трёхбуквенный код валюты, например RUB.",
    "Enter an amount as a number, e.g. 150000.50.": "Введите сумму числом, например 150000,50.",
    "The amount cannot be negative.": "Сумма не может быть отрицательной.",
    "The amount is too large.": "Слишком большая сумма.",
    "Use at most two digits after the decimal point.": "Не больше двух знаков после запятой.",
    "Enter a name or a last name.": "Введите имя или фамилию.",
    "Longer than 100 characters.": "Длиннее 100 символов.",
    "Longer than 200 characters.": "Длиннее 200 символов.",
    "Enter the company name.": "Введите название компании.",
    "Longer than 255 characters.": "Длиннее 255 символов.",
    "An INN has 10 digits (organisation) or 12 (person) with valid check digits.": "ИНН — 10 цифр (организация) или 12 (физлицо, ИП) с верными контрольными цифрами.",
    "A KPP has 9 characters: 4 digits, 2 digits or letters, 3 digits.": "КПП — 9 знаков: 4 цифры, 2 цифры или буквы, 3 цифры.",
    "A sole trader (12-digit INN) has no KPP.": "У ИП (ИНН из 12 цифр) нет КПП.",
    "Enter a site address such as example.ru or https://example.ru.": "Введите адрес сайта, например example.ru или https://example.ru.",
    "This number is already listed.": "Этот номер уже есть в списке.",
    "This address is already listed.": "Этот адрес уже есть в списке.",
    "Enter a date and time.": "Введите дату и время.",
    "Bitrix24 needs a responsible person for a task.": "Битрикс24 требует ответственного за задачу.",
    "Choose a company from the list.": "Выберите компанию из списка.",
    "Choose a deal from the list.": "Выберите сделку из списка.",
    "This is not a phone number.": "Это не номер телефона.",
    "This is not an e-mail address.": "Это не адрес e-mail.",
    "This company is not in the cache.": "Этой компании нет в базе.",
    "This manager is not in the cache.": "Этого менеджера нет в базе.",
    "This deal is not in the cache.": "Этой сделки нет в базе.",
}
PLURALS = {"%n record(s)": ["%n запись", "%n записи", "%n записей"]}


def main() -> int:
    tree = ET.parse(TS)
    missing: list[str] = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        tr = message.find("translation")
        assert tr is not None
        if message.get("numerus") == "yes" and source in PLURALS:
            for child in list(tr):
                tr.remove(child)
            tr.text = None
            for form in PLURALS[source]:
                ET.SubElement(tr, "numerusform").text = form
            tr.attrib.pop("type", None)
        elif source in RU:
            tr.text = RU[source]
            tr.attrib.pop("type", None)
        elif tr.get("type") == "unfinished":
            missing.append(source)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    for source in missing:
        print(f"untranslated: {source}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
