"""Paged, filtered, sorted lists of cached records for the console's tables.

Nothing here loads a whole table or counts one: `count_upto()` stops at a cap
and `page()` returns one window of plain tuples. Search as you type:

- words of three or more characters are FTS5 trigram probes (store/search_index.py):
  each word somewhere in the title, name or company, any case, Cyrillic too;
  shorter words in the same query are checked in the rows those probes found;
- a query of only one- or two-character words matches the start of the title or name (an index range);
- a typed phone number in any format finds its owners through the phone index
  (an exact E.164 probe, or a prefix range while the number is being typed).

A narrow filter (e.g. only errors and conflicts: a few hundred rows) turns the search
around: the filter's index lists the rows and each is checked for the words, instead
of walking every trigram match of a broad word for the few that pass the filter.

On a database without the FTS tables (PostgreSQL) words are matched with ILIKE.
"""

from __future__ import annotations

import itertools
import re
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import peewee
from peewee import JOIN, fn

from kapusta_desktop.store.models import Company, Contact, Deal, DealContact, Phone, SyncedModel, Task, UserManager
from kapusta_desktop.store.phone_index import find_owners

# Row layout every listing returns: (id, sync_state, sync_error, *column values).
ROW_PREFIX = 3
_PHONE_CHARS = re.compile(r"^[\d\s()+\-.]+(?:\s*(?:доб\.?|ext\.?|x|#)\s*\d+)?$", re.IGNORECASE)
_MIN_PHONE_DIGITS = 4
_MIN_PREFIX_DIGITS = 7  # fewer typed digits match too many numbers to be worth a range
MIN_FTS_WORD = 3  # the trigram index answers pieces of three characters or more
PHONE_OWNER_CAP = 1000  # a number typed half-way (a prefix) lists at most this many owners
CANDIDATE_CAP = 5000  # ids gathered in Python for a phone search
_TOP_CHAR = "\U0010ffff"  # sorts after every character: [p, p + _TOP_CHAR) is "starts with p"
PREFIX_INDEX_CAP = 1000  # a short prefix matching more rows than this is found by walking the newest rows
NARROW_FILTER_CAP = 3000  # filters leaving at most this many rows drive the search (words checked per row)
CONTAINS_FUNCTION = "kapusta_contains"  # SQL function: case-insensitive substring, for the per-row check


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


def _all_case_variants(word: str, limit: int = 16) -> list[str]:
    """Every upper/lower spelling of a short word (exact case-insensitivity for one or two letters)."""
    choices = [dict.fromkeys((c.lower(), c.upper())) for c in word]
    count = 1
    for c in choices:
        count *= len(c)
    if count > limit:
        return _case_variants(word)
    return ["".join(p) for p in itertools.product(*choices)]


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


def _prefix_probes(text: str) -> list[str]:
    """E.164 prefixes a half-typed number may start: "+7 495" -> +7495; "8 (916) 12" -> +791612; "916 12" -> +791612."""
    digits = re.sub(r"\D", "", re.split(r"доб|ext|x|#", text, flags=re.IGNORECASE)[0])
    if len(digits) < _MIN_PREFIX_DIGITS:
        return []
    if text.strip().startswith("+"):
        return ["+" + digits]
    probes = ["+" + digits]
    if digits.startswith("8"):
        probes.append("+7" + digits[1:])
    elif not digits.startswith("7"):
        probes.append("+7" + digits)
    return probes


def phone_owner_ids(text: str, cap: int = PHONE_OWNER_CAP) -> dict[str, set[int]]:
    """owner_type -> ids of records with this number: a whole number by an exact probe, else a prefix range."""
    owners: dict[str, set[int]] = defaultdict(set)
    for owner_type, owner_id, _phone in find_owners(text):
        owners[owner_type].add(owner_id)
    if owners:
        return owners
    for probe in _prefix_probes(text):
        # An index range on Phone.e164 (the upper bound is the prefix with its last digit raised).
        upper = probe[:-1] + chr(ord(probe[-1]) + 1)
        q = (
            Phone.select(Phone.owner_type, Phone.owner_id)
            .where((Phone.e164 >= probe) & (Phone.e164 < upper))
            .limit(cap)
        )
        for owner_type, owner_id in q.tuples():
            owners[owner_type].add(owner_id)
    return owners


def _not_deleted(model: type[SyncedModel]) -> peewee.Expression:
    # The unary plus keeps SQLite off the (useless, every row is 0) `deleted` index, so it walks the
    # primary key newest first or uses a selective index (stage, sync state, responsible) instead.
    return peewee.NodeList((peewee.SQL("+"), model.deleted), glue="") == 0


def _contains(text: str | None, lowered_word: str) -> bool:
    """`lowered_word` somewhere in `text`, any case (Cyrillic too, unlike SQLite's lower() and LIKE)."""
    return text is not None and lowered_word in text.lower()


def _fts_literal(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


@dataclass(frozen=True)
class SearchPlan:
    """How one search text is answered; made once per text and reused for every page."""

    fts: str | None = None  # an FTS5 MATCH expression over the words of 3+ characters
    short_words: tuple[str, ...] = ()  # shorter words, looked for in the rows the FTS found
    prefix: str | None = None  # only short words: the main column starts with this (many rows do)
    ids: tuple[int, ...] | None = None  # a phone search: the matching ids, gathered in Python
    words: tuple[str, ...] = ()  # the words, for databases without FTS


class Listing:
    """One entity's list: columns, filters, search, sort; subclasses fill in the specifics."""

    entity_type: str = ""
    model: type[SyncedModel]
    columns: list[ColumnSpec] = []
    has_stage: bool = False
    fts_table: str = ""  # see store/search_index.py
    fts_columns: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._plans: OrderedDict[str, SearchPlan] = OrderedDict()
        self._fts_for: tuple[int, bool] | None = None  # (id of the database, has the FTS tables)

    def _select(self) -> peewee.ModelSelect:
        raise NotImplementedError

    def _sort_fields(self) -> dict[str, list[Any]]:
        raise NotImplementedError

    def _prefix_fields(self) -> list[peewee.Field]:
        raise NotImplementedError

    def _phone_condition(self, owners: dict[str, set[int]]) -> peewee.Expression | None:
        raise NotImplementedError

    def _responsible_field(self) -> peewee.Field:
        return self.model.responsible

    def _stage_condition(self, stage: str) -> peewee.Expression | None:
        return None

    def _company_ids_matching(self, word: str) -> peewee.ModelSelect:
        return Company.select(Company.id).where(text_match([Company.title], word) & (Company.deleted == False))  # noqa: E712

    def _word_condition(self, word: str) -> peewee.Expression:
        raise NotImplementedError

    # ---- which search the database offers ----------------------------------------------------

    def _database(self) -> peewee.Database:
        db = self.model._meta.database
        return db.obj if isinstance(db, peewee.DatabaseProxy) else db

    def uses_fts(self) -> bool:
        from kapusta_desktop.store.search_index import has_search_index

        db = self._database()
        if self._fts_for is None or self._fts_for[0] != id(db):
            self._fts_for = (id(db), has_search_index(db))
            self._plans.clear()
        return self._fts_for[1]

    def _is_sqlite(self) -> bool:
        return isinstance(self._database(), peewee.SqliteDatabase)

    def _narrow_filter(self, q: ListQuery) -> bool:
        """True when the filters alone leave few rows (an index count, capped), so they should drive a search."""
        if not q.sync_states and q.responsible_id is None and not q.stage_id:
            return False
        select = self.model.select(peewee.SQL("1")).where(self._filters(q))
        return _count(select.limit(NARROW_FILTER_CAP + 1)) <= NARROW_FILTER_CAP

    def _words_in_row(self, select: peewee.ModelSelect, plan: SearchPlan) -> tuple[peewee.ModelSelect, Any]:
        """Every word somewhere in the row's search columns, checked row by row (no MATCH: a rowid lookup each)."""
        db = self._database()
        if CONTAINS_FUNCTION not in db._functions:  # type: ignore[attr-defined]
            db.register_function(_contains, CONTAINS_FUNCTION, 2, deterministic=True)  # type: ignore[attr-defined]
        t = self._fts_source()
        select = select.join_from(self.model, t, JOIN.INNER, on=(t.rowid == self.model.id))
        cond: peewee.Expression | None = None
        for word in plan.words:
            found: peewee.Expression | None = None
            for column in self.fts_columns:
                clause = getattr(peewee.fn, CONTAINS_FUNCTION)(getattr(t, column), word.lower()) == 1
                found = clause if found is None else found | clause
            assert found is not None
            cond = found if cond is None else cond & found
        return select, cond

    # ---- filters -----------------------------------------------------------------------------

    def _filters(self, q: ListQuery) -> peewee.Expression:
        if self._is_sqlite():
            cond: peewee.Expression = _not_deleted(self.model)
        else:
            cond = self.model.deleted == False  # noqa: E712
        if q.responsible_id is not None:
            cond &= self._responsible_field() == q.responsible_id
        if q.stage_id and (stage := self._stage_condition(q.stage_id)) is not None:
            cond &= stage
        if q.sync_states:
            cond &= self.model.sync_state.in_(sorted(q.sync_states))
        return cond

    # ---- search ------------------------------------------------------------------------------

    def plan(self, text: str) -> SearchPlan:
        """The plan for a search text (FTS databases); the last few are kept, pages reuse them."""
        text = " ".join(text.split())
        plan = self._plans.get(text)
        if plan is None:
            plan = self._make_plan(text)
            self._plans[text] = plan
            while len(self._plans) > 16:
                self._plans.popitem(last=False)
        else:
            self._plans.move_to_end(text)
        return plan

    def _make_plan(self, text: str) -> SearchPlan:
        words = tuple(text.split()[:6])
        long_words = [w for w in words if len(w) >= MIN_FTS_WORD]
        if long_words:
            short = tuple(w for w in words if len(w) < MIN_FTS_WORD)
            plan = SearchPlan(fts=" AND ".join(_fts_literal(w) for w in long_words), short_words=short, words=words)
        elif len(text) >= 2:
            rare = self._prefix_ids(text)
            # Few matches: their ids from the index. Many: walk the newest rows, matches come soon.
            plan = SearchPlan(ids=rare, words=words) if rare is not None else SearchPlan(prefix=text, words=words)
        else:
            plan = SearchPlan(words=words)  # one character filters nothing
        if not looks_like_phone(text):
            return plan
        if plan.ids is not None:
            ids = set(plan.ids)
        else:
            ids = set(self._text_ids(plan, CANDIDATE_CAP)) if (plan.fts or plan.prefix) else set()
        owners = phone_owner_ids(text)
        phone_cond = self._phone_condition(owners) if owners else None
        if phone_cond is not None:
            q = self.model.select(self.model.id).where(phone_cond & _not_deleted(self.model))
            ids.update(rid for (rid,) in q.order_by(self.model.id.desc()).limit(CANDIDATE_CAP).tuples())
        return SearchPlan(ids=tuple(sorted(ids)), words=words)

    def _fts_source(self) -> peewee.Table:
        return peewee.Table(self.fts_table, ("rowid", *self.fts_columns, self.fts_table))

    def _prefix_condition(self, prefix: str) -> peewee.Expression:
        """Starts with `prefix` in any case, tested row by row (the walk over the newest rows)."""
        pattern_of = {"*": "[*]", "?": "[?]", "[": "[[]"}
        cond: peewee.Expression | None = None
        for f in self._prefix_fields():
            for variant in _all_case_variants(prefix):
                pattern = "".join(pattern_of.get(c, c) for c in variant) + "*"
                clause = peewee.Expression(peewee.NodeList((peewee.SQL("+"), f), glue=""), "GLOB", pattern)
                cond = clause if cond is None else cond | clause
        assert cond is not None
        return cond

    def _prefix_ids(self, prefix: str) -> tuple[int, ...] | None:
        """Ids of the rows whose main column starts with `prefix`, or None when there are too many."""
        ids: set[int] = set()
        for f in self._prefix_fields():
            for variant in _all_case_variants(prefix):
                q = self.model.select(self.model.id).where((f >= variant) & (f < variant + _TOP_CHAR))
                ids.update(rid for (rid,) in q.limit(PREFIX_INDEX_CAP + 1).tuples())
                if len(ids) > PREFIX_INDEX_CAP:
                    return None
        return tuple(sorted(ids))

    def _apply_text(self, select: peewee.ModelSelect, plan: SearchPlan) -> tuple[peewee.ModelSelect, Any, Any]:
        """(select with any join, the text condition or None, the FTS rowid column or None)."""
        if plan.ids is not None:
            return select, self.model.id.in_(plan.ids), None
        if plan.fts is not None:
            t = self._fts_source()
            select = select.join_from(self.model, t, JOIN.INNER, on=(t.rowid == self.model.id))
            cond = peewee.Expression(getattr(t, self.fts_table), "MATCH", plan.fts)
            for word in plan.short_words:
                found: peewee.Expression | None = None
                for column in self.fts_columns:
                    for variant in _all_case_variants(word):
                        clause = peewee.fn.instr(getattr(t, column), variant) > 0
                        found = clause if found is None else found | clause
                assert found is not None
                cond &= found
            return select, cond, t.rowid
        if plan.prefix is not None:
            return select, self._prefix_condition(plan.prefix), None
        return select, None, None

    def _text_ids(self, plan: SearchPlan, cap: int) -> list[int]:
        select, cond, rowid = self._apply_text(self.model.select(self.model.id), plan)
        if cond is not None:
            select = select.where(cond)
        key = rowid if rowid is not None else self.model.id
        return [rid for (rid,) in select.where(_not_deleted(self.model)).order_by(key.desc()).limit(cap).tuples()]

    # ILIKE search for databases without the FTS tables
    def _search_condition(self, text: str) -> peewee.Expression:
        by_text = self._words_condition(text)
        if looks_like_phone(text):
            owners = phone_owner_ids(text)
            phone_cond = self._phone_condition(owners) if owners else None
            # "2024" may be a phone fragment or part of a title: match either.
            return by_text | phone_cond if phone_cond is not None else by_text
        return by_text

    def _words_condition(self, text: str) -> peewee.Expression:
        cond: peewee.Expression | None = None
        for word in text.split()[:6]:
            clause = self._word_condition(word)
            cond = clause if cond is None else cond & clause
        assert cond is not None
        return cond

    # ---- the queries -------------------------------------------------------------------------

    def _build(self, q: ListQuery, select: peewee.ModelSelect) -> tuple[peewee.ModelSelect, Any]:
        """`select` with the filters and the search applied; also the FTS rowid when the search drives it."""
        cond = self._filters(q)
        text = " ".join(q.search.split())
        rowid = None
        if text:
            if self.uses_fts():
                plan = self.plan(text)
                if plan.fts is not None and self._narrow_filter(q):
                    select, text_cond = self._words_in_row(select, plan)
                else:
                    select, text_cond, rowid = self._apply_text(select, plan)
                if text_cond is not None:
                    cond &= text_cond
            else:
                cond &= self._search_condition(text)
        return select.where(cond), rowid

    def where(self, q: ListQuery) -> peewee.Expression:
        """The filters and search as one condition on the entity's table (for callers outside the console)."""
        cond = self._filters(q)
        text = " ".join(q.search.split())
        if text:
            if self.uses_fts():
                plan = self.plan(text)
                if plan.ids is not None or plan.fts is not None or plan.prefix is not None:
                    ids = plan.ids if plan.ids is not None else self._text_ids(plan, CANDIDATE_CAP)
                    cond &= self.model.id.in_(ids)
            else:
                cond &= self._search_condition(text)
        return cond

    def count_upto(self, q: ListQuery, limit: int) -> int:
        """How many rows match, counting no further than `limit`."""
        select, _rowid = self._build(q, self.model.select(peewee.SQL("1")))
        return _count(select.limit(limit))

    def count(self, q: ListQuery) -> int:
        select, _rowid = self._build(q, self.model.select(peewee.SQL("1")))
        return _count(select)

    def order_by(self, q: ListQuery, rowid: Any = None) -> list[Any]:
        key_fields = self._sort_fields().get(q.sort_key or "", None)
        if key_fields is None:
            # Newest first; when the FTS drives the search its rowid (the same id) keeps it streaming.
            return [(rowid if rowid is not None else self.model.id).desc()]
        ordered = [f.desc() if q.descending else f.asc() for f in key_fields]
        return [*ordered, self.model.id.desc() if q.descending else self.model.id.asc()]

    def keyset_ready(self, q: ListQuery) -> bool:
        """True when pages are in plain id order, so the next page may start below the last id seen."""
        return self._sort_fields().get(q.sort_key or "", None) is None

    def page(self, q: ListQuery, offset: int, limit: int, *, before_id: int | None = None) -> list[tuple[Any, ...]]:
        """One window of rows; `before_id` (newest-first order only) replaces the offset with a keyset probe."""
        select, rowid = self._build(q, self._select())
        if before_id is not None and self.keyset_ready(q):
            key = rowid if rowid is not None else self.model.id
            select = select.where(key < before_id)
            offset = 0
        query = select.order_by(*self.order_by(q, rowid)).offset(offset).limit(limit)
        return list(query.tuples())

    def position_of(self, q: ListQuery, record_id: int, scan_limit: int = 5000) -> int | None:
        """Row number of a record in the current order (for keeping the selection), if near the top."""
        select, rowid = self._build(q, self._select().select(self.model.id))
        ids = select.order_by(*self.order_by(q, rowid)).limit(scan_limit)
        for n, (rid,) in enumerate(ids.tuples()):
            if rid == record_id:
                return n
        return None


def _count(select: peewee.SelectBase) -> int:
    sql, params = select.sql()
    db = select.model._meta.database  # type: ignore[attr-defined]
    row = db.execute_sql(f"SELECT count(*) FROM ({sql}) AS matching", params).fetchone()
    return int(row[0]) if row else 0


_Resp = UserManager.alias("resp")


class DealListing(Listing):
    entity_type = "deal"
    model = Deal
    has_stage = True
    fts_table = "deal_fts"
    fts_columns = ("title", "company")
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

    def _prefix_fields(self) -> list[peewee.Field]:
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
    fts_table = "contact_fts"
    fts_columns = ("name", "company")
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

    def _prefix_fields(self) -> list[peewee.Field]:
        return [Contact.last_name]

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
    fts_table = "company_fts"
    fts_columns = ("title", "inn")
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

    def _prefix_fields(self) -> list[peewee.Field]:
        return [Company.title]

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
    fts_table = "task_fts"
    fts_columns = ("title", "deal")
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

    def _prefix_fields(self) -> list[peewee.Field]:
        return [Task.title]

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
