"""Managers' master data: match Bitrix24 users and Mango PBX users by email and extension."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kapusta_desktop.store.models import UserManager


@dataclass
class MatchReport:
    created: int = 0
    updated: int = 0
    matched_pbx: int = 0
    unmatched_pbx: list[str] = field(default_factory=list)


def _norm_email(value: Any) -> str | None:
    text = str(value or "").strip().lower()
    return text or None


def _attr(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def match_managers(b24_users: Iterable[Mapping[str, Any]], pbx_users: Iterable[Any]) -> MatchReport:
    """Upsert one UserManager per Bitrix24 user; attach the PBX user with the same email or extension.

    Values already in the table win over what the systems report (the table is editable master data);
    only empty fields are filled.
    """
    report = MatchReport()
    pbx = list(pbx_users)
    by_email = {e: u for u in pbx if (e := _norm_email(_attr(u, "email")))}
    by_ext = {str(x): u for u in pbx if (x := _attr(u, "extension"))}
    used: set[int] = set()
    for user in b24_users:
        b24_id = int(user["ID"])
        email = _norm_email(user.get("EMAIL"))
        inner = str(user.get("UF_PHONE_INNER") or "").strip() or None
        match = (by_email.get(email) if email else None) or (by_ext.get(inner) if inner else None)
        if match is not None:
            used.add(id(match))
            report.matched_pbx += 1
        name = " ".join(str(user.get(k) or "") for k in ("NAME", "LAST_NAME")).strip() or (email or f"#{b24_id}")
        row = UserManager.get_or_none(UserManager.b24_user_id == b24_id)
        if row is None and email:
            row = UserManager.get_or_none(UserManager.email == email)
        fresh = {
            "name": name,
            "email": email,
            "phone": user.get("PERSONAL_MOBILE") or user.get("WORK_PHONE") or (match and _attr(match, "mobile")),
            "b24_user_id": b24_id,
            "mango_extension": (_attr(match, "extension") if match else None) or inner,
        }
        if row is None:
            UserManager.create(**fresh)
            report.created += 1
            continue
        changed = False
        for key, value in fresh.items():
            if value and not getattr(row, key):
                setattr(row, key, value)
                changed = True
        if changed:
            row.save()
            report.updated += 1
    report.unmatched_pbx = [
        f"{_attr(u, 'name') or '?'} ({_attr(u, 'extension') or '-'})" for u in pbx if id(u) not in used
    ]
    return report
