"""Who hears of what, when, and in which words: pure rules for Telegram notices.

The configuration is plain data (`NoticeConfig.to_json`/`from_json`) that the
notifier keeps in the Setting table. `plan_notices` turns one domain event into
zero or more `PlannedNotice`s; it never touches the database or the network,
so the service hands it what it looked up (the manager's chat, the Bitrix24 id).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kapusta_desktop.domain.events import (
    DealStageChanged,
    DomainEvent,
    MissedCall,
    TenderCreated,
    TenderDeadlineNear,
    VipLead,
    WebRequest,
)

MAX_TEXT = 4096  # Bot API limit, counted after entity parsing
MAX_FIELD = 300  # one CRM value in a notice; longer ones are cut with "…"
VIP_COMPANY = "vip company"
AMOUNT_OVER_THRESHOLD = "amount over threshold"
_CHAT_ID = re.compile(r"^(-?[1-9]\d{0,15}|@[A-Za-z][A-Za-z0-9_]{3,31})$")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class NoticeConfigError(ValueError):
    """The stored or edited notice configuration is not usable; the text says why."""


class NoticeKind(StrEnum):
    TENDER_CREATED = "tender_created"
    TENDER_DEADLINE = "tender_deadline"
    DEAL_SENT = "deal_sent"
    DEAL_WON = "deal_won"
    VIP_LEAD = "vip_lead"
    WEB_REQUEST = "web_request"
    MISSED_CALL = "missed_call"


KIND_TITLES: dict[NoticeKind, str] = {
    NoticeKind.TENDER_CREATED: "Новый тендер",
    NoticeKind.TENDER_DEADLINE: "Срок тендера",
    NoticeKind.DEAL_SENT: "КП отправлено",
    NoticeKind.DEAL_WON: "Сделка выиграна",
    NoticeKind.VIP_LEAD: "VIP-клиент",
    NoticeKind.WEB_REQUEST: "Заявка с сайта",
    NoticeKind.MISSED_CALL: "Пропущенный звонок",
}


def valid_chat_id(value: str) -> bool:
    """A numeric chat id (negative for groups) or a public @channel name."""
    return bool(_CHAT_ID.match(value.strip()))


def is_group_chat(chat_id: str) -> bool:
    """Groups, supergroups and channels have negative ids (or an @name); users positive ones."""
    return chat_id.startswith("-") or chat_id.startswith("@")


def _parse_clock(value: str, what: str) -> dt.time:
    m = _CLOCK.match(value.strip()) if isinstance(value, str) else None
    if not m:
        raise NoticeConfigError(f"{what}: expected a time as HH:MM, got {value!r}")
    return dt.time(int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True)
class QuietHours:
    """A daily window (desk local time) during which notices are held, not dropped.

    `start` > `end` wraps past midnight (21:00–08:00). Equal ends mean no window.
    """

    start: dt.time
    end: dt.time

    def release_at(self, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime | None:
        """When a notice raised at `now` may go out; None when `now` is outside the window."""
        if self.start == self.end:
            return None
        local = now.astimezone(tz)
        t = local.time().replace(tzinfo=None)
        if self.start < self.end:
            inside = self.start <= t < self.end
            end_day = local.date()
        else:
            inside = t >= self.start or t < self.end
            end_day = local.date() + dt.timedelta(days=1) if t >= self.start else local.date()
        if not inside:
            return None
        release = dt.datetime.combine(end_day, self.end, tzinfo=tz)
        return release.astimezone(dt.UTC)

    def to_json(self) -> dict[str, str]:
        return {"start": self.start.strftime("%H:%M"), "end": self.end.strftime("%H:%M")}

    @classmethod
    def from_json(cls, data: Any, what: str) -> QuietHours:
        if not isinstance(data, Mapping):
            raise NoticeConfigError(f"{what}: quiet hours must be an object with start and end")
        start = _parse_clock(data.get("start", ""), f"{what} start")
        return cls(start, _parse_clock(data.get("end", ""), f"{what} end"))


@dataclass(frozen=True)
class NoticeRule:
    """For one kind of event: whether it is on, who hears of it, and when not to disturb."""

    kind: NoticeKind
    enabled: bool = True
    to_responsible: bool = True
    chats: tuple[str, ...] = ()
    quiet: QuietHours | None = None
    silent: bool = False  # sent with disable_notification

    def to_json(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "to_responsible": self.to_responsible,
            "chats": list(self.chats),
            "quiet": self.quiet.to_json() if self.quiet else None,
            "silent": self.silent,
        }

    @classmethod
    def from_json(cls, kind: NoticeKind, data: Any) -> NoticeRule:
        what = f"rule {kind.value}"
        if not isinstance(data, Mapping):
            raise NoticeConfigError(f"{what}: must be an object")
        chats_raw = data.get("chats", [])
        if not isinstance(chats_raw, list):
            raise NoticeConfigError(f"{what}: chats must be a list of chat ids")
        chats: list[str] = []
        for c in chats_raw:
            text = str(c).strip()
            if not valid_chat_id(text):
                raise NoticeConfigError(f"{what}: {text!r} is not a Telegram chat id (a number or @channel)")
            if text not in chats:
                chats.append(text)
        quiet_raw = data.get("quiet")
        return cls(
            kind=kind,
            enabled=bool(data.get("enabled", True)),
            to_responsible=bool(data.get("to_responsible", True)),
            chats=tuple(chats),
            quiet=QuietHours.from_json(quiet_raw, what) if quiet_raw else None,
            silent=bool(data.get("silent", False)),
        )


def default_rules() -> dict[NoticeKind, NoticeRule]:
    return {kind: NoticeRule(kind=kind) for kind in NoticeKind}


@dataclass(frozen=True)
class NoticeConfig:
    rules: Mapping[NoticeKind, NoticeRule] = field(default_factory=default_rules)
    vip_amount_threshold: Decimal = Decimal("1000000")
    portal_url: str | None = None  # https://company.bitrix24.ru, for the buttons
    timezone: str = "Europe/Moscow"  # the desk's clock, for quiet hours

    def rule(self, kind: NoticeKind) -> NoticeRule:
        return self.rules.get(kind) or NoticeRule(kind=kind)

    def tz(self) -> dt.tzinfo:
        return ZoneInfo(self.timezone)

    def with_rule(self, rule: NoticeRule) -> NoticeConfig:
        rules = dict(self.rules)
        rules[rule.kind] = rule
        return replace(self, rules=rules)

    def replace_chat(self, old: str, new: str) -> NoticeConfig:
        """A group became a supergroup: every rule that named the old id names the new one."""
        rules = {
            k: replace(r, chats=tuple(dict.fromkeys(new if c == old else c for c in r.chats)))
            for k, r in self.rules.items()
        }
        return replace(self, rules=rules)

    def to_json(self) -> dict[str, Any]:
        return {
            "rules": {k.value: r.to_json() for k, r in self.rules.items()},
            "vip_amount_threshold": str(self.vip_amount_threshold),
            "portal_url": self.portal_url,
            "timezone": self.timezone,
        }

    @classmethod
    def from_json(cls, data: Any) -> NoticeConfig:
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise NoticeConfigError("notice configuration must be an object")
        rules = default_rules()
        raw_rules = data.get("rules") or {}
        if not isinstance(raw_rules, Mapping):
            raise NoticeConfigError("rules must be an object keyed by event kind")
        for name, raw in raw_rules.items():
            try:
                kind = NoticeKind(name)
            except ValueError:
                known = ", ".join(k.value for k in NoticeKind)
                raise NoticeConfigError(f"unknown event kind {name!r}; known: {known}") from None
            rules[kind] = NoticeRule.from_json(kind, raw)
        try:
            threshold = Decimal(str(data.get("vip_amount_threshold", "1000000")))
        except InvalidOperation:
            raise NoticeConfigError("vip_amount_threshold must be a number") from None
        if not threshold.is_finite() or threshold < 0:
            raise NoticeConfigError("vip_amount_threshold must be a non-negative number")
        tz_name = str(data.get("timezone") or "Europe/Moscow")
        try:
            ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise NoticeConfigError(f"unknown time zone {tz_name!r}") from None
        portal = data.get("portal_url") or None
        return cls(rules=rules, vip_amount_threshold=threshold, portal_url=portal, timezone=tz_name)


def vip_reason(*, company_is_vip: bool, amount: Decimal | None, threshold: Decimal) -> str | None:
    """Why a deal or contact counts as a VIP lead, or None: sync uses this to raise VipLead."""
    if company_is_vip:
        return VIP_COMPANY
    if amount is not None and amount >= threshold:
        return AMOUNT_OVER_THRESHOLD
    return None


# ---- message text -------------------------------------------------------------------------------


def esc(value: object, limit: int = MAX_FIELD) -> str:
    """One piece of CRM data, cut to `limit` characters and escaped for HTML parse mode."""
    text = re.sub(r"[ \t\r\n\f\v]+", " ", str(value)).strip()  # CRM fields carry stray newlines and tabs
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return html.escape(text, quote=False)


def visible_length(html_text: str) -> int:
    """Length as Telegram counts it after parsing entities: tags removed, entities decoded, UTF-16 units."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", html_text))
    return len(plain.encode("utf-16-le")) // 2


def money(amount: Decimal | None, currency: str = "RUB") -> str:
    if amount is None:
        return "—"
    q = Decimal(amount).quantize(Decimal("0.01"))
    whole, _, frac = f"{q:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    body = "\u00a0".join(groups) or "0"
    text = f"{sign}{body}" + ("" if frac == "00" else f",{frac}")
    symbol = {"RUB": "₽", "USD": "$", "EUR": "€"}.get(currency.upper(), currency.upper())
    return f"{text}\u00a0{symbol}"


def when(moment: dt.datetime | None, tz: dt.tzinfo) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def fit_lines(lines: Sequence[str], limit: int = MAX_TEXT) -> str:
    """Join lines, dropping the tail with "и ещё N" when the visible text would pass `limit`.

    Every line is complete HTML (its tags closed), so cutting between lines keeps the markup valid.
    """
    text = "\n".join(lines)
    if visible_length(text) <= limit:
        return text
    kept: list[str] = []
    for i, line in enumerate(lines):
        rest = len(lines) - i
        tail = f"… и ещё {rest}"
        candidate = "\n".join([*kept, line])
        if visible_length(candidate) + 1 + visible_length(tail) > limit:
            return "\n".join([*kept, tail])
        kept.append(line)
    return "\n".join(kept)


def crm_url(portal_url: str | None, entity: str, b24_id: int | None) -> str | None:
    """The Bitrix24 card of a deal, lead or contact; None when there is no public portal to link to.

    Telegram refuses URL buttons whose host has no dot (localhost), so such a portal gets no button.
    """
    if not portal_url or not b24_id:
        return None
    parts = urlsplit(portal_url.strip())
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host or host.replace(".", "").isdigit():
        return None
    return f"{parts.scheme}://{parts.netloc}/crm/{entity}/details/{int(b24_id)}/"


# ---- planning -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeContext:
    """What the notifier looked up for one event."""

    responsible_chat: str | None = None  # the responsible manager's Telegram id
    responsible_name: str | None = None
    deal_b24_id: int | None = None  # for a tender or a missed call tied to a deal


@dataclass(frozen=True)
class PlannedNotice:
    event_key: str
    kind: NoticeKind
    chat_id: str
    recipient: str  # who this is, in words, for the Notices view
    text: str
    button_text: str | None
    button_url: str | None
    hold_until: dt.datetime | None  # UTC; None = send now
    silent: bool


def classify(event: DomainEvent, config: NoticeConfig) -> NoticeKind | None:
    """The kind of notice an event makes, or None when no rule covers it."""
    if isinstance(event, TenderCreated):
        return NoticeKind.TENDER_CREATED
    if isinstance(event, TenderDeadlineNear):
        return NoticeKind.TENDER_DEADLINE
    if isinstance(event, DealStageChanged):
        if event.new_stage == event.old_stage:
            return None
        return {"sent": NoticeKind.DEAL_SENT, "won": NoticeKind.DEAL_WON}.get(event.new_stage)
    if isinstance(event, VipLead):
        if event.reason == VIP_COMPANY:
            return NoticeKind.VIP_LEAD
        if event.amount is not None and event.amount >= config.vip_amount_threshold:
            return NoticeKind.VIP_LEAD
        return None
    if isinstance(event, WebRequest):
        return NoticeKind.WEB_REQUEST
    if isinstance(event, MissedCall):
        return NoticeKind.MISSED_CALL
    return None


def _head(kind: NoticeKind, icon: str, subject: str) -> str:
    return f"{icon} <b>{html.escape(KIND_TITLES[kind])}</b>: {subject}"


def compose(event: DomainEvent, kind: NoticeKind, config: NoticeConfig, ctx: NoticeContext) -> tuple[
    str, str | None, str | None
]:
    """The HTML text and the (button text, button URL) of a notice."""
    tz = config.tz()
    lines: list[str]
    button: tuple[str, str | None] = ("Открыть сделку", None)
    who = f"Ответственный: {esc(ctx.responsible_name)}" if ctx.responsible_name else None
    if isinstance(event, TenderCreated):
        lines = [
            _head(kind, "📋", f"№{esc(event.number, 64)}"),
            f"<b>{esc(event.title)}</b>",
            f"Заказчик: {esc(event.customer)}" if event.customer else "",
            f"НМЦК: {esc(money(event.max_price))}" if event.max_price is not None else "",
            f"Подача до: {when(event.deadline, tz)}" if event.deadline else "",
        ]
        button = ("Открыть в Битрикс24", crm_url(config.portal_url, "deal", ctx.deal_b24_id))
    elif isinstance(event, TenderDeadlineNear):
        lines = [
            _head(kind, "⏰", f"№{esc(event.number, 64)}"),
            f"<b>{esc(event.title)}</b>",
            f"Подача до: <b>{when(event.deadline, tz)}</b>",
        ]
        button = ("Открыть в Битрикс24", crm_url(config.portal_url, "deal", ctx.deal_b24_id))
    elif isinstance(event, DealStageChanged):
        icon = "🏆" if kind is NoticeKind.DEAL_WON else "📨"
        lines = [
            _head(kind, icon, f"<b>{esc(event.title)}</b>"),
            f"Компания: {esc(event.company)}" if event.company else "",
            f"Сумма: {esc(money(event.amount, event.currency))}",
        ]
        button = ("Открыть сделку", crm_url(config.portal_url, "deal", event.b24_id))
    elif isinstance(event, VipLead):
        entity = {"deal": "deal", "contact": "contact", "lead": "lead"}.get(event.entity_type, "deal")
        why = "VIP-компания" if event.reason == VIP_COMPANY else "сумма выше порога"
        lines = [
            _head(kind, "⭐", f"<b>{esc(event.title)}</b>"),
            f"Компания: {esc(event.company)}" if event.company else "",
            f"Сумма: {esc(money(event.amount))}" if event.amount is not None else "",
            f"Почему: {why}",
        ]
        button = ("Открыть в Битрикс24", crm_url(config.portal_url, entity, event.b24_id))
    elif isinstance(event, WebRequest):
        entity = "lead" if event.entity_type == "lead" else "deal"
        lines = [
            _head(kind, "🌐", f"<b>{esc(event.title)}</b>"),
            f"Имя: {esc(event.name)}" if event.name else "",
            f"Телефон: {esc(event.phone, 40)}" if event.phone else "",
        ]
        button = ("Открыть заявку", crm_url(config.portal_url, entity, event.b24_id))
    elif isinstance(event, MissedCall):
        caller = esc(event.caller) if event.caller else "неизвестный номер"
        lines = [
            _head(kind, "📞", f"<b>{esc(event.number, 40)}</b>"),
            f"Кто: {caller}",
            f"Компания: {esc(event.company)}" if event.company else "",
            f"Добавочный: {esc(event.extension, 20)}" if event.extension else "",
            f"Время: {when(event.at, tz)}",
        ]
        button = ("Открыть сделку", crm_url(config.portal_url, "deal", ctx.deal_b24_id))
    else:  # pragma: no cover - classify() filters
        raise TypeError(type(event).__name__)
    if who:
        lines.append(who)
    text = fit_lines([line for line in lines if line])
    if button[1] is None:
        return text, None, None
    return text, button[0], button[1]


def plan_notices(
    event: DomainEvent,
    config: NoticeConfig,
    *,
    now: dt.datetime,
    ctx: NoticeContext | None = None,
) -> list[PlannedNotice]:
    """Every notice `event` should produce under `config`, one per distinct chat."""
    kind = classify(event, config)
    if kind is None:
        return []
    rule = config.rule(kind)
    if not rule.enabled:
        return []
    ctx = ctx or NoticeContext()
    recipients: list[tuple[str, str]] = []
    if rule.to_responsible and ctx.responsible_chat and valid_chat_id(ctx.responsible_chat):
        recipients.append((ctx.responsible_chat.strip(), ctx.responsible_name or "ответственный"))
    recipients.extend((chat, "командный чат") for chat in rule.chats)
    seen: set[str] = set()
    unique = [(c, who) for c, who in recipients if not (c in seen or seen.add(c))]
    if not unique:
        return []
    text, button_text, button_url = compose(event, kind, config, ctx)
    hold = rule.quiet.release_at(now, config.tz()) if rule.quiet else None
    return [
        PlannedNotice(
            event_key=event.key,
            kind=kind,
            chat_id=chat,
            recipient=who,
            text=text,
            button_text=button_text,
            button_url=button_url,
            hold_until=hold,
            silent=rule.silent,
        )
        for chat, who in unique
    ]


def chats_in(config: NoticeConfig) -> Iterable[str]:
    """Every team chat any rule names (for the admin's "check chats" button)."""
    return dict.fromkeys(c for r in config.rules.values() for c in r.chats)
