"""PHP-style query encoding, the form a batch command's parameters travel in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode


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
