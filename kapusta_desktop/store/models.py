"""The local cache and KAPUSTA's own entities.

Entities mirrored from Bitrix24 share `SyncedModel`'s bookkeeping: the
Bitrix24 id once pushed, a client-made `origin_id` sent as ORIGIN_ID so a
retried create never duplicates, the sync state, its error, the remote
modification time, and what the conflict resolution needs (`base_values`, the
values an edit started from; `conflicts`, local values Bitrix24 overrode).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import peewee

from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.store.db import database_proxy
from kapusta_desktop.store.fields import JSONField


def _uuid() -> str:
    return str(uuid.uuid4())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(peewee.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class SyncedModel(BaseModel):
    b24_id = peewee.IntegerField(null=True, index=True)
    origin_id = peewee.CharField(max_length=40, unique=True, default=_uuid)
    sync_state = peewee.CharField(max_length=12, default=SyncState.SYNCED.value, index=True)
    sync_error = peewee.TextField(null=True)
    remote_modified = peewee.DateTimeField(null=True)
    local_modified = peewee.DateTimeField(default=_now)
    # Field -> value the pending edit started from (three-way merge base).
    base_values = JSONField(null=True)
    # Field -> {"mine": local value, "theirs": Bitrix24 value} after a clash.
    conflicts = JSONField(null=True)
    deleted = peewee.BooleanField(default=False, index=True)


class UserManager(BaseModel):
    """Master data of the people on the desk: one row per manager."""

    name = peewee.CharField(max_length=200)
    email = peewee.CharField(max_length=200, null=True, index=True)
    phone = peewee.CharField(max_length=50, null=True)
    telegram_id = peewee.CharField(max_length=64, null=True)
    b24_user_id = peewee.IntegerField(null=True, unique=True)
    mango_extension = peewee.CharField(max_length=20, null=True, index=True)
    role = peewee.CharField(max_length=20, default="manager")  # manager, operator, head, admin
    active = peewee.BooleanField(default=True)
    department = peewee.CharField(max_length=200, null=True)


class Pipeline(BaseModel):
    """A Bitrix24 deal category (pipeline); 0 is the default one."""

    b24_id = peewee.IntegerField(unique=True)
    name = peewee.CharField(max_length=200)
    sort = peewee.IntegerField(default=500)


class Stage(BaseModel):
    """One STAGE_ID of a pipeline and the KAPUSTA stage it maps to."""

    pipeline = peewee.ForeignKeyField(Pipeline, backref="stages", on_delete="CASCADE")
    status_id = peewee.CharField(max_length=64, unique=True)
    name = peewee.CharField(max_length=200)
    sort = peewee.IntegerField(default=500)
    semantics = peewee.CharField(max_length=12, default="process")  # process, success, failure, apology
    kapusta_stage = peewee.CharField(max_length=12, default="inwork")  # new, inwork, sent, won, lost
    mapping_edited = peewee.BooleanField(default=False)


class Company(SyncedModel):
    title = peewee.CharField(max_length=255, index=True)
    inn = peewee.CharField(max_length=12, null=True, index=True)
    kpp = peewee.CharField(max_length=9, null=True)
    site = peewee.CharField(max_length=255, null=True)
    site_item_id = peewee.IntegerField(null=True)  # Bitrix24 id of the WEB item `site` mirrors
    address = peewee.TextField(null=True)
    is_vip = peewee.BooleanField(default=False)
    responsible = peewee.ForeignKeyField(UserManager, null=True, on_delete="SET NULL")
    comment = peewee.TextField(null=True)


class Contact(SyncedModel):
    name = peewee.CharField(max_length=100, default="")
    second_name = peewee.CharField(max_length=100, default="")
    last_name = peewee.CharField(max_length=100, default="", index=True)
    position = peewee.CharField(max_length=200, null=True)
    company = peewee.ForeignKeyField(Company, null=True, backref="contacts", on_delete="SET NULL")
    responsible = peewee.ForeignKeyField(UserManager, null=True, on_delete="SET NULL")
    comment = peewee.TextField(null=True)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.name, self.second_name) if p)


class Lead(BaseModel):
    """Read-only mirror of Bitrix24 leads: for caller matching and web-request notices."""

    b24_id = peewee.IntegerField(unique=True)
    title = peewee.CharField(max_length=255, default="")
    name = peewee.CharField(max_length=200, default="")
    company_title = peewee.CharField(max_length=255, null=True)
    status_id = peewee.CharField(max_length=64, null=True)
    source_id = peewee.CharField(max_length=64, null=True)
    responsible = peewee.ForeignKeyField(UserManager, null=True, on_delete="SET NULL")
    amount = peewee.DecimalField(max_digits=18, decimal_places=2, null=True)
    currency = peewee.CharField(max_length=3, default="RUB")
    date_create = peewee.DateTimeField(null=True)
    remote_modified = peewee.DateTimeField(null=True)


class Deal(SyncedModel):
    title = peewee.CharField(max_length=255, index=True)
    pipeline_id = peewee.IntegerField(default=0)
    stage_id = peewee.CharField(max_length=64, default="NEW", index=True)
    amount = peewee.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    currency = peewee.CharField(max_length=3, default="RUB")
    company = peewee.ForeignKeyField(Company, null=True, backref="deals", on_delete="SET NULL")
    responsible = peewee.ForeignKeyField(UserManager, null=True, on_delete="SET NULL", index=True)
    comment = peewee.TextField(null=True)
    source_id = peewee.CharField(max_length=64, null=True)
    is_vip = peewee.BooleanField(default=False)
    closed = peewee.BooleanField(default=False, index=True)
    date_create = peewee.DateTimeField(default=_now)


class DealContact(BaseModel):
    deal = peewee.ForeignKeyField(Deal, backref="contact_links", on_delete="CASCADE")
    contact = peewee.ForeignKeyField(Contact, backref="deal_links", on_delete="CASCADE")
    is_primary = peewee.BooleanField(default=False)
    sort = peewee.IntegerField(default=10)

    class Meta:
        indexes = ((("deal", "contact"), True),)


class Task(SyncedModel):
    title = peewee.CharField(max_length=255)
    description = peewee.TextField(null=True)
    deadline = peewee.DateTimeField(null=True, index=True)
    status = peewee.IntegerField(default=2)  # 2 waiting, 3 in progress, 4 control, 5 done, 6 deferred
    responsible = peewee.ForeignKeyField(UserManager, null=True, on_delete="SET NULL")
    deal = peewee.ForeignKeyField(Deal, null=True, backref="tasks", on_delete="SET NULL")
    contact = peewee.ForeignKeyField(Contact, null=True, on_delete="SET NULL")


class Phone(BaseModel):
    """Every phone of every owner, as entered and normalised, indexed by E.164."""

    owner_type = peewee.CharField(max_length=10)  # contact, company, lead, manager
    owner_id = peewee.IntegerField()
    raw = peewee.CharField(max_length=100)
    e164 = peewee.CharField(max_length=20, null=True, index=True)
    extension = peewee.CharField(max_length=20, null=True)
    value_type = peewee.CharField(max_length=12, default="WORK")
    b24_item_id = peewee.IntegerField(null=True)

    class Meta:
        indexes = ((("owner_type", "owner_id"), False),)


class Email(BaseModel):
    owner_type = peewee.CharField(max_length=10)
    owner_id = peewee.IntegerField()
    value = peewee.CharField(max_length=255, index=True)
    value_type = peewee.CharField(max_length=12, default="WORK")
    b24_item_id = peewee.IntegerField(null=True)

    class Meta:
        indexes = ((("owner_type", "owner_id"), False),)


class Tender(BaseModel):
    number = peewee.CharField(max_length=64, index=True)
    title = peewee.CharField(max_length=500)
    customer = peewee.ForeignKeyField(Company, null=True, backref="tenders", on_delete="SET NULL")
    platform = peewee.CharField(max_length=100, null=True)
    link = peewee.CharField(max_length=1000, null=True)
    published = peewee.DateField(null=True)
    deadline = peewee.DateTimeField(null=True, index=True)
    max_price = peewee.DecimalField(max_digits=18, decimal_places=2, null=True)
    currency = peewee.CharField(max_length=3, default="RUB")
    status = peewee.CharField(max_length=12, default="new", index=True)
    deal = peewee.ForeignKeyField(Deal, null=True, backref="tenders", on_delete="SET NULL")
    responsible = peewee.ForeignKeyField(UserManager, null=True, on_delete="SET NULL")
    created = peewee.DateTimeField(default=_now)
    modified = peewee.DateTimeField(default=_now)
    # The deadline a "deadline near" notice was last raised for: one notice per deadline.
    deadline_notice_for = peewee.DateTimeField(null=True)


class CalculationGroup(BaseModel):
    name = peewee.CharField(max_length=200)
    version = peewee.IntegerField(default=1)
    tender = peewee.ForeignKeyField(Tender, null=True, backref="calculations", on_delete="CASCADE")
    deal = peewee.ForeignKeyField(Deal, null=True, backref="calculations", on_delete="CASCADE")
    is_chosen = peewee.BooleanField(default=False)
    created = peewee.DateTimeField(default=_now)
    note = peewee.TextField(null=True)


class GuardCalcLine(BaseModel):
    """One post of a security-guard calculation; totals come from domain.calc."""

    group = peewee.ForeignKeyField(CalculationGroup, backref="lines", on_delete="CASCADE")
    position = peewee.IntegerField(default=0)
    site_name = peewee.CharField(max_length=255, default="")
    posts = peewee.IntegerField(default=1)
    guards_per_post = peewee.IntegerField(default=1)
    hours_per_day = peewee.DecimalField(max_digits=6, decimal_places=2, default=Decimal("24"))
    days_per_month = peewee.DecimalField(max_digits=6, decimal_places=2, default=Decimal("30"))
    months = peewee.IntegerField(default=12)
    hourly_rate = peewee.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    extra_costs = peewee.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    margin_pct = peewee.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    vat = peewee.BooleanField(default=True)


class CallRecord(SyncedModel):
    """One whole call (Mango entry_id), logged to Bitrix24 through the outbox."""

    entry_id = peewee.CharField(max_length=128, unique=True)
    direction = peewee.IntegerField(default=1)  # 0 internal, 1 incoming, 2 outgoing
    from_number = peewee.CharField(max_length=100, null=True)
    to_number = peewee.CharField(max_length=100, null=True)
    e164 = peewee.CharField(max_length=20, null=True, index=True)  # the client's number
    extension = peewee.CharField(max_length=20, null=True)  # who rang / answered
    line_number = peewee.CharField(max_length=100, null=True)
    started_at = peewee.DateTimeField(default=_now, index=True)
    answered_at = peewee.DateTimeField(null=True)
    ended_at = peewee.DateTimeField(null=True)
    talk_seconds = peewee.IntegerField(default=0)
    result = peewee.CharField(max_length=12, default="ringing")  # ringing, answered, missed
    disconnect_reason = peewee.IntegerField(null=True)
    contact = peewee.ForeignKeyField(Contact, null=True, on_delete="SET NULL")
    company = peewee.ForeignKeyField(Company, null=True, on_delete="SET NULL")
    deal = peewee.ForeignKeyField(Deal, null=True, on_delete="SET NULL")
    manager = peewee.ForeignKeyField(UserManager, null=True, on_delete="SET NULL")
    recording_id = peewee.CharField(max_length=128, null=True)
    recording_url = peewee.CharField(max_length=1000, null=True)
    callback_task = peewee.ForeignKeyField(Task, null=True, on_delete="SET NULL")
    callback_closed_at = peewee.DateTimeField(null=True)
    # Bitrix24 telephony CALL_ID from externalcall.register (OAuth logging); b24_id keeps the activity id.
    b24_call_id = peewee.CharField(max_length=128, null=True)
    command_id = peewee.CharField(max_length=128, null=True)  # set for a click-to-call (commands/callback)


class OutboxEntry(BaseModel):
    """A change waiting for an outside system, written in the same transaction as the row.

    Entries for one record go out in id order; `key` makes re-queuing the same
    logical change (a replayed call, a repeated notice) a no-op.
    """

    created_at = peewee.DateTimeField(default=_now)
    target = peewee.CharField(max_length=12, default="bitrix24", index=True)  # bitrix24, telegram
    entity_type = peewee.CharField(max_length=20)
    entity_id = peewee.IntegerField(null=True)
    op = peewee.CharField(max_length=24)  # create, update, delete, log_call, notice, ...
    payload = JSONField(default=dict)
    key = peewee.CharField(max_length=200, null=True, unique=True)
    state = peewee.CharField(max_length=12, default="pending", index=True)  # pending, done, error, discarded
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(null=True)
    last_error = peewee.TextField(null=True)
    done_at = peewee.DateTimeField(null=True)
    claimed_by = peewee.CharField(max_length=64, null=True)
    # Team mode: a claim by another desk holds until then (UTC); a crashed desk's claims expire.
    claimed_until = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("target", "state", "id"), False), (("entity_type", "entity_id"), False))


class RequestBudget(BaseModel):
    """Team mode: one leaky bucket shared by every desk calling the same portal (store/request_budget.py).

    `level` requests are in the bucket as of `drained_at` (the database's clock, unix seconds).
    """

    key = peewee.CharField(max_length=200, primary_key=True)  # e.g. bitrix24:portal.bitrix24.ru
    level = peewee.DoubleField(default=0.0)
    drained_at = peewee.DoubleField(default=0.0)


class Notice(BaseModel):
    """One Telegram notice: an event told to one chat. (event_key, chat_id) is unique: no duplicates.

    state: held (quiet hours), pending, sent, failed, uncertain (a read timeout: may have arrived),
    stopped (the target refused us: 401/403/chat not found). `possible_duplicate` records that a
    resend followed an uncertain attempt.
    """

    event_key = peewee.CharField(max_length=200, index=True)
    chat_id = peewee.CharField(max_length=64)
    kind = peewee.CharField(max_length=24)
    recipient = peewee.CharField(max_length=200, default="")
    text = peewee.TextField()
    button_text = peewee.CharField(max_length=64, null=True)
    button_url = peewee.CharField(max_length=1000, null=True)
    silent = peewee.BooleanField(default=False)
    state = peewee.CharField(max_length=12, default="pending", index=True)
    attempts = peewee.IntegerField(default=0)
    error = peewee.TextField(null=True)
    created_at = peewee.DateTimeField(default=_now)
    hold_until = peewee.DateTimeField(null=True)
    sent_at = peewee.DateTimeField(null=True)
    sent_chat_id = peewee.CharField(max_length=64, null=True)  # differs from chat_id after a migration
    message_id = peewee.BigIntegerField(null=True)
    possible_duplicate = peewee.BooleanField(default=False)

    class Meta:
        indexes = ((("event_key", "chat_id"), True),)


class TelegramTarget(BaseModel):
    """Per-chat sending state: stopped after 401/403 (until the admin resumes it), or migrated."""

    chat_id = peewee.CharField(max_length=64, unique=True)
    title = peewee.CharField(max_length=255, null=True)
    stopped = peewee.BooleanField(default=False)
    stop_reason = peewee.TextField(null=True)
    stopped_at = peewee.DateTimeField(null=True)
    migrated_to = peewee.CharField(max_length=64, null=True)
    updated_at = peewee.DateTimeField(default=_now)


class SyncCursor(BaseModel):
    name = peewee.CharField(max_length=64, unique=True)
    value = peewee.TextField(null=True)
    updated_at = peewee.DateTimeField(default=_now)


class Setting(BaseModel):
    """Non-secret settings; secrets live in the keyring (see secret_store)."""

    key = peewee.CharField(max_length=128, unique=True)
    value = JSONField(null=True)
    updated_at = peewee.DateTimeField(default=_now)


class RelayEvent(BaseModel):
    """One event the team relay received (Mango or Bitrix24), stored once; `id` is the desks' catch-up cursor.

    `dedupe_key` makes a second copy (a re-sent event, another relay behind the load balancer) a no-op:
    `call_id|seq|call_state` for Mango call events, a hash of the payload for the rest.
    """

    id = peewee.BigAutoField()
    kind = peewee.CharField(max_length=64)  # mango:events/call, mango:result/callback, bitrix24:ONCRMDEALUPDATE
    dedupe_key = peewee.CharField(max_length=200)
    entry_id = peewee.CharField(max_length=255, null=True)
    call_id = peewee.CharField(max_length=255, null=True)
    seq = peewee.BigIntegerField(null=True)
    payload = JSONField()
    relay = peewee.CharField(max_length=64, null=True)  # which relay instance stored it
    received_at = peewee.DateTimeField(default=_now)

    class Meta:
        indexes = ((("kind", "dedupe_key"), True),)


class RelayDesk(BaseModel):
    """A desk allowed to call Bitrix24, Telegram and Mango through the relay (team mode, tokens on the relay).

    Only the SHA-256 of the desk's token is kept (store/relay_desks.py); the token itself is shown once.
    """

    name = peewee.CharField(max_length=64, unique=True)
    token_hash = peewee.CharField(max_length=64, unique=True)
    is_admin = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField(default=_now)
    revoked_at = peewee.DateTimeField(null=True)


class SchemaVersion(BaseModel):
    version = peewee.IntegerField()
    applied_at = peewee.DateTimeField(default=_now)
    app_version = peewee.CharField(max_length=32, null=True)


ALL_MODELS: list[type[BaseModel]] = [
    UserManager,
    Pipeline,
    Stage,
    Company,
    Contact,
    Lead,
    Deal,
    DealContact,
    Task,
    Phone,
    Email,
    Tender,
    CalculationGroup,
    GuardCalcLine,
    CallRecord,
    OutboxEntry,
    RequestBudget,
    SyncCursor,
    Setting,
    SchemaVersion,
    Notice,
    TelegramTarget,
    RelayEvent,
    RelayDesk,
]
