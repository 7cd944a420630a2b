"""Mango Office request signing: sha256(key + json + salt), lower-case hex.

The `json` string is signed exactly as sent, so callers build it once
(`compact_json`) and sign those bytes; the receiver verifies over the raw form
field, never over re-serialised JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any


def compact_json(payload: dict[str, Any]) -> str:
    """The one serialisation we send: compact, UTF-8 kept as is."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def sign(api_key: str, json_text: str, api_salt: str) -> str:
    return hashlib.sha256((api_key + json_text + api_salt).encode("utf-8")).hexdigest()


def verify(api_key: str, json_text: str, api_salt: str, given_sign: str | None) -> bool:
    """Constant-time comparison of the expected sign with the one received."""
    if not given_sign:
        return False
    expected = sign(api_key, json_text, api_salt)
    return hmac.compare_digest(expected.encode("ascii"), given_sign.strip().lower().encode("utf-8", "replace"))


def signed_form(api_key: str, api_salt: str, payload: dict[str, Any]) -> dict[str, str]:
    """The three form fields of a request or event: vpbx_api_key, sign, json."""
    text = compact_json(payload)
    return {"vpbx_api_key": api_key, "sign": sign(api_key, text, api_salt), "json": text}
