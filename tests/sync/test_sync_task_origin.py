"""A task create whose answer was lost is found again by its XML_ID marker, not created twice."""

from __future__ import annotations

import pytest

from kapusta_desktop.integrations.bitrix24 import mapping as m
from kapusta_desktop.sandbox.bitrix24 import FaultConfig
from kapusta_desktop.services.editing import EditingService, TaskInput
from kapusta_desktop.store.models import Deal, OutboxEntry, Task, UserManager
from tests.sync.helpers import rig

pytestmark = pytest.mark.anyio


async def test_lost_task_add_answer_then_retry_leaves_exactly_one_task(db) -> None:
    async with rig(timeout=0.5) as r:
        await r.engine.sync_now(full=True)
        deal = Deal.select().order_by(Deal.id).first()
        manager = UserManager.select().where(UserManager.b24_user_id.is_null(False)).first()
        task = EditingService(db).save_task(None, TaskInput(title="Перезвонить клиенту", deal_id=deal.id,
                                                            responsible_id=manager.id))
        marker = m.origin_marker(task.origin_id)
        before = len(r.sandbox.rows("task"))
        # Bitrix24 makes the task, but its answer never arrives (held back past the client's timeout).
        r.sandbox.set_faults(FaultConfig(slow=1.0, slow_seconds=1.5))
        lost = await r.engine.pusher.push_all()
        assert lost.offline and lost.requests == 0
        assert r.client.stats.methods["batch"] >= 1
        made = [t for t in r.sandbox.rows("task") if t.get("XML_ID") == marker]
        assert len(made) == 1 and len(r.sandbox.rows("task")) == before + 1
        assert Task.get_by_id(task.id).b24_id is None
        assert OutboxEntry.get(OutboxEntry.entity_type == "task", OutboxEntry.entity_id == task.id).attempts == 1

        r.sandbox.set_faults(FaultConfig())
        report = await r.engine.sync_now()
        assert report.ok, report.error
        assert [t["ID"] for t in r.sandbox.rows("task") if t.get("XML_ID") == marker] == [made[0]["ID"]]
        assert len(r.sandbox.rows("task")) == before + 1
        row = Task.get_by_id(task.id)
        assert row.b24_id == int(made[0]["ID"]) and row.sync_state == "synced"
        assert r.sandbox.row("task", row.b24_id)["UF_CRM_TASK"] == [f"D_{deal.b24_id}"]
