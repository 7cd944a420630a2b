"""The sample-data generator: deterministic, plausible, internally consistent."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from kapusta_desktop.domain.phones import normalise
from kapusta_desktop.domain.sample_data import SampleData, generate, inn_is_valid
from kapusta_desktop.domain.stages import DEFAULT_STAGE_IDS

CYRILLIC = re.compile(r"^[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?$")


@pytest.fixture(scope="module")
def data() -> SampleData:
    return generate(companies=400, seed=7)


def test_defaults_follow_the_contract() -> None:
    d = generate(companies=20)
    assert (len(d.companies), len(d.contacts), len(d.deals), len(d.tasks), len(d.leads), len(d.managers)) == (
        20, 60, 120, 60, 10, 8,
    )
    sized = generate(companies=5, contacts=7, deals=9, tasks=3, leads=4, managers=2)
    assert (len(sized.contacts), len(sized.deals), len(sized.tasks), len(sized.leads), len(sized.managers)) == (
        7, 9, 3, 4, 2,
    )


def test_same_seed_same_data_and_other_seed_other_data() -> None:
    assert generate(companies=60, seed=3) == generate(companies=60, seed=3)
    assert generate(companies=60, seed=3).contacts != generate(companies=60, seed=4).contacts


def test_empty_sizes_work_and_bad_sizes_are_refused() -> None:
    empty = generate(companies=0)
    assert empty.companies == [] and empty.deals == [] and len(empty.managers) == 8
    only_deals = generate(companies=0, contacts=0, deals=5)
    assert all(d.company_id is None and d.contact_ids == () for d in only_deals.deals)
    with pytest.raises(ValueError, match="companies"):
        generate(companies=-1)
    with pytest.raises(ValueError, match="managers"):
        generate(companies=1, managers=0)


def test_ids_are_one_based_and_references_resolve(data: SampleData) -> None:
    for rows in (data.managers, data.companies, data.contacts, data.deals, data.tasks, data.leads):
        assert [r.id for r in rows] == list(range(1, len(rows) + 1))
    managers = {m.id for m in data.managers}
    companies = {c.id for c in data.companies}
    contacts = {c.id: c for c in data.contacts}
    deals = {d.id for d in data.deals}
    for c in data.companies:
        assert c.responsible_id in managers
    for c in data.contacts:
        assert c.company_id is None or c.company_id in companies
        assert c.responsible_id in managers
    for d in data.deals:
        assert d.company_id is None or d.company_id in companies
        assert d.responsible_id in managers
        assert len(set(d.contact_ids)) == len(d.contact_ids)
        for cid in d.contact_ids:
            assert cid in contacts
            if d.company_id is not None:
                assert contacts[cid].company_id == d.company_id  # a deal's people work at its company
    for t in data.tasks:
        assert t.deal_id is None or t.deal_id in deals
        assert t.responsible_id in managers and t.created_by in managers
    assert any(d.company_id is None for d in data.deals) and any(d.contact_ids for d in data.deals)


def test_companies_have_legal_forms_and_valid_inn(data: SampleData) -> None:
    forms = {c.title.split()[0] for c in data.companies}
    assert {"ООО", "АО", "ИП"} <= forms
    for c in data.companies:
        assert inn_is_valid(c.inn), c
        if c.title.startswith("ИП "):
            assert len(c.inn) == 12 and c.kpp == ""
        else:
            assert len(c.inn) == 10 and re.fullmatch(r"\d{9}", c.kpp) and c.kpp[:4] == c.inn[:4]
            assert "«" in c.title and c.title.endswith("»")
        assert c.emails and all("@" in e for e in c.emails)
    titles = [c.title for c in data.companies]
    assert len(set(titles)) == len(titles)
    assert any(c.is_vip for c in data.companies)


def test_inn_checker_catches_a_wrong_digit() -> None:
    assert inn_is_valid("7707083893")  # Sberbank
    assert not inn_is_valid("7707083894")
    assert inn_is_valid("500100732259")
    assert not inn_is_valid("500100732250")
    assert not inn_is_valid("77070838") and not inn_is_valid("770708389x")


def test_people_have_russian_names(data: SampleData) -> None:
    for c in data.contacts[:500]:
        assert CYRILLIC.match(c.name) and CYRILLIC.match(c.second_name) and CYRILLIC.match(c.last_name), c
        assert c.second_name.endswith(("ич", "на")) and c.position
    female = [c for c in data.contacts if c.second_name.endswith("на")]
    assert female and all(not c.last_name.endswith(("ов", "ев", "ин")) for c in female)
    for m in data.managers:
        assert CYRILLIC.match(m.name) and CYRILLIC.match(m.last_name)
    assert [m.extension for m in data.managers] == [str(101 + i) for i in range(len(data.managers))]
    assert data.managers[0].is_admin and not any(m.is_admin for m in data.managers[1:])


def test_every_phone_is_a_real_number_unique_per_owner(data: SampleData) -> None:
    owners = [*data.companies, *data.contacts, *data.leads]
    seen_mobiles: set[str] = set()
    styles: set[str] = set()
    kinds = {"with_ext": 0, "foreign": 0}
    for owner in owners:
        keys = set()
        for phone in owner.phones:
            result = normalise(phone.value)
            assert result.kind == "phone", phone
            assert phone.value_type in ("WORK", "MOBILE", "HOME", "FAX", "OTHER")
            key = (result.e164, result.extension)
            assert key not in keys, owner
            keys.add(key)
            if phone.value_type == "MOBILE" and result.e164 and result.e164.startswith("+79"):
                assert result.e164 not in seen_mobiles  # a mobile belongs to one person
                seen_mobiles.add(result.e164)
            kinds["with_ext"] += result.extension is not None
            kinds["foreign"] += not (result.e164 or "").startswith("+7")
            styles.add(re.sub(r"\d", "9", phone.value.split(" доб")[0]))
    assert kinds["with_ext"] > 10 and kinds["foreign"] > 0
    assert len(styles) >= 8  # written many different ways
    for m in data.managers:
        assert normalise(m.phone).kind == "phone"


def test_deals_span_the_default_stages_with_money(data: SampleData) -> None:
    assert {d.stage_id for d in data.deals} == set(DEFAULT_STAGE_IDS)
    for d in data.deals:
        assert d.pipeline_id == 0 and d.currency == "RUB"
        assert isinstance(d.amount, Decimal) and d.amount > 0 and d.amount == d.amount.quantize(Decimal("0.01"))
        assert d.source_id.isupper() and d.title


def test_dates_are_aware_moscow_time_and_ordered(data: SampleData) -> None:
    msk = dt.timedelta(hours=3)
    rows = [*data.companies, *data.contacts, *data.deals, *data.tasks, *data.leads]
    for r in rows:
        assert r.created.utcoffset() == msk and r.modified.utcoffset() == msk
        assert r.modified >= r.created
    for t in data.tasks:
        assert t.deadline.utcoffset() == msk and t.deadline.date() >= t.created.date()
        assert 2 <= t.status <= 6


def test_leads_and_tasks_are_plausible(data: SampleData) -> None:
    assert {lead.status_id for lead in data.leads} <= {"NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"}
    assert all(len(lead.phones) == 1 for lead in data.leads)
    assert any(lead.company_title for lead in data.leads) and any(not lead.company_title for lead in data.leads)
    assert all(t.title and t.description for t in data.tasks)


def test_every_number_range_the_generator_draws_from_is_valid() -> None:
    import random

    import phonenumbers

    from kapusta_desktop.domain import sample_data as s

    rng = random.Random(5)
    samples = [f"+7{p}{rng.randrange(10**7):07d}" for p in s._MOBILE_PREFIXES for _ in range(40)]
    for code in s._LANDLINE_CODES:
        rest = 9 - len(code)
        samples += [f"+7{code}{rng.randrange(2, 10)}{rng.randrange(10**rest):0{rest}d}" for _ in range(40)]
    for prefix, count, lead in s._FOREIGN:
        samples += [f"{prefix}{lead}{rng.randrange(10 ** (count - 1)):0{count - 1}d}" for _ in range(40)]
    bad = [n for n in samples if not phonenumbers.is_valid_number(phonenumbers.parse(n))]
    assert bad == []


def test_a_crowded_number_range_never_hangs(monkeypatch: pytest.MonkeyPatch) -> None:
    from kapusta_desktop.domain import sample_data as s

    monkeypatch.setattr(s, "_FOREIGN", (("+44 20 7946 ", 2, "0"),))  # only ten numbers
    gen = s._Gen(1, [1])
    numbers = [gen.foreign() for _ in range(40)]
    assert len(set(numbers)) == 40
    fallback = [n for n in numbers if n.startswith("+7")]
    assert len(fallback) >= 30 and all(normalise(n).kind == "phone" for n in fallback)
