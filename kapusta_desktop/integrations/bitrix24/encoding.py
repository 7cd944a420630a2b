"""PHP-style query encoding, the form a batch command's parameters travel in, and its reading back."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

_KEY_RE = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT_RE = re.compile(r"\[([^\[\]]*)\]")


class FormKeyError(ValueError):
    """A form field that does not read as PHP-style brackets (or is not plain text)."""


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    return str(value)


def flatten(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """`{"filter": {">ID": 5}, "select": ["ID"]}` -> `[("filter[>ID]", "5"), ("select[0]", "ID")]`."""
    pairs: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(f"{prefix}[{k}]" if prefix else str(k), v)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(f"{prefix}[{i}]", v)
        else:
            pairs.append((prefix, _scalar(value)))

    walk("", params)
    return pairs


def php_query(params: Mapping[str, Any] | None) -> str:
    """Encode like PHP's http_build_query.

    Empty arrays are left out, as PHP does: a query string cannot carry `[]`.
    A caller that means "clear this list" must say it in a form the method
    understands: `[""]` for a multiple field (the portal drops empty values),
    or a dedicated method (`crm.deal.contact.items.delete`).
    """
    return urlencode(flatten(params or {}))


def batch_command(method: str, params: Mapping[str, Any] | None) -> str:
    query = php_query(params)
    return f"{method}?{query}" if query else method


def nest_form(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """`filter[>ID]=5&select[]=ID` -> {"filter": {">ID": "5"}, "select": ["ID"]}, as PHP reads a form.

    `a[]` appends to a list (`a[][b]` appends a dict); a later value of the same key wins.
    Raises FormKeyError for a name that does not parse or mixes lists, keys and plain values.
    """
    out: dict[str, Any] = {}
    for key, value in pairs:
        if not isinstance(value, str):
            raise FormKeyError(f"{key[:40]!r} must be a plain form field")
        m = _KEY_RE.match(key)
        if not m:
            raise FormKeyError(f"cannot read the form key {key[:40]!r}")
        parts = [m.group(1), *_SEGMENT_RE.findall(m.group(2))]
        node: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt: Any = value if last else ([] if parts[i + 1] == "" else {})
            if isinstance(node, list):
                if part != "":
                    raise FormKeyError(f"mixed list and keys in {key[:40]!r}")
                node.append(nxt)
                node = nxt
            elif part == "":
                raise FormKeyError(f"an empty key in {key[:40]!r}")
            elif last:
                node[part] = value
            else:
                node = node.setdefault(part, nxt)
                if not isinstance(node, dict | list):
                    raise FormKeyError(f"{key[:40]!r} nests under a plain value")
    return out
