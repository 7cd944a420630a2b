"""Writing pulled Bitrix24 rows into the cache.

Rows without local edits take Bitrix24's values. Rows with pending edits (or a
refused edit, or a conflict) go through the three-way merge: fields only
Bitrix24 changed are applied, fields only we changed stay pending, fields both
changed become conflicts. Pages are written chunk-wise: one query finds the
existing rows, new ones go in with one prepared statement per chunk.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import peewee

from kapusta_desktop.domain.events import DealStageChanged, DomainEvent, VipLead, WebRequest
from kapusta_desktop.domain.merge import merge_conflicts, merge_fields, refresh_conflicts
from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.integrations.bitrix24 import mapping as m
from kapusta_desktop.store.models import (
    Company,
    Contact,
    Deal,
    DealContact,
    Email,
    Lead,
    Phone,
    Stage,
    SyncedModel,
    Task,
    UserManager,
)

log = logging.getLogger(__name__)

MODELS: dict[str, type[SyncedModel]] = {"deal": Deal, "contact": Contact, "company": Company, "task": Task}
# Pseudo-fields the editor names in base_values: their local copy wins until pushed.
PSEUDO_FIELDS = ("phones", "emails", "contacts")
WEB_SOURCES = frozenset({"WEB", "WEBFORM", "CALLBACK", "STORE"})


@dataclass
class EventRules:
    """What makes a pulled deal or lead worth a notice."""

    web_sources: frozenset[str] = WEB_SOURCES
    vip_amount: Any = None  # Decimal threshold, or None for "VIP companies only"


@dataclass
class ApplyStats:
    created: int = 0
    updated: int = 0
    merged: int = 0
    conflicts: int = 0
    skipped: int = 0
    events: list[DomainEvent] = field(default_factory=list)


class Resolver:
    """Bitrix24 id -> local id for the references a row carries, cached per pull."""

    def __init__(self) -> None:
        self._maps: dict[str, dict[int, int]] = {}

    def _load(self, kind: str) -> dict[int, int]:
        if kind not in self._maps:
            if kind == "user":
                q = UserManager.select(UserManager.b24_user_id, UserManager.id).where(
                    UserManager.b24_user_id.is_null(False)
                )
            else:
                model = MODELS[kind]
                q = model.select(model.b24_id, model.id).where(model.b24_id.is_null(False))
            self._maps[kind] = dict(q.tuples())
        return self._maps[kind]

    def local(self, kind: str, b24_id: int | None) -> int | None:
        if not b24_id:
            return None
        return self._load(kind).get(b24_id)

    def remember(self, kind: str, b24_id: int, local_id: int) -> None:
        self._load(kind)[b24_id] = local_id

    def forget(self, kind: str) -> None:
        self._maps.pop(kind, None)


_REF_TARGET = {
    m.REF_USER: "user",
    m.REF_COMPANY: "company",
    m.REF_DEAL_BINDING: "deal",
    m.REF_CONTACT_BINDING: "contact",
}


def local_values(spec: m.EntitySpec, rec: m.RemoteRecord, resolver: Resolver) -> dict[str, Any]:
    """The remote values with references turned into local ids, keyed by model field name."""
    out: dict[str, Any] = {}
    for f in spec.fields:
        value = rec.values.get(f.local)
        if f.kind in _REF_TARGET:
            value = resolver.local(_REF_TARGET[f.kind], value)
        out[f.local] = value
    return out


def _row_value(row: peewee.Model, name: str) -> Any:
    fld = row._meta.fields[name]
    if isinstance(fld, peewee.ForeignKeyField):
        return getattr(row, fld.object_id_name)
    return getattr(row, name)


def _set_row_value(row: peewee.Model, name: str, value: Any) -> None:
    fld = row._meta.fields[name]
    setattr(row, fld.object_id_name if isinstance(fld, peewee.ForeignKeyField) else name, value)


def canonical_row(spec: m.EntitySpec, row: peewee.Model, names: Iterable[str]) -> dict[str, Any]:
    out = {}
    for name in names:
        f = spec.field(name)
        if f is not None and name in row._meta.fields:
            out[name] = m.canonical(f.kind, _row_value(row, name))
    return out


def canonical_values(spec: m.EntitySpec, values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in values.items():
        f = spec.field(name)
        if f is not None:
            out[name] = m.canonical(f.kind, value)
    return out


# ------------------------------------------------------------------ bulk writes


def bulk_insert(model: type[peewee.Model], rows: list[dict[str, Any]], *, ignore_conflicts: bool = False) -> None:
    """Insert many rows fast: peewee builds SQL value by value, which dominates a 100k-row first sync;
    on SQLite the rows go through one prepared statement (`executemany`) instead."""
    if not rows:
        return
    db = model._meta.database
    db = getattr(db, "obj", db)  # models bind to a DatabaseProxy
    if not isinstance(db, peewee.SqliteDatabase):
        for start in range(0, len(rows), 500):
            q = model.insert_many(rows[start : start + 500])
            (q.on_conflict_ignore() if ignore_conflicts else q).execute()
        return
    # Python-side defaults (a fresh origin uuid, timestamps) as peewee's insert would give them.
    missing = [f for f in model._meta.defaults if f.name not in rows[0]]
    if missing:
        rows = [{**r, **{f.name: (f.default() if callable(f.default) else f.default) for f in missing}} for r in rows]
    names = list(rows[0])
    fields = [model._meta.fields[n] for n in names]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join("?" for _ in fields)
    verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
    sql = f'{verb} INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    converters = [f.db_value for f in fields]
    values = [tuple(conv(r[n]) for conv, n in zip(converters, names, strict=True)) for r in rows]
    db.cursor().executemany(sql, values)


# ------------------------------------------------------------------ phones and e-mails

PhoneNormaliser = Callable[[str], Any]


def default_normaliser() -> PhoneNormaliser:
    from kapusta_desktop.services.editing import default_phone_normaliser

    return default_phone_normaliser


def phone_rows(owner_type: str, owner_id: int, items: Iterable[m.MultiItem], normalise: PhoneNormaliser) -> list[dict]:
    rows = []
    for item in items:
        norm = normalise(item.value)
        rows.append(
            {
                "owner_type": owner_type,
                "owner_id": owner_id,
                "raw": item.value[:100],
                "e164": getattr(norm, "e164", None),
                "extension": getattr(norm, "extension", None),
                "value_type": item.value_type[:12],
                "b24_item_id": item.item_id,
            }
        )
    return rows


def email_rows(owner_type: str, owner_id: int, items: Iterable[m.MultiItem]) -> list[dict]:
    return [
        {
            "owner_type": owner_type,
            "owner_id": owner_id,
            "value": i.value[:255],
            "value_type": i.value_type[:12],
            "b24_item_id": i.item_id,
        }
        for i in items
    ]


def replace_multi(
    owner_type: str,
    owner_id: int,
    phones: list[m.MultiItem] | None,
    emails: list[m.MultiItem] | None,
    normalise: PhoneNormaliser,
) -> None:
    if phones is not None:
        Phone.delete().where((Phone.owner_type == owner_type) & (Phone.owner_id == owner_id)).execute()
        if rows := phone_rows(owner_type, owner_id, phones, normalise):
            Phone.insert_many(rows).execute()
    if emails is not None:
        Email.delete().where((Email.owner_type == owner_type) & (Email.owner_id == owner_id)).execute()
        if rows := email_rows(owner_type, owner_id, emails):
            Email.insert_many(rows).execute()


def learn_item_ids(
    owner_type: str, owner_id: int, phones: list[m.MultiItem] | None, emails: list[m.MultiItem] | None
) -> None:
    """After a push, give local phone/e-mail rows the item ids Bitrix24 assigned (matched by value)."""
    for model, items, value_col in ((Phone, phones, Phone.raw), (Email, emails, Email.value)):
        if items is None:
            continue
        by_value = {i.value: i.item_id for i in items}
        for row in model.select().where((model.owner_type == owner_type) & (model.owner_id == owner_id)):
            item_id = by_value.get(getattr(row, value_col.name))
            if item_id is not None and row.b24_item_id != item_id:
                row.b24_item_id = item_id
                row.save()


MultiKey = tuple[str, str, int | None]  # (value, value_type, b24_item_id) as the cache holds a phone or e-mail


class PageChildren:
    """The phones, e-mails and deal-contact links of a page's existing rows, read with one query each instead of
    one per row (a full pull over a filled cache compares every row's). Writes keep it current."""

    def __init__(self, owner_type: str, owner_ids: list[int], *, phones: bool, emails: bool) -> None:
        self.multi: dict[type[peewee.Model], defaultdict[int, list[MultiKey]]] = {
            Phone: defaultdict(list), Email: defaultdict(list)}
        self.links: defaultdict[int, list[tuple[int, bool]]] = defaultdict(list)  # deal -> (contact, primary)
        if not owner_ids:
            return
        for model, value, wanted in ((Phone, Phone.raw, phones), (Email, Email.value, emails)):
            if wanted:
                q = (model.select(model.owner_id, value, model.value_type, model.b24_item_id)
                     .where((model.owner_type == owner_type) & model.owner_id.in_(owner_ids)).order_by(model.id))
                for owner_id, text, value_type, item_id in q.tuples():
                    self.multi[model][owner_id].append((text, value_type, item_id))
        if owner_type == "deal":
            q = (DealContact.select(DealContact.deal, DealContact.contact, DealContact.is_primary)
                 .where(DealContact.deal.in_(owner_ids)).order_by(DealContact.sort, DealContact.id))
            for deal_id, contact_id, primary in q.tuples():
                self.links[deal_id].append((contact_id, bool(primary)))


# ------------------------------------------------------------------ the writer


class CacheWriter:
    """Applies pulled pages of one entity kind to the cache."""

    def __init__(
        self,
        resolver: Resolver,
        *,
        announce: bool,
        rules: EventRules | None = None,
        normalise: PhoneNormaliser | None = None,
    ) -> None:
        self.resolver = resolver
        self.announce = announce  # raise domain events (not on the very first sync)
        self.rules = rules or EventRules()
        self.normalise = normalise or default_normaliser()
        self._kapusta_stage: dict[str, str] | None = None
        self._vip_companies: set[int] | None = None

    def kapusta_stage(self, stage_id: str | None) -> str | None:
        if self._kapusta_stage is None:
            self._kapusta_stage = dict(Stage.select(Stage.status_id, Stage.kapusta_stage).tuples())
        return self._kapusta_stage.get(stage_id or "")

    def apply_page(self, spec: m.EntitySpec, records: list[m.RemoteRecord], stats: ApplyStats) -> None:
        if spec.entity_type == "lead":
            self._apply_leads(records, stats)
            return
        model = MODELS[spec.entity_type]
        if not records:
            return
        ids = [r.b24_id for r in records]
        existing = {row.b24_id: row for row in model.select().where(model.b24_id.in_(ids))}
        # A create whose answer was lost: Bitrix24 has our ORIGIN_ID, the row has no b24_id yet.
        origins = [
            r.origin_id
            for r in records
            if r.b24_id not in existing and r.origin_id and r.originator_id == m.ORIGINATOR_ID
        ]
        by_origin = (
            {row.origin_id: row for row in model.select().where(model.origin_id.in_(origins))} if origins else {}
        )
        new_rows: list[tuple[m.RemoteRecord, dict[str, Any]]] = []
        children = PageChildren(spec.entity_type, [row.id for row in (*existing.values(), *by_origin.values())],
                                phones=any(r.phones is not None for r in records),
                                emails=any(r.emails is not None for r in records))
        with model._meta.database.atomic():
            for rec in records:
                row = existing.get(rec.b24_id)
                if row is None and rec.origin_id in by_origin:
                    row = by_origin[rec.origin_id]
                    row.b24_id = rec.b24_id
                    self.resolver.remember(spec.entity_type, rec.b24_id, row.id)
                values = local_values(spec, rec, self.resolver)
                if row is None:
                    new_rows.append((rec, values))
                else:
                    self._apply_existing(spec, row, rec, values, stats, children)
            if new_rows:
                self._insert_new(spec, model, new_rows, stats)

    # -- new rows

    def _insert_new(
        self,
        spec: m.EntitySpec,
        model: type[SyncedModel],
        new_rows: list[tuple[m.RemoteRecord, dict[str, Any]]],
        stats: ApplyStats,
    ) -> None:
        rows = []
        for rec, values in new_rows:
            data = {k: v for k, v in values.items() if k in model._meta.fields}
            data.update(b24_id=rec.b24_id, sync_state=SyncState.SYNCED.value, remote_modified=rec.modified)
            if spec.entity_type == "company":
                data["site_item_id"] = rec.web_item_id
            if rec.origin_id and rec.originator_id == m.ORIGINATOR_ID:
                data["origin_id"] = rec.origin_id
            if spec.entity_type == "deal":
                data["closed"] = bool(values.get("closed"))
                data["is_vip"] = self._company_is_vip(values.get("company"))
                if data.get("date_create") is None:
                    data.pop("date_create", None)
            rows.append(data)
        fields = sorted({k for r in rows for k in r})
        # One column set for every row: missing keys take the field default.
        for r in rows:
            for k in fields:
                if k not in r:
                    fld = model._meta.fields[k]
                    r[k] = fld.default() if callable(fld.default) else fld.default
        bulk_insert(model, rows)
        found = dict(
            model.select(model.b24_id, model.id).where(model.b24_id.in_([rec.b24_id for rec, _ in new_rows])).tuples()
        )
        phones: list[dict] = []
        emails: list[dict] = []
        links: list[dict] = []
        for rec, values in new_rows:
            local_id = found[rec.b24_id]
            self.resolver.remember(spec.entity_type, rec.b24_id, local_id)
            if rec.phones:
                phones += phone_rows(spec.entity_type, local_id, rec.phones, self.normalise)
            if rec.emails:
                emails += email_rows(spec.entity_type, local_id, rec.emails)
            if spec.entity_type == "deal":
                wanted = rec.contact_ids if rec.contact_ids is not None else [rec.primary_contact_id]
                for pos, b24 in enumerate(wanted):
                    cid = self.resolver.local("contact", b24)
                    if cid is not None:
                        links.append({"deal": local_id, "contact": cid, "is_primary": pos == 0, "sort": 10 * (pos + 1)})
                if self.announce:
                    self._new_deal_events(local_id, rec, values, stats)
        bulk_insert(Phone, phones)
        bulk_insert(Email, emails)
        bulk_insert(DealContact, links, ignore_conflicts=True)
        stats.created += len(new_rows)

    def _set_deal_contacts(self, deal_id: int, contact_b24_ids: list[int], have: list[tuple[int, bool]]) -> None:
        """Replace the deal's links (`have`, updated in place) with these contacts, the first one primary."""
        DealContact.delete().where(DealContact.deal == deal_id).execute()
        links = []
        for pos, b24 in enumerate(contact_b24_ids):
            cid = self.resolver.local("contact", b24)
            if cid is not None:
                links.append({"deal": deal_id, "contact": cid, "is_primary": pos == 0, "sort": 10 * (pos + 1)})
        if links:
            DealContact.insert_many(links).on_conflict_ignore().execute()
        linked: dict[int, bool] = {}
        for link in links:
            linked.setdefault(link["contact"], link["is_primary"])  # a repeated contact: the first insert stands
        have[:] = list(linked.items())

    @staticmethod
    def _ensure_primary(deal_id: int, contact_id: int | None, have: list[tuple[int, bool]]) -> None:
        """Lists name only the primary contact: make sure it is linked, leave the other links alone.

        `have` is the deal's links as (contact, is primary) in their order, updated in place."""
        if contact_id is None:
            return
        primary = {c: p for c, p in have}.get(contact_id)
        if primary is None:
            DealContact.insert(deal=deal_id, contact=contact_id, is_primary=True, sort=5).execute()
            have.insert(0, (contact_id, True))
        elif not primary:
            DealContact.update(is_primary=False).where(DealContact.deal == deal_id).execute()
            DealContact.update(is_primary=True).where(
                (DealContact.deal == deal_id) & (DealContact.contact == contact_id)).execute()
            have[:] = [(c, c == contact_id) for c, _p in have]

    def _company_is_vip(self, company_id: int | None) -> bool:
        if not company_id:
            return False
        if self._vip_companies is None:  # loaded once, after the companies of this pull are in
            self._vip_companies = {c for (c,) in Company.select(Company.id).where(Company.is_vip == True).tuples()}  # noqa: E712
        return company_id in self._vip_companies

    # -- existing rows

    def _apply_existing(
        self,
        spec: m.EntitySpec,
        row: SyncedModel,
        rec: m.RemoteRecord,
        values: dict[str, Any],
        stats: ApplyStats,
        children: PageChildren,
    ) -> None:
        old_stage = getattr(row, "stage_id", None)
        if row.deleted and row.sync_state == SyncState.PENDING.value:
            stats.skipped += 1  # our delete is on its way
            return
        remote_canon = canonical_values(spec, {k: v for k, v in values.items() if k in row._meta.fields})
        edited = row.sync_state != SyncState.SYNCED.value
        base = dict(row.base_values or {})
        pseudo_pending = {p for p in PSEUDO_FIELDS if p in base}
        scalar_base = {k: v for k, v in base.items() if k not in PSEUDO_FIELDS}
        local_canon = canonical_row(spec, row, remote_canon)
        result = merge_fields(scalar_base, local_canon, remote_canon)
        changed = False
        for name, theirs in result.apply.items():
            f = spec.field(name)
            assert f is not None
            _set_row_value(row, name, m.from_canonical(f.kind, theirs))
            changed = True
        conflicts = refresh_conflicts(row.conflicts, remote_canon)
        if result.conflicts:
            conflicts = merge_conflicts(conflicts, result.conflicts)
            stats.conflicts += len(result.conflicts)
        new_base = {**result.still_pending, **{p: base[p] for p in pseudo_pending}}
        if (conflicts or None) != row.conflicts:
            row.conflicts = conflicts or None
            changed = True
        if new_base != (row.base_values or {}):
            row.base_values = new_base or None
            changed = True
        state = row.sync_state
        if conflicts:
            state = SyncState.CONFLICT.value
        elif row.sync_state == SyncState.CONFLICT.value:
            state = SyncState.PENDING.value if new_base else SyncState.SYNCED.value
        if state != row.sync_state:
            row.sync_state = state
            changed = True
        if spec.entity_type == "deal" and "closed" in values and row.closed != bool(values["closed"]):
            row.closed = bool(values["closed"])
            changed = True
        if spec.entity_type == "company" and row.site_item_id != rec.web_item_id:
            row.site_item_id = rec.web_item_id
            changed = True
        if rec.modified and row.remote_modified != rec.modified:
            row.remote_modified = rec.modified
            changed = True
        if changed:
            row.save()
            if edited:
                stats.merged += 1
            else:
                stats.updated += 1
        phones = None if "phones" in pseudo_pending else rec.phones
        emails = None if "emails" in pseudo_pending else rec.emails
        if phones is not None or emails is not None:
            self._sync_multi(spec.entity_type, row.id, phones, emails, children)
        if spec.entity_type == "deal" and "contacts" not in pseudo_pending:
            links = children.links[row.id]
            if rec.contact_ids is not None:
                wanted = [self.resolver.local("contact", b) for b in rec.contact_ids]
                if [w for w in wanted if w] != [contact for contact, _primary in links]:
                    self._set_deal_contacts(row.id, rec.contact_ids, links)
            elif rec.primary_contact_id:
                self._ensure_primary(row.id, self.resolver.local("contact", rec.primary_contact_id), links)
        if spec.entity_type == "deal" and self.announce:
            self._stage_event(row, old_stage, stats)

    def _sync_multi(
        self,
        owner_type: str,
        owner_id: int,
        phones: list[m.MultiItem] | None,
        emails: list[m.MultiItem] | None,
        children: PageChildren | None = None,
    ) -> None:
        """Replace the owner's phones and e-mails that differ from Bitrix24's (None: leave that kind alone).

        `children`: what the page's query read for this owner; without it (a lead) the owner's rows are read here."""
        if children is None:
            children = PageChildren(owner_type, [owner_id], phones=phones is not None, emails=emails is not None)
        wanted = {Phone: phones, Email: emails}
        for model, items in wanted.items():
            if items is None:
                continue
            keys = [(i.value, i.value_type, i.item_id) for i in items]
            if children.multi[model][owner_id] == keys:
                wanted[model] = None
            else:
                children.multi[model][owner_id] = keys
        if wanted[Phone] is not None or wanted[Email] is not None:
            replace_multi(owner_type, owner_id, wanted[Phone], wanted[Email], self.normalise)

    # -- leads (read-only)

    def _apply_leads(self, records: list[m.RemoteRecord], stats: ApplyStats) -> None:
        if not records:
            return
        existing = {row.b24_id: row for row in Lead.select().where(Lead.b24_id.in_([r.b24_id for r in records]))}
        children = PageChildren("lead", [row.id for row in existing.values()],
                                phones=any(r.phones is not None for r in records), emails=False)
        with Lead._meta.database.atomic():
            for rec in records:
                v = rec.values
                data = {
                    "title": v["title"],
                    "name": " ".join(p for p in (v["name"], v["last_name"]) if p),
                    "company_title": v["company_title"],
                    "status_id": v["status_id"],
                    "source_id": v["source_id"],
                    "responsible": self.resolver.local("user", v["responsible"]),
                    "amount": v["amount"],
                    "currency": v["currency"] or "RUB",
                    "date_create": v["date_create"],
                    "remote_modified": rec.modified,
                }
                row = existing.get(rec.b24_id)
                known: PageChildren | None = children
                if row is None:
                    known = None  # a new lead's id may be a deleted one's: read what is under it
                    row = Lead.create(b24_id=rec.b24_id, **data)
                    stats.created += 1
                    if self.announce and (v["source_id"] or "") in self.rules.web_sources:
                        phone = rec.phones[0].value if rec.phones else None
                        stats.events.append(
                            WebRequest(
                                entity_type="lead",
                                b24_id=rec.b24_id,
                                title=v["title"],
                                name=data["name"] or None,
                                phone=phone,
                                responsible_id=data["responsible"],
                            )
                        )
                else:
                    Lead.update(**data).where(Lead.id == row.id).execute()
                    stats.updated += 1
                if rec.phones is not None:
                    self._sync_multi("lead", row.id, rec.phones, None, known)

    # -- domain events

    def _new_deal_events(self, deal_id: int, rec: m.RemoteRecord, values: dict[str, Any], stats: ApplyStats) -> None:
        title = values.get("title") or ""
        company = Company.get_or_none(Company.id == values.get("company")) if values.get("company") else None
        if (values.get("source_id") or "") in self.rules.web_sources:
            stats.events.append(
                WebRequest(
                    entity_type="deal",
                    b24_id=rec.b24_id,
                    title=title,
                    name=None,
                    phone=None,
                    responsible_id=values.get("responsible"),
                )
            )
        reason = None
        if company is not None and company.is_vip:
            reason = "vip company"
        elif (
            self.rules.vip_amount is not None
            and values.get("amount") is not None
            and values["amount"] >= self.rules.vip_amount
        ):
            reason = "amount over threshold"
        if reason:
            stats.events.append(
                VipLead(
                    entity_type="deal",
                    entity_id=deal_id,
                    b24_id=rec.b24_id,
                    title=title,
                    company=company.title if company else None,
                    amount=values.get("amount"),
                    reason=reason,
                    responsible_id=values.get("responsible"),
                )
            )

    def _stage_event(self, row: Deal, old_stage_id: str | None, stats: ApplyStats) -> None:
        if old_stage_id == row.stage_id:
            return
        old, new = self.kapusta_stage(old_stage_id), self.kapusta_stage(row.stage_id)
        if new is None or old == new:
            return
        company = Company.get_or_none(Company.id == row.company_id) if row.company_id else None
        stats.events.append(
            DealStageChanged(
                deal_id=row.id,
                b24_id=row.b24_id,
                title=row.title,
                old_stage=old,
                new_stage=new,
                amount=row.amount,
                currency=row.currency,
                company=company.title if company else None,
                responsible_id=row.responsible_id,
            )
        )


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
