"""Typed helpers for the Bitrix24 methods the app uses, on top of `Bitrix24Client`.

Answers keep the portal's shapes (string-typed values, upper-case keys for
CRM, camelCase for tasks); mapping to store records is the sync engine's job.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.errors import BadResponse

CrmEntity = Literal["deal", "contact", "company", "lead"]
Row = dict[str, Any]

DEAL_FIELDS = ["ID", "TITLE", "TYPE_ID", "STAGE_ID", "CATEGORY_ID", "STAGE_SEMANTIC_ID", "CURRENCY_ID",
               "OPPORTUNITY", "COMPANY_ID", "CONTACT_ID", "ASSIGNED_BY_ID", "SOURCE_ID", "DATE_CREATE",
               "DATE_MODIFY", "ORIGINATOR_ID", "ORIGIN_ID", "CLOSED", "UF_*"]
CONTACT_FIELDS = ["ID", "NAME", "SECOND_NAME", "LAST_NAME", "POST", "COMPANY_ID", "ASSIGNED_BY_ID", "SOURCE_ID",
                  "DATE_CREATE", "DATE_MODIFY", "ORIGINATOR_ID", "ORIGIN_ID", "PHONE", "EMAIL", "UF_*"]
COMPANY_FIELDS = ["ID", "TITLE", "COMPANY_TYPE", "ASSIGNED_BY_ID", "DATE_CREATE", "DATE_MODIFY", "ORIGINATOR_ID",
                  "ORIGIN_ID", "PHONE", "EMAIL", "WEB", "UF_*"]
LEAD_FIELDS = ["ID", "TITLE", "NAME", "LAST_NAME", "COMPANY_TITLE", "STATUS_ID", "SOURCE_ID", "ASSIGNED_BY_ID",
               "DATE_CREATE", "DATE_MODIFY", "PHONE", "UF_*"]
DEFAULT_SELECT: dict[str, list[str]] = {
    "deal": DEAL_FIELDS, "contact": CONTACT_FIELDS, "company": COMPANY_FIELDS, "lead": LEAD_FIELDS,
}
TASK_SELECT = ["ID", "TITLE", "DESCRIPTION", "DEADLINE", "STATUS", "RESPONSIBLE_ID", "CREATED_BY",
               "CREATED_DATE", "CHANGED_DATE", "UF_CRM_TASK"]


def _int_result(value: Any, method: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadResponse(f"{method}: expected an id, got {type(value).__name__}", method=method) from None


class Bitrix24Api:
    def __init__(self, client: Bitrix24Client) -> None:
        self.client = client

    # --- CRM: deals, contacts, companies, leads -----------------------------------------------

    async def crm_get(self, entity: CrmEntity, entity_id: int) -> Row:
        """Raises errors.NotFound for a missing id (the legacy empty-code 400)."""
        return await self.client.call(f"crm.{entity}.get", {"id": entity_id})

    async def crm_add(self, entity: CrmEntity, fields: Mapping[str, Any]) -> int:
        method = f"crm.{entity}.add"
        return _int_result(await self.client.call(method, {"fields": dict(fields)}), method)

    async def crm_update(self, entity: CrmEntity, entity_id: int, fields: Mapping[str, Any]) -> bool:
        return bool(await self.client.call(f"crm.{entity}.update", {"id": entity_id, "fields": dict(fields)}))

    async def crm_delete(self, entity: CrmEntity, entity_id: int) -> bool:
        return bool(await self.client.call(f"crm.{entity}.delete", {"id": entity_id}))

    def crm_list_modified_since(self, entity: CrmEntity, since: datetime | str, *,
                                select: Sequence[str] | None = None) -> AsyncIterator[list[Row]]:
        return self.client.list_modified_since(f"crm.{entity}.list", since, select=select or DEFAULT_SELECT[entity])

    async def crm_find_by_origin(self, entity: CrmEntity, originator_id: str, origin_id: str) -> Row | None:
        """The row made from our `origin_id` earlier, if any: how a retried create stays idempotent."""
        rows = await self.client.call(f"crm.{entity}.list", {
            "filter": {"=ORIGINATOR_ID": originator_id, "=ORIGIN_ID": origin_id},
            "select": ["ID", "DATE_MODIFY", "ORIGIN_ID"], "order": {"ID": "ASC"}, "start": -1,
        })
        return rows[0] if rows else None

    # Convenience names the sync engine reads best with.
    async def deal_get(self, deal_id: int) -> Row:
        return await self.crm_get("deal", deal_id)

    async def deal_add(self, fields: Mapping[str, Any]) -> int:
        return await self.crm_add("deal", fields)

    # --- deal <-> contact links ---------------------------------------------------------------

    async def deal_contacts_get(self, deal_id: int) -> list[Row]:
        """[{CONTACT_ID, SORT, ROLE_ID, IS_PRIMARY}] with string values."""
        result = await self.client.call("crm.deal.contact.items.get", {"id": deal_id})
        return list(result or [])

    async def deal_contacts_set(self, deal_id: int, contact_ids: Sequence[int], primary: int | None = None) -> bool:
        primary = primary if primary is not None else (contact_ids[0] if contact_ids else None)
        items = [{"CONTACT_ID": cid, "IS_PRIMARY": "Y" if cid == primary else "N", "SORT": (i + 1) * 10}
                 for i, cid in enumerate(contact_ids)]
        return bool(await self.client.call("crm.deal.contact.items.set", {"id": deal_id, "items": items}))

    # --- tasks (camelCase answers) ------------------------------------------------------------

    async def task_add(self, fields: Mapping[str, Any]) -> Row:
        result = await self.client.call("tasks.task.add", {"fields": dict(fields)})
        return _task(result, "tasks.task.add")

    async def task_update(self, task_id: int, fields: Mapping[str, Any]) -> Row:
        result = await self.client.call("tasks.task.update", {"taskId": task_id, "fields": dict(fields)})
        return _task(result, "tasks.task.update")

    async def task_get(self, task_id: int, select: Sequence[str] | None = None) -> Row | None:
        """None when the task does not exist (the portal answers `result: []`)."""
        result = await self.client.call("tasks.task.get", {"taskId": task_id, "select": list(select or TASK_SELECT)})
        if not result:
            return None
        return _task(result, "tasks.task.get")

    # --- users --------------------------------------------------------------------------------

    async def users(self, filter: Mapping[str, Any] | None = None) -> list[Row]:
        """All users matching `filter` (user.get pages by `start`; a desk has few users)."""
        rows: list[Row] = []
        start = 0
        while True:
            env = await self.client.call_envelope("user.get", {"FILTER": dict(filter or {}), "start": start})
            rows.extend(env.result or [])
            if env.next is None:
                return rows
            start = env.next

    async def user_current(self) -> Row:
        return await self.client.call("user.current")

    async def user_is_admin(self) -> bool:
        return bool(await self.client.call("user.admin"))

    # --- pipelines and stages -----------------------------------------------------------------

    async def deal_categories(self) -> list[Row]:
        """Deal pipelines (`crm.category.list`, entityTypeId 2): [{id, name, sort, isDefault}]."""
        result = await self.client.call("crm.category.list", {"entityTypeId": 2})
        return list((result or {}).get("categories", []))

    async def deal_stages(self, category_id: int = 0) -> list[Row]:
        """[{STATUS_ID, NAME, SORT, SEMANTICS, EXTRA: {SEMANTICS}}] of one pipeline."""
        entity = "DEAL_STAGE" if category_id == 0 else f"DEAL_STAGE_{category_id}"
        result = await self.client.call("crm.status.list", {"filter": {"ENTITY_ID": entity},
                                                             "order": {"SORT": "ASC"}})
        return list(result or [])

    # --- phone search, timeline, activities ---------------------------------------------------

    async def find_by_phone(self, phones: Sequence[str], entity_type: str | None = None) -> dict[str, list[int]]:
        """`{"CONTACT": [ids], "COMPANY": [...], "LEAD": [...]}`; {} when nothing matches."""
        found: dict[str, list[int]] = {}
        for i in range(0, len(phones), 20):  # the method takes at most 20 values
            params: dict[str, Any] = {"type": "PHONE", "values": list(phones[i:i + 20])}
            if entity_type:
                params["entity_type"] = entity_type
            result = await self.client.call("crm.duplicate.findbycomm", params)
            if isinstance(result, Mapping):
                for kind, ids in result.items():
                    bucket = found.setdefault(str(kind), [])
                    bucket.extend(int(x) for x in ids if int(x) not in bucket)
        return found

    async def timeline_comment_add(self, entity_type: Literal["deal", "contact", "company"], entity_id: int,
                                   comment: str) -> int:
        method = "crm.timeline.comment.add"
        fields = {"ENTITY_ID": entity_id, "ENTITY_TYPE": entity_type, "COMMENT": comment}
        return _int_result(await self.client.call(method, {"fields": fields}), method)

    # --- telephony (OAuth application context only) -------------------------------------------

    async def external_call_register(self, params: Mapping[str, Any]) -> Row:
        """Raises errors.WrongAuthType under a webhook, as the portal does."""
        return await self.client.call("telephony.externalcall.register", dict(params))

    async def external_call_finish(self, params: Mapping[str, Any]) -> Row:
        return await self.client.call("telephony.externalcall.finish", dict(params))


def _task(result: Any, method: str) -> Row:
    if isinstance(result, Mapping) and isinstance(result.get("task"), Mapping):
        return dict(result["task"])
    raise BadResponse(f"{method}: expected {{task: {{...}}}}", method=method)
