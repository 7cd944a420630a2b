"""The portal's data, in memory: rows keyed by int ID plus a sorted id list per table.

Every value a row holds is already in the portal's wire form (strings for
scalars, lists of dicts for PHONE/EMAIL/WEB), so answering is a projection.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kapusta_desktop.sandbox.bitrix24.clock import now_iso

Row = dict[str, Any]


@dataclass(frozen=True)
class EntitySpec:
    name: str  # "deal"
    type_name: str  # "DEAL" as crm.duplicate.findbycomm names it
    type_id: int  # CRM entity type id (1 lead, 2 deal, 3 contact, 4 company)
    kinds: dict[str, str]  # field -> "int" | "float" | "date" | "str"
    multi: tuple[str, ...] = ()

    @property
    def scalar_fields(self) -> list[str]:
        return list(self.kinds)


_COMMON = {"ID": "int", "ASSIGNED_BY_ID": "int", "CREATED_BY_ID": "int", "MODIFY_BY_ID": "int",
           "DATE_CREATE": "date", "DATE_MODIFY": "date", "ORIGINATOR_ID": "str", "ORIGIN_ID": "str",
           "SOURCE_ID": "str", "OPENED": "str", "COMMENTS": "str"}
DEAL = EntitySpec("deal", "DEAL", 2, {**_COMMON, "TITLE": "str", "TYPE_ID": "str", "STAGE_ID": "str",
                                      "CATEGORY_ID": "int", "STAGE_SEMANTIC_ID": "str", "CURRENCY_ID": "str",
                                      "OPPORTUNITY": "float", "COMPANY_ID": "int", "CONTACT_ID": "int",
                                      "CLOSED": "str", "BEGINDATE": "date", "CLOSEDATE": "date"})
CONTACT = EntitySpec("contact", "CONTACT", 3, {**_COMMON, "NAME": "str", "SECOND_NAME": "str", "LAST_NAME": "str",
                                               "POST": "str", "COMPANY_ID": "int", "TYPE_ID": "str",
                                               "HAS_PHONE": "str", "HAS_EMAIL": "str"}, ("PHONE", "EMAIL"))
COMPANY = EntitySpec("company", "COMPANY", 4, {**_COMMON, "TITLE": "str", "COMPANY_TYPE": "str", "INDUSTRY": "str",
                                               "HAS_PHONE": "str", "HAS_EMAIL": "str"}, ("PHONE", "EMAIL", "WEB"))
LEAD = EntitySpec("lead", "LEAD", 1, {**_COMMON, "TITLE": "str", "NAME": "str", "LAST_NAME": "str",
                                      "COMPANY_TITLE": "str", "STATUS_ID": "str", "OPPORTUNITY": "float",
                                      "CURRENCY_ID": "str", "HAS_PHONE": "str", "HAS_EMAIL": "str"},
                  ("PHONE", "EMAIL"))
TASK_KINDS = {"ID": "int", "TITLE": "str", "DESCRIPTION": "str", "DEADLINE": "date", "STATUS": "int",
              "RESPONSIBLE_ID": "int", "CREATED_BY": "int", "CREATED_DATE": "date", "CHANGED_DATE": "date",
              "CLOSED_DATE": "date", "PRIORITY": "int", "GROUP_ID": "int", "UF_CRM_TASK": "str",
              "XML_ID": "str"}
USER_KINDS = {"ID": "int", "ACTIVE": "str", "NAME": "str", "LAST_NAME": "str", "EMAIL": "str",
              "WORK_PHONE": "str", "PERSONAL_MOBILE": "str", "UF_PHONE_INNER": "str", "UF_DEPARTMENT": "int",
              "WORK_POSITION": "str"}
SPECS = {s.name: s for s in (DEAL, CONTACT, COMPANY, LEAD)}


class Table:
    """Rows by id plus ids in ascending order (ids only grow, so appends keep it sorted)."""

    def __init__(self) -> None:
        self.rows: dict[int, Row] = {}
        self.ids: list[int] = []
        self.next_id = 1

    def __len__(self) -> int:
        return len(self.rows)

    def insert(self, row: Row, row_id: int | None = None) -> int:
        rid = row_id if row_id is not None else self.next_id
        if rid in self.rows:
            raise KeyError(rid)
        self.next_id = max(self.next_id, rid + 1)
        row["ID"] = str(rid)
        self.rows[rid] = row
        if not self.ids or rid > self.ids[-1]:
            self.ids.append(rid)
        else:
            bisect.insort(self.ids, rid)
        return rid

    def get(self, rid: int) -> Row | None:
        return self.rows.get(rid)

    def delete(self, rid: int) -> Row | None:
        row = self.rows.pop(rid, None)
        if row is not None:
            i = bisect.bisect_left(self.ids, rid)
            if i < len(self.ids) and self.ids[i] == rid:
                self.ids.pop(i)
        return row

    def iter_from(self, lowest: int | None = None, *, descending: bool = False) -> Iterator[Row]:
        if descending:
            for rid in reversed(self.ids):
                yield self.rows[rid]
            return
        start = bisect.bisect_left(self.ids, lowest) if lowest is not None else 0
        rows, ids = self.rows, self.ids
        for i in range(start, len(ids)):
            yield rows[ids[i]]


_EXT_RE = re.compile(r"(доб|ext|вн|#|x\b|\().*$", re.IGNORECASE)


def phone_key(value: str) -> str:
    """Digits of the main number (an extension dropped), Russian trunk 8 read as +7."""
    main = _EXT_RE.sub("", str(value)) or str(value)
    digits = "".join(ch for ch in main if ch.isdigit())
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    return digits


@dataclass
class PortalState:
    tables: dict[str, Table] = field(default_factory=lambda: {name: Table() for name in SPECS})
    tasks: Table = field(default_factory=Table)
    users: Table = field(default_factory=Table)
    deal_contacts: dict[int, list[Row]] = field(default_factory=dict)
    activities: Table = field(default_factory=Table)
    comments: Table = field(default_factory=Table)
    calls: dict[str, Row] = field(default_factory=dict)
    phone_index: dict[str, set[tuple[str, int]]] = field(default_factory=dict)
    email_index: dict[str, set[tuple[str, int]]] = field(default_factory=dict)
    next_multi_id: int = 1

    # --- multi-fields (PHONE, EMAIL, WEB) -----------------------------------------------------

    def _index_for(self, fld: str) -> dict[str, set[tuple[str, int]]] | None:
        return self.phone_index if fld == "PHONE" else self.email_index if fld == "EMAIL" else None

    def _index(self, spec: EntitySpec, rid: int, row: Row, add: bool) -> None:
        for fld in ("PHONE", "EMAIL"):
            index = self._index_for(fld)
            for item in row.get(fld) or ():
                key = phone_key(item["VALUE"]) if fld == "PHONE" else str(item["VALUE"]).lower()
                if not key:
                    continue
                bucket = index.setdefault(key, set()) if index is not None else set()
                if add:
                    bucket.add((spec.type_name, rid))
                else:
                    bucket.discard((spec.type_name, rid))

    def apply_multi(self, fld: str, current: list[Row], changes: Any) -> list[Row]:
        """PHONE/EMAIL update semantics: no ID = add, ID = change, ID + DELETE=Y or empty VALUE = delete."""
        items = [dict(i) for i in current]
        by_id = {i["ID"]: i for i in items}
        if isinstance(changes, Mapping):
            changes = list(changes.values())
        for ch in changes or ():
            if not isinstance(ch, Mapping):
                continue
            value = ch.get("VALUE")
            item_id = str(ch.get("ID") or "")
            if item_id and item_id in by_id:
                if str(ch.get("DELETE", "")).upper() == "Y" or value in ("", None):
                    items = [i for i in items if i["ID"] != item_id]
                    by_id.pop(item_id)
                else:
                    by_id[item_id]["VALUE"] = str(value)
                    if ch.get("VALUE_TYPE"):
                        by_id[item_id]["VALUE_TYPE"] = str(ch["VALUE_TYPE"])
            elif not item_id and value not in ("", None):
                new = {"ID": str(self.next_multi_id), "VALUE_TYPE": str(ch.get("VALUE_TYPE") or "WORK"),
                       "VALUE": str(value), "TYPE_ID": fld}
                self.next_multi_id += 1
                items.append(new)
                by_id[new["ID"]] = new
        return items

    # --- CRM rows -----------------------------------------------------------------------------

    def crm_add(self, spec: EntitySpec, fields: Mapping[str, Any], *, user_id: int, row_id: int | None = None,
                created: str | None = None, modified: str | None = None) -> int:
        stamp = now_iso()
        row: Row = {k: None for k in spec.kinds}
        row.update({"DATE_CREATE": created or stamp, "DATE_MODIFY": modified or created or stamp,
                    "CREATED_BY_ID": str(user_id), "MODIFY_BY_ID": str(user_id), "ASSIGNED_BY_ID": str(user_id),
                    "OPENED": "Y"})
        for m in spec.multi:
            row[m] = []
        if spec is DEAL:
            row.update({"CATEGORY_ID": "0", "STAGE_ID": "NEW", "CURRENCY_ID": "RUB", "OPPORTUNITY": "0.00"})
        self._assign(spec, row, fields)
        rid = self.tables[spec.name].insert(row, row_id)
        if spec is DEAL and "CONTACT_IDS" in fields:
            self.set_deal_contacts(rid, [{"CONTACT_ID": c} for c in _id_list(fields["CONTACT_IDS"])], touch=False)
        self._index(spec, rid, row, add=True)
        return rid

    def crm_update(self, spec: EntitySpec, rid: int, fields: Mapping[str, Any], *, user_id: int) -> bool:
        row = self.tables[spec.name].get(rid)
        if row is None:
            return False
        self._index(spec, rid, row, add=False)
        self._assign(spec, row, fields, updating=True)
        row["DATE_MODIFY"] = now_iso()
        row["MODIFY_BY_ID"] = str(user_id)
        if spec is DEAL and "CONTACT_IDS" in fields:
            self.set_deal_contacts(rid, [{"CONTACT_ID": c} for c in _id_list(fields["CONTACT_IDS"])], touch=False)
        self._index(spec, rid, row, add=True)
        return True

    def crm_delete(self, spec: EntitySpec, rid: int) -> bool:
        row = self.tables[spec.name].delete(rid)
        if row is None:
            return False
        self._index(spec, rid, row, add=False)
        if spec is DEAL:
            self.deal_contacts.pop(rid, None)
        return True

    def _assign(self, spec: EntitySpec, row: Row, fields: Mapping[str, Any], updating: bool = False) -> None:
        for key, value in fields.items():
            k = str(key).upper()
            if k == "ID":
                continue
            if k in spec.multi:
                row[k] = self.apply_multi(k, row.get(k) or [] if updating else [], value)
            elif k in spec.kinds or k.startswith("UF_"):
                row[k] = _wire(value, spec.kinds.get(k, "str"))
        if "PHONE" in spec.multi:
            row["HAS_PHONE"] = "Y" if row.get("PHONE") else "N"
        if "EMAIL" in spec.multi:
            row["HAS_EMAIL"] = "Y" if row.get("EMAIL") else "N"
        if spec is DEAL:
            stage = str(row.get("STAGE_ID") or "NEW")
            base = stage.split(":", 1)[-1]
            sem = "S" if base == "WON" else "F" if base in ("LOSE", "APOLOGY") else "P"
            row["STAGE_SEMANTIC_ID"] = sem
            row["CLOSED"] = "N" if sem == "P" else "Y"
            if row.get("OPPORTUNITY") is not None:
                try:
                    row["OPPORTUNITY"] = f"{float(row['OPPORTUNITY']):.2f}"
                except ValueError:
                    row["OPPORTUNITY"] = "0.00"

    def set_deal_contacts(self, deal_id: int, items: list[Mapping[str, Any]], *, touch: bool = True) -> None:
        clean: list[Row] = []
        for i, it in enumerate(items):
            cid = int(it.get("CONTACT_ID") or 0)
            if cid <= 0:
                continue
            clean.append({"CONTACT_ID": str(cid), "SORT": str(it.get("SORT") or (i + 1) * 10),
                          "ROLE_ID": "0", "IS_PRIMARY": str(it.get("IS_PRIMARY") or "N").upper()})
        if clean and not any(c["IS_PRIMARY"] == "Y" for c in clean):
            clean[0]["IS_PRIMARY"] = "Y"
        self.deal_contacts[deal_id] = clean
        deal = self.tables["deal"].get(deal_id)
        if deal is not None:
            primary = next((c["CONTACT_ID"] for c in clean if c["IS_PRIMARY"] == "Y"), None)
            deal["CONTACT_ID"] = primary
            if touch:
                deal["DATE_MODIFY"] = now_iso()


def _wire(value: Any, kind: str) -> Any:
    """Values are kept the way the portal sends them: strings, or None for empty ids."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, (list, dict)):
        return value
    if kind == "int" and str(value).strip() in ("", "0") :
        return None if str(value).strip() == "" else "0"
    return str(value)


def _id_list(value: Any) -> list[int]:
    if isinstance(value, Mapping):
        value = list(value.values())
    if not isinstance(value, (list, tuple)):
        value = [value]
    out: list[int] = []
    for v in value:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            continue
    return out
