"""Mango result codes: known ones named, unknown ones read by their class."""

from __future__ import annotations

KNOWN: dict[int, str] = {
    1000: "ok",
    1100: "call ended normally",
    1110: "caller hung up",
    1111: "no answer",
    1120: "callee hung up",
    1121: "busy",
    1122: "rejected",
    1181: "ended by API",
    2000: "billing restriction",
    3000: "bad request",
    3100: "bad parameters",
    3101: "request is not POST",
    3102: "bad sign",
    3103: "missing parameter",
    3104: "bad parameter format",
    3105: "bad API key",
    3200: "bad number",
    3300: "object not found",
    3310: "call not found",
    3320: "recording not found",
    3400: "invalid JSON",
    4000: "command cannot be done",
    4001: "unsupported",
    4100: "call state does not allow it",
    4101: "call ended or not found",
    5000: "PBX server error",
}


def result_class(code: int) -> int:
    """The nearest known code: itself, then its tens, hundreds, thousands (2219 -> 2210 -> 2200 -> 2000)."""
    if code in KNOWN:
        return code
    for step in (10, 100, 1000):
        cls = code - code % step
        if cls in KNOWN:
            return cls
    return code - code % 1000


def describe(code: int) -> str:
    cls = result_class(code)
    text = KNOWN.get(cls, "unknown result")
    return text if cls == code else f"{text} (code {code}, class {cls})"


def is_ok(code: int) -> bool:
    return code == 1000


def is_transient(code: int) -> bool:
    """Server-side failures (5xxx) are worth a retry; 2xxx-4xxx are not."""
    return 5000 <= code < 6000


def is_normal_call_end(code: int) -> bool:
    return 1100 <= code < 1200
