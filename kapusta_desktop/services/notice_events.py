"""Plain events the notifier publishes on the bus; the UI turns them into signals."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NoticesChanged:
    """Something in the Notices list changed (queued, state moved): refresh the view."""


@dataclass(frozen=True)
class NoticeSent:
    notice_id: int
    chat_id: str
    possible_duplicate: bool


@dataclass(frozen=True)
class NoticeFailed:
    notice_id: int
    chat_id: str
    error: str
    state: str  # failed, uncertain, stopped


@dataclass(frozen=True)
class TelegramTargetStopped:
    """The chat refused us (blocked, kicked, never started, not found): the admin must act, then resume it."""

    chat_id: str
    reason: str


@dataclass(frozen=True)
class TelegramTargetMigrated:
    old_chat_id: str
    new_chat_id: str


@dataclass(frozen=True)
class TelegramTokenRejected:
    """401: sending is halted until the admin enters a working token."""

    reason: str
