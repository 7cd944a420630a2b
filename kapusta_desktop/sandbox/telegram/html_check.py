"""Telegram's HTML parse mode, as the Bot API server checks it (after TDLib's parse_html).

Returns the plain text a message shows, or raises EntityParseError with the
same wording Telegram uses after "Bad Request: can't parse entities: ".
"""

from __future__ import annotations

import re

ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
     "tg-spoiler", "span", "tg-emoji"}
)
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[a-zA-Z0-9-]*")
_ATTR = re.compile(r"\s*([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")


class EntityParseError(ValueError):
    pass


def _offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int]:
    m = _ENTITY.match(text, i)
    if m:
        body = m.group(1)
        if body.startswith("#x"):
            return chr(int(body[2:], 16)), m.end()
        if body.startswith("#"):
            code = int(body[1:])
            if code <= 0x10FFFF:
                return chr(code), m.end()
        elif body.lower() in _NAMED:
            return _NAMED[body.lower()], m.end()
    # Telegram keeps an unknown "&..." as it is.
    return "&", i + 1


def _read_attributes(text: str, i: int, tag_offset: int) -> tuple[dict[str, str], int]:
    attrs: dict[str, str] = {}
    n = len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {tag_offset}")
        if text[i] == ">":
            return attrs, i + 1
        if text[i] == "/" and i + 1 < n and text[i + 1] == ">":
            return attrs, i + 2
        m = _ATTR.match(text, i)
        if not m or m.end() == i:
            raise EntityParseError(f"Empty attribute name in the tag at byte offset {tag_offset}")
        value = m.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attrs[m.group(1).lower()] = value
        i = m.end()


def parse_html(text: str) -> str:
    """The visible text of an HTML-mode message; EntityParseError when Telegram would refuse it."""
    out: list[str] = []
    stack: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "&":
            decoded, i = _decode_entity(text, i)
            out.append(decoded)
            continue
        if c != "<":
            out.append(c)
            i += 1
            continue
        offset = _offset(text, i)
        if i + 1 < n and text[i + 1] == "/":
            end = text.find(">", i)
            if end < 0:
                raise EntityParseError(f"Unclosed end tag at byte offset {offset}")
            name = text[i + 2 : end].strip().lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
            open_tag = stack.pop()
            if name and name != open_tag:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{open_tag}>", found "</{name}>"'
                )
            i = end + 1
            continue
        m = _TAG_NAME.match(text, i + 1)
        name = m.group(0).lower() if m else ""
        if name not in ALLOWED_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
        attrs, i = _read_attributes(text, i + 1 + len(name), offset)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError('Tag "span" must have class "tg-spoiler" at byte offset ' + str(offset))
        if name == "a" and "href" in attrs and not attrs["href"]:
            raise EntityParseError(f"Empty URL in the tag at byte offset {offset}")
        stack.append(name)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
