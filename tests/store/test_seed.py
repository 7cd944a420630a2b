"""Loading sample data into the cache."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kapusta_desktop.domain.phones import normalise
from kapusta_desktop.domain.sample_data import generate
from kapusta_desktop.store.models import (
    Company,
    Contact,
    Deal,
    DealContact,
    Email,
    Lead,
    Phone,
    Pipeline,
    Stage,
    Task,
    Tender,
    UserManager,
)
from kapusta_desktop.store.phone_index import find_owners
from kapusta_desktop.store.seed import SeedError, seed


def test_seed_loads_everything_consistently(db: object) -> None:
    data = generate(companies=40, seed=11)
    report = seed(data)
    assert report.counts["companies"] == Company.select().count() == 40
    assert report.counts["contacts"] == Contact.select().count() == 120
    assert report.counts["deals"] == Deal.select().count() == 240
    assert report.counts["tasks"] == Task.select().count() == 120
    assert report.counts["leads"] == Lead.select().count() == 20
    assert report.counts["managers"] == UserManager.select().count() == 8
    assert DealContact.select().count() == sum(len(d.contact_ids) for d in data.deals)
    n_phones = sum(len(o.phones) for o in (*data.companies, *data.contacts, *data.leads)) + len(data.managers)
    assert Phone.select().count() == n_phones and report.invalid_phones == 0
    assert Email.select().count() == report.counts["emails"] > 0
    assert Pipeline.get(Pipeline.b24_id == 0).name == "Общая"
    assert {s.status_id: s.kapusta_stage for s in Stage.select()}["PREPAYMENT_INVOICE"] == "sent"
    assert any(line.startswith("deals: 240") for line in report.lines())

    sample = data.deals[17]
    deal = Deal.get_by_id(sample.id)
    assert (deal.b24_id, deal.title, deal.stage_id, deal.amount, deal.sync_state) == (
        sample.id, sample.title, sample.stage_id, sample.amount, "synced",
    )
    assert isinstance(deal.amount, Decimal)
    assert deal.remote_modified == sample.modified.astimezone(dt.UTC).replace(tzinfo=None)
    assert deal.closed == (sample.stage_id in ("WON", "LOSE", "APOLOGY"))
    assert deal.responsible.b24_user_id == sample.responsible_id
    assert sorted(link.contact_id for link in deal.contact_links) == sorted(sample.contact_ids)
    origin_ids = [c.origin_id for c in Company.select()]
    assert len(set(origin_ids)) == len(origin_ids)

    manager = UserManager.get_by_id(1)
    assert manager.role == "admin" and manager.mango_extension == "101"


def test_seeded_phones_find_their_owners(db: object) -> None:
    data = generate(companies=30, seed=2)
    seed(data)
    for contact in data.contacts[:40]:
        for phone in contact.phones:
            norm = normalise(phone.value)
            owners = find_owners(norm.digits or "")
            assert ("contact", contact.id) in [(t, i) for t, i, _ in owners], phone


def test_seed_refuses_a_filled_cache_unless_replacing(db: object) -> None:
    seed(generate(companies=5, seed=1))
    tender = Tender.create(number="0373100000124000001", title="Охрана", customer=Company.get_by_id(1))
    with pytest.raises(SeedError, match="already holds data"):
        seed(generate(companies=5, seed=2))
    assert Company.select().count() == 5
    report = seed(generate(companies=3, seed=2), replace=True)
    assert report.counts["companies"] == Company.select().count() == 3
    assert Phone.select().where(Phone.owner_type == "company").count() == sum(
        len(c.phones) for c in generate(companies=3, seed=2).companies
    )
    tender = Tender.get_by_id(tender.id)  # KAPUSTA's own data stays; its link to the wiped company is cleared
    assert tender.customer_id is None


def test_seed_rolls_back_on_failure(db: object) -> None:
    data = generate(companies=5, seed=1)
    broken = generate(companies=5, seed=1)
    object.__setattr__(broken.deals[3], "company_id", 999)  # points nowhere: the foreign key fails
    with pytest.raises(Exception, match="FOREIGN KEY"):
        seed(broken)
    assert Company.select().count() == 0 and Phone.select().count() == 0
    seed(data)
    assert Company.select().count() == 5


def test_indexes_and_search_tables_are_whole_after_a_seed(db: object) -> None:
    def schema() -> list[tuple[str, str]]:
        return db.execute_sql(  # type: ignore[attr-defined]
            "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY 1, 2"
        ).fetchall()

    before = schema()
    seed(generate(companies=8, seed=4))
    seed(generate(companies=6, seed=5), replace=True)
    assert schema() == before
    deals = Deal.select().count()
    if any(name == "deal_fts_ai" for _type, name in before):
        fts = db.execute_sql("SELECT count(*) FROM deal_fts").fetchone()[0]  # type: ignore[attr-defined]
        assert fts == deals == 36
    plan = db.execute_sql(  # type: ignore[attr-defined]
        "EXPLAIN QUERY PLAN SELECT id FROM phone WHERE e164 = ?", ("+79161234567",)
    ).fetchall()
    assert any("phone_e164" in str(row[-1]) for row in plan), plan
