"""The team relay's event log in the shared database: store once, notify desks, read after a cursor.

Writers (relays) insert with `ON CONFLICT DO NOTHING` on (kind, dedupe_key), so
two relays behind a load balancer never store one event twice, and send
`NOTIFY kapusta_events` in the same transaction (PostgreSQL delivers it at
commit). The notification carries the whole row as JSON when it fits (8000
bytes), else only the id, so a desk normally applies an event without reading
the table. Every insert first takes one transaction-scoped advisory lock:
ids are then committed in the order they were handed out, so a desk that has
seen id N may read `id > N` next and never skip a row committed later with a
smaller id. (Ids still have holes — a conflicting insert consumes one — but a
hole is never filled afterwards.) For the same reason notifications arrive in
id order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import peewee

from kapusta_desktop.store.models import RelayEvent

CHANNEL = "kapusta_events"
# pg_advisory_xact_lock key serialising relay inserts ("KAPU" in ASCII).
INSERT_LOCK_KEY = 0x4B415055
MAX_DEDUPE_KEY = 200
MAX_NOTIFY_BYTES = 7900  # PostgreSQL's NOTIFY payload limit is 8000 bytes
TABLE = RelayEvent._meta.table_name  # type: ignore[attr-defined]


@dataclass(frozen=True)
class NewRelayEvent:
    kind: str
    dedupe_key: str
    payload: dict[str, Any]
    entry_id: str | None = None
    call_id: str | None = None
    seq: int | None = None


@dataclass(frozen=True)
class StoredRelayEvent:
    id: int
    kind: str
    entry_id: str | None
    call_id: str | None
    seq: int | None
    payload: dict[str, Any]
    received_at: dt.datetime | None


def canonical_hash(value: Any) -> str:
    """A stable digest of a JSON-like value (key order and spacing do not matter)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def fit_dedupe_key(key: str) -> str:
    """Keys longer than the column are replaced by their digest (still unique, still deterministic)."""
    if len(key) <= MAX_DEDUPE_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def is_postgres(database: peewee.Database) -> bool:
    return isinstance(database, peewee.PostgresqlDatabase)


def store_relay_event(database: peewee.Database, event: NewRelayEvent, *, relay: str | None = None) -> int | None:
    """Insert the event once and notify desks; the new id, or None when it was stored before."""
    payload = json.dumps(event.payload, ensure_ascii=False, separators=(",", ":"), default=str)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    values = (event.kind, fit_dedupe_key(event.dedupe_key), event.entry_id, event.call_id, event.seq, payload, relay,
              now)
    if is_postgres(database):
        # One statement, one round trip: lock, insert, notify, committed together (autocommit).
        head, tail = notification_parts(event, payload, now)
        row = database.execute_sql(PG_STORE, (INSERT_LOCK_KEY, *values, CHANNEL, head, tail)).fetchone()
        return int(row[0]) if row else None
    p = database.param
    with database.atomic():
        cursor = database.execute_sql(
            f"INSERT INTO {TABLE} (kind, dedupe_key, entry_id, call_id, seq, payload, relay, received_at) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}) ON CONFLICT (kind, dedupe_key) DO NOTHING RETURNING id",
            values,
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


# The lock is taken before the row (and its id) is made and held until the statement's transaction commits;
# the notification carries the row (head + id + tail) when it fits, else just the id.
PG_STORE = (
    "WITH lock AS (SELECT pg_advisory_xact_lock(%s)), "
    f"ins AS (INSERT INTO {TABLE} (kind, dedupe_key, entry_id, call_id, seq, payload, relay, received_at) "
    "SELECT %s, %s, %s, %s, %s::bigint, %s, %s, %s::timestamp FROM lock "
    "ON CONFLICT (kind, dedupe_key) DO NOTHING RETURNING id), "
    "note AS (SELECT id, %s AS channel, %s || id::text || %s AS text FROM ins) "
    f"SELECT id, pg_notify(channel, CASE WHEN octet_length(text) <= {MAX_NOTIFY_BYTES} THEN text ELSE id::text END) "
    "FROM note"
)


def notification_parts(event: NewRelayEvent, payload_json: str, received_at: dt.datetime) -> tuple[str, str]:
    """The NOTIFY text around the id: `{"id":` + id + the rest of the row as JSON."""
    rest = {"kind": event.kind, "entry_id": event.entry_id, "call_id": event.call_id, "seq": event.seq,
            "received_at": received_at.isoformat()}
    tail = "," + json.dumps(rest, ensure_ascii=False, separators=(",", ":"))[1:-1] + ',"payload":' + payload_json
    return '{"id":', tail + "}"


def event_from_notification(text: str) -> StoredRelayEvent | None:
    """The row a NOTIFY carried; None when it carried only an id (or anything unreadable): read the table then."""
    if not text.startswith("{"):
        return None
    try:
        d = json.loads(text)
        received = d.get("received_at")
        return StoredRelayEvent(
            id=int(d["id"]),
            kind=str(d["kind"]),
            entry_id=d.get("entry_id"),
            call_id=d.get("call_id"),
            seq=int(d["seq"]) if d.get("seq") is not None else None,
            payload=d["payload"] if isinstance(d.get("payload"), dict) else {},
            received_at=dt.datetime.fromisoformat(received) if isinstance(received, str) else None,
        )
    except (ValueError, KeyError, TypeError):
        return None


SELECT_AFTER = (
    f"SELECT id, kind, entry_id, call_id, seq, payload, received_at FROM {TABLE} WHERE id > %s ORDER BY id LIMIT %s"
)
SELECT_LATEST = f"SELECT COALESCE(MAX(id), 0) FROM {TABLE}"


def row_to_event(row: tuple[Any, ...]) -> StoredRelayEvent:
    event_id, kind, entry_id, call_id, seq, payload, received_at = row
    return StoredRelayEvent(
        id=int(event_id),
        kind=str(kind),
        entry_id=entry_id,
        call_id=call_id,
        seq=int(seq) if seq is not None else None,
        payload=json.loads(payload) if isinstance(payload, str) else dict(payload or {}),
        received_at=received_at,
    )


def events_after(database: peewee.Database, after_id: int, *, limit: int = 500) -> list[StoredRelayEvent]:
    """Stored events with id > after_id, oldest first."""
    sql = SELECT_AFTER.replace("%s", database.param)
    return [row_to_event(row) for row in database.execute_sql(sql, (after_id, limit)).fetchall()]


def latest_event_id(database: peewee.Database) -> int:
    return int(database.execute_sql(SELECT_LATEST).fetchone()[0])
