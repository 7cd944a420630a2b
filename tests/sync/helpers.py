"""Shared pieces of the sync tests: a sandbox + client + engine, and a field-by-field comparison."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kapusta_desktop.integrations.bitrix24 import mapping as m
from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.sync.engine import SyncEngine
from kapusta_desktop.store.models import Company, Contact, Deal, DealContact, Email, Phone, Task, UserManager

FAST = {"rate": 1000.0, "burst": 1000.0}


@dataclass
class Rig:
    sandbox: Bitrix24Sandbox
    client: Bitrix24Client
    engine: SyncEngine
    bus: EventBus
    events: list[Any]


@asynccontextmanager
async def rig(*, companies: int = 6, max_retries: int = 6, timeout: float = 10.0,
              sandbox_kw: dict[str, Any] | None = None) -> AsyncIterator[Rig]:
    async with Bitrix24Sandbox(companies=companies, **FAST, **(sandbox_kw or {})) as sb:
        client = Bitrix24Client(WebhookAuth(sb.webhook_url), limits=LimitConfig(rate=1000, burst=1000),
                                max_retries=max_retries, backoff_base=0.01, backoff_max=0.05, timeout=timeout, seed=1)
        bus = EventBus()
        events: list[Any] = []
        bus.subscribe(object, events.append)
        engine = SyncEngine(client, bus, push_backoff=(0.0, 0.0))
        try:
            yield Rig(sb, client, engine, bus, events)
        finally:
            await client.aclose()


def _multi(items: Any) -> list[tuple[str, str]]:
    return sorted((i.value, i.value_type) for i in m.parse_multi(items))


def _local_multi(model: Any, owner_type: str, owner_id: int, attr: str) -> list[tuple[str, str]]:
    rows = model.select().where((model.owner_type == owner_type) & (model.owner_id == owner_id))
    return sorted((getattr(r, attr), r.value_type) for r in rows)


def _b24(model: Any, local_id: int | None) -> int | None:
    if local_id is None:
        return None
    if model is UserManager:
        return UserManager.get_by_id(local_id).b24_user_id
    return model.get_by_id(local_id).b24_id


def compare_cache_with_portal(sb: Bitrix24Sandbox) -> list[str]:
    """Every deal, contact and company field the cache mirrors, compared with the sandbox's rows."""
    problems: list[str] = []
    for entity, model, spec in (("company", Company, m.COMPANY), ("contact", Contact, m.CONTACT),
                                ("deal", Deal, m.DEAL)):
        remote = {int(r["ID"]): r for r in sb.rows(entity)}
        local = {r.b24_id: r for r in model.select().where(model.deleted == False)}  # noqa: E712
        if set(remote) != set(local):
            problems.append(f"{entity}: ids differ: only portal {sorted(set(remote) - set(local))[:10]}, "
                            f"only cache {sorted(set(local) - set(remote))[:10]}")
        for b24_id in set(remote) & set(local):
            rec = m.record_from_remote(spec, remote[b24_id])
            row = local[b24_id]
            for f in spec.fields:
                if f.local == "date_create":
                    continue
                theirs = rec.values[f.local]
                mine = getattr(row, f.local + "_id") if f.kind in m.REF_KINDS else getattr(row, f.local)
                if f.kind == m.REF_USER:
                    mine = _b24(UserManager, mine)
                elif f.kind == m.REF_COMPANY:
                    mine = _b24(Company, mine)
                if f.kind == m.DECIMAL:
                    mine, theirs = Decimal(mine or 0), Decimal(theirs or 0)
                if (mine or None) != (theirs or None):
                    problems.append(f"{entity} {b24_id} {f.local}: cache {mine!r} portal {theirs!r}")
            if "phones" in spec.multi and _multi(remote[b24_id].get("PHONE")) != _local_multi(
                    Phone, entity, row.id, "raw"):
                problems.append(f"{entity} {b24_id} phones differ")
            if "emails" in spec.multi and _multi(remote[b24_id].get("EMAIL")) != _local_multi(
                    Email, entity, row.id, "value"):
                problems.append(f"{entity} {b24_id} emails differ")
            if entity == "deal":
                primary = m.parse_int(remote[b24_id].get("CONTACT_ID"))
                links = {c.contact.b24_id for c in DealContact.select().where(DealContact.deal == row.id)}
                if primary and primary not in links and sb.row("contact", primary) is not None:
                    problems.append(f"deal {b24_id}: primary contact {primary} not linked")
    remote_tasks = {int(t["ID"]) for t in sb.rows("task") if any(str(x).startswith("D_") for x in
                                                                   (t.get("UF_CRM_TASK") or []))}
    local_tasks = {t.b24_id for t in Task.select()}
    if remote_tasks != local_tasks:
        problems.append(f"tasks differ: {len(remote_tasks)} portal, {len(local_tasks)} cache")
    return problems
