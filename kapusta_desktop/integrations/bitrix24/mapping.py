"""Bitrix24 payloads <-> cache records.

Bitrix24 sends every scalar as a string (`"ID": "37"`, `"OPPORTUNITY": "19999.99"`,
dates `YYYY-MM-DDThh:mm:ss±hh:mm`); the cache keeps typed values. Each entity
has a spec: a list of `FieldMap` (local field, Bitrix24 field, kind). References
(company, responsible, deal) travel as Bitrix24 ids; the caller resolves them to
local ids, since this module does no I/O.

Assumptions, documented in the README:
- Company INN/KPP/VIP travel as custom fields `UF_CRM_INN`, `UF_CRM_KPP`,
  `UF_CRM_VIP` ("Y"/"N"), not as requisites (`crm.requisite.*`): one call per
  company instead of three, at the cost of the portal admin creating the fields.
- The company site is the first `WEB` multi-field item; a changed site is sent as
  a multi-field change of that item.
- Task <-> deal/contact binding is `UF_CRM_TASK` ("D_<id>", "C_<id>").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

ORIGINATOR_ID = "kapusta"
CLEARED = ""  # the one value of a multiple field that says "no values" (see fields_to_remote)

# Kinds of field values.
STR = "str"  # nullable text
TEXT = "text"  # not-null text: None becomes ""
INT = "int"
DECIMAL = "decimal"
DATETIME = "datetime"
YN = "yn"  # "Y"/"N" <-> bool
REF_USER = "ref_user"  # Bitrix24 user id <-> UserManager
REF_COMPANY = "ref_company"
REF_DEAL_BINDING = "ref_deal_binding"  # task UF_CRM_TASK "D_<id>"
REF_CONTACT_BINDING = "ref_contact_binding"  # task UF_CRM_TASK "C_<id>"
WEB = "web"  # first item of the WEB multi-field

REF_KINDS = {REF_USER, REF_COMPANY, REF_DEAL_BINDING, REF_CONTACT_BINDING}


class MappingError(ValueError):
    """A Bitrix24 value that cannot be read as what the field holds."""


@dataclass(frozen=True)
class FieldMap:
    local: str  # model attribute (FK attributes by their name, e.g. "company")
    remote: str  # field name in add/update and in crm.* lists
    kind: str = STR
    read_key: str | None = None  # key in list answers when it differs (tasks answer camelCase)
    writable: bool = True

    @property
    def key(self) -> str:
        return self.read_key or self.remote


@dataclass(frozen=True)
class EntitySpec:
    entity_type: str  # deal, contact, company, task, lead
    fields: tuple[FieldMap, ...]
    multi: tuple[str, ...] = ()  # "phones", "emails"
    has_origin: bool = True  # ORIGIN_ID/ORIGINATOR_ID exist (CRM items, not tasks)
    origin_marker: str | None = None  # without ORIGIN_ID: the filterable field that carries origin_marker()

    @property
    def idempotent_creates(self) -> bool:
        """Whether a create can be found again after its answer was lost."""
        return self.has_origin or self.origin_marker is not None
    id_key: str = "ID"
    modified_key: str = "DATE_MODIFY"

    def field(self, local: str) -> FieldMap | None:
        for f in self.fields:
            if f.local == local:
                return f
        return None

    @property
    def select(self) -> list[str]:
        keys = ["ID", *dict.fromkeys(f.remote for f in self.fields)]
        if self.modified_key not in keys:
            keys.append(self.modified_key)
        if self.has_origin:
            keys += ["ORIGIN_ID", "ORIGINATOR_ID"]
        if "phones" in self.multi:
            keys.append("PHONE")
        if "emails" in self.multi:
            keys.append("EMAIL")
        return keys


DEAL = EntitySpec(
    "deal",
    (
        FieldMap("title", "TITLE", TEXT),
        FieldMap("pipeline_id", "CATEGORY_ID", INT),
        FieldMap("stage_id", "STAGE_ID", TEXT),
        FieldMap("amount", "OPPORTUNITY", DECIMAL),
        FieldMap("currency", "CURRENCY_ID", TEXT),
        FieldMap("company", "COMPANY_ID", REF_COMPANY),
        FieldMap("responsible", "ASSIGNED_BY_ID", REF_USER),
        FieldMap("comment", "COMMENTS", STR),
        FieldMap("source_id", "SOURCE_ID", STR),
        FieldMap("closed", "CLOSED", YN, writable=False),
        FieldMap("date_create", "DATE_CREATE", DATETIME, writable=False),
    ),
)

CONTACT = EntitySpec(
    "contact",
    (
        FieldMap("name", "NAME", TEXT),
        FieldMap("second_name", "SECOND_NAME", TEXT),
        FieldMap("last_name", "LAST_NAME", TEXT),
        FieldMap("position", "POST", STR),
        FieldMap("company", "COMPANY_ID", REF_COMPANY),
        FieldMap("responsible", "ASSIGNED_BY_ID", REF_USER),
        FieldMap("comment", "COMMENTS", STR),
    ),
    multi=("phones", "emails"),
)

COMPANY = EntitySpec(
    "company",
    (
        FieldMap("title", "TITLE", TEXT),
        FieldMap("inn", "UF_CRM_INN", STR),
        FieldMap("kpp", "UF_CRM_KPP", STR),
        FieldMap("is_vip", "UF_CRM_VIP", YN),
        FieldMap("site", "WEB", WEB),
        FieldMap("address", "ADDRESS", STR),
        FieldMap("responsible", "ASSIGNED_BY_ID", REF_USER),
        FieldMap("comment", "COMMENTS", STR),
    ),
    multi=("phones", "emails"),
)

TASK = EntitySpec(
    "task",
    (
        FieldMap("title", "TITLE", TEXT, read_key="title"),
        FieldMap("description", "DESCRIPTION", STR, read_key="description"),
        FieldMap("deadline", "DEADLINE", DATETIME, read_key="deadline"),
        FieldMap("status", "STATUS", INT, read_key="status"),
        FieldMap("responsible", "RESPONSIBLE_ID", REF_USER, read_key="responsibleId"),
        FieldMap("deal", "UF_CRM_TASK", REF_DEAL_BINDING, read_key="ufCrmTask"),
        FieldMap("contact", "UF_CRM_TASK", REF_CONTACT_BINDING, read_key="ufCrmTask"),
    ),
    has_origin=False,
    # Tasks have no ORIGIN_ID; XML_ID ("external identifier", xmlId in answers) is written on add and
    # tasks.task.list filters it by exact match (CTasks::GetList, string_equal).
    origin_marker="XML_ID",
    id_key="id",
    modified_key="CHANGED_DATE",
)

LEAD = EntitySpec(
    "lead",
    (
        FieldMap("title", "TITLE", TEXT, writable=False),
        FieldMap("name", "NAME", TEXT, writable=False),
        FieldMap("last_name", "LAST_NAME", TEXT, writable=False),
        FieldMap("company_title", "COMPANY_TITLE", STR, writable=False),
        FieldMap("status_id", "STATUS_ID", STR, writable=False),
        FieldMap("source_id", "SOURCE_ID", STR, writable=False),
        FieldMap("responsible", "ASSIGNED_BY_ID", REF_USER, writable=False),
        FieldMap("amount", "OPPORTUNITY", DECIMAL, writable=False),
        FieldMap("currency", "CURRENCY_ID", TEXT, writable=False),
        FieldMap("date_create", "DATE_CREATE", DATETIME, writable=False),
    ),
    multi=("phones",),
    has_origin=False,
)

SPECS: dict[str, EntitySpec] = {s.entity_type: s for s in (DEAL, CONTACT, COMPANY, TASK, LEAD)}

USER_SELECT = ["ID", "ACTIVE", "NAME", "LAST_NAME", "EMAIL", "WORK_PHONE", "PERSONAL_MOBILE", "UF_PHONE_INNER",
               "UF_DEPARTMENT"]


# ---------------------------------------------------------------- scalars

def parse_int(value: Any) -> int | None:
    if value is None or value == "" or value is False:
        return None
    if isinstance(value, bool):
        raise MappingError(f"not an integer: {value!r}")
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise MappingError(f"not an integer: {value!r}") from exc


def parse_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise MappingError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise MappingError(f"not a finite number: {value!r}")
    return result


def parse_datetime(value: Any) -> dt.datetime | None:
    """Bitrix24 date-time (with offset) -> naive UTC, as the cache stores times."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise MappingError(f"not a date-time: {value!r}") from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def format_datetime(value: dt.datetime | None) -> str:
    """Naive UTC (or aware) -> `YYYY-MM-DDThh:mm:ss+00:00`."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def parse_yn(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().upper()
    if text in ("Y", "1", "TRUE"):
        return True
    if text in ("N", "0", "FALSE", ""):
        return False
    raise MappingError(f"not Y/N: {value!r}")


def format_decimal(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01')):f}"


def canonical(kind: str, value: Any) -> Any:
    """A JSON-safe form of a local value that compares equal exactly when the values are equal.

    Used for merge bases and conflicts, which are stored as JSON (where a Decimal
    becomes a string and a datetime text with a space).
    """
    if value is None or value == "":
        return None
    if kind == DECIMAL:
        return format_decimal(parse_decimal(value))
    if kind == DATETIME:
        parsed = parse_datetime(value if isinstance(value, dt.datetime) else str(value).replace(" ", "T"))
        return parsed.isoformat() if parsed else None
    if kind == YN:
        return parse_yn(value)
    if kind in (INT, *REF_KINDS):
        return parse_int(value)
    return str(value)


def from_canonical(kind: str, value: Any) -> Any:
    """Back from `canonical` to what the model field takes."""
    if kind == DECIMAL:
        return parse_decimal(value)
    if kind == DATETIME:
        return parse_datetime(value)
    if kind == YN:
        return bool(value)
    if kind in (INT, *REF_KINDS):
        return parse_int(value)
    if kind == TEXT:
        return "" if value is None else str(value)
    return value


# ---------------------------------------------------------------- multi-fields

@dataclass(frozen=True)
class MultiItem:
    item_id: int | None
    value: str
    value_type: str = "WORK"


def parse_multi(items: Any) -> list[MultiItem]:
    """A PHONE/EMAIL/WEB list from Bitrix24; empty values are skipped."""
    if not items:
        return []
    if not isinstance(items, list):
        raise MappingError(f"a multi-field must be a list, got {type(items).__name__}")
    result = []
    for item in items:
        if not isinstance(item, Mapping):
            raise MappingError(f"a multi-field item must be an object, got {item!r}")
        value = str(item.get("VALUE") or "").strip()
        if value:
            result.append(MultiItem(parse_int(item.get("ID")), value, str(item.get("VALUE_TYPE") or "WORK")))
    return result


def multi_update(current: Iterable[MultiItem], deleted_item_ids: Iterable[Any] = ()) -> list[dict[str, str]]:
    """The `PHONE`/`EMAIL` value of an add/update that keeps Bitrix24's item ids.

    Items Bitrix24 knows go with their ID (a change, or a no-op when equal),
    new ones without (an add), and removed ones as `{ID, DELETE: "Y"}`.
    """
    out: list[dict[str, str]] = []
    kept: set[int] = set()
    for item in current:
        entry = {"VALUE": item.value, "VALUE_TYPE": item.value_type or "WORK"}
        if item.item_id is not None:
            entry = {"ID": str(item.item_id), **entry}
            kept.add(item.item_id)
        out.append(entry)
    for raw in deleted_item_ids:
        item_id = parse_int(raw.get("ID") if isinstance(raw, Mapping) else raw)
        if item_id is not None and item_id not in kept:
            out.append({"ID": str(item_id), "DELETE": "Y"})
            kept.add(item_id)
    return out


# ---------------------------------------------------------------- records

@dataclass
class RemoteRecord:
    """One Bitrix24 row read into local terms; references still as Bitrix24 ids."""

    entity_type: str
    b24_id: int
    values: dict[str, Any]  # local field -> typed value (refs: Bitrix24 id or None)
    modified: dt.datetime | None
    modified_raw: str | None
    origin_id: str | None = None
    originator_id: str | None = None
    phones: list[MultiItem] | None = None
    emails: list[MultiItem] | None = None
    contact_ids: list[int] | None = None  # deals: the whole set of linked contacts (Bitrix24 ids), when known
    primary_contact_id: int | None = None  # deals: CONTACT_ID as lists give it
    web_item_id: int | None = None


def _binding(value: Any, prefix: str) -> int | None:
    items = value if isinstance(value, list) else ([value] if value else [])
    for item in items:
        text = str(item)
        if text.startswith(prefix + "_"):
            return parse_int(text[len(prefix) + 1:])
    return None


def _read_value(kind: str, raw: Any) -> Any:
    if kind == TEXT:
        return "" if raw is None else str(raw)
    if kind == STR:
        return None if raw in (None, "") else str(raw)
    if kind == INT:
        return parse_int(raw)
    if kind == DECIMAL:
        return parse_decimal(raw)
    if kind == DATETIME:
        return parse_datetime(raw)
    if kind == YN:
        return parse_yn(raw)
    if kind in (REF_USER, REF_COMPANY):
        found = parse_int(raw)
        return found or None  # Bitrix24 says "0" for none
    if kind == REF_DEAL_BINDING:
        return _binding(raw, "D")
    if kind == REF_CONTACT_BINDING:
        return _binding(raw, "C")
    raise MappingError(f"unknown field kind {kind}")


def record_from_remote(spec: EntitySpec, payload: Mapping[str, Any]) -> RemoteRecord:
    """A list/get row -> RemoteRecord. Raises MappingError on malformed values."""
    if not isinstance(payload, Mapping):
        raise MappingError(f"a {spec.entity_type} must be an object, got {type(payload).__name__}")
    b24_id = parse_int(payload.get(spec.id_key, payload.get("ID")))
    if not b24_id:
        raise MappingError(f"a {spec.entity_type} without an ID")
    values: dict[str, Any] = {}
    web_item_id = None
    for f in spec.fields:
        raw = payload.get(f.key)
        if f.kind == WEB:
            items = parse_multi(raw)
            values[f.local] = items[0].value if items else None
            web_item_id = items[0].item_id if items else None
            continue
        try:
            values[f.local] = _read_value(f.kind, raw)
        except MappingError as exc:
            raise MappingError(f"{spec.entity_type} {b24_id}: {f.remote}: {exc}") from exc
    modified_raw = payload.get(spec.modified_key) or payload.get("changedDate") or payload.get("DATE_MODIFY")
    record = RemoteRecord(
        entity_type=spec.entity_type,
        b24_id=b24_id,
        values=values,
        modified=parse_datetime(modified_raw),
        modified_raw=str(modified_raw) if modified_raw else None,
        origin_id=(str(payload["ORIGIN_ID"]) if payload.get("ORIGIN_ID") else None),
        originator_id=(str(payload["ORIGINATOR_ID"]) if payload.get("ORIGINATOR_ID") else None),
        web_item_id=web_item_id,
    )
    if "phones" in spec.multi:
        record.phones = parse_multi(payload.get("PHONE"))
    if "emails" in spec.multi:
        record.emails = parse_multi(payload.get("EMAIL"))
    if spec.entity_type == "deal":
        # Lists carry only the primary contact; the whole set comes from crm.deal.contact.items.get.
        ids = payload.get("CONTACT_IDS")
        if isinstance(ids, list):
            record.contact_ids = [i for i in (parse_int(x) for x in ids) if i]
        record.primary_contact_id = parse_int(payload.get("CONTACT_ID")) or None
    return record


def _write_value(kind: str, value: Any) -> Any:
    if kind in (TEXT, STR):
        return "" if value is None else str(value)
    if kind == INT:
        return "" if value is None else str(int(value))
    if kind == DECIMAL:
        return format_decimal(value)
    if kind == DATETIME:
        return format_datetime(value)
    if kind == YN:
        return "Y" if value else "N"
    if kind in (REF_USER, REF_COMPANY):
        return str(value) if value else ""
    raise MappingError(f"field kind {kind} is not written directly")


def fields_to_remote(
    spec: EntitySpec,
    values: Mapping[str, Any],
    *,
    phones: list[MultiItem] | None = None,
    emails: list[MultiItem] | None = None,
    deleted_phone_items: Iterable[Any] = (),
    deleted_email_items: Iterable[Any] = (),
    contact_ids: list[int] | None = None,
    web_item_id: int | None = None,
    origin_id: str | None = None,
) -> dict[str, Any]:
    """Local values (references already as Bitrix24 ids) -> the `fields` of an add/update.

    Only the fields present in `values` are sent; `origin_id` marks a create.
    """
    out: dict[str, Any] = {}
    bindings: list[str] = []
    for f in spec.fields:
        if f.local not in values or not f.writable:
            continue
        value = values[f.local]
        if f.kind == REF_DEAL_BINDING:
            if value:
                bindings.append(f"D_{int(value)}")
        elif f.kind == REF_CONTACT_BINDING:
            if value:
                bindings.append(f"C_{int(value)}")
        elif f.kind == WEB:
            if value:
                item = {"VALUE": str(value), "VALUE_TYPE": "WORK"}
                out["WEB"] = [{"ID": str(web_item_id), **item} if web_item_id else item]
            elif web_item_id:
                out["WEB"] = [{"ID": str(web_item_id), "DELETE": "Y"}]
        else:
            out[f.remote] = _write_value(f.kind, value)
    if any(f.local in values for f in spec.fields if f.kind in (REF_DEAL_BINDING, REF_CONTACT_BINDING)):
        # An empty list vanishes from a batch query string (PHP drops empty arrays), so "no bindings"
        # travels as a list holding one empty value: the portal drops empty values of a multiple field.
        out["UF_CRM_TASK"] = bindings or [CLEARED]
    if phones is not None:
        out["PHONE"] = multi_update(phones, deleted_phone_items)
    if emails is not None:
        out["EMAIL"] = multi_update(emails, deleted_email_items)
    if contact_ids is not None:
        out["CONTACT_IDS"] = [str(i) for i in contact_ids]
    if origin_id is not None and spec.has_origin:
        out["ORIGINATOR_ID"] = ORIGINATOR_ID
        out["ORIGIN_ID"] = origin_id
    elif origin_id is not None and spec.origin_marker:
        out[spec.origin_marker] = origin_marker(origin_id)
    return out


def origin_marker(origin_id: str) -> str:
    """The value of a record's origin marker field: who made it and its uuid here."""
    return f"{ORIGINATOR_ID}:{origin_id}"


# ---------------------------------------------------------------- users and stages

@dataclass(frozen=True)
class RemoteUser:
    b24_id: int
    name: str
    email: str | None
    phone: str | None
    extension: str | None
    active: bool
    department: str | None


def user_from_remote(payload: Mapping[str, Any]) -> RemoteUser:
    b24_id = parse_int(payload.get("ID"))
    if not b24_id:
        raise MappingError("a user without an ID")
    name = " ".join(p for p in (str(payload.get("NAME") or "").strip(), str(payload.get("LAST_NAME") or "").strip())
                    if p) or f"#{b24_id}"
    dept = payload.get("UF_DEPARTMENT")
    if isinstance(dept, list):
        dept = ",".join(str(d) for d in dept) or None
    active = payload.get("ACTIVE", True)
    return RemoteUser(
        b24_id=b24_id,
        name=name,
        email=str(payload.get("EMAIL") or "") or None,
        phone=str(payload.get("PERSONAL_MOBILE") or payload.get("WORK_PHONE") or "") or None,
        extension=str(payload.get("UF_PHONE_INNER") or "") or None,
        active=parse_yn(active) if not isinstance(active, bool) else active,
        department=str(dept) if dept else None,
    )


@dataclass(frozen=True)
class RemoteStage:
    status_id: str
    name: str
    sort: int
    semantics: str
    pipeline_id: int


def pipeline_of_status(entity_id: str) -> int:
    """`DEAL_STAGE` -> 0, `DEAL_STAGE_7` -> 7."""
    if entity_id == "DEAL_STAGE":
        return 0
    if entity_id.startswith("DEAL_STAGE_"):
        found = parse_int(entity_id[len("DEAL_STAGE_"):])
        if found is not None:
            return found
    raise MappingError(f"not a deal stage list: {entity_id!r}")


def stage_from_remote(payload: Mapping[str, Any]) -> RemoteStage:
    from kapusta_desktop.domain.stages import semantics_from_extra

    status_id = str(payload.get("STATUS_ID") or "")
    if not status_id:
        raise MappingError("a stage without STATUS_ID")
    entity_id = str(payload.get("ENTITY_ID") or "DEAL_STAGE")
    pipeline = parse_int(payload.get("CATEGORY_ID"))
    return RemoteStage(
        status_id=status_id,
        name=str(payload.get("NAME") or status_id),
        sort=parse_int(payload.get("SORT")) or 500,
        semantics=semantics_from_extra(payload.get("EXTRA"), payload.get("SEMANTICS")),
        pipeline_id=pipeline if pipeline is not None else pipeline_of_status(entity_id),
    )
