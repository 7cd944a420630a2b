"""Typed Bot API failures: each class says what the caller must do next.

Descriptions come from Telegram (or from us) and never contain the token.
"""

from __future__ import annotations


class TelegramError(Exception):
    def __init__(self, description: str, code: int = 0) -> None:
        super().__init__(f"{code}: {description}" if code else description)
        self.code = code
        self.description = description


class TelegramConfigError(TelegramError):
    """No token, or a token that cannot be one: nothing is sent until the admin fixes it."""


class TelegramUnauthorized(TelegramError):
    """401: the token is wrong or revoked. Stop all sending and tell the admin."""


class TelegramTargetRefused(TelegramError):
    """This chat will not take our messages until a person acts: stop sending to it, tell the admin."""


class TelegramForbidden(TelegramTargetRefused):
    """403: blocked by the user, never started, kicked from the group."""


class TelegramChatNotFound(TelegramTargetRefused):
    """400 chat not found: a wrong id, or the bot was never added."""


class TelegramMigrated(TelegramError):
    """400: the group became a supergroup; resend to `new_chat_id` and remember it."""

    def __init__(self, description: str, code: int, new_chat_id: str) -> None:
        super().__init__(description, code)
        self.new_chat_id = new_chat_id


class TelegramRetryAfter(TelegramError):
    """429 with a wait longer than the client is willing to sit through: retry after `retry_after` s."""

    def __init__(self, description: str, code: int, retry_after: float) -> None:
        super().__init__(description, code)
        self.retry_after = retry_after


class TelegramBadRequest(TelegramError):
    """Other 400s (bad HTML, too long, bad button): our message is wrong; resending will not help."""


class TelegramConflict(TelegramError):
    """409: getUpdates while a webhook is set or another poller runs."""


class TelegramTransientError(TelegramError):
    """Nothing was delivered (connect failure, 5xx, a non-JSON answer): safe to retry later."""


class TelegramMaybeDelivered(TelegramError):
    """The request went out but no answer came back (read timeout): it may have been delivered."""
