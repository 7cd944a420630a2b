"""Logging to a rotating file in the profile, every line passed through redaction."""

from __future__ import annotations

import logging
import logging.handlers

from kapusta_desktop.paths import Profile
from kapusta_desktop.redact import RedactingFilter, RedactingFormatter

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_installed: list[logging.Handler] = []


def setup_logging(profile: Profile, level: str = "INFO", *, console: bool = False) -> None:
    """Install the file handler (and optionally stderr); safe to call again."""
    shutdown_logging()
    profile.log_dir.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        profile.log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handlers: list[logging.Handler] = [file_handler]
    if console:
        handlers.append(logging.StreamHandler())
    root = logging.getLogger()
    for h in handlers:
        h.setFormatter(RedactingFormatter(FORMAT))
        h.addFilter(RedactingFilter())
        root.addHandler(h)
        _installed.append(h)
    root.setLevel(level.upper())
    # httpx logs every request URL at INFO; a webhook URL is a secret.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def shutdown_logging() -> None:
    root = logging.getLogger()
    while _installed:
        h = _installed.pop()
        root.removeHandler(h)
        h.close()
