"""Typed Bitrix24 errors.

Every error carries `transient`: True means "the same call may succeed later"
(the client retries it with backoff), False means "retrying will not help"
(it surfaces at once). Texts never contain a webhook URL or a token: the
client builds them from the error code and a redacted description only.
"""

from __future__ import annotations

from kapusta_desktop.redact import redact


class Bitrix24Error(Exception):
    """Base of every error the client raises."""

    transient: bool = False
    #: The portal's `error` field ("" for the legacy CRM not-found), or a local code.
    code: str = ""

    def __init__(self, description: str = "", *, code: str | None = None, http_status: int | None = None,
                 method: str | None = None) -> None:
        self.description = redact(description or "")
        if code is not None:
            self.code = code
        self.http_status = http_status
        self.method = method
        where = f" in {method}" if method else ""
        status = f" (HTTP {http_status})" if http_status else ""
        label = self.code or type(self).__name__
        super().__init__(f"{label}{where}{status}: {self.description}".rstrip(": "))


# --- transient: retry with backoff ------------------------------------------------------------


class TransientError(Bitrix24Error):
    transient = True


class QueryLimitExceeded(TransientError):
    code = "QUERY_LIMIT_EXCEEDED"


class OperationTimeLimit(TransientError):
    """The method's time budget is spent; `reset_at` (unix time) says when it returns, if known."""

    code = "OPERATION_TIME_LIMIT"

    def __init__(self, description: str = "", *, reset_at: float | None = None, **kw: object) -> None:
        self.reset_at = reset_at
        super().__init__(description, **kw)  # type: ignore[arg-type]


class OverloadLimit(TransientError):
    code = "OVERLOAD_LIMIT"


class ServerError(TransientError):
    """5xx, INTERNAL_SERVER_ERROR, or an HTML page where JSON was expected."""

    code = "INTERNAL_SERVER_ERROR"


class HtmlInsteadOfJson(ServerError):
    code = "HTML_RESPONSE"


class NetworkError(TransientError):
    """Connection refused or dropped, TLS failure, protocol error."""

    code = "NETWORK_ERROR"


class RequestTimeout(TransientError):
    code = "TIMEOUT"


class ExpiredToken(TransientError):
    """The OAuth access token expired; the client refreshes it and retries."""

    code = "expired_token"


# --- permanent: surface at once ---------------------------------------------------------------


class PermanentError(Bitrix24Error):
    transient = False


class AuthError(PermanentError):
    """Wrong webhook code or token, or the refresh was refused."""

    code = "NO_AUTH_FOUND"


class InvalidCredentials(PermanentError):
    code = "INVALID_CREDENTIALS"


class InsufficientScope(PermanentError):
    code = "insufficient_scope"


class WrongAuthType(PermanentError):
    code = "WRONG_AUTH_TYPE"


class AccessDenied(PermanentError):
    code = "ACCESS_DENIED"


class MethodNotFound(PermanentError):
    code = "ERROR_METHOD_NOT_FOUND"


class NotFound(PermanentError):
    """Legacy CRM not-found: HTTP 400 with an empty error code and "Not found"."""

    code = ""


class BatchLengthExceeded(PermanentError):
    code = "ERROR_BATCH_LENGTH_EXCEEDED"


class BadResponse(PermanentError):
    """JSON that is not a Bitrix24 envelope."""

    code = "BAD_RESPONSE"


class ApiError(PermanentError):
    """Any other error code the portal reports (validation errors and the like)."""


_BY_CODE: dict[str, type[Bitrix24Error]] = {
    "QUERY_LIMIT_EXCEEDED": QueryLimitExceeded,
    "OPERATION_TIME_LIMIT": OperationTimeLimit,
    "OVERLOAD_LIMIT": OverloadLimit,
    "INTERNAL_SERVER_ERROR": ServerError,
    "expired_token": ExpiredToken,
    "NO_AUTH_FOUND": AuthError,
    "invalid_token": AuthError,
    "INVALID_CREDENTIALS": InvalidCredentials,
    "insufficient_scope": InsufficientScope,
    "WRONG_AUTH_TYPE": WrongAuthType,
    "ACCESS_DENIED": AccessDenied,
    "ERROR_METHOD_NOT_FOUND": MethodNotFound,
    "ERROR_BATCH_LENGTH_EXCEEDED": BatchLengthExceeded,
}


def error_from_payload(code: str, description: str, *, http_status: int | None = None,
                       method: str | None = None) -> Bitrix24Error:
    """Map a portal `{error, error_description}` to its typed error."""
    cls = _BY_CODE.get(code)
    if cls is None:
        if code == "" and "not found" in description.lower():
            cls = NotFound
        elif http_status is not None and http_status >= 500:
            cls = ServerError
        else:
            cls = ApiError
    return cls(description, code=code, http_status=http_status, method=method)
