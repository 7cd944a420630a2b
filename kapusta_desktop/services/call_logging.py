"""Pushing a finished call (outbox op "log_call") to Bitrix24, idempotently by Mango's entry_id.

The sync worker calls `push_call_log(client, record, connection_kind)` for each
"log_call" entry. With an application (OAuth) connection the call goes through
telephony.externalcall.register + finish (status, duration, record link);
with a webhook, where those answer WRONG_AUTH_TYPE, it becomes a CRM call
activity (crm.activity.add, TYPE_ID 2) bound to the deal, else the contact,
else the company.

Idempotency (a replay, or a retry after a lost answer, never logs twice):
- the record's `b24_id` (the activity id) is saved as soon as Bitrix24 gives
  it; a record that has one is not sent again;
- webhook: the activity carries ORIGINATOR_ID "kapusta-mango" and ORIGIN_ID
  "mango:<entry_id>"; before adding, crm.activity.list is asked for that
  ORIGIN_ID (the answer to an add may be lost after the portal made it);
- OAuth: EXTERNAL_CALL_ID is the entry_id and register answers the same
  CALL_ID for the same parameters within 30 min; the CALL_ID is saved before
  finish, and a finish answered "Call is not found" for a call we registered
  means an earlier finish already went through.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.errors import (
    Bitrix24Error,
    MethodNotFound,
    PermanentError,
    TransientError,
)
from kapusta_desktop.store.models import CallRecord, Company, Contact, Deal, UserManager

log = logging.getLogger(__name__)

ORIGINATOR_ID = "kapusta-mango"
OWNER_DEAL, OWNER_CONTACT, OWNER_COMPANY = 2, 3, 4


class CallNotBindable(PermanentError):
    """A webhook can log a call only on a CRM item, and this caller has none."""

    code = "CALL_NOT_BINDABLE"


class CallOwnerNotPushed(TransientError):
    """The deal/contact the call belongs to is not in Bitrix24 yet: try again after it is."""

    code = "CALL_OWNER_PENDING"


def origin_id(record: CallRecord) -> str:
    return f"mango:{record.entry_id}"


def _iso(value: dt.datetime | None) -> str:
    value = value or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return value.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")


def _b24_user(record: CallRecord) -> int | None:
    for manager_id in (record.manager_id, _deal_responsible(record)):
        if manager_id:
            manager = UserManager.get_or_none(UserManager.id == manager_id)
            if manager and manager.b24_user_id:
                return int(manager.b24_user_id)
    return None


def _deal_responsible(record: CallRecord) -> int | None:
    if record.deal_id:
        deal = Deal.get_or_none(Deal.id == record.deal_id)
        return deal.responsible_id if deal else None
    return None


def _owner(record: CallRecord, *, with_deal: bool = True) -> tuple[int, int] | None:
    """(OWNER_TYPE_ID, Bitrix24 id) of the item to bind the call to; raises while it waits for a push."""
    waiting = False
    for model, type_id, local_id in (
        (Deal, OWNER_DEAL, record.deal_id),
        (Contact, OWNER_CONTACT, record.contact_id),
        (Company, OWNER_COMPANY, record.company_id),
    ):
        if not local_id or (type_id == OWNER_DEAL and not with_deal):
            continue
        row = model.get_or_none(model.id == local_id)
        if row is None:
            continue
        if row.b24_id:
            return type_id, int(row.b24_id)
        waiting = True
    if waiting:
        raise CallOwnerNotPushed("the caller's deal/contact is not in Bitrix24 yet")
    return None


def _subject(record: CallRecord) -> str:
    number = record.e164 or (record.from_number if record.direction == 1 else record.to_number) or "?"
    if record.direction == 2:
        return f"Исходящий звонок {number}"
    return f"{'Пропущенный' if record.result == 'missed' else 'Входящий'} звонок {number}"


def _description(record: CallRecord) -> str:
    parts = [f"Mango entry_id: {record.entry_id}", f"Длительность разговора: {record.talk_seconds} с"]
    if record.extension:
        parts.append(f"Добавочный: {record.extension}")
    if record.recording_url:
        parts.append(f"Запись: {record.recording_url}")
    elif record.recording_id:
        parts.append(f"Запись Mango: {record.recording_id}")
    return "\n".join(parts)


async def push_call_log(client: Bitrix24Client, record: CallRecord, connection_kind: str) -> int | None:
    """Log one call in Bitrix24; returns the activity id (None when the portal does not say)."""
    if connection_kind == "oauth":
        result = await _push_external_call(client, record)
    elif connection_kind == "webhook":
        result = await _push_activity(client, record)
    else:
        raise ValueError(f"unknown Bitrix24 connection kind {connection_kind!r}")
    record.sync_state = "synced"
    record.sync_error = None
    record.save()
    return result


async def _push_activity(client: Bitrix24Client, record: CallRecord) -> int | None:
    if record.b24_id:
        if record.recording_id or record.recording_url:
            # A recording arrived after the call was logged: refresh the description only.
            fields = {"DESCRIPTION": _description(record)}
            await client.call("crm.activity.update", {"id": record.b24_id, "fields": fields})
        return int(record.b24_id)
    try:
        existing = await client.call(
            "crm.activity.list",
            {"filter": {"ORIGINATOR_ID": ORIGINATOR_ID, "ORIGIN_ID": origin_id(record)}, "select": ["ID"]},
        )
    except MethodNotFound:
        # A portal (or sandbox) without crm.activity.list: the saved b24_id is then the only guard.
        log.warning("crm.activity.list is not available; call %s is guarded by its saved id only", record.entry_id)
        existing = []
    if isinstance(existing, list) and existing:
        record.b24_id = int(existing[0]["ID"])
        record.save()
        return int(record.b24_id)
    owner = _owner(record)
    if owner is None:
        raise CallNotBindable("no deal, contact or company to log this call on (webhook connection)")
    number = record.e164 or record.from_number or record.to_number or ""
    fields: dict[str, Any] = {
        "OWNER_TYPE_ID": owner[0],
        "OWNER_ID": owner[1],
        "TYPE_ID": 2,
        "DIRECTION": 1 if record.direction == 1 else 2,
        "SUBJECT": _subject(record),
        "START_TIME": _iso(record.started_at),
        "END_TIME": _iso(record.ended_at),
        "COMPLETED": "Y",
        "DESCRIPTION": _description(record),
        "COMMUNICATIONS": [{"VALUE": number, "TYPE": "PHONE"}],
        "ORIGINATOR_ID": ORIGINATOR_ID,
        "ORIGIN_ID": origin_id(record),
    }
    user = _b24_user(record)
    if user:
        fields["RESPONSIBLE_ID"] = user
    activity_id = int(await client.call("crm.activity.add", {"fields": fields}))
    record.b24_id = activity_id
    record.save()
    return activity_id


def _call_type(record: CallRecord) -> int:
    if record.command_id:
        return 4  # callback
    return 1 if record.direction == 2 else 2


async def _push_external_call(client: Bitrix24Client, record: CallRecord) -> int | None:
    if record.b24_id:
        return int(record.b24_id)
    user = _b24_user(record)
    if not record.b24_call_id:
        params: dict[str, Any] = {
            "PHONE_NUMBER": record.e164 or record.from_number or record.to_number,
            "TYPE": _call_type(record),
            "CALL_START_DATE": _iso(record.started_at),
            "SHOW": 0,
            "EXTERNAL_CALL_ID": record.entry_id,
        }
        if user:
            params["USER_ID"] = user
        elif record.extension:
            params["USER_PHONE_INNER"] = record.extension
        if record.line_number:
            params["LINE_NUMBER"] = record.line_number
        owner = _owner(record, with_deal=False)  # register binds to a contact, company or lead
        if owner is not None:
            params["CRM_ENTITY_TYPE"] = "CONTACT" if owner[0] == OWNER_CONTACT else "COMPANY"
            params["CRM_ENTITY_ID"] = owner[1]
        elif owner is None:
            params["CRM_CREATE"] = 1  # unknown caller: the portal makes a lead, as the vendor's integration does
        registered = await client.call("telephony.externalcall.register", params)
        call_id = registered.get("CALL_ID") if isinstance(registered, dict) else None
        if not call_id:
            raise PermanentError("telephony.externalcall.register answered without CALL_ID")
        record.b24_call_id = str(call_id)
        record.save()
    finish: dict[str, Any] = {
        "CALL_ID": record.b24_call_id,
        "DURATION": record.talk_seconds,
        "STATUS_CODE": 200 if record.result == "answered" else 304,
    }
    if user:
        finish["USER_ID"] = user
    if record.recording_url:
        finish["RECORD_URL"] = record.recording_url
    try:
        finished = await client.call("telephony.externalcall.finish", finish)
    except Bitrix24Error as exc:
        if not exc.transient and "not found" in str(exc).lower():
            log.info("call %s was already finished in Bitrix24", record.entry_id)
            return None
        raise
    activity = finished.get("CRM_ACTIVITY_ID") if isinstance(finished, dict) else None
    if activity:
        record.b24_id = int(activity)
        record.save()
        return int(activity)
    return None
