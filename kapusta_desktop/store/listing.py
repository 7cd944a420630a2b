"""Paged, filtered, sorted lists of cached records for the console's tables.

Nothing here loads a whole table: `count()` asks SQLite how many rows match
and `page()` returns one window of plain tuples. Search matches words against
titles and names (each word somewhere), and a typed phone number in any format
finds its owners through the phone index.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import peewee
from peewee import JOIN, fn

from kapusta_desktop.domain.phones import e164_or_none
from kapusta_desktop.store.models import Company, Contact, Deal, DealContact, Phone, SyncedModel, Task, UserManager

# Row layout every listing returns: (id, sync_state, sync_error, *column values).
ROW_PREFIX = 3
_PHONE_CHARS = re.compile(r"^[\d\s()+\-.]+(?:\s*(?:доб\.?|ext\.?|x|#)\s*\d+)?$", re.IGNORECASE)
_MIN_PHONE_DIGITS = 4


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    title: str  # English source text; the UI translates it
    numeric: bool = False


@dataclass(frozen=True)
class ListQuery:
    search: str = ""
    responsible_id: int | None = None  # "only mine"
    stage_id: str | None = None  # deals: STAGE_ID; tasks: status number as text
    sync_states: frozenset[str] = field(default_factory=frozenset)  # empty = any state
    sort_key: str | None = None  # None = newest first
    descending: bool = False


def _case_variants(word: str) -> list[str]:
    # SQLite's LIKE folds ASCII only; Cyrillic names are matched as typed, lower, Capitalised and UPPER.
    return list(dict.fromkeys([word, word.lower(), word[:1].upper() + word[1:].lower(), word.upper()]))


def text_match(fields: Iterable[peewee.Field | peewee.Node], word: str) -> peewee.Expression:
    expr: peewee.Expression | None = None
    for f in fields:
        for variant in _case_variants(word):
            clause = f.contains(variant)
            expr = clause if expr is None else (expr | clause)
    assert expr is not None
    return expr


def looks_like_phone(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    return digits >= _MIN_PHONE_DIGITS and bool(_PHONE_CHARS.match(text.strip()))


def phone_owner_ids(text: str) -> dict[str, set[int]]:
    """owner_type -> ids of records with this number: a full number through the phone index, else digits."""
    owners: dict[str, set[int]] = defaultdict(set)
    for owner_type, owner_id in _find_owners(text):
        owners[owner_type].add(owner_id)
    if owners:
        return owners
    digits = re.sub(r"\D", "", text.split("доб")[0])
    if len(digits) >= _MIN_PHONE_DIGITS:
        # A fragment ("123-45") is a substring of the stored E.164 digits; a leading 8 means +7.
        probe = "7" + digits[1:] if len(digits) == 11 and digits.startswith("8") else digits
        q = Phone.select(Phone.owner_type, Phone.owner_id).where(Phone.e164.contains(probe)).limit(5000)
        for owner_type, owner_id in q.tuples():
            owners[owner_type].add(owner_id)
    return owners


def _find_owners(text: str) -> list[tuple[str, int]]:
    try:
        from kapusta_desktop.store import phone_index
    except ImportError:  # the phone index module is being written in parallel: probe the same index directly
        e164 = e164_or_none(text)
        if e164 is None:
            return []
        return list(Phone.select(Phone.owner_type, Phone.owner_id).where(Phone.e164 == e164).tuples())
    out: list[tuple[str, int]] = []
    for item in phone_index.find_owners(text) or ():
        if isinstance(item, tuple):
            out.append((str(item[0]), int(item[1])))
        else:
            out.append((str(item.owner_type), int(item.owner_id)))
    return out


class Listing:
    """One entity's list: columns, filters, search, sort; subclasses fill in the specifics."""

    entity_type: str = ""
    model: type[SyncedModel]
    columns: list[ColumnSpec] = []
    has_stage: bool = False

    def _select(self) -> peewee.ModelSelect:
        raise NotImplementedError

    def _sort_fields(self) -> dict[str, list[Any]]:
        raise NotImplementedError

    def _text_fields(self) -> list[Any]:
        raise NotImplementedError

    def _phone_condition(self, owners: dict[str, set[int]]) -> peewee.Expression | None:
        raise NotImplementedError

    def _responsible_field(self) -> peewee.Field:
        return self.model.responsible

    def _stage_condition(self, stage: str) -> peewee.Expression | None:
        return None

    def _company_ids_matching(self, word: str) -> peewee.ModelSelect:
        return Company.select(Company.id).where(text_match([Company.title], word) & (Company.deleted == False))  # noqa: E712

    def where(self, q: ListQuery) -> peewee.Expression:
        cond: peewee.Expression = self.model.deleted == False  # noqa: E712
        if q.responsible_id is not None:
            cond &= self._responsible_field() == q.responsible_id
        if q.stage_id and (stage := self._stage_condition(q.stage_id)) is not None:
            cond &= stage
        if q.sync_states:
            cond &= self.model.sync_state.in_(sorted(q.sync_states))
        text = q.search.strip()
        if text:
            cond &= self._search_condition(text)
        return cond

    def _search_condition(self, text: str) -> peewee.Expression:
        if looks_like_phone(text):
            owners = phone_owner_ids(text)
            phone_cond = self._phone_condition(owners) if owners else None
            # "2024" may be a phone fragment or part of a title: match either.
            by_text = self._words_condition(text)
            return by_text | phone_cond if phone_cond is not None else by_text
        return self._words_condition(text)

    def _words_condition(self, text: str) -> peewee.Expression:
        cond: peewee.Expression | None = None
        for word in text.split()[:6]:
            clause = self._word_condition(word)
            cond = clause if cond is None else cond & clause
        assert cond is not None
        return cond

    def _word_condition(self, word: str) -> peewee.Expression:
        return text_match(self._text_fields(), word)

    def count(self, q: ListQuery) -> int:
        return int(self.model.select(fn.COUNT(self.model.id)).where(self.where(q)).scalar() or 0)

    def order_by(self, q: ListQuery) -> list[Any]:
        key_fields = self._sort_fields().get(q.sort_key or "", None)
        if key_fields is None:
            return [self.model.id.desc()]
        ordered = [f.desc() if q.descending else f.asc() for f in key_fields]
        return [*ordered, self.model.id.desc() if q.descending else self.model.id.asc()]

    def page(self, q: ListQuery, offset: int, limit: int) -> list[tuple[Any, ...]]:
        query = self._select().where(self.where(q)).order_by(*self.order_by(q)).offset(offset).limit(limit)
        return list(query.tuples())

    def position_of(self, q: ListQuery, record_id: int, scan_limit: int = 5000) -> int | None:
        """Row number of a record in the current order (for keeping the selection), if near the top."""
        ids = self.model.select(self.model.id).where(self.where(q)).order_by(*self.order_by(q)).limit(scan_limit)
        for n, (rid,) in enumerate(ids.tuples()):
            if rid == record_id:
                return n
        return None


_Resp = UserManager.alias("resp")


class DealListing(Listing):
    entity_type = "deal"
    model = Deal
    has_stage = True
    columns = [
        ColumnSpec("title", "Title"),
        ColumnSpec("stage", "Stage"),
        ColumnSpec("amount", "Amount", numeric=True),
        ColumnSpec("currency", "Currency"),
        ColumnSpec("company", "Company"),
        ColumnSpec("responsible", "Responsible"),
        ColumnSpec("modified", "Changed"),
    ]

    def _select(self) -> peewee.ModelSelect:
        return (
            Deal.select(
                Deal.id,
                Deal.sync_state,
                Deal.sync_error,
                Deal.title,
                Deal.stage_id,
                Deal.amount,
                Deal.currency,
                Company.title,
                _Resp.name,
                Deal.local_modified,
            )
            .join(Company, JOIN.LEFT_OUTER, on=(Deal.company == Company.id))
            .switch(Deal)
            .join(_Resp, JOIN.LEFT_OUTER, on=(Deal.responsible == _Resp.id))
        )

    def _sort_fields(self) -> dict[str, list[Any]]:
        return {
            "title": [Deal.title],
            "stage": [Deal.stage_id],
            "amount": [Deal.amount],
            "currency": [Deal.currency],
            "company": [Company.title],
            "responsible": [_Resp.name],
            "modified": [Deal.local_modified],
        }

    def _text_fields(self) -> list[Any]:
        return [Deal.title]

    def _word_condition(self, word: str) -> peewee.Expression:
        return text_match([Deal.title], word) | Deal.company.in_(self._company_ids_matching(word))

    def _stage_condition(self, stage: str) -> peewee.Expression | None:
        return Deal.stage_id == stage

    def _phone_condition(self, owners: dict[str, set[int]]) -> peewee.Expression | None:
        cond: peewee.Expression | None = None
        if owners.get("company"):
            cond = Deal.company.in_(sorted(owners["company"]))
        if owners.get("contact"):
            linked = DealContact.select(DealContact.deal).where(DealContact.contact.in_(sorted(owners["contact"])))
            clause = Deal.id.in_(linked)
            cond = clause if cond is None else cond | clause
        return cond


class ContactListing(Listing):
    entity_type = "contact"
    model = Contact
    columns = [
        ColumnSpec("name", "Name"),
        ColumnSpec("position", "Position"),
        ColumnSpec("company", "Company"),
        ColumnSpec("phone", "Phone"),
        ColumnSpec("responsible", "Responsible"),
        ColumnSpec("modified", "Changed"),
    ]

    def _select(self) -> peewee.ModelSelect:
        first_phone = (
            Phone.select(Phone.raw)
            .where((Phone.owner_type == "contact") & (Phone.owner_id == Contact.id))
            .order_by(Phone.id)
            .limit(1)
        )
        full_name = fn.TRIM(Contact.last_name.concat(" ").concat(Contact.name).concat(" ").concat(Contact.second_name))
        return (
            Contact.select(
                Contact.id,
                Contact.sync_state,
                Contact.sync_error,
                full_name,
                Contact.position,
                Company.title,
                first_phone,
                _Resp.name,
                Contact.local_modified,
            )
            .join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
            .switch(Contact)
            .join(_Resp, JOIN.LEFT_OUTER, on=(Contact.responsible == _Resp.id))
        )

    def _sort_fields(self) -> dict[str, list[Any]]:
        return {
            "name": [Contact.last_name, Contact.name],
            "position": [Contact.position],
            "company": [Company.title],
            "responsible": [_Resp.name],
            "modified": [Contact.local_modified],
        }

    def _word_condition(self, word: str) -> peewee.Expression:
        return text_match([Contact.last_name, Contact.name, Contact.second_name], word) | Contact.company.in_(
            self._company_ids_matching(word)
        )

    def _phone_condition(self, owners: dict[str, set[int]]) -> peewee.Expression | None:
        cond: peewee.Expression | None = None
        if owners.get("contact"):
            cond = Contact.id.in_(sorted(owners["contact"]))
        if owners.get("company"):
            clause = Contact.company.in_(sorted(owners["company"]))
            cond = clause if cond is None else cond | clause
        return cond


class CompanyListing(Listing):
    entity_type = "company"
    model = Company
    columns = [
        ColumnSpec("title", "Company"),
        ColumnSpec("inn", "INN"),
        ColumnSpec("phone", "Phone"),
        ColumnSpec("site", "Site"),
        ColumnSpec("responsible", "Responsible"),
        ColumnSpec("modified", "Changed"),
    ]

    def _select(self) -> peewee.ModelSelect:
        first_phone = (
            Phone.select(Phone.raw)
            .where((Phone.owner_type == "company") & (Phone.owner_id == Company.id))
            .order_by(Phone.id)
            .limit(1)
        )
        return Company.select(
            Company.id,
            Company.sync_state,
            Company.sync_error,
            Company.title,
            Company.inn,
            first_phone,
            Company.site,
            _Resp.name,
            Company.local_modified,
        ).join(_Resp, JOIN.LEFT_OUTER, on=(Company.responsible == _Resp.id))

    def _sort_fields(self) -> dict[str, list[Any]]:
        return {
            "title": [Company.title],
            "inn": [Company.inn],
            "site": [Company.site],
            "responsible": [_Resp.name],
            "modified": [Company.local_modified],
        }

    def _word_condition(self, word: str) -> peewee.Expression:
        cond = text_match([Company.title], word)
        if word.isdigit() and len(word) >= 4:
            cond |= Company.inn.startswith(word)
        return cond

    def _phone_condition(self, owners: dict[str, set[int]]) -> peewee.Expression | None:
        cond: peewee.Expression | None = None
        if owners.get("company"):
            cond = Company.id.in_(sorted(owners["company"]))
        if owners.get("contact"):
            of_contacts = Contact.select(Contact.company).where(Contact.id.in_(sorted(owners["contact"])))
            clause = Company.id.in_(of_contacts)
            cond = clause if cond is None else cond | clause
        return cond


_TaskDeal = Deal.alias("task_deal")


class TaskListing(Listing):
    entity_type = "task"
    model = Task
    has_stage = True  # the task status plays the stage's part in the filter
    columns = [
        ColumnSpec("title", "Task"),
        ColumnSpec("deadline", "Deadline"),
        ColumnSpec("status", "Status"),
        ColumnSpec("responsible", "Responsible"),
        ColumnSpec("deal", "Deal"),
        ColumnSpec("modified", "Changed"),
    ]

    def _select(self) -> peewee.ModelSelect:
        return (
            Task.select(
                Task.id,
                Task.sync_state,
                Task.sync_error,
                Task.title,
                Task.deadline,
                Task.status,
                _Resp.name,
                _TaskDeal.title,
                Task.local_modified,
            )
            .join(_Resp, JOIN.LEFT_OUTER, on=(Task.responsible == _Resp.id))
            .switch(Task)
            .join(_TaskDeal, JOIN.LEFT_OUTER, on=(Task.deal == _TaskDeal.id))
        )

    def _sort_fields(self) -> dict[str, list[Any]]:
        return {
            "title": [Task.title],
            "deadline": [Task.deadline],
            "status": [Task.status],
            "responsible": [_Resp.name],
            "deal": [_TaskDeal.title],
            "modified": [Task.local_modified],
        }

    def _word_condition(self, word: str) -> peewee.Expression:
        deals = Deal.select(Deal.id).where(text_match([Deal.title], word))
        return text_match([Task.title], word) | Task.deal.in_(deals)

    def _stage_condition(self, stage: str) -> peewee.Expression | None:
        return Task.status == int(stage) if stage.isdigit() else None

    def _phone_condition(self, owners: dict[str, set[int]]) -> peewee.Expression | None:
        cond: peewee.Expression | None = None
        if owners.get("contact"):
            cond = Task.contact.in_(sorted(owners["contact"]))
            linked = DealContact.select(DealContact.deal).where(DealContact.contact.in_(sorted(owners["contact"])))
            cond |= Task.deal.in_(linked)
        if owners.get("company"):
            deals = Deal.select(Deal.id).where(Deal.company.in_(sorted(owners["company"])))
            clause = Task.deal.in_(deals)
            cond = clause if cond is None else cond | clause
        return cond


LISTINGS: dict[str, Callable[[], Listing]] = {
    "deal": DealListing,
    "contact": ContactListing,
    "company": CompanyListing,
    "task": TaskListing,
}
