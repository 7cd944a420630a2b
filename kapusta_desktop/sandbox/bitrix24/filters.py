"""Bitrix24 list filters: `{">ID": 5, "@STAGE_ID": ["NEW", "WON"], "%TITLE": "охрана"}`."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

# Longest prefixes first so ">=" wins over ">".
_PREFIXES = (">=", "<=", "!=", "!@", "=%", "%=", "!%", ">", "<", "=", "!", "@", "%")
MULTI_FIELDS = frozenset({"PHONE", "EMAIL", "WEB", "IM"})

Row = dict[str, Any]
Predicate = Callable[[Row], bool]


def split_key(key: str) -> tuple[str, str]:
    for p in _PREFIXES:
        if key.startswith(p):
            return p, key[len(p):]
    return "", key


def parse_date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    s = str(value).strip()
    if not s:
        return None
    try:
        d = datetime.fromisoformat(s)
    except ValueError:
        try:
            d = datetime.strptime(s, "%d.%m.%Y %H:%M:%S")
        except ValueError:
            try:
                d = datetime.strptime(s, "%d.%m.%Y")
            except ValueError:
                return None
    if d.tzinfo is None:
        from kapusta_desktop.sandbox.bitrix24.clock import MSK

        d = d.replace(tzinfo=MSK)
    return d


def _coerce(kind: str, value: Any) -> Any:
    """Filter and row values compared as the field's type; None when it cannot be read."""
    if value is None:
        return None
    if kind == "int":
        try:
            return int(str(value).strip())
        except ValueError:
            try:
                return int(float(str(value)))
            except ValueError:
                return None
    if kind == "float":
        try:
            return float(str(value))
        except ValueError:
            return None
    if kind == "date":
        return parse_date(value)
    return str(value)


def _like(pattern: str) -> re.Pattern[str]:
    parts = (re.escape(p) for p in pattern.split("%"))
    return re.compile("^" + ".*".join(parts) + "$", re.IGNORECASE | re.DOTALL)


def compile_filter(flt: Mapping[str, Any] | None, kinds: Mapping[str, str]) -> list[Predicate]:
    """One predicate per filter key; unknown fields are ignored, as the portal does."""
    preds: list[Predicate] = []
    for key, raw in (flt or {}).items():
        op, fld = split_key(str(key))
        fld = fld.upper()
        if fld in MULTI_FIELDS:
            preds.append(_multi_pred(fld, op, raw))
            continue
        kind = kinds.get(fld)
        if kind is None:
            continue
        preds.append(_scalar_pred(fld, kind, op, raw))
    return preds


def _values(raw: Any) -> list[Any]:
    if isinstance(raw, Mapping):
        return list(raw.values())
    if isinstance(raw, (list, tuple, set)):
        return list(raw)
    return [raw]


def _scalar_pred(fld: str, kind: str, op: str, raw: Any) -> Predicate:
    if op in ("%", "!%", "=%", "%="):
        text = str(raw)
        rx = _like(text) if op in ("=%", "%=") else None
        low = text.lower()
        negate = op == "!%"

        def like(row: Row) -> bool:
            v = row.get(fld)
            hit = False if v is None else (bool(rx.match(str(v))) if rx else low in str(v).lower())
            return hit != negate

        return like
    if op in ("", "=", "@", "!", "!=", "!@") or isinstance(raw, (list, tuple)):
        wanted = {_coerce(kind, v) for v in _values(raw)}
        # An empty value filters on "empty" (NULL or "").
        if wanted == {None} or wanted == {""}:
            wanted = {None, ""}
        negate = op in ("!", "!=", "!@")

        def member(row: Row) -> bool:
            v = _coerce(kind, row.get(fld))
            if v == "" and kind != "str":
                v = None
            return (v in wanted) != negate

        return member
    bound = _coerce(kind, raw)
    if bound is None or bound == "":
        return lambda row: False  # `>ID: ""` (e.g. an unresolved batch reference) matches nothing
    cmp: Callable[[Any, Any], bool] = {
        ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    }[op]

    def compare(row: Row) -> bool:
        v = _coerce(kind, row.get(fld))
        if v is None or v == "":
            return False
        try:
            return cmp(v, bound)
        except TypeError:
            return False

    return compare


def _multi_pred(fld: str, op: str, raw: Any) -> Predicate:
    """PHONE/EMAIL filters are exact matches on VALUE (as the reference says)."""
    wanted = {str(v) for v in _values(raw)}
    negate = op in ("!", "!=", "!@")

    def multi(row: Row) -> bool:
        items: Iterable[Mapping[str, Any]] = row.get(fld) or ()
        return any(str(i.get("VALUE")) in wanted for i in items) != negate

    return multi


def id_lower_bound(flt: Mapping[str, Any] | None) -> int | None:
    """The smallest ID a `>ID`/`>=ID` filter allows, for the bisect fast path.

    A bound that is not a number matches nothing, so the scan starts past the end.
    """
    best: int | None = None
    for key, raw in (flt or {}).items():
        op, fld = split_key(str(key))
        if fld.upper() != "ID" or op not in (">", ">="):
            continue
        v = _coerce("int", raw)
        if v is None:
            return sys.maxsize
        lo = v + 1 if op == ">" else v
        best = lo if best is None else max(best, lo)
    return best
