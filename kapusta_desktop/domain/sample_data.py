"""A deterministic generator of plausible Russian sales data at any size.

Used by `--demo`, the sandbox, the tests and the benchmarks. Pure Python on
`random.Random(seed)`: the same seed and sizes always give the same data.
Phones are written the many ways people type them; names are Cyrillic;
companies carry a legal form, an INN with correct check digits and a KPP.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import re
from dataclasses import dataclass
from decimal import Decimal

from kapusta_desktop.domain.stages import DEFAULT_STAGE_IDS

MSK = dt.timezone(dt.timedelta(hours=3), "MSK")


@dataclass(frozen=True, slots=True)
class SamplePhone:
    value: str  # as a person typed it: "8 (916) 123-45-67", "+7 495 1234567", "495-123-45-67 доб. 12", ...
    value_type: str  # WORK, MOBILE, HOME, FAX, OTHER (Bitrix24 VALUE_TYPE)


@dataclass(frozen=True, slots=True)
class SampleManager:
    id: int  # 1-based; becomes the Bitrix24 user ID in the sandbox
    name: str
    last_name: str
    email: str
    phone: str
    extension: str  # Mango extension "101".."1NN"
    telegram_id: str | None
    is_admin: bool
    department: str


@dataclass(frozen=True, slots=True)
class SampleCompany:
    id: int
    title: str
    inn: str
    kpp: str
    site: str | None
    phones: tuple[SamplePhone, ...]
    emails: tuple[str, ...]
    is_vip: bool
    responsible_id: int
    created: dt.datetime
    modified: dt.datetime  # timezone-aware (+03:00)


@dataclass(frozen=True, slots=True)
class SampleContact:
    id: int
    name: str
    second_name: str
    last_name: str
    position: str
    company_id: int | None
    phones: tuple[SamplePhone, ...]
    emails: tuple[str, ...]
    responsible_id: int
    created: dt.datetime
    modified: dt.datetime


@dataclass(frozen=True, slots=True)
class SampleDeal:
    id: int
    title: str
    pipeline_id: int  # 0 = default pipeline
    stage_id: str  # NEW, PREPARATION, PREPAYMENT_INVOICE, EXECUTING, FINAL_INVOICE, WON, LOSE, APOLOGY
    amount: Decimal
    currency: str  # "RUB"
    company_id: int | None
    contact_ids: tuple[int, ...]
    responsible_id: int
    source_id: str  # "WEB", "CALL", "EMAIL", "OTHER", ...
    created: dt.datetime
    modified: dt.datetime


@dataclass(frozen=True, slots=True)
class SampleTask:
    id: int
    title: str
    description: str
    deadline: dt.datetime
    status: int  # 2..6 as Bitrix24
    responsible_id: int
    created_by: int
    deal_id: int | None
    created: dt.datetime
    modified: dt.datetime


@dataclass(frozen=True, slots=True)
class SampleLead:
    id: int
    title: str
    name: str
    last_name: str
    company_title: str | None
    status_id: str
    source_id: str
    phones: tuple[SamplePhone, ...]
    responsible_id: int
    created: dt.datetime
    modified: dt.datetime


@dataclass(frozen=True, slots=True)
class SampleData:
    managers: list[SampleManager]
    companies: list[SampleCompany]
    contacts: list[SampleContact]
    deals: list[SampleDeal]
    tasks: list[SampleTask]
    leads: list[SampleLead]


# --- word lists ---------------------------------------------------------------------------------

# (male first name, male patronymic, female patronymic made from it)
_MALE_NAMES = (
    "Александр", "Алексей", "Андрей", "Антон", "Артём", "Борис", "Вадим", "Валерий", "Василий", "Виктор",
    "Виталий", "Владимир", "Владислав", "Вячеслав", "Геннадий", "Георгий", "Григорий", "Денис", "Дмитрий",
    "Евгений", "Егор", "Иван", "Игорь", "Илья", "Кирилл", "Константин", "Леонид", "Максим", "Михаил",
    "Никита", "Николай", "Олег", "Павел", "Пётр", "Роман", "Руслан", "Сергей", "Станислав", "Степан",
    "Тимур", "Фёдор", "Юрий", "Ярослав",
)
_FEMALE_NAMES = (
    "Александра", "Алина", "Алла", "Анастасия", "Анна", "Валентина", "Валерия", "Вера", "Виктория", "Галина",
    "Дарья", "Евгения", "Екатерина", "Елена", "Елизавета", "Жанна", "Зоя", "Инна", "Ирина", "Карина",
    "Кристина", "Ксения", "Лариса", "Лилия", "Любовь", "Людмила", "Маргарита", "Марина", "Мария", "Надежда",
    "Наталья", "Нина", "Оксана", "Ольга", "Полина", "Светлана", "Софья", "Тамара", "Татьяна", "Юлия",
)
_PATRONYMIC_ROOTS = (
    ("Александрович", "Александровна"), ("Алексеевич", "Алексеевна"), ("Андреевич", "Андреевна"),
    ("Борисович", "Борисовна"), ("Васильевич", "Васильевна"), ("Викторович", "Викторовна"),
    ("Владимирович", "Владимировна"), ("Геннадьевич", "Геннадьевна"), ("Григорьевич", "Григорьевна"),
    ("Дмитриевич", "Дмитриевна"), ("Евгеньевич", "Евгеньевна"), ("Иванович", "Ивановна"),
    ("Игоревич", "Игоревна"), ("Ильич", "Ильинична"), ("Константинович", "Константиновна"),
    ("Михайлович", "Михайловна"), ("Николаевич", "Николаевна"), ("Олегович", "Олеговна"),
    ("Павлович", "Павловна"), ("Петрович", "Петровна"), ("Романович", "Романовна"),
    ("Сергеевич", "Сергеевна"), ("Юрьевич", "Юрьевна"), ("Анатольевич", "Анатольевна"),
)
# Male surnames; the female form is derived (-ов → -ова, -ин → -ина, -ский → -ская).
_LAST_NAMES = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
    "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
    "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
    "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров",
    "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов",
    "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров",
    "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков",
    "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов",
    "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов", "Мартынов",
    "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов",
    "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев", "Кудрявцев",
    "Прохоров", "Наумов", "Потапов", "Журавлёв", "Овчинников", "Трофимов", "Леонов", "Соболев", "Ермаков",
    "Колесников", "Гончаров", "Емельянов", "Никифоров", "Грачёв", "Котов", "Гришин", "Ефремов", "Архипов",
    "Громов", "Кириллов", "Малышев", "Панов", "Моисеев", "Румянцев", "Акимов", "Кондратьев", "Бирюков",
    "Горбунов", "Анисимов", "Ерёмин", "Тихомиров", "Галкин", "Лукьянов", "Михеев", "Скворцов", "Юдин",
    "Белоусов", "Нестеров", "Симонов", "Прокофьев", "Харитонов", "Князев", "Цветков", "Левин", "Митрофанов",
    "Воронов", "Аксёнов", "Софронов", "Мальцев", "Логинов", "Горшков", "Савин", "Краснов", "Майоров",
    "Демидов", "Елисеев", "Рыбаков", "Сафонов", "Плотников", "Демин", "Хохлов", "Жданов", "Носков",
    "Гордеев", "Кулагин", "Рябов", "Глебов", "Шубин", "Зуев", "Лобанов", "Завьялов", "Устинов",
    "Вишневский", "Ковальский", "Покровский", "Островский", "Успенский", "Рождественский", "Троицкий",
)
_POSITIONS = (
    "Генеральный директор", "Коммерческий директор", "Финансовый директор", "Главный бухгалтер",
    "Руководитель отдела закупок", "Менеджер по закупкам", "Специалист по закупкам", "Начальник службы безопасности",
    "Заместитель директора", "Офис-менеджер", "Секретарь", "Юрист", "Инженер по охране труда",
    "Управляющий объектом", "Администратор", "Главный инженер", "Директор по развитию", "Контрактный управляющий",
)
_COMPANY_FORMS = (("ООО", 70), ("АО", 12), ("ПАО", 3), ("ЗАО", 3), ("ИП", 8), ("ГБУ", 2), ("МУП", 2))
_COMPANY_ROOTS = (
    "Альфа", "Бета", "Вектор", "Гранит", "Дельта", "Енисей", "Заря", "Импульс", "Кристалл", "Лидер", "Меридиан",
    "Нева", "Омега", "Прогресс", "Радуга", "Сибирь", "Титан", "Урал", "Фаворит", "Феникс", "Центр", "Эталон",
    "Юпитер", "Янтарь", "Волга", "Восток", "Горизонт", "Держава", "Исток", "Капитал", "Магистраль", "Монолит",
    "Ока", "Орион", "Пульс", "Ресурс", "Север", "Стандарт", "Союз", "Темп", "Форвард", "Эверест", "Азимут",
    "Байкал", "Вертикаль", "Гарант", "Динамика", "Континент", "Ладога", "Маяк", "Полюс", "Регион", "Спектр",
)
_COMPANY_SUFFIXES = (
    "Строй", "СтройМонтаж", "Торг", "Логистик", "Пром", "ТехСервис", "Инвест", "Девелопмент", "Агро",
    "Энерго", "Маркет", "Трейд", "Групп", "Холдинг", "Сервис", "Транс", "Металл", "Снаб", "Проект", "Фарм",
    "Медиа", "Консалт", "Ритейл", "Инжиниринг", "Недвижимость", "Склад", "Авто", "Продукт", "Нефть", "Телеком",
)
_CITIES = (
    "Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Новосибирск", "Самара", "Нижний Новгород",
    "Ростов-на-Дону", "Краснодар", "Воронеж", "Пермь", "Уфа", "Тверь", "Тула", "Калуга",
)
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "-": "-", " ": "-",
}
_EMAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru", "rambler.ru")
_DEPARTMENTS = ("Отдел продаж", "Тендерный отдел", "Отдел по работе с ключевыми клиентами")
_SERVICES = (
    "Физическая охрана", "Пультовая охрана", "Охрана с группой быстрого реагирования", "Монтаж видеонаблюдения",
    "Обслуживание охранной сигнализации", "Контроль доступа", "Охрана мероприятия", "Сопровождение грузов",
    "Техническое обслуживание СКУД", "Пожарная сигнализация", "Консьерж-сервис", "Инкассация",
)
_OBJECTS = (
    "склад", "офис", "бизнес-центр", "торговый центр", "производственная площадка", "стройплощадка",
    "логистический комплекс", "жилой комплекс", "школа", "поликлиника", "автостоянка", "магазин", "ресторан",
    "банковское отделение", "АЗС", "гостиница", "завод", "распределительный центр",
)
_STREETS = (
    "ул. Ленина", "Ленинградское ш.", "пр. Мира", "ул. Гагарина", "Варшавское ш.", "ул. Советская",
    "ул. Промышленная", "Кутузовский пр.", "ул. Садовая", "ул. Заводская", "Каширское ш.", "ул. Строителей",
)
_TASK_TITLES = (
    "Позвонить клиенту", "Отправить коммерческое предложение", "Подготовить договор", "Согласовать смету",
    "Выставить счёт", "Проверить оплату", "Провести осмотр объекта", "Подготовить расчёт постов",
    "Назначить встречу", "Уточнить требования", "Подать заявку на тендер", "Получить подписанный акт",
    "Перезвонить после пропущенного звонка", "Отправить документы по ЭДО",
)
_TASK_DETAILS = (
    "Клиент просил связаться во второй половине дня.", "Нужны цены с НДС и без НДС.",
    "Уточнить количество постов и график.", "Приложить лицензию и свидетельство СРО.",
    "Согласовать с юристом условия оплаты.", "Обсудить скидку при заключении договора на год.",
    "Проверить, дошли ли документы.", "Подготовить два варианта расчёта.",
)
_DEAL_SOURCES = (
    ("CALL", 30), ("WEB", 25), ("EMAIL", 12), ("RECOMMENDATION", 10), ("ADVERTISING", 6), ("PARTNER", 6),
    ("TRADE_SHOW", 3), ("REPEAT_SALE", 5), ("OTHER", 3),
)
# Weighted towards open stages, a realistic share of won and lost.
_DEAL_STAGES = tuple(zip(DEFAULT_STAGE_IDS, (22, 14, 10, 14, 6, 18, 12, 4), strict=True))
_LEAD_TITLES = (
    "Заявка с сайта", "Входящий звонок", "Запрос КП по почте", "Заявка с выставки", "Обратный звонок",
    "Запрос на охрану объекта", "Чат на сайте", "Заявка из рекламы",
)
_LEAD_STATUSES = (("NEW", 35), ("IN_PROCESS", 30), ("PROCESSED", 10), ("CONVERTED", 15), ("JUNK", 10))

# Area codes for landlines (phonenumbers treats these as valid fixed lines).
_LANDLINE_CODES = ("495", "499", "812", "343", "383", "846", "843", "863", "861", "473", "342", "347", "4822")
_MOBILE_PREFIXES = (
    "900", "901", "902", "903", "904", "905", "906", "908", "909", "910", "911", "912", "913", "914", "915",
    "916", "917", "918", "919", "920", "921", "922", "923", "925", "926", "927", "929", "950", "951",
    "952", "953", "960", "961", "962", "963", "964", "965", "966", "967", "968", "977", "980", "981", "985",
    "987", "988", "989", "991", "993", "995", "996", "999",
)
# Foreign numbers: (country prefix as written, subscriber digit count, leading digits).
# Each range holds at least a million numbers, so uniqueness never runs dry.
_FOREIGN = (("+44 20 7", 7, "2"), ("+49 30 ", 8, "2"), ("+375 29 ", 7, "6"), ("+998 90 ", 7, "3"))


# --- small generators ---------------------------------------------------------------------------
# Hot loops draw with `random()` and index arithmetic: `Random.choice`/`randrange` cost several
# times more per call, and a 200k-deal run makes millions of draws.


def _expand(pairs: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    """A weighted choice as a flat table: each value repeated by its weight, picked uniformly."""
    return tuple(value for value, weight in pairs for _ in range(weight))


_TRANSLIT_TABLE = str.maketrans(_TRANSLIT)


def _translit(text: str) -> str:
    return text.lower().translate(_TRANSLIT_TABLE)


def _female(last_name: str) -> str:
    if last_name.endswith(("ский", "цкий")):
        return last_name[:-2] + "ая"
    if last_name.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return last_name + "а"
    return last_name


def inn_check_digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)


_INN10_W = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_is_valid(inn: str) -> bool:
    """Check digits of a 10-digit (legal entity) or 12-digit (sole trader) INN."""
    if not inn.isascii() or not inn.isdigit():
        return False
    if len(inn) == 10:
        return inn[9] == inn_check_digit(inn[:9], _INN10_W)
    if len(inn) == 12:
        return inn[10] == inn_check_digit(inn[:10], _INN12_W1) and inn[11] == inn_check_digit(inn[:11], _INN12_W2)
    return False


def render_ru(national: str, style: int) -> str:
    """A 10-digit Russian national number written one of the ways people write it (style 0..9)."""
    if national.startswith("4822"):  # a four-digit area code groups differently
        a, b = national[:4], national[4:]
        return (f"8 ({a}) {b[:2]}-{b[2:4]}-{b[4:]}", f"+7 {a} {b}", f"8{national}", f"7{national}")[style % 4]
    a, b, c, e = national[:3], national[3:6], national[6:8], national[8:]
    if style == 0:
        return f"8 ({a}) {b}-{c}-{e}"
    if style == 1:
        return f"+7 {a} {b} {c} {e}"
    if style == 2:
        return f"7-{a}-{b}{c}{e}"
    if style == 3:
        return national
    if style == 4:
        return "7" + national  # Mango's form
    if style == 5:
        return f"+7 ({a}) {b}-{c}-{e}"
    if style == 6:
        return "+7" + national
    if style == 7:
        return "8" + national
    if style == 8:
        return f"8-{a}-{b}-{c}-{e}"
    return f"+7 {a} {b}{c}{e}"


RENDER_STYLES = 10
_EXT_FORMS = (" доб. {}", " доб.{}", " ext {}", ", доб. {}", " (доб. {})", " x{}")
_EXT_TAIL = re.compile(r",? \(?(?:доб|ext|x)")


class _Gen:
    """All state of one generation run; every draw comes from one seeded Random."""

    def __init__(self, seed: int, manager_ids: list[int]) -> None:
        self.rng = random.Random(seed)
        self.rnd = self.rng.random
        self.manager_ids = manager_ids
        self.used_numbers: set[str] = set()
        self.used_titles: dict[str, int] = {}
        self.issued_titles: set[str] = set()
        self.start = dt.datetime(2021, 1, 11, 9, 0, tzinfo=MSK)
        self.span_s = int((dt.datetime(2025, 6, 30, 18, 0, tzinfo=MSK) - self.start).total_seconds())

    def pick(self, seq: tuple[str, ...] | list[int]):  # type: ignore[no-untyped-def]
        return seq[int(self.rnd() * len(seq))]

    def below(self, n: int) -> int:
        return int(self.rnd() * n)

    def manager(self) -> int:
        ids = self.manager_ids
        return ids[int(self.rnd() * len(ids))]

    # Numbers are unique across the whole data set, so a caller's number finds one owner unless
    # it is a shared switchboard line (a contact reached through the company's number plus extension).
    def national(self, mobile: bool) -> str:
        rnd = self.rnd
        while True:
            if mobile:
                prefix = _MOBILE_PREFIXES[int(rnd() * len(_MOBILE_PREFIXES))]
                number = f"{prefix}{int(rnd() * 10_000_000):07d}"
            else:
                code = _LANDLINE_CODES[int(rnd() * len(_LANDLINE_CODES))]
                rest = 9 - len(code)  # subscriber digits after the first, which is 2..9
                number = f"{code}{2 + int(rnd() * 8)}{int(rnd() * 10**rest):0{rest}d}"
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def foreign(self) -> str:
        prefix, count, lead = self.pick(_FOREIGN)
        for _attempt in range(64):
            text = f"{prefix}{lead}{self.below(10 ** (count - 1)):0{count - 1}d}"
            if text not in self.used_numbers:
                self.used_numbers.add(text)
                return text
        return "+7" + self.national(True)  # a crowded range: a Russian mobile instead, never a loop

    def phone(self, value_type: str) -> SamplePhone:
        rnd = self.rnd
        if rnd() < 0.015:
            return SamplePhone(self.foreign(), value_type)
        mobile = value_type == "MOBILE" or (value_type in ("HOME", "OTHER") and rnd() < 0.5)
        text = render_ru(self.national(mobile), int(rnd() * RENDER_STYLES))
        if not mobile and value_type == "WORK" and rnd() < 0.15:
            text += self.pick(_EXT_FORMS).format(1 + self.below(400))
        return SamplePhone(text, value_type)

    def moment(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=int(self.rnd() * self.span_s))

    def modified_after(self, created: dt.datetime) -> dt.datetime:
        r = self.rnd()
        if r < 0.3:
            return created
        return created + dt.timedelta(seconds=1 + int((r - 0.3) / 0.7 * 120 * 86400))

    def person(self) -> tuple[str, str, str]:
        """(first name, patronymic, last name) of either sex."""
        rnd = self.rnd
        patronymic = _PATRONYMIC_ROOTS[int(rnd() * len(_PATRONYMIC_ROOTS))]
        last = _LAST_NAMES[int(rnd() * len(_LAST_NAMES))]
        if rnd() < 0.55:
            return _MALE_NAMES[int(rnd() * len(_MALE_NAMES))], patronymic[0], last
        return _FEMALE_NAMES[int(rnd() * len(_FEMALE_NAMES))], patronymic[1], _female(last)

    def inn_kpp(self, sole_trader: bool) -> tuple[str, str]:
        region = f"{1 + self.below(89):02d}{1 + self.below(49):02d}"
        if sole_trader:
            base = f"{region}{self.below(1_000_000):06d}"
            first = base + inn_check_digit(base, _INN12_W1)
            return first + inn_check_digit(first, _INN12_W2), ""
        base = f"{region}{self.below(100_000):05d}"
        return base + inn_check_digit(base, _INN10_W), f"{region}01{1 + self.below(999):03d}"

    def unique_title(self, form: str, name: str) -> str:
        """A company title not given before: "ООО «Альфа-Строй»", then with a city, then numbered."""
        count = self.used_titles.get(name, 0) + 1
        self.used_titles[name] = count
        title = f"{form} «{name}»" if count == 1 else f"{form} «{name} {self.pick(_CITIES)}»"
        while title in self.issued_titles:
            count += 1
            title = f"{form} «{name}-{count}»"
        self.issued_titles.add(title)
        return title


_COMPANY_FORM_TABLE = _expand(_COMPANY_FORMS)
_DEAL_STAGE_TABLE = _expand(_DEAL_STAGES)
_SOURCE_TABLE = _expand(_DEAL_SOURCES)
_LEAD_STATUS_TABLE = _expand(_LEAD_STATUSES)
_TASK_STATUS_TABLE = (2,) * 30 + (3,) * 20 + (4,) * 5 + (5,) * 40 + (6,) * 5
_DEADLINE_HOURS = (10, 11, 12, 14, 15, 16, 17, 18)
_CONTACTS_PER_DEAL = (0, 1, 1, 1, 2)


def _managers(gen: _Gen, count: int) -> list[SampleManager]:
    out: list[SampleManager] = []
    for i in range(1, count + 1):
        first, _patronymic, last = gen.person()
        out.append(
            SampleManager(
                id=i,
                name=first,
                last_name=last,
                email=f"{_translit(first)[0]}.{_translit(last)}{'' if i < 10 else i}@kapusta-ohrana.ru",
                phone=render_ru(gen.national(True), gen.below(RENDER_STYLES)),
                extension=str(100 + i),
                telegram_id=None if gen.rnd() < 0.25 else str(100_000_000 + gen.below(6_900_000_000)),
                is_admin=i == 1,
                department=_DEPARTMENTS[0] if i == 1 else gen.pick(_DEPARTMENTS),
            )
        )
    return out


def _companies(gen: _Gen, count: int) -> list[SampleCompany]:
    rnd = gen.rnd
    out: list[SampleCompany] = []
    for i in range(1, count + 1):
        form = gen.pick(_COMPANY_FORM_TABLE)
        domain: str | None
        if form == "ИП":
            first, patronymic, last = gen.person()
            title = gen.unique_title("ИП", f"{last} {first} {patronymic}")[:-1].replace("«", "", 1)
            domain = None
            inn, kpp = gen.inn_kpp(sole_trader=True)
            emails: tuple[str, ...] = (f"{_translit(last)}{10 + gen.below(90)}@{gen.pick(_EMAIL_DOMAINS)}",)
        else:
            root, suffix = gen.pick(_COMPANY_ROOTS), gen.pick(_COMPANY_SUFFIXES)
            name = f"{root}-{suffix}" if rnd() < 0.5 else root + suffix
            title = gen.unique_title(form, name)
            domain = _translit(title.split("«", 1)[1].rstrip("»")) + (".ru" if rnd() < 0.8 else ".com")
            inn, kpp = gen.inn_kpp(sole_trader=False)
            emails = (f"info@{domain}",) if rnd() < 0.6 else (f"info@{domain}", f"zakupki@{domain}")
        phones = [gen.phone("WORK")]
        if rnd() < 0.45:
            phones.append(gen.phone(gen.pick(("WORK", "MOBILE", "FAX"))))
            if rnd() < 0.3:
                phones.append(gen.phone(gen.pick(("WORK", "MOBILE"))))
        created = gen.moment()
        out.append(
            SampleCompany(
                i,
                title,
                inn,
                kpp,
                f"https://{domain}" if domain is not None and rnd() < 0.7 else None,
                tuple(phones),
                emails,
                rnd() < 0.05,
                gen.manager(),
                created,
                gen.modified_after(created),
            )
        )
    return out


def _contacts(gen: _Gen, count: int, companies: list[SampleCompany]) -> list[SampleContact]:
    rnd = gen.rnd
    n_companies = len(companies)
    out: list[SampleContact] = []
    append = out.append
    for i in range(1, count + 1):
        first, patronymic, last = gen.person()
        company = companies[int(rnd() * n_companies)] if n_companies and rnd() < 0.9 else None
        phones = [gen.phone("MOBILE")]
        if company is not None and rnd() < 0.2:
            # Reached through the company's switchboard plus an extension.
            main = _EXT_TAIL.split(company.phones[0].value, maxsplit=1)[0]
            phones.append(SamplePhone(f"{main} доб. {100 + int(rnd() * 900)}", "WORK"))
        elif rnd() < 0.25:
            phones.append(gen.phone(gen.pick(("WORK", "HOME", "OTHER"))))
        login = f"{_translit(first)[0]}.{_translit(last)}"
        if company is not None and company.site is not None:
            emails: tuple[str, ...] = (f"{login}@{company.site[8:]}",)
        elif rnd() < 0.7:
            emails = (f"{login}{1 + int(rnd() * 998)}@{gen.pick(_EMAIL_DOMAINS)}",)
        else:
            emails = ()
        created = gen.moment()
        append(
            SampleContact(
                i,
                first,
                patronymic,
                last,
                _POSITIONS[int(rnd() * len(_POSITIONS))],
                company.id if company is not None else None,
                tuple(phones),
                emails,
                company.responsible_id if company is not None else gen.manager(),
                created,
                gen.modified_after(created),
            )
        )
    return out


def _deals(gen: _Gen, count: int, companies: list[SampleCompany], contacts: list[SampleContact]) -> list[SampleDeal]:
    rnd = gen.rnd
    by_company: dict[int, list[int]] = {}
    for contact in contacts:
        if contact.company_id is not None:
            by_company.setdefault(contact.company_id, []).append(contact.id)
    # The name in quotes stands for the company in a deal title.
    short = [c.title.split("«", 1)[1].rstrip("»") if "«" in c.title else c.title for c in companies]
    n_companies, n_contacts = len(companies), len(contacts)
    cents = Decimal("0.01")
    out: list[SampleDeal] = []
    append = out.append
    for i in range(1, count + 1):
        company = None
        if n_companies and rnd() < 0.85:
            index = int(rnd() * n_companies)
            company = companies[index]
            where = short[index]
            people = by_company.get(company.id, ())
            k = min(len(people), _CONTACTS_PER_DEAL[int(rnd() * 5)])
            if k == 0:
                contact_ids: tuple[int, ...] = ()
            elif k == 1:
                contact_ids = (people[int(rnd() * len(people))],)
            else:
                contact_ids = tuple(gen.rng.sample(people, k))
            responsible = company.responsible_id if rnd() < 0.8 else gen.manager()
        else:
            contact_ids = (1 + int(rnd() * n_contacts),) if n_contacts else ()
            responsible = gen.manager()
            where = _CITIES[int(rnd() * len(_CITIES))]
        title = f"{_SERVICES[int(rnd() * len(_SERVICES))]}: {_OBJECTS[int(rnd() * len(_OBJECTS))]}, {where}"
        amount = Decimal((15 + int(rnd() * 24_985)) * 1000 + (500 if rnd() < 0.25 else 0)).quantize(cents)
        created = gen.moment()
        append(
            SampleDeal(
                i,
                title,
                0,
                _DEAL_STAGE_TABLE[int(rnd() * len(_DEAL_STAGE_TABLE))],
                amount,
                "RUB",
                company.id if company is not None else None,
                contact_ids,
                responsible,
                _SOURCE_TABLE[int(rnd() * len(_SOURCE_TABLE))],
                created,
                gen.modified_after(created),
            )
        )
    return out


def _tasks(gen: _Gen, count: int, deals: list[SampleDeal]) -> list[SampleTask]:
    rnd = gen.rnd
    n_deals = len(deals)
    out: list[SampleTask] = []
    append = out.append
    for i in range(1, count + 1):
        deal = deals[int(rnd() * n_deals)] if n_deals and rnd() < 0.9 else None
        created = gen.moment()
        deadline = (created + dt.timedelta(days=int(rnd() * 21))).replace(
            hour=_DEADLINE_HOURS[int(rnd() * 8)], minute=30 if rnd() < 0.3 else 0, second=0
        )
        detail = _TASK_DETAILS[int(rnd() * len(_TASK_DETAILS))]
        if deal is not None:
            description = f"{detail} Сделка: {deal.title}."
            responsible = deal.responsible_id
        else:
            street = _STREETS[int(rnd() * len(_STREETS))]
            description = f"{detail} Адрес: {gen.pick(_CITIES)}, {street}, д. {1 + int(rnd() * 150)}."
            responsible = gen.manager()
        append(
            SampleTask(
                i,
                _TASK_TITLES[int(rnd() * len(_TASK_TITLES))],
                description,
                deadline,
                _TASK_STATUS_TABLE[int(rnd() * 100)],
                responsible,
                gen.manager(),
                deal.id if deal is not None else None,
                created,
                gen.modified_after(created),
            )
        )
    return out


def _leads(gen: _Gen, count: int) -> list[SampleLead]:
    rnd = gen.rnd
    out: list[SampleLead] = []
    for i in range(1, count + 1):
        first, _patronymic, last = gen.person()
        company_title = None
        if rnd() < 0.6:
            form = gen.pick(("ООО", "ООО", "АО"))
            company_title = f"{form} «{gen.pick(_COMPANY_ROOTS)}{gen.pick(_COMPANY_SUFFIXES)}»"
        created = gen.moment()
        out.append(
            SampleLead(
                i,
                f"{gen.pick(_LEAD_TITLES)}: {first} {last}",
                first,
                last,
                company_title,
                gen.pick(_LEAD_STATUS_TABLE),
                gen.pick(_SOURCE_TABLE),
                (gen.phone("MOBILE" if rnd() < 0.7 else "WORK"),),
                gen.manager(),
                created,
                gen.modified_after(created),
            )
        )
    return out


def generate(
    *,
    companies: int = 300,
    contacts: int | None = None,
    deals: int | None = None,
    tasks: int | None = None,
    leads: int | None = None,
    managers: int = 8,
    seed: int = 42,
) -> SampleData:
    """Deterministic for a given seed and sizes. Defaults when None: contacts = 3*companies,
    deals = 6*companies, tasks = deals // 2, leads = companies // 2."""
    contacts = 3 * companies if contacts is None else contacts
    deals = 6 * companies if deals is None else deals
    tasks = deals // 2 if tasks is None else tasks
    leads = companies // 2 if leads is None else leads
    sizes = {"companies": companies, "contacts": contacts, "deals": deals, "tasks": tasks, "leads": leads}
    for label, value in sizes.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{label} must be a non-negative integer, got {value!r}")
    if not isinstance(managers, int) or not 1 <= managers <= 899:
        raise ValueError(f"managers must be 1..899 (Mango extensions 101..999), got {managers!r}")

    gen = _Gen(seed, list(range(1, managers + 1)))
    # Hundreds of thousands of new objects would otherwise trigger full collections over and
    # over (quadratic time); nothing built here forms a reference cycle.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        manager_list = _managers(gen, managers)
        company_list = _companies(gen, companies)
        contact_list = _contacts(gen, contacts, company_list)
        deal_list = _deals(gen, deals, company_list, contact_list)
        task_list = _tasks(gen, tasks, deal_list)
        lead_list = _leads(gen, leads)
    finally:
        if gc_was_enabled:
            gc.enable()
    return SampleData(
        managers=manager_list,
        companies=company_list,
        contacts=contact_list,
        deals=deal_list,
        tasks=task_list,
        leads=lead_list,
    )
