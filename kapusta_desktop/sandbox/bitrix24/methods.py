"""The REST methods the sandbox portal answers, on top of `PortalState`.

A handler takes the call context and the parsed parameters and returns an
`Answer` or raises `ApiFault` with the portal's error code and HTTP status.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kapusta_desktop.domain.stages import DEFAULT_STAGES
from kapusta_desktop.sandbox.bitrix24.clock import now_iso
from kapusta_desktop.sandbox.bitrix24.filters import compile_filter, id_lower_bound, parse_date
from kapusta_desktop.sandbox.bitrix24.state import (
    SPECS,
    TASK_KINDS,
    USER_KINDS,
    EntitySpec,
    PortalState,
    Row,
    Table,
    phone_key,
)

PAGE = 50
CALL_REPEAT_WINDOW = 30 * 60  # same register parameters within 30 min -> same CALL_ID
SANDBOX_SCOPES = ("crm", "task", "user", "telephony")  # what `scope` answers: the scopes KAPUSTA needs


class ApiFault(Exception):
    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.status = status


def not_found() -> ApiFault:
    return ApiFault("", "Not found", 400)


@dataclass
class Answer:
    result: Any
    total: int | None = None
    next: int | None = None
    rows: int = 0  # rows served, for the sandbox's counters


@dataclass
class Context:
    state: PortalState
    user_id: int
    auth_kind: str  # "webhook" | "oauth"


Handler = Callable[[Context, dict[str, Any]], Answer]


def param(params: Mapping[str, Any], name: str, default: Any = None) -> Any:
    """Parameter names are case-insensitive on the portal (`id`/`ID`, `filter`/`FILTER`)."""
    if name in params:
        return params[name]
    low = name.lower()
    for k, v in params.items():
        if str(k).lower() == low:
            return v
    return default


def _int(value: Any, name: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ApiFault("INVALID_ARG_VALUE", f"Parameter '{name}' must be an integer", 400) from None


def _as_mapping(value: Any, name: str) -> dict[str, Any]:
    if value is None or value == "" or value == []:
        return {}
    if not isinstance(value, Mapping):
        raise ApiFault("INVALID_ARG_VALUE", f"Parameter '{name}' must be array.", 400)
    return dict(value)


# --- lists ------------------------------------------------------------------------------------


def _order(raw: Any) -> list[tuple[str, bool]]:
    order = _as_mapping(raw, "order")
    return [(str(k).upper(), str(v).upper() == "DESC") for k, v in order.items()] or [("ID", False)]


def _sort_key(kind: str) -> Callable[[Any], Any]:
    def key(v: Any) -> Any:
        if v is None or v == "":
            return (1, 0)
        if kind in ("int", "float"):
            try:
                return (0, float(v))
            except ValueError:
                return (1, 0)
        if kind == "date":
            d = parse_date(v)
            return (0, d.timestamp()) if d else (1, 0)
        return (0, str(v).lower())

    return key


def projector(select: Any, scalar_fields: list[str], multi: tuple[str, ...]) -> Callable[[Row], Row]:
    names = [str(s).upper() for s in (select.values() if isinstance(select, Mapping) else select or [])]
    wanted: list[str] = []
    uf = False
    if not names or "*" in names:
        wanted.extend(scalar_fields)
    for n in names:
        if n == "UF_*":
            uf = True
        elif n != "*" and n not in wanted and (n in scalar_fields or n in multi or n.startswith("UF_")):
            wanted.append(n)

    wanted_multi = [m for m in multi if m in wanted]

    def project(row: Row) -> Row:
        out = {k: row.get(k) for k in wanted}
        for m in wanted_multi:
            if not out[m]:
                del out[m]  # the portal leaves out empty multi-fields
        if uf:
            for k, v in row.items():
                if k.startswith("UF_"):
                    out[k] = v
        return out

    return project


def run_list(table: Table, kinds: Mapping[str, str], params: Mapping[str, Any],
             project: Callable[[Row], Row], extra_preds: list[Callable[[Row], bool]] | None = None) -> Answer:
    flt = _as_mapping(param(params, "filter"), "filter")
    order = _order(param(params, "order"))
    start = _int(param(params, "start", 0) or 0, "start")
    by_id = len(order) == 1 and order[0][0] == "ID"
    lowest = id_lower_bound(flt) if by_id and not order[0][1] else None
    if lowest is not None:  # the bisect below already applies `>ID` / `>=ID`
        flt = {k: v for k, v in flt.items() if str(k).upper() not in (">ID", ">=ID")}
    preds = compile_filter(flt, kinds) + (extra_preds or [])

    def ok(row: Row) -> bool:
        return all(p(row) for p in preds)

    if by_id:
        source = table.iter_from(lowest, descending=order[0][1])
        if start == -1:  # fast mode: no count, stop at 50
            page = []
            for row in source:
                if ok(row):
                    page.append(project(row))
                    if len(page) == PAGE:
                        break
            return Answer(page, total=0, rows=len(page))
        matched = [row for row in source if ok(row)]
    else:
        matched = [row for row in table.iter_from() if ok(row)]
        for fld, desc in reversed(order):
            matched.sort(key=lambda r, f=fld, k=_sort_key(kinds.get(fld, "str")): k(r.get(f)), reverse=desc)
        if start == -1:
            page = [project(r) for r in matched[:PAGE]]
            return Answer(page, total=0, rows=len(page))
    start = max(start, 0)
    page = [project(r) for r in matched[start:start + PAGE]]
    nxt = start + PAGE if start + PAGE < len(matched) else None
    return Answer(page, total=len(matched), next=nxt, rows=len(page))


# --- CRM --------------------------------------------------------------------------------------


def _crm_handlers(spec: EntitySpec) -> dict[str, Handler]:
    prefix = f"crm.{spec.name}"
    full = projector(["*", "UF_*", *spec.multi], spec.scalar_fields, spec.multi)

    def add(ctx: Context, params: dict[str, Any]) -> Answer:
        fields = _as_mapping(param(params, "fields"), "fields")
        if not fields:
            raise ApiFault("INVALID_ARG_VALUE", "Parameter 'fields' must be array.", 400)
        return Answer(ctx.state.crm_add(spec, fields, user_id=ctx.user_id))

    def get(ctx: Context, params: dict[str, Any]) -> Answer:
        row = ctx.state.tables[spec.name].get(_int(param(params, "id"), "id"))
        if row is None:
            raise not_found()
        return Answer(full(row))

    def update(ctx: Context, params: dict[str, Any]) -> Answer:
        rid = _int(param(params, "id"), "id")
        fields = _as_mapping(param(params, "fields"), "fields")
        if not ctx.state.crm_update(spec, rid, fields, user_id=ctx.user_id):
            raise not_found()
        return Answer(True)

    def delete(ctx: Context, params: dict[str, Any]) -> Answer:
        if not ctx.state.crm_delete(spec, _int(param(params, "id"), "id")):
            raise not_found()
        return Answer(True)

    def list_(ctx: Context, params: dict[str, Any]) -> Answer:
        project = projector(param(params, "select"), spec.scalar_fields, spec.multi)
        return run_list(ctx.state.tables[spec.name], spec.kinds, params, project)

    return {f"{prefix}.add": add, f"{prefix}.get": get, f"{prefix}.update": update,
            f"{prefix}.delete": delete, f"{prefix}.list": list_}


def deal_contacts_get(ctx: Context, params: dict[str, Any]) -> Answer:
    deal_id = _int(param(params, "id"), "id")
    if ctx.state.tables["deal"].get(deal_id) is None:
        raise not_found()
    return Answer([dict(i) for i in ctx.state.deal_contacts.get(deal_id, [])])


def deal_contacts_set(ctx: Context, params: dict[str, Any]) -> Answer:
    deal_id = _int(param(params, "id"), "id")
    if ctx.state.tables["deal"].get(deal_id) is None:
        raise not_found()
    items = param(params, "items") or []
    if isinstance(items, Mapping):
        items = list(items.values())
    contacts = ctx.state.tables["contact"]
    for it in items:
        cid = int((it or {}).get("CONTACT_ID") or 0)
        if contacts.get(cid) is None:
            raise ApiFault("", f"Contact {cid} not found", 400)
    ctx.state.set_deal_contacts(deal_id, list(items))
    return Answer(True)


def duplicate_findbycomm(ctx: Context, params: dict[str, Any]) -> Answer:
    kind = str(param(params, "type", "")).upper()
    if kind not in ("PHONE", "EMAIL"):
        raise ApiFault("INVALID_ARG_VALUE", "Parameter 'type' must be PHONE or EMAIL", 400)
    values = param(params, "values") or []
    if isinstance(values, Mapping):
        values = list(values.values())
    if not isinstance(values, list) or not values:
        raise ApiFault("INVALID_ARG_VALUE", "Parameter 'values' must be a non-empty array", 400)
    if len(values) > 20:
        raise ApiFault("INVALID_ARG_VALUE", "Too many values: no more than 20 are allowed", 400)
    only = str(param(params, "entity_type", "") or "").upper()
    index = ctx.state.phone_index if kind == "PHONE" else ctx.state.email_index
    found: dict[str, list[int]] = {}
    for v in values:
        key = phone_key(str(v)) if kind == "PHONE" else str(v).lower()
        for type_name, rid in sorted(index.get(key, ())):
            if only and type_name != only:
                continue
            ids = found.setdefault(type_name, [])
            if rid not in ids:
                ids.append(rid)
    return Answer(found or [])


_ENTITY_TYPES = {"deal": "deal", "contact": "contact", "company": "company", "lead": "lead"}
_OWNER_TYPES = {1: "lead", 2: "deal", 3: "contact", 4: "company"}


def timeline_comment_add(ctx: Context, params: dict[str, Any]) -> Answer:
    if "fields" not in params:  # lower-case `fields` only, as the reference notes
        raise ApiFault("INVALID_ARG_VALUE", "Parameter 'fields' is required", 400)
    fields = _as_mapping(params["fields"], "fields")
    etype = str(fields.get("ENTITY_TYPE", "")).lower()
    if etype not in _ENTITY_TYPES:
        raise ApiFault("INVALID_ARG_VALUE", "ENTITY_TYPE must be deal, contact, company or lead", 400)
    eid = _int(fields.get("ENTITY_ID"), "ENTITY_ID")
    if ctx.state.tables[etype].get(eid) is None:
        raise not_found()
    comment = str(fields.get("COMMENT") or "")
    if not comment.strip():
        raise ApiFault("INVALID_ARG_VALUE", "COMMENT is empty", 400)
    row = {"ENTITY_TYPE": etype, "ENTITY_ID": str(eid), "COMMENT": comment, "AUTHOR_ID": str(ctx.user_id),
           "CREATED": now_iso()}
    return Answer(ctx.state.comments.insert(row))


def activity_add(ctx: Context, params: dict[str, Any]) -> Answer:
    fields = _as_mapping(param(params, "fields"), "fields")
    owner_type = _int(fields.get("OWNER_TYPE_ID"), "OWNER_TYPE_ID")
    owner_id = _int(fields.get("OWNER_ID"), "OWNER_ID")
    table = _OWNER_TYPES.get(owner_type)
    if table is None or ctx.state.tables[table].get(owner_id) is None:
        raise ApiFault("", "Owner not found", 400)
    if not fields.get("COMMUNICATIONS"):
        raise ApiFault("", "COMMUNICATIONS are not specified", 400)
    if not str(fields.get("SUBJECT") or "").strip():
        raise ApiFault("", "SUBJECT is not specified", 400)
    # The portal stores and answers scalars as strings ("2", not 2); COMMUNICATIONS stays a list.
    row = {str(k).upper(): v if isinstance(v, list | dict) or v is None else str(v) for k, v in fields.items()}
    row.setdefault("RESPONSIBLE_ID", str(ctx.user_id))
    row["CREATED"] = now_iso()
    return Answer(ctx.state.activities.insert(row))


ACTIVITY_KINDS = {"ID": "int", "OWNER_ID": "int", "OWNER_TYPE_ID": "int", "TYPE_ID": "int", "PROVIDER_ID": "str",
                  "PROVIDER_TYPE_ID": "str", "SUBJECT": "str", "DESCRIPTION": "str", "DIRECTION": "int",
                  "COMPLETED": "str", "RESPONSIBLE_ID": "int", "START_TIME": "date", "END_TIME": "date",
                  "DEADLINE": "date", "CREATED": "date", "ORIGIN_ID": "str", "ORIGINATOR_ID": "str"}
ACTIVITY_MULTI = ("COMMUNICATIONS",)


def activity_list(ctx: Context, params: dict[str, Any]) -> Answer:
    """Filters on any scalar field (OWNER_ID, OWNER_TYPE_ID, ORIGIN_ID, ORIGINATOR_ID, `>ID`, ...), paged by 50."""
    project = projector(param(params, "select"), list(ACTIVITY_KINDS), ACTIVITY_MULTI)
    return run_list(ctx.state.activities, ACTIVITY_KINDS, params, project)


def activity_get(ctx: Context, params: dict[str, Any]) -> Answer:
    row = ctx.state.activities.get(_int(param(params, "id"), "id"))
    if row is None:
        raise not_found()
    return Answer(dict(row))


def activity_update(ctx: Context, params: dict[str, Any]) -> Answer:
    row = ctx.state.activities.get(_int(param(params, "id"), "id"))
    if row is None:
        raise not_found()
    fields = _as_mapping(param(params, "fields"), "fields")
    for k, v in fields.items():
        key = str(k).upper()
        if key in ("ID", "CREATED", "OWNER_ID", "OWNER_TYPE_ID", "TYPE_ID"):
            continue  # fixed once the activity exists
        row[key] = v if isinstance(v, list | dict) or v is None else str(v)
    return Answer(True)


def category_list(ctx: Context, params: dict[str, Any]) -> Answer:
    etype = _int(param(params, "entityTypeId"), "entityTypeId")
    if etype != 2:
        return Answer({"categories": []}, total=0)
    cats = [{"id": 0, "name": "Общее", "sort": 100, "entityTypeId": 2, "isDefault": "Y"}]
    return Answer({"categories": cats}, total=len(cats))


def status_list(ctx: Context, params: dict[str, Any]) -> Answer:
    flt = _as_mapping(param(params, "filter"), "filter")
    entity = str(flt.get("ENTITY_ID", "DEAL_STAGE"))
    if entity != "DEAL_STAGE":
        return Answer([], total=0)
    rows = []
    for i, s in enumerate(DEFAULT_STAGES, start=1):
        sem_letter = {"success": "S", "failure": "F", "apology": "F"}.get(s.semantics)
        rows.append({"ID": str(i), "ENTITY_ID": "DEAL_STAGE", "STATUS_ID": s.status_id, "NAME": s.name,
                     "NAME_INIT": s.name, "SORT": str(s.sort), "SYSTEM": "Y", "CATEGORY_ID": "0",
                     "SEMANTICS": sem_letter, "EXTRA": {"SEMANTICS": s.semantics, "COLOR": "#39A8EF"}})
    return Answer(rows, total=len(rows))


# --- users ------------------------------------------------------------------------------------


_USER_FIELDS = ["ID", "ACTIVE", "NAME", "LAST_NAME", "EMAIL", "WORK_PHONE", "PERSONAL_MOBILE", "UF_PHONE_INNER",
                "UF_DEPARTMENT", "WORK_POSITION"]


def _public_user(row: Row) -> Row:
    return {k: row.get(k) for k in _USER_FIELDS}


def user_get(ctx: Context, params: dict[str, Any]) -> Answer:
    flt = _as_mapping(param(params, "FILTER") or param(params, "filter"), "FILTER")
    extra = []
    if "ACTIVE" in {str(k).upper() for k in flt}:
        want = str(flt.pop(next(k for k in flt if str(k).upper() == "ACTIVE"))).upper() in ("Y", "1", "TRUE")
        extra.append(lambda r: bool(r.get("ACTIVE")) == want)
    return run_list(ctx.state.users, USER_KINDS, {"filter": flt, "start": param(params, "start", 0) or 0},
                    _public_user, extra)


def user_current(ctx: Context, params: dict[str, Any]) -> Answer:
    row = ctx.state.users.get(ctx.user_id)
    if row is None:
        raise ApiFault("NO_AUTH_FOUND", "Wrong authorization data", 401)
    return Answer(_public_user(row))


def user_admin(ctx: Context, params: dict[str, Any]) -> Answer:
    row = ctx.state.users.get(ctx.user_id)
    return Answer(bool(row and row.get("_ADMIN")))


def scope(ctx: Context, params: dict[str, Any]) -> Answer:
    """The scopes the webhook or application was given: the sandbox grants the ones KAPUSTA needs."""
    return Answer(list(SANDBOX_SCOPES))


def deal_contacts_delete(ctx: Context, params: dict[str, Any]) -> Answer:
    """Unlink every contact of the deal."""
    deal_id = _int(param(params, "id"), "id")
    if ctx.state.tables["deal"].get(deal_id) is None:
        raise not_found()
    ctx.state.set_deal_contacts(deal_id, [])
    return Answer(True)


# --- tasks (camelCase answers) ----------------------------------------------------------------


def camel(name: str) -> str:
    head, *rest = name.lower().split("_")
    return head + "".join(p.capitalize() for p in rest)


def task_view(row: Row, select: Any = None) -> Row:
    names = [str(s).upper() for s in (select.values() if isinstance(select, Mapping) else select or [])]
    keys = [k for k in row if not k.startswith("_")] if not names or "*" in names else \
        ["ID", *[n for n in names if n != "ID" and n in row]]
    return {camel(k): row.get(k) for k in keys}


def _task_fields(fields: Mapping[str, Any]) -> Row:
    out: Row = {}
    for k, v in fields.items():
        key = str(k).upper()
        if key == "ID" or (key not in TASK_KINDS and not key.startswith("UF_")):
            continue
        if key == "UF_CRM_TASK":
            vals = list(v.values()) if isinstance(v, Mapping) else v if isinstance(v, list) else [v]
            out[key] = [str(x) for x in vals if x not in ("", None)]
        else:
            out[key] = None if v is None else str(v)
    return out


def task_add(ctx: Context, params: dict[str, Any]) -> Answer:
    fields = _task_fields(_as_mapping(param(params, "fields"), "fields"))
    if not (fields.get("TITLE") or "").strip():
        raise ApiFault("ERROR_CORE", "Не указано название задачи", 400)
    stamp = now_iso()
    row: Row = {"TITLE": "", "DESCRIPTION": "", "DEADLINE": None, "STATUS": "2", "PRIORITY": "1",
                "RESPONSIBLE_ID": str(ctx.user_id), "CREATED_BY": str(ctx.user_id), "CREATED_DATE": stamp,
                "CHANGED_DATE": stamp, "CLOSED_DATE": None, "GROUP_ID": "0", "UF_CRM_TASK": [],
                "XML_ID": None}
    row.update(fields)
    ctx.state.tasks.insert(row)
    return Answer({"task": task_view(row)})


def task_update(ctx: Context, params: dict[str, Any]) -> Answer:
    rid = _int(param(params, "taskId"), "taskId")
    row = ctx.state.tasks.get(rid)
    if row is None:
        raise ApiFault("ERROR_CORE", "Задача не найдена или доступ запрещен", 400)
    row.update(_task_fields(_as_mapping(param(params, "fields"), "fields")))
    row["CHANGED_DATE"] = now_iso()
    if row.get("STATUS") == "5" and not row.get("CLOSED_DATE"):
        row["CLOSED_DATE"] = row["CHANGED_DATE"]
    return Answer({"task": task_view(row)})


def task_get(ctx: Context, params: dict[str, Any]) -> Answer:
    row = ctx.state.tasks.get(_int(param(params, "taskId"), "taskId"))
    if row is None:
        return Answer([])  # a missing task is `result: []`, not an error
    return Answer({"task": task_view(row, param(params, "select"))})


def task_delete(ctx: Context, params: dict[str, Any]) -> Answer:
    if ctx.state.tasks.delete(_int(param(params, "taskId"), "taskId")) is None:
        raise ApiFault("ERROR_CORE", "Задача не найдена или доступ запрещен", 400)
    return Answer({"task": True})


def task_list(ctx: Context, params: dict[str, Any]) -> Answer:
    select = param(params, "select")
    flt = _as_mapping(param(params, "filter"), "filter")
    extra = []
    for k in list(flt):
        if str(k).upper().lstrip("=") == "UF_CRM_TASK":
            wanted = str(flt.pop(k))
            extra.append(lambda r, w=wanted: w in (r.get("UF_CRM_TASK") or []))
    ans = run_list(ctx.state.tasks, TASK_KINDS, {**params, "filter": flt}, lambda r: task_view(r, select), extra)
    ans.result = {"tasks": ans.result}
    return ans


# --- telephony (application context only) ----------------------------------------------------


def _require_app(ctx: Context) -> None:
    if ctx.auth_kind != "oauth":
        raise ApiFault("WRONG_AUTH_TYPE", "Current authorization type is denied for this method", 403)


def externalcall_register(ctx: Context, params: dict[str, Any]) -> Answer:
    _require_app(ctx)
    state = ctx.state
    user_id = param(params, "USER_ID")
    inner = param(params, "USER_PHONE_INNER")
    if user_id in (None, "") and inner not in (None, ""):
        user_id = next((r["ID"] for r in state.users.rows.values() if r.get("UF_PHONE_INNER") == str(inner)), None)
    if user_id in (None, "") or state.users.get(_int(user_id, "USER_ID")) is None:
        raise ApiFault("", "USER_ID or USER_PHONE_INNER should be set", 400)
    phone = str(param(params, "PHONE_NUMBER") or "")
    if not phone:
        raise ApiFault("", "PHONE_NUMBER should not be empty", 400)
    call_type = _int(param(params, "TYPE"), "TYPE")
    if call_type not in (1, 2, 3, 4):
        raise ApiFault("", "Unknown TYPE", 400)
    fingerprint = hashlib.sha1(repr(sorted((str(k).upper(), str(v)) for k, v in params.items()
                                            if str(k).lower() != "auth")).encode()).hexdigest()
    now = time.time()
    for call in state.calls.values():
        if call["_fingerprint"] == fingerprint and now - call["_registered"] < CALL_REPEAT_WINDOW:
            return Answer(_call_public(call))
    etype = str(param(params, "CRM_ENTITY_TYPE") or "").upper()
    eid = param(params, "CRM_ENTITY_ID")
    created: list[Row] = []
    if not etype or not eid:
        etype, eid = "", None
        hits = state.phone_index.get(phone_key(phone), set())
        for kind in ("CONTACT", "COMPANY", "LEAD"):
            ids = sorted(i for t, i in hits if t == kind)
            if ids:
                etype, eid = kind, ids[0]
                break
        if eid is None and str(param(params, "CRM_CREATE", "0")) == "1":
            lead_id = state.crm_add(SPECS["lead"], {"TITLE": f"Звонок {phone}", "PHONE": [{"VALUE": phone}],
                                                    "SOURCE_ID": "CALL"}, user_id=int(user_id))
            etype, eid = "LEAD", lead_id
            created.append({"ENTITY_TYPE": "LEAD", "ENTITY_ID": lead_id})
    call_id = f"externalCall.{hashlib.md5(f'{fingerprint}{now}'.encode()).hexdigest()}.{int(now)}"
    call = {"CALL_ID": call_id, "USER_ID": str(user_id), "PHONE_NUMBER": phone, "TYPE": str(call_type),
            "CRM_ENTITY_TYPE": etype or None, "CRM_ENTITY_ID": int(eid) if eid else None,
            "CRM_CREATED_LEAD": created[0]["ENTITY_ID"] if created else None, "CRM_CREATED_ENTITIES": created,
            "_fingerprint": fingerprint, "_registered": now, "_finished": False}
    state.calls[call_id] = call
    return Answer(_call_public(call))


def _call_public(call: Row) -> Row:
    return {k: call[k] for k in ("CALL_ID", "CRM_CREATED_LEAD", "CRM_CREATED_ENTITIES", "CRM_ENTITY_TYPE",
                                 "CRM_ENTITY_ID")}


def externalcall_finish(ctx: Context, params: dict[str, Any]) -> Answer:
    _require_app(ctx)
    state = ctx.state
    call = state.calls.get(str(param(params, "CALL_ID") or ""))
    if call is None or call["_finished"]:
        raise ApiFault("", "Call is not found, or finished", 400)
    duration = _int(param(params, "DURATION", 0) or 0, "DURATION")
    status = str(param(params, "STATUS_CODE") or ("200" if duration > 0 else "304"))
    call["_finished"] = True
    activity_id = None
    owner = {"CONTACT": 3, "COMPANY": 4, "LEAD": 1, "DEAL": 2}.get(call["CRM_ENTITY_TYPE"] or "")
    if owner and call["CRM_ENTITY_ID"]:
        activity_id = state.activities.insert({
            "OWNER_TYPE_ID": str(owner), "OWNER_ID": str(call["CRM_ENTITY_ID"]), "TYPE_ID": "2",
            "SUBJECT": f"Звонок {call['PHONE_NUMBER']}", "DIRECTION": "1" if call["TYPE"] in ("2", "3") else "2",
            "RESPONSIBLE_ID": str(param(params, "USER_ID") or call["USER_ID"]), "CREATED": now_iso(),
            "ORIGIN_ID": call["CALL_ID"], "COMMUNICATIONS": [{"VALUE": call["PHONE_NUMBER"], "TYPE": "PHONE"}],
            "SETTINGS": {"DURATION": duration, "STATUS_CODE": status,
                         "RECORD_URL": param(params, "RECORD_URL")},
        })
    return Answer({"CALL_ID": call["CALL_ID"], "ID": str(len([c for c in state.calls.values() if c["_finished"]])),
                   "PORTAL_USER_ID": call["USER_ID"], "PHONE_NUMBER": call["PHONE_NUMBER"],
                   "CALL_DURATION": str(duration), "CALL_FAILED_CODE": status,
                   "CRM_ENTITY_TYPE": call["CRM_ENTITY_TYPE"], "CRM_ENTITY_ID": call["CRM_ENTITY_ID"],
                   "CRM_ACTIVITY_ID": activity_id, "CALL_START_DATE": now_iso()})


def _build() -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for spec in SPECS.values():
        handlers.update(_crm_handlers(spec))
    handlers.update({
        "crm.deal.contact.items.get": deal_contacts_get,
        "crm.deal.contact.items.set": deal_contacts_set,
        "crm.deal.contact.items.delete": deal_contacts_delete,
        "crm.duplicate.findbycomm": duplicate_findbycomm,
        "crm.timeline.comment.add": timeline_comment_add,
        "crm.activity.add": activity_add,
        "crm.activity.list": activity_list,
        "crm.activity.get": activity_get,
        "crm.activity.update": activity_update,
        "crm.category.list": category_list,
        "crm.status.list": status_list,
        "user.get": user_get,
        "user.current": user_current,
        "user.admin": user_admin,
        "scope": scope,
        "tasks.task.add": task_add,
        "tasks.task.update": task_update,
        "tasks.task.get": task_get,
        "tasks.task.delete": task_delete,
        "tasks.task.list": task_list,
        "telephony.externalcall.register": externalcall_register,
        "telephony.externalcall.finish": externalcall_finish,
    })
    return handlers


HANDLERS: dict[str, Handler] = _build()
