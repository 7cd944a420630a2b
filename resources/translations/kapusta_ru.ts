<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>CalcCompareWidget</name>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_compare.py" line="24" />
        <source>Compare: %1 ↔ %2</source>
        <translation>Сравнение: %1 ↔ %2</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_compare.py" line="45" />
        <source>Total with VAT: %1</source>
        <translation>Итого с НДС: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_compare.py" line="52" />
        <source>Difference: %1 (cells that differ are highlighted: %2)</source>
        <translation>Разница: %1 (различающихся ячеек выделено: %2)</translation>
    </message>
</context>
<context>
    <name>CalcEditor</name>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="74" />
        <source>Add line</source>
        <translation>Добавить строку</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="75" />
        <source>Duplicate line</source>
        <translation>Дублировать строку</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="76" />
        <source>Delete line</source>
        <translation>Удалить строку</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="77" />
        <source>Copy line</source>
        <translation>Копировать строку</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="79" />
        <source>Undo</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="81" />
        <source>Redo</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="88" />
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="90" />
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="245" />
        <source>New calculation</source>
        <translation>Новый расчёт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="92" />
        <source>New version</source>
        <translation>Новая версия</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="94" />
        <source>Use for the deal</source>
        <translation>Выбрать для сделки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="95" />
        <source>Make this version the chosen one: its total becomes the deal amount</source>
        <translation>Сделать эту версию основной: её итог станет суммой сделки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="97" />
        <source>Export to Excel…</source>
        <translation>Экспорт в Excel…</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="99" />
        <source>Compare</source>
        <translation>Сравнить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="103" />
        <source>Version:</source>
        <translation>Версия:</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="108" />
        <source>with</source>
        <translation>с</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="169" />
        <source>Save or undo the changes before switching versions.</source>
        <translation>Сохраните или отмените изменения, прежде чем переключать версию.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="196" />
        <source>Lines: %1 · hours: %2 · cost: %3 · before VAT: %4 · VAT: %5 · total: %6</source>
        <translation>Строк: %1 · часов: %2 · себестоимость: %3 · без НДС: %4 · НДС: %5 · итого: %6</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="209" />
        <source>Calculation</source>
        <translation>Расчёт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="245" />
        <source>Name:</source>
        <translation>Название:</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="288" />
        <source>Exported to %1</source>
        <translation>Сохранено в %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_editor.py" line="295" />
        <source>Export calculation</source>
        <translation>Экспорт расчёта</translation>
    </message>
</context>
<context>
    <name>CalcLinesModel</name>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="52" />
        <source>Site / post</source>
        <translation>Объект / пост</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="53" />
        <source>Posts</source>
        <translation>Постов</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="54" />
        <source>Guards per post</source>
        <translation>Охранников на пост</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="55" />
        <source>Hours a day</source>
        <translation>Часов в сутки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="56" />
        <source>Days a month</source>
        <translation>Дней в месяц</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="57" />
        <source>Months</source>
        <translation>Месяцев</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="58" />
        <source>Rate per hour</source>
        <translation>Ставка в час</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="59" />
        <source>Extra costs</source>
        <translation>Доп. расходы</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="60" />
        <source>Margin %</source>
        <translation>Наценка, %</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="61" />
        <source>VAT</source>
        <translation>НДС</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="62" />
        <source>Hours</source>
        <translation>Часы</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="63" />
        <source>Cost</source>
        <translation>Себестоимость</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="64" />
        <source>Price before VAT</source>
        <translation>Цена без НДС</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="65" />
        <source>VAT amount</source>
        <translation>Сумма НДС</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="66" />
        <source>Price with VAT</source>
        <translation>Цена с НДС</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="122" />
        <source>edit %1</source>
        <translation>изменение: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="150" />
        <source>delete line</source>
        <translation>удаление строки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="266" />
        <source>Differs from the other version</source>
        <translation>Отличается от другой версии</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="309" />
        <source>add line</source>
        <translation>добавление строки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calc_model.py" line="316" />
        <source>duplicate line</source>
        <translation>дублирование строки</translation>
    </message>
</context>
<context>
    <name>CallPopup</name>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="72" />
        <source>exact number</source>
        <translation>точному номеру</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="73" />
        <source>company's main line</source>
        <translation>основному номеру компании</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="74" />
        <source>lead's number</source>
        <translation>номеру лида</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="81" />
        <source>contact</source>
        <translation>контакт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="82" />
        <source>company</source>
        <translation>компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="83" />
        <source>lead</source>
        <translation>лид</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="147" />
        <source>Name of the new contact</source>
        <translation>Имя нового контакта</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="150" />
        <source>Open deal</source>
        <translation>Открыть сделку</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="151" />
        <source>Open in Bitrix24</source>
        <translation>Открыть в Битрикс24</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="152" />
        <source>Task: call back</source>
        <translation>Задача: перезвонить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="153" />
        <source>Task: send offer</source>
        <translation>Задача: отправить КП</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="154" />
        <source>Create contact</source>
        <translation>Создать контакт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="155" />
        <source>Contact + deal</source>
        <translation>Контакт + сделка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="156" />
        <source>Dismiss</source>
        <translation>Скрыть</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="210" />
        <source>Ringing at %1</source>
        <translation>Звонок на %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="211" />
        <source> (transferred)</source>
        <translation> (переведён)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="261" />
        <source>Unknown number</source>
        <translation>Неизвестный номер</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="296" />
        <source>Not in the CRM</source>
        <translation>Нет в CRM</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="297" />
        <source>Matched by: %1</source>
        <translation>Найден по: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="299" />
        <source> — %1 matches, pick one</source>
        <translation> — совпадений: %1, выберите одно</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="301" />
        <source> (your earlier choice first)</source>
        <translation> (ваш прошлый выбор первым)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="309" />
        <source>Company: %1</source>
        <translation>Компания: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="311" />
        <source>Responsible: %1</source>
        <translation>Ответственный: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="313" />
        <source>Open deals:</source>
        <translation>Открытые сделки:</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="316" />
        <source>Open tasks:</source>
        <translation>Открытые задачи:</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="321" />
        <source>Last calls:</source>
        <translation>Последние звонки:</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="325" />
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="340" />
        <source>Talking %1</source>
        <translation>Разговор %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="349" />
        <source>Taken by %1 (ext. %2)</source>
        <translation>Ответил(а): %1 (доб. %2)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="351" />
        <source>Taken at ext. %1</source>
        <translation>Ответили на доб. %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="353" />
        <source>Taken by %1</source>
        <translation>Ответил(а): %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="354" />
        <source>Taken by a colleague</source>
        <translation>Ответил другой оператор</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="377" />
        <source>Call ended</source>
        <translation>Звонок завершён</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="377" />
        <source>Call ended: missed</source>
        <translation>Звонок завершён: пропущен</translation>
    </message>
</context>
<context>
    <name>CallsRuntime</name>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="94" />
        <source>Simulate incoming call</source>
        <translation>Имитировать входящий звонок</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="95" />
        <source>Simulate missed call</source>
        <translation>Имитировать пропущенный звонок</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="110" />
        <source>Simulated call failed: %1</source>
        <translation>Имитация звонка не удалась: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="137" />
        <source>no API key/salt</source>
        <translation>нет ключа API или соли</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="160" />
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="189" />
        <source>listener cannot start: %1</source>
        <translation>не удалось запустить приём событий: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="162" />
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="211" />
        <source>listening on %1</source>
        <translation>принимает события на %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="213" />
        <source>connecting to %1</source>
        <translation>подключение к %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="215" />
        <source>no answer</source>
        <translation>нет ответа</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="216" />
        <source>team event feed lost (%1): reconnecting, no call is missed</source>
        <translation>нет связи с событиями команды (%1): переподключение, звонки не потеряются</translation>
    </message>
</context>
<context>
    <name>CallsView</name>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="31" />
        <source>Answered</source>
        <translation>Отвечен</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="31" />
        <source>Missed</source>
        <translation>Пропущен</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="33" />
        <source>Incoming</source>
        <translation>Входящий</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="34" />
        <source>Outgoing</source>
        <translation>Исходящий</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="35" />
        <source>Internal</source>
        <translation>Внутренний</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="67" />
        <source>All results</source>
        <translation>Все результаты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="71" />
        <source>All directions</source>
        <translation>Все направления</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="75" />
        <source>Number contains…</source>
        <translation>Номер содержит…</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="76" />
        <source>Started</source>
        <translation>Начало</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="76" />
        <source>Direction</source>
        <translation>Направление</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="76" />
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="76" />
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="77" />
        <source>Talk, s</source>
        <translation>Разговор, с</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="77" />
        <source>Extension</source>
        <translation>Добавочный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="77" />
        <source>Contact / company</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="78" />
        <source>Bitrix24</source>
        <translation>Битрикс24</translation>
    </message>
</context>
<context>
    <name>CompanyEditor</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="357" />
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="357" />
        <source>Company: %1</source>
        <translation>Компания: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="358" />
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="359" />
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="360" />
        <source>KPP</source>
        <translation>КПП</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="361" />
        <source>Site</source>
        <translation>Сайт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="362" />
        <source>Add phone</source>
        <translation>Добавить телефон</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="363" />
        <source>Add e-mail</source>
        <translation>Добавить e-mail</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="367" />
        <source>Phones</source>
        <translation>Телефоны</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="368" />
        <source>E-mails</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="370" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
</context>
<context>
    <name>ConflictsView</name>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="25" />
        <source>Deal</source>
        <translation>Сделка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="26" />
        <source>Contact</source>
        <translation>Контакт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="27" />
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="28" />
        <source>Task</source>
        <translation>Задача</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="43" />
        <source>Record</source>
        <translation>Запись</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="43" />
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="43" />
        <source>Mine</source>
        <translation>Моё</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="44" />
        <source>Bitrix24's</source>
        <translation>В Битрикс24</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="49" />
        <source>Apply mine again</source>
        <translation>Применить моё снова</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="50" />
        <source>Keep Bitrix24's</source>
        <translation>Оставить из Битрикс24</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="53" />
        <source>No conflicts: the cache and Bitrix24 agree.</source>
        <translation>Конфликтов нет: данные совпадают с Битрикс24.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/conflicts_view.py" line="89" />
        <source>Conflicts</source>
        <translation>Конфликты</translation>
    </message>
</context>
<context>
    <name>ContactEditor</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="314" />
        <source>Contact</source>
        <translation>Контакт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="314" />
        <source>Contact: %1</source>
        <translation>Контакт: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="315" />
        <source>Last name</source>
        <translation>Фамилия</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="316" />
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="317" />
        <source>Middle name</source>
        <translation>Отчество</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="318" />
        <source>Position</source>
        <translation>Должность</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="322" />
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="323" />
        <source>Add phone</source>
        <translation>Добавить телефон</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="324" />
        <source>Add e-mail</source>
        <translation>Добавить e-mail</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="328" />
        <source>Phones</source>
        <translation>Телефоны</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="329" />
        <source>E-mails</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="331" />
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
        <location filename="../../kapusta_desktop/ui/editors.py" line="248" />
        <source>Deal</source>
        <translation>Сделка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="248" />
        <source>Deal: %1</source>
        <translation>Сделка: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="249" />
        <source>Title</source>
        <translation>Название</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="256" />
        <source>Stage</source>
        <translation>Стадия</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="267" />
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="272" />
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="282" />
        <source>Contacts</source>
        <translation>Контакты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="284" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="289" />
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
</context>
<context>
    <name>DeskTray</name>
    <message>
        <location filename="../../kapusta_desktop/ui/tray.py" line="61" />
        <source>Show console</source>
        <translation>Показать консоль</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tray.py" line="63" />
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tray.py" line="88" />
        <source>KAPUSTA desktop is still running</source>
        <translation>KAPUSTA desktop продолжает работать</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tray.py" line="89" />
        <source>Calls and sync go on. Quit from the tray menu.</source>
        <translation>Звонки и синхронизация продолжаются. Выйти можно из меню в трее.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tray.py" line="107" />
        <source>Bitrix24 refused the connection</source>
        <translation>Битрикс24 отклонил подключение</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tray.py" line="109" />
        <source>Bitrix24 refused changes</source>
        <translation>Битрикс24 отклонил изменения</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tray.py" line="110" />
        <source>%1 records need attention: open the console.</source>
        <translation>Записей требуют внимания: %1. Откройте консоль.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tray.py" line="120" />
        <source>Missed call</source>
        <translation>Пропущенный звонок</translation>
    </message>
</context>
<context>
    <name>DetailPanel</name>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="40" />
        <source>Edit…</source>
        <translation>Изменить…</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="48" />
        <source>&amp;Retry</source>
        <translation>&amp;Повторить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="48" />
        <source>Send the refused change to Bitrix24 again</source>
        <translation>Отправить отклонённое изменение в Битрикс24 ещё раз</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="50" />
        <source>D&amp;iscard my change…</source>
        <translation>&amp;Отменить мою правку…</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="51" />
        <source>Drop the refused change and show Bitrix24's values again</source>
        <translation>Отказаться от отклонённого изменения и вернуть значения из Битрикс24</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="53" />
        <source>A&amp;pply mine again</source>
        <translation>Применить &amp;моё снова</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="53" />
        <source>Send your kept values to Bitrix24</source>
        <translation>Отправить в Битрикс24 сохранённые ваши значения</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="56" />
        <source>&amp;Keep Bitrix24's</source>
        <translation>Оставить из &amp;Битрикс24</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="56" />
        <source>Drop your kept values; Bitrix24's stay</source>
        <translation>Отказаться от ваших значений; остаются значения из Битрикс24</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="111" />
        <source>Select a record to see it here.</source>
        <translation>Выберите запись, чтобы увидеть её здесь.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="162" />
        <source>Discard your change to “%1”?</source>
        <translation>Отменить вашу правку записи «%1»?</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="164" />
        <source>It never reached Bitrix24: the record is removed from the cache.</source>
        <translation>Она так и не попала в Битрикс24: запись будет удалена из кэша.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="166" />
        <source>Bitrix24's values come back in its place; your change is lost.</source>
        <translation>Вместо неё вернутся значения из Битрикс24; ваша правка будет потеряна.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="167" />
        <source>Discard my change</source>
        <translation>Отменить мою правку</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="202" />
        <source>Sync</source>
        <translation>Синхронизация</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="202" />
        <source>Bitrix24 ID</source>
        <translation>ID в Битрикс24</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="203" />
        <source>Conflicting fields</source>
        <translation>Поля в конфликте</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="203" />
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="204" />
        <source>Yours</source>
        <translation>Ваше</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="204" />
        <source>Bitrix24</source>
        <translation>Битрикс24</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="246" />
        <source>Stage</source>
        <translation>Стадия</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="247" />
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="248" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="259" />
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="249" />
        <source>Contacts</source>
        <translation>Контакты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="250" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="262" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="274" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="280" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="251" />
        <source>Source</source>
        <translation>Источник</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="252" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="263" />
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="253" />
        <source>Changed</source>
        <translation>Изменено</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="258" />
        <source>Position</source>
        <translation>Должность</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="260" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="271" />
        <source>Phones</source>
        <translation>Телефоны</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="261" />
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="272" />
        <source>E-mails</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="268" />
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="269" />
        <source>KPP</source>
        <translation>КПП</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="270" />
        <source>Site</source>
        <translation>Сайт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="273" />
        <source>VIP</source>
        <translation>VIP</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="273" />
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="279" />
        <source>Deadline</source>
        <translation>Крайний срок</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="281" />
        <source>Deal</source>
        <translation>Сделка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/detail_panel.py" line="282" />
        <source>Description</source>
        <translation>Описание</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="115" />
        <source>Main</source>
        <translation>Основная</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="119" />
        <source>Sync now</source>
        <translation>Синхронизировать</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="121" />
        <source>Send pending changes and fetch news from Bitrix24 (F5)</source>
        <translation>Отправить изменения и получить новое из Битрикс24 (F5)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="123" />
        <source>New</source>
        <translation>Создать</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="125" />
        <source>Create a record in the current view (Ctrl+N)</source>
        <translation>Создать запись в текущем разделе (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="133" />
        <source>Search: name, title, company, phone (Ctrl+F)</source>
        <translation>Поиск: имя, название, компания, телефон (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="136" />
        <source>Search</source>
        <translation>Поиск</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="149" />
        <source>Demo profile: sample data, not your real cache</source>
        <translation>Демо-профиль: примерные данные, не ваша база</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="167" />
        <source>not configured</source>
        <translation>не настроено</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="180" />
        <source>Title</source>
        <translation>Название</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="180" />
        <source>Stage</source>
        <translation>Стадия</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="180" />
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="181" />
        <source>Currency</source>
        <translation>Валюта</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="181" />
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="181" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="182" />
        <source>Changed</source>
        <translation>Изменено</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="182" />
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="182" />
        <source>Position</source>
        <translation>Должность</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="183" />
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="183" />
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="183" />
        <source>Site</source>
        <translation>Сайт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="184" />
        <source>Deadline</source>
        <translation>Крайний срок</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="184" />
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="184" />
        <source>Deal</source>
        <translation>Сделка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="186" />
        <source>Waiting</source>
        <translation>Ждёт выполнения</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="186" />
        <source>In progress</source>
        <translation>Выполняется</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="186" />
        <source>Awaiting control</source>
        <translation>Ждёт контроля</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="187" />
        <source>Done</source>
        <translation>Завершена</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="187" />
        <source>Deferred</source>
        <translation>Отложена</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="194" />
        <source>Deals</source>
        <translation>Сделки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="195" />
        <source>Contacts</source>
        <translation>Контакты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="196" />
        <source>Companies</source>
        <translation>Компании</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="197" />
        <source>Tasks</source>
        <translation>Задачи</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="250" />
        <source>Pending changes: %1</source>
        <translation>Неотправленных изменений: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="254" />
        <source>never</source>
        <translation>ещё не было</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/main_window.py" line="255" />
        <source>Last sync: %1</source>
        <translation>Синхронизация: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="71" />
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_wiring.py" line="72" />
        <source>Missed calls</source>
        <translation>Пропущенные</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_wiring.py" line="40" />
        <source>Notices</source>
        <translation>Уведомления</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="98" />
        <source>Conflicts</source>
        <translation>Конфликты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_view.py" line="158" />
        <source>Tenders</source>
        <translation>Тендеры</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/app.py" line="171" />
        <source>&amp;Desk</source>
        <translation>&amp;Рабочее место</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/app.py" line="173" />
        <source>Settings…</source>
        <translation>Настройки…</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/app.py" line="176" />
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/app.py" line="181" />
        <source>Explore the demo</source>
        <translation>Открыть демо</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/app.py" line="188" />
        <source>De&amp;mo</source>
        <translation>&amp;Демо</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/app.py" line="337" />
        <source>secrets locked</source>
        <translation>секреты заблокированы</translation>
    </message>
</context>
<context>
    <name>MasterPasswordPrompt</name>
    <message>
        <location filename="../../kapusta_desktop/ui/unlock_prompt.py" line="22" />
        <source>Unlock secrets</source>
        <translation>Разблокировать секреты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/unlock_prompt.py" line="24" />
        <source>The encrypted secret file is locked. Enter its master password
to connect Bitrix24, Mango and Telegram:</source>
        <translation>Зашифрованный файл секретов заблокирован. Введите мастер-пароль,
чтобы подключить Битрикс24, Mango и Telegram:</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/unlock_prompt.py" line="36" />
        <source>Enter the master password again:</source>
        <translation>Введите мастер-пароль ещё раз:</translation>
    </message>
</context>
<context>
    <name>MissedCallsView</name>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="117" />
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="117" />
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="117" />
        <source>Caller</source>
        <translation>Звонивший</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="117" />
        <source>Extension</source>
        <translation>Добавочный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="118" />
        <source>Callback task</source>
        <translation>Задача перезвонить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="119" />
        <source>Call back</source>
        <translation>Перезвонить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="120" />
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="167" />
        <source>Calling %1: your phone rings first</source>
        <translation>Звоним на %1: сначала зазвонит ваш телефон</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="176" />
        <source>Cannot call back: Mango Office is not connected on this desk.</source>
        <translation>Перезвонить нельзя: Mango Office на этом рабочем месте не подключён.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="177" />
        <source>Cannot call back: %1 is not a phone number.</source>
        <translation>Перезвонить нельзя: %1 — не номер телефона.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="178" />
        <source>Cannot call back: this desk has no extension (Settings, Mango).</source>
        <translation>Перезвонить нельзя: у рабочего места нет внутреннего номера (Настройки, Mango).</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="187" />
        <source>Call to %1: </source>
        <translation>Звонок на %1: </translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="183" />
        <location filename="../../kapusta_desktop/ui/calls_view.py" line="187" />
        <source>Call to %1 failed: </source>
        <translation>Звонок на %1 не удался: </translation>
    </message>
</context>
<context>
    <name>NoticesModel</name>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="49" />
        <source>held (quiet hours)</source>
        <translation>отложено (тихие часы)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="50" />
        <source>waiting</source>
        <translation>ожидает</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="51" />
        <source>sending</source>
        <translation>отправляется</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="52" />
        <source>sent</source>
        <translation>отправлено</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="53" />
        <source>failed</source>
        <translation>ошибка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="54" />
        <source>uncertain</source>
        <translation>не подтверждено</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="55" />
        <source>chat stopped</source>
        <translation>чат остановлен</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="68" />
        <source>Created</source>
        <translation>Создано</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="69" />
        <source>Kind</source>
        <translation>Тип</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="70" />
        <source>To</source>
        <translation>Кому</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="71" />
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="72" />
        <source>Tries</source>
        <translation>Попыток</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="73" />
        <source>Sent</source>
        <translation>Отправлено</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="74" />
        <source>Error</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="123" />
        <source>until</source>
        <translation>до</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="125" />
        <source>possible duplicate</source>
        <translation>возможен дубль</translation>
    </message>
</context>
<context>
    <name>NoticesRuntime</name>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_wiring.py" line="52" />
        <source>notices off</source>
        <translation>уведомления выключены</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_wiring.py" line="67" />
        <source>no bot token saved</source>
        <translation>токен бота не сохранён</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_wiring.py" line="74" />
        <source>sending notices</source>
        <translation>уведомления отправляются</translation>
    </message>
</context>
<context>
    <name>NoticesView</name>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="151" />
        <source>chat %1 stopped: %2</source>
        <translation>чат %1 остановлен: %2</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="179" />
        <source>All notices</source>
        <translation>Все уведомления</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="179" />
        <source>Waiting</source>
        <translation>Ожидают</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="179" />
        <source>Sent</source>
        <translation>Отправленные</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="180" />
        <source>Failed or stopped</source>
        <translation>Ошибки и остановленные</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="183" />
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="185" />
        <source>Resume chat</source>
        <translation>Возобновить чат</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/notices_view.py" line="186" />
        <source>The chat unblocked the bot or added it back: send what waits for it</source>
        <translation>Чат разблокировал бота или вернул его: отправить то, что ждёт</translation>
    </message>
</context>
<context>
    <name>PhoneType</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="188" />
        <location filename="../../kapusta_desktop/ui/editors.py" line="198" />
        <source>work</source>
        <translation>рабочий</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="189" />
        <source>mobile</source>
        <translation>мобильный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="190" />
        <location filename="../../kapusta_desktop/ui/editors.py" line="199" />
        <source>home</source>
        <translation>домашний</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="191" />
        <source>fax</source>
        <translation>факс</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="192" />
        <location filename="../../kapusta_desktop/ui/editors.py" line="200" />
        <source>other</source>
        <translation>другой</translation>
    </message>
</context>
<context>
    <name>PopupManager</name>
    <message>
        <location filename="../../kapusta_desktop/ui/call_popup.py" line="577" />
        <source>Task created: %1</source>
        <translation>Задача создана: %1</translation>
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
        <location filename="../../kapusta_desktop/ui/record_view.py" line="140" />
        <source>Choose who you are in Settings to use this filter.</source>
        <translation>Укажите себя в настройках, чтобы пользоваться этим фильтром.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kapusta_desktop/ui/record_view.py" line="158" />
        <source>%n record(s)</source>
        <translation><numerusform>%n запись</numerusform><numerusform>%n записи</numerusform><numerusform>%n записей</numerusform></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="57" />
        <source>saved — type to replace</source>
        <translation>сохранено — введите, чтобы заменить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="58" />
        <source>held by the relay</source>
        <translation>хранится на ретрансляторе</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="59" />
        <source>held by the relay — type to replace it there</source>
        <translation>хранится на ретрансляторе — введите, чтобы заменить там</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="60" />
        <source>Bitrix24</source>
        <translation>Битрикс24</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="66" />
        <source>Sync</source>
        <translation>Синхронизация</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="86" />
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="100" />
        <source>Create encrypted file store…</source>
        <translation>Создать зашифрованное хранилище…</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="108" />
        <source>admin password</source>
        <translation>пароль администратора</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="122" />
        <source>Stage mapping</source>
        <translation>Соответствие стадий</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="123" />
        <source>Notice rules</source>
        <translation>Правила уведомлений</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="124" />
        <source>Managers</source>
        <translation>Менеджеры</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="127" />
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="128" />
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="546" />
        <source>Forget all secrets</source>
        <translation>Забыть все секреты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="172" />
        <source>This desk works through the team relay (%1): the Bitrix24, Telegram and Mango tokens are held there, not on this computer. Tests below go through the relay.</source>
        <translation>Это рабочее место работает через ретранслятор команды (%1): токены Битрикс24, Telegram и Mango хранятся там, а не на этом компьютере. Проверки ниже идут через ретранслятор.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="180" />
        <source>Test relay</source>
        <translation>Проверить ретранслятор</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="194" />
        <source>incoming webhook</source>
        <translation>входящий вебхук</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="195" />
        <source>OAuth application</source>
        <translation>приложение OAuth</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="199" />
        <source>off</source>
        <translation>нет</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="200" />
        <source>on</source>
        <translation>да</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="227" />
        <source>Shared by the team (kept in the team's database).</source>
        <translation>Общий для всей команды (хранится в общей базе).</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="231" />
        <source>e.g. 102 or 101, 105</source>
        <translation>например, 102 или 101, 105</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="244" />
        <source>This desk's extensions</source>
        <translation>Добавочные этого места</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="250" />
        <source>%1=%2 in this desk's environment overrides this list.</source>
        <translation>%1=%2 в окружении этого рабочего места заменяет этот список.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="253" />
        <source>Kept on this computer only. Empty: the team's list above applies.</source>
        <translation>Хранится только на этом компьютере. Если пусто, действует общий список выше.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="271" />
        <source>Extensions of desks without their own</source>
        <translation>Добавочные мест без своего списка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="276" />
        <source>Test connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="278" />
        <source>Test: list PBX users</source>
        <translation>Проверить: сотрудники АТС</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="280" />
        <source>Test token (getMe)</source>
        <translation>Проверить токен (getMe)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="281" />
        <source>Find recent chats</source>
        <translation>Найти последние чаты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="283" />
        <source>chat id for a test message</source>
        <translation>id чата для тестового сообщения</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="284" />
        <source>Test chat</source>
        <translation>Тестовый чат</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="285" />
        <source>Send test message</source>
        <translation>Отправить тестовое сообщение</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="291" />
        <source>Pipeline</source>
        <translation>Воронка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="291" />
        <source>Stage</source>
        <translation>Стадия</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="291" />
        <source>KAPUSTA stage</source>
        <translation>Стадия KAPUSTA</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="308" />
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="308" />
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="308" />
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="308" />
        <source>Telegram id</source>
        <translation>Telegram id</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="308" />
        <source>Bitrix24 user</source>
        <translation>Пользователь Битрикс24</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="309" />
        <source>Mango extension</source>
        <translation>Добавочный Mango</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="311" />
        <source>Match automatically</source>
        <translation>Сопоставить автоматически</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="412" />
        <source>Unlocked: changes allowed.</source>
        <translation>Разблокировано: изменения разрешены.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="413" />
        <source>Lock</source>
        <translation>Заблокировать</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="415" />
        <source>Read-only. Unlock with the admin password to change settings.</source>
        <translation>Только чтение. Чтобы менять настройки, разблокируйте паролем администратора.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="416" />
        <source>Unlock</source>
        <translation>Разблокировать</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="418" />
        <source>First run: set the admin password (at least 8 characters).</source>
        <translation>Первый запуск: задайте пароль администратора (не менее 8 символов).</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="419" />
        <source>Set admin password</source>
        <translation>Задать пароль администратора</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="424" />
        <source>Held by the relay. As an admin desk you may replace it: it is saved on the relay only.</source>
        <translation>Хранится на ретрансляторе. Рабочее место администратора может его заменить: новое значение сохранится только на ретрансляторе.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="426" />
        <source>Held by the relay. Only an admin desk may replace it.</source>
        <translation>Хранится на ретрансляторе. Заменить его может только рабочее место администратора.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="427" />
        <source>Held by the relay: set it on the relay's host (its environment or keyring).</source>
        <translation>Хранится на ретрансляторе: задаётся на его сервере (в окружении или хранилище ключей).</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="488" />
        <source>Saving through the relay…</source>
        <translation>Сохранение через ретранслятор…</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="510" />
        <source>Nothing saved: fix the fields marked in red.</source>
        <translation>Ничего не сохранено: исправьте поля, отмеченные красным.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="512" />
        <source>Saved.</source>
        <translation>Сохранено.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="518" />
        <source>Nothing saved: the relay lets only an admin desk change settings.</source>
        <translation>Ничего не сохранено: ретранслятор разрешает менять настройки только рабочему месту администратора.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="520" />
        <source>Nothing saved: the relay does not accept this desk's token.</source>
        <translation>Ничего не сохранено: ретранслятор не принимает токен этого рабочего места.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="521" />
        <source>Nothing saved: the relay did not take the change (%1).</source>
        <translation>Ничего не сохранено: ретранслятор не принял изменение (%1).</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="548" />
        <source>Remove every saved token, key and webhook from this computer? Integrations stop until they are entered again.</source>
        <translation>Удалить с этого компьютера все сохранённые токены, ключи и вебхуки? Интеграции остановятся, пока их не введут снова.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="567" />
        <source>All secrets forgotten.</source>
        <translation>Все секреты удалены.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="588" />
        <source>new master password (8+ characters), then click again</source>
        <translation>новый мастер-пароль (от 8 символов), затем нажмите ещё раз</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="609" />
        <source>Checking…</source>
        <translation>Проверка…</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="634" />
        <source>Through the relay: %1 forwarding is not configured on the relay.</source>
        <translation>Через ретранслятор: пересылка в %1 на ретрансляторе не настроена.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="639" />
        <source>The relay cannot be used: %1</source>
        <translation>Ретранслятор недоступен: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="641" />
        <source>Not set: %1</source>
        <translation>Не задано: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="644" />
        <source>Failed: %1</source>
        <translation>Ошибка: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="649" />
        <source>The relay refuses this desk: its token was revoked (%1).</source>
        <translation>Ретранслятор отказывает этому рабочему месту: его токен отозван (%1).</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="650" />
        <source>The relay does not accept this desk's token (%1).</source>
        <translation>Ретранслятор не принимает токен этого рабочего места (%1).</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="671" />
        <source>Created %1, updated %2, matched %3 PBX users.</source>
        <translation>Создано: %1, обновлено: %2, сопоставлено сотрудников АТС: %3.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="676" />
        <source>Not matched: %1</source>
        <translation>Не сопоставлены: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="685" />
        <source>Through the relay: OK. %1</source>
        <translation>Через ретранслятор: ок. %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="687" />
        <source>Test message sent.</source>
        <translation>Тестовое сообщение отправлено.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="689" />
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="712" />
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="689" />
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="712" />
        <source>no</source>
        <translation>нет</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="690" />
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="711" />
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="692" />
        <source>Acts as %1 (id %2); portal admin: %3 (shown, not trusted alone); missing scopes: %4</source>
        <translation>Действует как %1 (id %2); администратор портала: %3 (для сведения, не проверка); не хватает прав: %4</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="701" />
        <source>%1 PBX users: </source>
        <translation>Сотрудников АТС: %1: </translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="704" />
        <source>No recent chats: send /start to the bot.</source>
        <translation>Нет последних чатов: отправьте боту /start.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="705" />
        <source>OK: %1</source>
        <translation>OK: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_dialog.py" line="714" />
        <source>Relay OK: desk “%1”, admin desk: %2; forwarding: %3</source>
        <translation>Ретранслятор: ок, рабочее место «%1», администратор: %2; пересылка: %3</translation>
    </message>
</context>
<context>
    <name>SettingsField</name>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="12" />
        <source>Bitrix24 on</source>
        <translation>Битрикс24 включён</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="13" />
        <source>Connection</source>
        <translation>Подключение</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="14" />
        <source>Incoming webhook URL</source>
        <translation>Адрес входящего вебхука</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="15" />
        <source>Portal URL</source>
        <translation>Адрес портала</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="16" />
        <source>Application client id</source>
        <translation>Код приложения (client_id)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="17" />
        <source>Application client secret</source>
        <translation>Ключ приложения (client_secret)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="18" />
        <source>OAuth access token</source>
        <translation>Токен доступа OAuth</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="19" />
        <source>OAuth refresh token</source>
        <translation>Токен обновления OAuth</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="20" />
        <source>Mango Office on</source>
        <translation>Mango Office включён</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="21" />
        <source>API key (vpbx_api_key)</source>
        <translation>Ключ API (vpbx_api_key)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="22" />
        <source>API salt (signature key)</source>
        <translation>Соль API (ключ подписи)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="23" />
        <source>API address</source>
        <translation>Адрес API</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="24" />
        <source>Listener address</source>
        <translation>Адрес приёма событий</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="25" />
        <source>Listener port</source>
        <translation>Порт приёма событий</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="26" />
        <source>Listener base path</source>
        <translation>Путь приёма событий</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="27" />
        <source>This desk's extensions</source>
        <translation>Добавочные этого места</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="28" />
        <source>Telegram on</source>
        <translation>Telegram включён</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="29" />
        <source>Bot token</source>
        <translation>Токен бота</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="30" />
        <source>Bot API address</source>
        <translation>Адрес Bot API</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="31" />
        <source>Team chats</source>
        <translation>Чаты команды</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="32" />
        <source>Sync interval</source>
        <translation>Интервал синхронизации</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/settings_labels.py" line="33" />
        <source>Notice rules (JSON)</source>
        <translation>Правила уведомлений (JSON)</translation>
    </message>
</context>
<context>
    <name>SyncActions</name>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_actions.py" line="59" />
        <source>Nothing of this record is waiting to be sent again.</source>
        <translation>У этой записи нет изменений, которые можно отправить ещё раз.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_actions.py" line="90" />
        <source>Discarding failed: %1</source>
        <translation>Не удалось отменить правку: %1</translation>
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
    <name>SyncStatus</name>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="27" />
        <source>companies</source>
        <translation>компании</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="28" />
        <source>contacts</source>
        <translation>контакты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="29" />
        <source>deals</source>
        <translation>сделки</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="30" />
        <source>tasks</source>
        <translation>задачи</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="31" />
        <source>leads</source>
        <translation>лиды</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="60" />
        <source>syncing…</source>
        <translation>синхронизация…</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="62" />
        <source>check the Bitrix24 connection in Settings</source>
        <translation>проверьте подключение к Битрикс24 в настройках</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="63" />
        <source>refused: %1</source>
        <translation>отказ: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="65" />
        <source>not synced yet</source>
        <translation>ещё не синхронизировано</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="67" />
        <source>offline, %1 waiting</source>
        <translation>нет связи, ждут отправки: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="69" />
        <source>online, %1 refused</source>
        <translation>на связи, отклонено: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="71" />
        <source>online, %1 conflicts</source>
        <translation>на связи, конфликтов: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="73" />
        <source>online, another desk pulls for the team</source>
        <translation>на связи, данные для команды загружает другое рабочее место</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="74" />
        <source>online</source>
        <translation>на связи</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="130" />
        <source>Sync: %1 %2</source>
        <translation>Синхронизация: %1 %2</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="151" />
        <source>OAuth cannot be shared by a team's desks (a refresh on one desk cuts off the others): connect the team through the relay or use a webhook</source>
        <translation>Одно OAuth-приложение нельзя делить между рабочими местами команды (обновление токена на одном отключает остальные): подключите команду через ретранслятор или используйте вебхук</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="162" />
        <source>OAuth is not set up, missing: %1 (Settings, Bitrix24)</source>
        <translation>OAuth не настроен, не заполнено: %1 (Настройки, Битрикс24)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="163" />
        <source>not valid: %1 (Settings, Bitrix24)</source>
        <translation>неверное значение: %1 (Настройки, Битрикс24)</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/sync_adapter.py" line="161" />
        <source>no webhook saved</source>
        <translation>вебхук не сохранён</translation>
    </message>
</context>
<context>
    <name>TaskEditor</name>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="394" />
        <source>Task</source>
        <translation>Задача</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="394" />
        <source>Task: %1</source>
        <translation>Задача: %1</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="395" />
        <source>Title</source>
        <translation>Название</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="410" />
        <source>Deadline</source>
        <translation>Крайний срок</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="412" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/editors.py" line="417" />
        <source>Deal</source>
        <translation>Сделка</translation>
    </message>
</context>
<context>
    <name>TenderEditor</name>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="63" />
        <source>New tender</source>
        <translation>Новый тендер</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="63" />
        <source>Tender</source>
        <translation>Тендер</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="70" />
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="73" />
        <source>known</source>
        <translation>известно</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="89" />
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="90" />
        <source>Subject</source>
        <translation>Предмет</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="91" />
        <source>Platform</source>
        <translation>Площадка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="92" />
        <source>Link</source>
        <translation>Ссылка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="93" />
        <source>Published</source>
        <translation>Опубликован</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="94" />
        <source>Submission deadline</source>
        <translation>Срок подачи заявок</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="95" />
        <source>Maximum price</source>
        <translation>Начальная (макс.) цена</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="96" />
        <source>Currency</source>
        <translation>Валюта</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="97" />
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="98" />
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="103" />
        <source>Create a Bitrix24 deal with its company and contact</source>
        <translation>Создать сделку в Битрикс24 с компанией и контактом</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="104" />
        <source>Customer</source>
        <translation>Заказчик</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="110" />
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="111" />
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="112" />
        <source>KPP</source>
        <translation>КПП</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="113" />
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="124" />
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="114" />
        <source>Contact person</source>
        <translation>Контактное лицо</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="121" />
        <source>First name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="122" />
        <source>Last name</source>
        <translation>Фамилия</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="123" />
        <source>Position</source>
        <translation>Должность</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tender_editor.py" line="125" />
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
</context>
<context>
    <name>TendersModel</name>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="31" />
        <source>New</source>
        <translation>Новый</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="32" />
        <source>Analysis</source>
        <translation>Анализ</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="33" />
        <source>Calculated</source>
        <translation>Рассчитан</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="34" />
        <source>Submitted</source>
        <translation>Заявка подана</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="35" />
        <source>Won</source>
        <translation>Выигран</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="36" />
        <source>Lost</source>
        <translation>Проигран</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="39" />
        <source>Deadline</source>
        <translation>Срок подачи</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="40" />
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="41" />
        <source>Subject</source>
        <translation>Предмет</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="42" />
        <source>Customer</source>
        <translation>Заказчик</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="43" />
        <source>Platform</source>
        <translation>Площадка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="44" />
        <source>Max price</source>
        <translation>НМЦК</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="45" />
        <source>Our price</source>
        <translation>Наша цена</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="46" />
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="47" />
        <source>Deal</source>
        <translation>Сделка</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="229" />
        <source>The submission deadline has passed</source>
        <translation>Срок подачи заявок истёк</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_model.py" line="231" />
        <source>The submission deadline is near</source>
        <translation>Срок подачи заявок скоро истекает</translation>
    </message>
</context>
<context>
    <name>TendersView</name>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_view.py" line="47" />
        <source>Open</source>
        <translation>Открытые</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_view.py" line="48" />
        <source>All</source>
        <translation>Все</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_view.py" line="53" />
        <source>Number, subject or customer</source>
        <translation>Номер, предмет или заказчик</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_view.py" line="59" />
        <source>New tender</source>
        <translation>Новый тендер</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_view.py" line="61" />
        <source>Edit</source>
        <translation>Изменить</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_view.py" line="63" />
        <source>Calculations</source>
        <translation>Расчёты</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_view.py" line="65" />
        <source>Open deal</source>
        <translation>Открыть сделку</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_view.py" line="69" />
        <source>Show:</source>
        <translation>Показать:</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_view.py" line="143" />
        <source>Calculation</source>
        <translation>Расчёт</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/tenders_view.py" line="144" />
        <source>Calculations: tender %1</source>
        <translation>Расчёты: тендер %1</translation>
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
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="37" />
        <source>Enter the tender number.</source>
        <translation>Введите номер тендера.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="38" />
        <source>Longer than 64 characters.</source>
        <translation>Длиннее 64 символов.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="39" />
        <source>Enter the subject of the tender.</source>
        <translation>Введите предмет тендера.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="40" />
        <source>Longer than 500 characters.</source>
        <translation>Длиннее 500 символов.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="41" />
        <source>Enter a web address starting with http:// or https://.</source>
        <translation>Введите веб-адрес, начинающийся с http:// или https://.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="42" />
        <source>Enter a non-negative amount.</source>
        <translation>Сумма не может быть отрицательной.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="43" />
        <source>Enter the amount as a number, e.g. 1500000.00.</source>
        <translation>Введите сумму числом, например 1500000,00.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="44" />
        <source>The deadline is before the publication date.</source>
        <translation>Срок подачи раньше даты публикации.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="45" />
        <source>Name the calculation.</source>
        <translation>Укажите название расчёта.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="46" />
        <source>must be a decimal number, not a float or a flag</source>
        <translation>должно быть десятичным числом</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="47" />
        <source>is empty</source>
        <translation>не заполнено</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="48" />
        <source>must be a finite number</source>
        <translation>должно быть конечным числом</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="49" />
        <source>must be a whole number</source>
        <translation>должно быть целым числом</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="50" />
        <source>must not be negative</source>
        <translation>не может быть отрицательным</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="51" />
        <source>use at most two digits after the decimal point</source>
        <translation>не больше двух знаков после запятой</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/validation_messages.py" line="52" />
        <source>longer than 255 characters</source>
        <translation>длиннее 255 символов</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <location filename="../../kapusta_desktop/ui/welcome.py" line="20" />
        <source>Welcome to KAPUSTA desktop</source>
        <translation>Добро пожаловать в KAPUSTA desktop</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/welcome.py" line="22" />
        <source>&lt;h2&gt;Welcome to KAPUSTA desktop&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Добро пожаловать в KAPUSTA desktop&lt;/h2&gt;</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/welcome.py" line="26" />
        <source>This desk is not connected to a Bitrix24 portal yet, so it has opened the demo: a sample portal, calls and Telegram notices on this computer only.

Connect Bitrix24 to work on your company's deals, contacts and tasks (an admin password is set or asked for first).</source>
        <translation>Это рабочее место ещё не подключено к порталу Битрикс24, поэтому открыто демо: примерный портал, звонки и уведомления в Telegram только на этом компьютере.

Подключите Битрикс24, чтобы работать со сделками, контактами и задачами компании (сначала будет задан или запрошен пароль администратора).</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/welcome.py" line="35" />
        <source>This desk is not connected to a Bitrix24 portal yet.

Connect Bitrix24 to work on your company's deals, contacts and tasks (an admin password is set or asked for first), or explore the demo: a sample portal, calls and Telegram notices on this computer only.</source>
        <translation>Это рабочее место ещё не подключено к порталу Битрикс24.

Подключите Битрикс24, чтобы работать со сделками, контактами и задачами компании (сначала будет задан или запрошен пароль администратора), или откройте демо: примерный портал, звонки и уведомления в Telegram только на этом компьютере.</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/welcome.py" line="43" />
        <source>Connect Bitrix24…</source>
        <translation>Подключить Битрикс24…</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/welcome.py" line="46" />
        <source>Explore the demo</source>
        <translation>Открыть демо</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/welcome.py" line="46" />
        <source>Keep exploring the demo</source>
        <translation>Продолжить в демо</translation>
    </message>
    <message>
        <location filename="../../kapusta_desktop/ui/welcome.py" line="48" />
        <source>Not now</source>
        <translation>Не сейчас</translation>
    </message>
</context>
</TS>
