"""PHP bracket-style parameters (`fields[PHONE][0][VALUE]=...`) to nested dicts and lists, as PHP parses them."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY_RE = re.compile(r"\[([^\]]*)\]")


def parse_php_query(query: str) -> dict[str, Any]:
    return build_nested(parse_qsl(query, keep_blank_values=True))


def build_nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for raw_key, value in pairs:
        head, _, rest = raw_key.partition("[")
        if not head:
            continue
        path = [head, *_KEY_RE.findall("[" + rest)] if rest else [head]
        node: dict[str, Any] = root
        for i, part in enumerate(path):
            last = i == len(path) - 1
            if part == "":  # `select[]=ID` appends
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[part] = value
            else:
                nxt = node.get(part)
                if not isinstance(nxt, dict):
                    nxt = {}
                    node[part] = nxt
                node = nxt
    return _listify(root)


def _listify(node: Any) -> Any:
    """Dicts keyed 0..n-1 become lists, the way code reading PHP arrays expects them."""
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node) and sorted(int(k) for k in node) == list(range(len(node))):
            return [node[str(i)] for i in range(len(node))]
    return node
