<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ru_RU">
<context>
    <name>CompanyEditor</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="356" />
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="356" />
        <source>Company: %1</source>
        <translation>Компания: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="357" />
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="358" />
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="359" />
        <source>KPP</source>
        <translation>КПП</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="360" />
        <source>Site</source>
        <translation>Сайт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="361" />
        <source>Add phone</source>
        <translation>Добавить телефон</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="362" />
        <source>Add e-mail</source>
        <translation>Добавить e-mail</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="366" />
        <source>Phones</source>
        <translation>Телефоны</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="367" />
        <source>E-mails</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="369" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
</context>
<context>
    <name>ContactEditor</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="313" />
        <source>Contact</source>
        <translation>Контакт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="313" />
        <source>Contact: %1</source>
        <translation>Контакт: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="314" />
        <source>Last name</source>
        <translation>Фамилия</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="315" />
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="316" />
        <source>Middle name</source>
        <translation>Отчество</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="317" />
        <source>Position</source>
        <translation>Должность</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="321" />
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="322" />
        <source>Add phone</source>
        <translation>Добавить телефон</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="323" />
        <source>Add e-mail</source>
        <translation>Добавить e-mail</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="327" />
        <source>Phones</source>
        <translation>Телефоны</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="328" />
        <source>E-mails</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="330" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <location filename="../../kapusta_desktop/ui/crash.py" line="34" />
        <source>The error was written to the log. Your saved changes are kept; you can keep working.</source>
        <translation>Ошибка записана в журнал. Сохранённые изменения не потеряны, можно продолжать работу.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/crash.py" line="61" />
        <source>Something went wrong: %1</source>
        <translation>Что-то пошло не так: %1</translation>
    </message>
</context>
<context>
    <name>DealEditor</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="247" />
        <source>Deal</source>
        <translation>Сделка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="247" />
        <source>Deal: %1</source>
        <translation>Сделка: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="248" />
        <source>Title</source>
        <translation>Название</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="255" />
        <source>Stage</source>
        <translation>Стадия</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="266" />
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="271" />
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="281" />
        <source>Contacts</source>
        <translation>Контакты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="283" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="288" />
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
</context>
<context>
    <name>DetailPanel</name>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="29" />
        <source>Edit…</source>
        <translation>Изменить…</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="127" />
        <source>Stage</source>
        <translation>Стадия</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="128" />
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="129" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="140" />
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="130" />
        <source>Contacts</source>
        <translation>Контакты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="131" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="143" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="155" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="161" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="132" />
        <source>Source</source>
        <translation>Источник</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="133" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="144" />
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="134" />
        <source>Changed</source>
        <translation>Изменено</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="139" />
        <source>Position</source>
        <translation>Должность</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="141" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="152" />
        <source>Phones</source>
        <translation>Телефоны</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="142" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="153" />
        <source>E-mails</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="149" />
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="150" />
        <source>KPP</source>
        <translation>КПП</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="151" />
        <source>Site</source>
        <translation>Сайт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="154" />
        <source>VIP</source>
        <translation>VIP</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="154" />
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="160" />
        <source>Deadline</source>
        <translation>Крайний срок</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="162" />
        <source>Deal</source>
        <translation>Сделка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="163" />
        <source>Description</source>
        <translation>Описание</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="108" />
        <source>Main</source>
        <translation>Основная</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="112" />
        <source>Sync now</source>
        <translation>Синхронизировать</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="114" />
        <source>Send pending changes and fetch news from Bitrix24 (F5)</source>
        <translation>Отправить изменения и получить новое из Битрикс24 (F5)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="116" />
        <source>New</source>
        <translation>Создать</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="118" />
        <source>Create a record in the current view (Ctrl+N)</source>
        <translation>Создать запись в текущем разделе (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="126" />
        <source>Search: name, title, company, phone (Ctrl+F)</source>
        <translation>Поиск: имя, название, компания, телефон (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="129" />
        <source>Search</source>
        <translation>Поиск</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="142" />
        <source>Demo profile: sample data, not your real cache</source>
        <translation>Демо-профиль: примерные данные, не ваша база</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="160" />
        <source>not configured</source>
        <translation>не настроено</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="173" />
        <source>Title</source>
        <translation>Название</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="173" />
        <source>Stage</source>
        <translation>Стадия</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="173" />
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="174" />
        <source>Currency</source>
        <translation>Валюта</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="174" />
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="174" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="175" />
        <source>Changed</source>
        <translation>Изменено</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="175" />
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="175" />
        <source>Position</source>
        <translation>Должность</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="176" />
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="176" />
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="176" />
        <source>Site</source>
        <translation>Сайт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="177" />
        <source>Deadline</source>
        <translation>Крайний срок</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="177" />
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="177" />
        <source>Deal</source>
        <translation>Сделка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="179" />
        <source>Waiting</source>
        <translation>Ждёт выполнения</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="179" />
        <source>In progress</source>
        <translation>Выполняется</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="179" />
        <source>Awaiting control</source>
        <translation>Ждёт контроля</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="180" />
        <source>Done</source>
        <translation>Завершена</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="180" />
        <source>Deferred</source>
        <translation>Отложена</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="187" />
        <source>Deals</source>
        <translation>Сделки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="188" />
        <source>Contacts</source>
        <translation>Контакты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="189" />
        <source>Companies</source>
        <translation>Компании</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="190" />
        <source>Tasks</source>
        <translation>Задачи</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="241" />
        <source>Pending changes: %1</source>
        <translation>Неотправленных изменений: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="246" />
        <source>never</source>
        <translation>ещё не было</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="250" />
        <source>Last sync: %1</source>
        <translation>Синхронизация: %1</translation>
    </message>
</context>
<context>
    <name>PhoneType</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="187" />
        <location filename="../../kapusta_desktop/ui/editors.py" line="197" />
        <source>work</source>
        <translation>рабочий</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="188" />
        <source>mobile</source>
        <translation>мобильный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="189" />
        <location filename="../../kapusta_desktop/ui/editors.py" line="198" />
        <source>home</source>
        <translation>домашний</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="190" />
        <source>fax</source>
        <translation>факс</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="191" />
        <location filename="../../kapusta_desktop/ui/editors.py" line="199" />
        <source>other</source>
        <translation>другой</translation>
    </message>
</context>
<context>
    <name>RecordList</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editor_widgets.py" line="83" />
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
</context>
<context>
    <name>RecordPicker</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editor_widgets.py" line="38" />
        <source>Type to search…</source>
        <translation>Начните вводить для поиска…</translation>
    </message>
</context>
<context>
    <name>RecordView</name>
    <message>
        <location filename="../../kapusta_desktop/ui/record_view.py" line="54" />
        <source>Only mine</source>
        <translation>Только мои</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/record_view.py" line="57" />
        <source>All stages</source>
        <translation>Все стадии</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/record_view.py" line="57" />
        <source>All statuses</source>
        <translation>Все статусы</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/record_view.py" line="64" />
        <source>Any sync state</source>
        <translation>Любое состояние</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/record_view.py" line="65" />
        <source>Errors and conflicts</source>
        <translation>Ошибки и конфликты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/record_view.py" line="66" />
        <source>Pending</source>
        <translation>Ожидает отправки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/record_view.py" line="68" />
        <source>Not synced</source>
        <translation>Не синхронизировано</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/record_view.py" line="71" />
        <source>Synced</source>
        <translation>Синхронизировано</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/record_view.py" line="128" />
        <source>Choose who you are in Settings to use this filter.</source>
        <translation>Укажите себя в настройках, чтобы пользоваться этим фильтром.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kapusta_desktop/ui/record_view.py" line="146" />
        <source>%n record(s)</source>
        <translation><numerusform>%n запись</numerusform><numerusform>%n записи</numerusform><numerusform>%n записей</numerusform></translation>
    </message>
</context>
<context>
    <name>SyncState</name>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_icons.py" line="34" />
        <source>Synced</source>
        <translation>Синхронизировано</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_icons.py" line="35" />
        <source>Pending</source>
        <translation>Ожидает отправки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_icons.py" line="36" />
        <source>Error</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_icons.py" line="37" />
        <source>Conflict</source>
        <translation>Конфликт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_icons.py" line="43" />
        <source>Synced: Bitrix24 has exactly what you see.</source>
        <translation>Синхронизировано: в Битрикс24 то же, что вы видите.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_icons.py" line="45" />
        <source>Pending: your change waits to be sent to Bitrix24.</source>
        <translation>Ожидает отправки: ваше изменение ещё не отправлено в Битрикс24.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_icons.py" line="47" />
        <source>no reason given</source>
        <translation>причина не указана</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_icons.py" line="48" />
        <source>Error: Bitrix24 refused the change: %1</source>
        <translation>Ошибка: Битрикс24 не принял изменение: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_icons.py" line="50" />
        <source>Conflict: Bitrix24 changed a field you changed too; your value is kept aside.</source>
        <translation>Конфликт: в Битрикс24 изменили то же поле, что и вы; ваше значение сохранено отдельно.</translation>
    </message>
</context>
<context>
    <name>TaskEditor</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="393" />
        <source>Task</source>
        <translation>Задача</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="393" />
        <source>Task: %1</source>
        <translation>Задача: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="394" />
        <source>Title</source>
        <translation>Название</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="409" />
        <source>Deadline</source>
        <translation>Крайний срок</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="411" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="416" />
        <source>Deal</source>
        <translation>Сделка</translation>
    </message>
</context>
<context>
    <name>TypedValueList</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editor_widgets.py" line="142" />
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
</context>
<context>
    <name>Validation</name>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="8" />
        <source>Enter a title.</source>
        <translation>Введите название.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="9" />
        <source>The title is longer than 255 characters.</source>
        <translation>Название длиннее 255 символов.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="10" />
        <source>Choose a stage.</source>
        <translation>Выберите стадию.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="11" />
        <source>Use a three-letter currency code, e.g. RUB.</source>
        <translation>Укажите трёхбуквенный код валюты, например RUB.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="12" />
        <source>Enter an amount as a number, e.g. 150000.50.</source>
        <translation>Введите сумму числом, например 150000,50.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="13" />
        <source>The amount cannot be negative.</source>
        <translation>Сумма не может быть отрицательной.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="14" />
        <source>The amount is too large.</source>
        <translation>Слишком большая сумма.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="15" />
        <source>Use at most two digits after the decimal point.</source>
        <translation>Не больше двух знаков после запятой.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="16" />
        <source>Enter a name or a last name.</source>
        <translation>Введите имя или фамилию.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="17" />
        <source>Longer than 100 characters.</source>
        <translation>Длиннее 100 символов.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="18" />
        <source>Longer than 200 characters.</source>
        <translation>Длиннее 200 символов.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="19" />
        <source>Enter the company name.</source>
        <translation>Введите название компании.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="20" />
        <source>Longer than 255 characters.</source>
        <translation>Длиннее 255 символов.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="21" />
        <source>An INN has 10 digits (organisation) or 12 (person) with valid check digits.</source>
        <translation>ИНН — 10 цифр (организация) или 12 (физлицо, ИП) с верными контрольными цифрами.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="22" />
        <source>A KPP has 9 characters: 4 digits, 2 digits or letters, 3 digits.</source>
        <translation>КПП — 9 знаков: 4 цифры, 2 цифры или буквы, 3 цифры.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="23" />
        <source>A sole trader (12-digit INN) has no KPP.</source>
        <translation>У ИП (ИНН из 12 цифр) нет КПП.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="24" />
        <source>Enter a site address such as example.ru or https://example.ru.</source>
        <translation>Введите адрес сайта, например example.ru или https://example.ru.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="25" />
        <source>This number is already listed.</source>
        <translation>Этот номер уже есть в списке.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="26" />
        <source>This address is already listed.</source>
        <translation>Этот адрес уже есть в списке.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="27" />
        <source>Enter a date and time.</source>
        <translation>Введите дату и время.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="28" />
        <source>Bitrix24 needs a responsible person for a task.</source>
        <translation>Битрикс24 требует ответственного за задачу.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="29" />
        <source>Choose a company from the list.</source>
        <translation>Выберите компанию из списка.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="30" />
        <source>Choose a deal from the list.</source>
        <translation>Выберите сделку из списка.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="31" />
        <source>This is not a phone number.</source>
        <translation>Это не номер телефона.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="32" />
        <source>This is not an e-mail address.</source>
        <translation>Это не адрес e-mail.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="33" />
        <source>This company is not in the cache.</source>
        <translation>Этой компании нет в базе.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="34" />
        <source>This manager is not in the cache.</source>
        <translation>Этого менеджера нет в базе.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="35" />
        <source>This deal is not in the cache.</source>
        <translation>Этой сделки нет в базе.</translation>
    </message>
</context>
</TS>