"""`config/users/request` answers built from the sample managers, in the documented shape."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kapusta_desktop.domain.sample_data import SampleManager

SIP_DOMAIN = "demo.mangosip.ru"


def group_ids(managers: Iterable[SampleManager]) -> dict[str, int]:
    """One PBX group per department, numbered in order of first appearance."""
    ids: dict[str, int] = {}
    for m in managers:
        ids.setdefault(m.department, len(ids) + 1)
    return ids


def user_entry(manager: SampleManager, groups: dict[str, int], *, with_mobile: bool) -> dict[str, Any]:
    general: dict[str, Any] = {
        "name": f"{manager.name} {manager.last_name}",
        "email": manager.email,
        "department": manager.department,
        "position": "Руководитель отдела продаж" if manager.is_admin else "Менеджер по продажам",
    }
    if with_mobile:
        general["mobile"] = "".join(ch for ch in manager.phone if ch.isdigit())
    return {
        "general": general,
        "telephony": {
            "extension": manager.extension,
            "outgoingline": "74957654321",
            "numbers": [{"number": f"sip:{manager.extension}@{SIP_DOMAIN}", "protocol": "sip", "status": "on"}],
        },
        "groups": [groups[manager.department]],
    }


def users_answer(managers: list[SampleManager], *, extension: str | None, ext_fields: list[str]) -> dict[str, Any]:
    groups = group_ids(managers)
    chosen = [m for m in managers if extension is None or m.extension == extension]
    with_mobile = "general.mobile" in ext_fields
    return {"users": [user_entry(m, groups, with_mobile=with_mobile) for m in chosen]}
