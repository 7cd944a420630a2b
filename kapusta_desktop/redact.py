"""Masking of secrets in any text that may leave the process memory.

Two layers: values registered at run time (the secrets the keyring handed us)
are replaced wherever they appear, and patterns catch secrets we were never
told about (a webhook code inside a URL, a bot token, a signed Mango form).
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "***"

_lock = threading.Lock()
_known: set[str] = set()
_known_re: re.Pattern[str] | None = None

# Each pattern keeps its first group and masks the rest of the match.
_PATTERNS: list[re.Pattern[str]] = [
    # Bitrix24 incoming webhook: /rest/<user id>/<code>/
    re.compile(r"(/rest/\d+/)([A-Za-z0-9_]{6,})"),
    # Telegram bot token inside an API URL or loose in text.
    re.compile(r"(/bot)(\d{3,16}:[A-Za-z0-9_-]{20,})"),
    re.compile(r"()(\b\d{5,16}:[A-Za-z0-9_-]{30,64}\b)"),
    # Query or form fields that carry credentials.
    re.compile(
        r"((?:vpbx_api_key|vpbx_api_salt|api_salt|sign|auth|access_token|refresh_token|"
        r"client_secret|password|token|application_token)[\"']?\s*[=:]\s*[\"']?)([^&\s\"',}]{4,})",
        re.IGNORECASE,
    ),
]


def register_secret(value: str | None) -> None:
    """Remember a secret so any later text containing it is masked."""
    global _known_re
    if not value or len(value) < 4:
        return
    with _lock:
        if value in _known:
            return
        _known.add(value)
        ordered = sorted(_known, key=len, reverse=True)
        _known_re = re.compile("|".join(re.escape(v) for v in ordered))


def forget_secrets() -> None:
    global _known_re
    with _lock:
        _known.clear()
        _known_re = None


def redact(text: str) -> str:
    """Return `text` with every known or recognisable secret masked."""
    if not text:
        return text
    known = _known_re
    if known is not None:
        text = known.sub(MASK, text)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then masks the whole line, traceback included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingFilter(logging.Filter):
    """Masks a record in place, for handlers whose formatter we do not own."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
