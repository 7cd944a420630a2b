"""A pull over a filled cache reads a page's phones, e-mails and deal links once, not once per row."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kapusta_desktop.store.models import Contact, Deal, DealContact, Phone
from tests.sync.helpers import compare_cache_with_portal, rig

pytestmark = pytest.mark.anyio
CHILD_READ = re.compile(r'^SELECT .* FROM "(phone|email|dealcontact)"', re.DOTALL)


async def test_a_repull_reads_each_pages_children_once_and_mends_what_differs(db: Any, monkeypatch: Any) -> None:
    async with rig(companies=12) as r:
        assert (await r.engine.sync_now(full=True)).ok
        contact = Contact.select().join(Phone, on=(Phone.owner_id == Contact.id)).where(
            Phone.owner_type == "contact").first()
        deal = Deal.select().join(DealContact).first()
        assert contact is not None and deal is not None
        # Local damage the next pull must mend: a contact's phones and a deal's contact links gone.
        Phone.delete().where((Phone.owner_type == "contact") & (Phone.owner_id == contact.id)).execute()
        DealContact.delete().where(DealContact.deal == deal.id).execute()

        reads: list[str] = []
        execute_sql = db.execute_sql

        def counting(sql: str, *args: Any, **kwargs: Any) -> Any:
            if CHILD_READ.match(sql):
                reads.append(sql)
            return execute_sql(sql, *args, **kwargs)

        monkeypatch.setattr(db, "execute_sql", counting)
        await r.engine.puller.full()
        monkeypatch.undo()

        rows = Contact.select().count() + Deal.select().count()
        assert rows > 50
        assert len(reads) <= 8, reads  # per page: phones, e-mails, deal links; per row it was one each
        assert Phone.select().where((Phone.owner_type == "contact") & (Phone.owner_id == contact.id)).exists()
        assert DealContact.select().where(DealContact.deal == deal.id).exists()
        assert compare_cache_with_portal(r.sandbox) == []
