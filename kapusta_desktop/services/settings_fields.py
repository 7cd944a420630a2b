"""Every setting the admin may change: its key, label, group, default and parser.

A parser takes the text a person typed (dialog or `config set`) and returns
the typed value, or raises `FieldError` with a message fit to show next to the
field. Messages never repeat the value: it may be a secret.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kapusta_desktop import secret_store as ss


class FieldError(ValueError):
    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")


_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
_WEBHOOK_PATH = re.compile(r"^/rest/([1-9]\d{0,9})/([A-Za-z0-9_]{6,64})/?$")
TELEGRAM_TOKEN_RE = re.compile(r"^[1-9]\d{4,15}:[A-Za-z0-9_-]{30,64}$")
_MANGO_KEY = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.-]{3,128}$")
_APP_SECRET = re.compile(r"^[A-Za-z0-9_-]{10,128}$")
_OAUTH_TOKEN = re.compile(r"^[A-Za-z0-9_.-]{10,512}$")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")
_PATH = re.compile(r"^(/[A-Za-z0-9._~-]+)*/?$")
_EXTENSION = re.compile(r"^\d{1,10}$")
_CHAT_ID = re.compile(r"^(-?[1-9]\d{0,15}|@[A-Za-z][A-Za-z0-9_]{3,31})$")
_TRUE = {"1", "true", "yes", "on", "да"}
_FALSE = {"0", "false", "no", "off", "нет"}


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _base_url(key: str, text: str, what: str) -> str:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise FieldError(key, f"not a {what}: expected https://HOST/...")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise FieldError(key, "must use https (plain http is allowed only for a loopback sandbox)")
    if parts.username or parts.password:
        raise FieldError(key, "must not carry a user name or password")
    if parts.query or parts.fragment:
        raise FieldError(key, "must not carry a query or fragment")
    try:
        _ = parts.port
    except ValueError:
        raise FieldError(key, "has an invalid port") from None
    return text.strip()


def parse_webhook_url(key: str, text: str) -> str:
    url = _base_url(key, text, "Bitrix24 webhook URL")
    parts = urlsplit(url)
    if not _WEBHOOK_PATH.match(parts.path):
        raise FieldError(key, "not a Bitrix24 incoming webhook: expected https://PORTAL/rest/USER_ID/CODE/")
    return url if url.endswith("/") else url + "/"


def parse_portal_url(key: str, text: str) -> str:
    url = _base_url(key, text, "portal URL")
    if urlsplit(url).path not in ("", "/"):
        raise FieldError(key, "must be the portal address only, e.g. https://company.bitrix24.ru")
    return url.rstrip("/")


def parse_api_url(key: str, text: str) -> str:
    url = _base_url(key, text, "API address")
    return url if url.endswith("/") else url + "/"


def _regex(pattern: re.Pattern[str], message: str) -> Callable[[str, str], str]:
    def parse(key: str, text: str) -> str:
        value = text.strip()
        if not pattern.match(value):
            raise FieldError(key, message)
        return value

    return parse


def parse_bool(key: str, text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise FieldError(key, "expected on or off")


def parse_choice(*choices: str) -> Callable[[str, str], str]:
    def parse(key: str, text: str) -> str:
        value = text.strip().lower()
        if value not in choices:
            raise FieldError(key, f"expected one of: {', '.join(choices)}")
        return value

    return parse


def parse_int_range(low: int, high: int, unit: str = "") -> Callable[[str, str], int]:
    def parse(key: str, text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise FieldError(key, "expected a whole number") from None
        if not low <= value <= high:
            raise FieldError(key, f"must be between {low} and {high}{unit}")
        return value

    return parse


def parse_host(key: str, text: str) -> str:
    value = text.strip()
    try:
        ipaddress.ip_address(value)
        return value
    except ValueError:
        pass
    if not _HOSTNAME.match(value):
        raise FieldError(key, "expected an IP address (e.g. 0.0.0.0 or 127.0.0.1) or a host name")
    return value


def parse_base_path(key: str, text: str) -> str:
    value = text.strip() or "/"
    if not value.startswith("/") or not _PATH.match(value):
        raise FieldError(key, "expected a path like /mango (letters, digits, . _ ~ -; no query)")
    return value.rstrip("/") or "/"


def _split_list(text: str) -> list[str]:
    return [p for p in re.split(r"[\s,;]+", text.strip()) if p]


def parse_extensions(key: str, text: str) -> list[str]:
    items = _split_list(text)
    bad = [i for i in items if not _EXTENSION.match(i)]
    if bad:
        raise FieldError(key, f"extensions are 1 to 10 digits; not valid: {', '.join(bad[:5])}")
    return list(dict.fromkeys(items))


def parse_chats(key: str, text: str) -> list[str]:
    items = _split_list(text)
    bad = [i for i in items if not _CHAT_ID.match(i)]
    if bad:
        listed = ", ".join(bad[:5])
        raise FieldError(key, f"a chat is a numeric id (groups are negative) or @channel; not valid: {listed}")
    return list(dict.fromkeys(items))


def parse_notice_rules(key: str, text: str) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FieldError(key, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    from kapusta_desktop.domain.notice_rules import NoticeConfig, NoticeConfigError

    try:
        return NoticeConfig.from_json(data).to_json()
    except NoticeConfigError as exc:
        raise FieldError(key, str(exc)) from None


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    group: str  # bitrix24, mango, telegram, sync, notices
    parse: Callable[[str, str], Any]
    default: Any = None
    secret: bool = False
    help: str = ""

    def format(self, value: Any) -> str:
        """The text form of a stored non-secret value, as `config set` would take it back."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "on" if value else "off"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False)
        return str(value)


# Integrations an admin switches on and off (the `<group>.enabled` flag).
INTEGRATIONS = ("bitrix24", "mango", "telegram")
# The secrets a relay keeps and an admin desk may replace through it (PUT /desk/settings); the relay's host keeps
# the others (Mango key and salt, OAuth application secrets) in its environment or keyring.
RELAY_SECRETS = (ss.BITRIX24_WEBHOOK, ss.TELEGRAM_TOKEN)

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("bitrix24.enabled", "Bitrix24 on", "bitrix24", parse_bool, False),
    FieldSpec("bitrix24.auth_mode", "Connection", "bitrix24", parse_choice("webhook", "oauth"), "webhook"),
    FieldSpec(
        ss.BITRIX24_WEBHOOK, "Incoming webhook URL", "bitrix24", parse_webhook_url, secret=True,
        help="https://PORTAL/rest/USER_ID/CODE/",
    ),
    FieldSpec("bitrix24.portal_url", "Portal URL", "bitrix24", parse_portal_url, help="https://company.bitrix24.ru"),
    FieldSpec(
        "bitrix24.client_id", "Application client id", "bitrix24",
        _regex(_CLIENT_ID, "expected the application's client id, e.g. local.5f1c2a3b4c5d6e.12345678"),
    ),
    FieldSpec(
        ss.BITRIX24_CLIENT_SECRET, "Application client secret", "bitrix24",
        _regex(_APP_SECRET, "expected 10 to 128 letters, digits, _ or -"), secret=True,
    ),
    FieldSpec(
        ss.BITRIX24_ACCESS_TOKEN, "OAuth access token", "bitrix24",
        _regex(_OAUTH_TOKEN, "expected 10 to 512 letters, digits, . _ or -"), secret=True,
    ),
    FieldSpec(
        ss.BITRIX24_REFRESH_TOKEN, "OAuth refresh token", "bitrix24",
        _regex(_OAUTH_TOKEN, "expected 10 to 512 letters, digits, . _ or -"), secret=True,
    ),
    FieldSpec("mango.enabled", "Mango Office on", "mango", parse_bool, False),
    FieldSpec(
        ss.MANGO_API_KEY, "API key (vpbx_api_key)", "mango",
        _regex(_MANGO_KEY, "expected the PBX API key: 16 to 128 letters and digits"), secret=True,
    ),
    FieldSpec(
        ss.MANGO_API_SALT, "API salt (signature key)", "mango",
        _regex(_MANGO_KEY, "expected the PBX signature key: 16 to 128 letters and digits"), secret=True,
    ),
    FieldSpec("mango.api_url", "API address", "mango", parse_api_url, "https://app.mango-office.ru/vpbx/"),
    FieldSpec("mango.listener_host", "Listener address", "mango", parse_host, "127.0.0.1"),
    FieldSpec("mango.listener_port", "Listener port", "mango", parse_int_range(1, 65535), 8765),
    FieldSpec("mango.base_path", "Listener base path", "mango", parse_base_path, "/mango"),
    FieldSpec("mango.desk_extensions", "This desk's extensions", "mango", parse_extensions, []),
    FieldSpec("telegram.enabled", "Telegram on", "telegram", parse_bool, False),
    FieldSpec(
        ss.TELEGRAM_TOKEN, "Bot token", "telegram",
        _regex(TELEGRAM_TOKEN_RE, "not a bot token: expected 123456789:AA... as @BotFather gives it"), secret=True,
    ),
    FieldSpec("telegram.api_url", "Bot API address", "telegram", parse_api_url, "https://api.telegram.org/"),
    FieldSpec("telegram.team_chats", "Team chats", "telegram", parse_chats, []),
    FieldSpec("sync.interval_seconds", "Sync interval", "sync", parse_int_range(5, 3600, " s"), 30),
    FieldSpec("notices.config", "Notice rules (JSON)", "notices", parse_notice_rules),
)

FIELDS_BY_KEY: dict[str, FieldSpec] = {f.key: f for f in FIELDS}
