from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kapusta_desktop.domain.events import (
    DealStageChanged,
    MissedCall,
    TenderCreated,
    TenderDeadlineNear,
    VipLead,
    WebRequest,
)
from kapusta_desktop.domain.notice_rules import (
    MAX_TEXT,
    NoticeConfig,
    NoticeConfigError,
    NoticeContext,
    NoticeKind,
    NoticeRule,
    QuietHours,
    crm_url,
    fit_lines,
    plan_notices,
    vip_reason,
    visible_length,
)

PORTAL = "https://acme.bitrix24.ru"
NOON_MSK = dt.datetime(2025, 3, 12, 9, 0, tzinfo=dt.UTC)  # 12:00 in Moscow
MANAGER = NoticeContext(responsible_chat="5550001", responsible_name="Иванова", deal_b24_id=77)


def config(**rules: NoticeRule) -> NoticeConfig:
    cfg = NoticeConfig(portal_url=PORTAL, vip_amount_threshold=Decimal("500000"))
    for rule in rules.values():
        cfg = cfg.with_rule(rule)
    return cfg


def deal_event(new: str, old: str = "inwork", title: str = "Охрана склада") -> DealStageChanged:
    return DealStageChanged(
        deal_id=1, b24_id=42, title=title, old_stage=old, new_stage=new, amount=Decimal("150000"),
        currency="RUB", company="ООО Ромашка", responsible_id=3,
    )


def tender() -> TenderCreated:
    return TenderCreated(
        tender_id=9, number="0373100012325000001", title="Охрана объектов", customer="ГБУ Парк",
        max_price=Decimal("2500000.00"), deadline=dt.datetime(2025, 3, 20, 7, 0, tzinfo=dt.UTC), responsible_id=3,
    )


def test_tender_created_goes_to_the_manager_and_the_team_chat_with_a_button() -> None:
    rule = NoticeRule(NoticeKind.TENDER_CREATED, chats=("-1001234567890",))
    notices = plan_notices(tender(), config(t=rule), now=NOON_MSK, ctx=MANAGER)
    assert [n.chat_id for n in notices] == ["5550001", "-1001234567890"]
    text = notices[0].text
    assert "Новый тендер" in text and "№0373100012325000001" in text
    assert "НМЦК: 2\u00a0500\u00a0000\u00a0₽" in text and "Подача до: 20.03.2025 10:00" in text
    assert notices[0].button_url == f"{PORTAL}/crm/deal/details/77/"
    assert all(n.hold_until is None for n in notices)


def test_tender_deadline_rule() -> None:
    event = TenderDeadlineNear(
        tender_id=9, number="N-1", title="Охрана", deadline=dt.datetime(2025, 3, 13, 7, 0, tzinfo=dt.UTC),
        responsible_id=3,
    )
    [notice] = plan_notices(event, config(), now=NOON_MSK, ctx=MANAGER)
    assert notice.kind is NoticeKind.TENDER_DEADLINE and "13.03.2025 10:00" in notice.text


@pytest.mark.parametrize(("stage", "kind"), [("sent", NoticeKind.DEAL_SENT), ("won", NoticeKind.DEAL_WON)])
def test_deal_moving_to_sent_or_won_is_told(stage: str, kind: NoticeKind) -> None:
    [notice] = plan_notices(deal_event(stage), config(), now=NOON_MSK, ctx=MANAGER)
    assert notice.kind is kind
    assert notice.button_url == f"{PORTAL}/crm/deal/details/42/"
    assert "150\u00a0000\u00a0₽" in notice.text


@pytest.mark.parametrize("stage", ["new", "inwork", "lost"])
def test_other_stage_moves_are_not_told(stage: str) -> None:
    assert plan_notices(deal_event(stage), config(), now=NOON_MSK, ctx=MANAGER) == []


def test_same_stage_again_is_not_a_move() -> None:
    assert plan_notices(deal_event("won", old="won"), config(), now=NOON_MSK, ctx=MANAGER) == []


def vip(reason: str, amount: str | None) -> VipLead:
    return VipLead(
        entity_type="deal", entity_id=5, b24_id=55, title="Крупный объект", company="АО Гигант",
        amount=Decimal(amount) if amount else None, reason=reason, responsible_id=3,
    )


def test_vip_company_is_told_whatever_the_amount() -> None:
    [notice] = plan_notices(vip("vip company", "10"), config(), now=NOON_MSK, ctx=MANAGER)
    assert notice.kind is NoticeKind.VIP_LEAD and "VIP-компания" in notice.text


def test_vip_amount_uses_the_configured_threshold() -> None:
    assert plan_notices(vip("amount over threshold", "499999.99"), config(), now=NOON_MSK, ctx=MANAGER) == []
    [notice] = plan_notices(vip("amount over threshold", "500000"), config(), now=NOON_MSK, ctx=MANAGER)
    assert "сумма выше порога" in notice.text
    assert vip_reason(company_is_vip=False, amount=Decimal("500000"), threshold=Decimal("500000"))
    assert vip_reason(company_is_vip=False, amount=Decimal("1"), threshold=Decimal("500000")) is None


def test_web_request_links_the_lead() -> None:
    event = WebRequest(entity_type="lead", b24_id=901, title="Заявка с сайта", name="Пётр", phone="+79161234567",
                       responsible_id=None)
    rule = NoticeRule(NoticeKind.WEB_REQUEST, to_responsible=True, chats=("-400500",))
    [notice] = plan_notices(event, config(w=rule), now=NOON_MSK, ctx=NoticeContext())
    assert notice.chat_id == "-400500" and notice.recipient == "командный чат"
    assert notice.button_url == f"{PORTAL}/crm/lead/details/901/" and "+79161234567" in notice.text


def test_missed_call_tells_the_responsible_manager() -> None:
    event = MissedCall(entry_id="E1", number="+74951234567", caller=None, company=None, deal_id=1,
                       responsible_id=3, extension="101",
                       at=dt.datetime(2025, 3, 12, 9, 5, tzinfo=dt.UTC))
    [notice] = plan_notices(event, config(), now=NOON_MSK, ctx=MANAGER)
    assert notice.kind is NoticeKind.MISSED_CALL
    assert "неизвестный номер" in notice.text and "12.03.2025 12:05" in notice.text
    assert notice.chat_id == "5550001"


def test_disabled_rule_and_nobody_to_tell_make_nothing() -> None:
    off = NoticeRule(NoticeKind.DEAL_WON, enabled=False)
    assert plan_notices(deal_event("won"), config(r=off), now=NOON_MSK, ctx=MANAGER) == []
    # The manager has no Telegram id and the rule names no chat.
    assert plan_notices(deal_event("won"), config(), now=NOON_MSK, ctx=NoticeContext(responsible_name="X")) == []


def test_one_notice_per_chat_even_when_the_manager_is_also_listed() -> None:
    rule = NoticeRule(NoticeKind.DEAL_WON, chats=("5550001", "-77"))
    notices = plan_notices(deal_event("won"), config(r=rule), now=NOON_MSK, ctx=MANAGER)
    assert [n.chat_id for n in notices] == ["5550001", "-77"]


def test_quiet_hours_hold_until_the_window_ends() -> None:
    rule = NoticeRule(NoticeKind.DEAL_WON, quiet=QuietHours(dt.time(21, 0), dt.time(8, 0)))
    late = dt.datetime(2025, 3, 12, 20, 30, tzinfo=dt.UTC)  # 23:30 Moscow
    [held] = plan_notices(deal_event("won"), config(r=rule), now=late, ctx=MANAGER)
    assert held.hold_until == dt.datetime(2025, 3, 13, 5, 0, tzinfo=dt.UTC)  # 08:00 Moscow
    early = dt.datetime(2025, 3, 13, 2, 0, tzinfo=dt.UTC)  # 05:00 Moscow, same window
    [held2] = plan_notices(deal_event("won"), config(r=rule), now=early, ctx=MANAGER)
    assert held2.hold_until == dt.datetime(2025, 3, 13, 5, 0, tzinfo=dt.UTC)
    [now_] = plan_notices(deal_event("won"), config(r=rule), now=NOON_MSK, ctx=MANAGER)
    assert now_.hold_until is None


def test_crm_data_is_escaped() -> None:
    event = deal_event("won", title="<b>Рога & Копыта</b> <br>")
    [notice] = plan_notices(event, config(), now=NOON_MSK, ctx=MANAGER)
    assert "&lt;b&gt;Рога &amp; Копыта&lt;/b&gt; &lt;br&gt;" in notice.text
    assert "<br>" not in notice.text


def test_long_text_is_cut_with_and_n_more() -> None:
    lines = [f"строка {i} " + "x" * 100 for i in range(100)]
    text = fit_lines(lines)
    assert visible_length(text) <= MAX_TEXT
    kept = text.count("\n")
    assert text.endswith(f"… и ещё {100 - kept}")


def test_button_only_for_a_portal_with_a_dotted_host() -> None:
    assert crm_url("http://localhost:8080", "deal", 1) is None
    assert crm_url("http://127.0.0.1:8080", "deal", 1) is None
    assert crm_url(None, "deal", 1) is None
    assert crm_url(PORTAL, "deal", None) is None
    cfg = NoticeConfig(portal_url="http://localhost:8080")
    [notice] = plan_notices(deal_event("won"), cfg, now=NOON_MSK, ctx=MANAGER)
    assert notice.button_url is None and notice.button_text is None


def test_config_round_trips_and_refuses_bad_input() -> None:
    rule = NoticeRule(NoticeKind.MISSED_CALL, chats=("-100123", "@desk_channel"), silent=True,
                      quiet=QuietHours(dt.time(22, 0), dt.time(7, 30)))
    cfg = config(r=rule)
    assert NoticeConfig.from_json(cfg.to_json()) == cfg
    with pytest.raises(NoticeConfigError, match="not a Telegram chat id"):
        NoticeConfig.from_json({"rules": {"missed_call": {"chats": ["https://t.me/x"]}}})
    with pytest.raises(NoticeConfigError, match="unknown event kind"):
        NoticeConfig.from_json({"rules": {"birthday": {}}})
    with pytest.raises(NoticeConfigError, match="HH:MM"):
        NoticeConfig.from_json({"rules": {"deal_won": {"quiet": {"start": "25:00", "end": "08:00"}}}})
    with pytest.raises(NoticeConfigError, match="vip_amount_threshold"):
        NoticeConfig.from_json({"vip_amount_threshold": "lots"})
    with pytest.raises(NoticeConfigError, match="time zone"):
        NoticeConfig.from_json({"timezone": "Mars/Olympus"})


def test_migrated_chat_is_replaced_in_every_rule() -> None:
    won, sent = NoticeRule(NoticeKind.DEAL_WON, chats=("-222",)), NoticeRule(NoticeKind.DEAL_SENT, chats=("-222",))
    cfg = config(a=won, b=sent)
    moved = cfg.replace_chat("-222", "-100222")
    assert moved.rule(NoticeKind.DEAL_WON).chats == ("-100222",)
    assert moved.rule(NoticeKind.DEAL_SENT).chats == ("-100222",)
