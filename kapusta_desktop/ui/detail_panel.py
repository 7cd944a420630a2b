"""The selected record in full: its fields, its sync state, the error or conflict behind it."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from kapusta_desktop.store.models import Company, Contact, Deal, DealContact, Email, Phone, Task
from kapusta_desktop.ui.record_model import format_amount, format_datetime
from kapusta_desktop.ui.sync_icons import sync_icon, sync_label, sync_tooltip

_MODELS = {"deal": Deal, "contact": Contact, "company": Company, "task": Task}


class DetailPanel(QWidget):
    editRequested = Signal(int)

    def __init__(self, entity_type: str, stage_names: dict[str, str] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.entity_type = entity_type
        self._stage_names = stage_names or {}
        self._record_id: int | None = None
        self.state_icon = QLabel()
        self.state_text = QLabel()
        self.state_text.setObjectName("syncStateText")
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setEnabled(False)
        self.edit_button.clicked.connect(self._edit)
        head = QHBoxLayout()
        head.addWidget(self.state_icon)
        head.addWidget(self.state_text, 1)
        head.addWidget(self.edit_button)
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.body, 1)
        self.clear()

    @property
    def record_id(self) -> int | None:
        return self._record_id

    def clear(self) -> None:
        self._record_id = None
        self.state_icon.clear()
        self.state_text.setText("")
        self.edit_button.setEnabled(False)
        hint = self.tr("Select a record to see it here.")  # outside the f-string, where lupdate finds it
        self.body.setHtml(f"<p style='color:gray'>{html.escape(hint)}</p>")

    def _edit(self) -> None:
        if self._record_id is not None:
            self.editRequested.emit(self._record_id)

    def show_record(self, record_id: int | None) -> None:
        model = _MODELS[self.entity_type]
        row = model.get_or_none(model.id == record_id) if record_id is not None else None
        if row is None:
            self.clear()
            return
        self._record_id = row.id
        self.state_icon.setPixmap(sync_icon(row.sync_state).pixmap(16, 16))
        self.state_text.setText(sync_label(row.sync_state))
        self.state_text.setToolTip(sync_tooltip(row.sync_state, row.sync_error))
        self.edit_button.setEnabled(True)
        fields = getattr(self, f"_fields_{self.entity_type}")(row)
        parts = [f"<h3>{html.escape(self._title(row))}</h3><table cellspacing='2'>"]
        for label, value in fields:
            if value not in (None, ""):
                parts.append(
                    f"<tr><td style='color:#555;padding-right:8px'>{html.escape(label)}</td>"
                    f"<td>{html.escape(str(value))}</td></tr>"
                )
        parts.append("</table>")
        parts.append(self._sync_html(row))
        self.body.setHtml("".join(parts))

    def _title(self, row: Any) -> str:
        return row.full_name if isinstance(row, Contact) else row.title

    def _sync_html(self, row: Any) -> str:
        # labels first: lupdate does not read tr() inside f-strings
        sync, b24_id = self.tr("Sync"), self.tr("Bitrix24 ID")
        conflicting, field = self.tr("Conflicting fields"), self.tr("Field")
        yours, theirs = self.tr("Yours"), self.tr("Bitrix24")
        out = [f"<p><b>{html.escape(sync)}:</b> {html.escape(sync_tooltip(row.sync_state, row.sync_error))}"]
        if row.b24_id:
            out.append(f"<br>{html.escape(b24_id)}: {row.b24_id}")
        out.append("</p>")
        if row.conflicts:
            out.append(
                f"<p><b>{html.escape(conflicting)}</b></p><table border='1' cellspacing='0'"
                " cellpadding='3'>"
            )
            out.append(
                f"<tr><th>{html.escape(field)}</th><th>{html.escape(yours)}</th>"
                f"<th>{html.escape(theirs)}</th></tr>"
            )
            for name, pair in dict(row.conflicts).items():
                mine = pair.get("mine") if isinstance(pair, dict) else pair
                theirs = pair.get("theirs") if isinstance(pair, dict) else ""
                out.append(
                    f"<tr><td>{html.escape(str(name))}</td><td>{html.escape(str(mine))}</td>"
                    f"<td>{html.escape(str(theirs))}</td></tr>"
                )
            out.append("</table>")
        return "".join(out)

    @staticmethod
    def _phones(owner_type: str, owner_id: int) -> str:
        q = Phone.select().where((Phone.owner_type == owner_type) & (Phone.owner_id == owner_id)).order_by(Phone.id)
        return ", ".join(f"{p.raw} ({p.value_type})" for p in q)

    @staticmethod
    def _emails(owner_type: str, owner_id: int) -> str:
        q = Email.select().where((Email.owner_type == owner_type) & (Email.owner_id == owner_id)).order_by(Email.id)
        return ", ".join(e.value for e in q)

    def _fields_deal(self, row: Deal) -> list[tuple[str, Any]]:
        contacts = (
            Contact.select()
            .join(DealContact, on=(DealContact.contact == Contact.id))
            .where(DealContact.deal == row.id)
            .order_by(DealContact.sort)
        )
        return [
            (self.tr("Stage"), self._stage_names.get(row.stage_id, row.stage_id)),
            (self.tr("Amount"), f"{format_amount(row.amount)} {row.currency}"),
            (self.tr("Company"), row.company.title if row.company_id and row.company else ""),
            (self.tr("Contacts"), ", ".join(c.full_name for c in contacts)),
            (self.tr("Responsible"), row.responsible.name if row.responsible_id and row.responsible else ""),
            (self.tr("Source"), row.source_id),
            (self.tr("Comment"), row.comment),
            (self.tr("Changed"), format_datetime(row.local_modified)),
        ]

    def _fields_contact(self, row: Contact) -> list[tuple[str, Any]]:
        return [
            (self.tr("Position"), row.position),
            (self.tr("Company"), row.company.title if row.company_id and row.company else ""),
            (self.tr("Phones"), self._phones("contact", row.id)),
            (self.tr("E-mails"), self._emails("contact", row.id)),
            (self.tr("Responsible"), row.responsible.name if row.responsible_id and row.responsible else ""),
            (self.tr("Comment"), row.comment),
        ]

    def _fields_company(self, row: Company) -> list[tuple[str, Any]]:
        return [
            (self.tr("INN"), row.inn),
            (self.tr("KPP"), row.kpp),
            (self.tr("Site"), row.site),
            (self.tr("Phones"), self._phones("company", row.id)),
            (self.tr("E-mails"), self._emails("company", row.id)),
            (self.tr("VIP"), self.tr("yes") if row.is_vip else ""),
            (self.tr("Responsible"), row.responsible.name if row.responsible_id and row.responsible else ""),
        ]

    def _fields_task(self, row: Task) -> list[tuple[str, Any]]:
        return [
            (self.tr("Deadline"), format_datetime(row.deadline)),
            (self.tr("Responsible"), row.responsible.name if row.responsible_id and row.responsible else ""),
            (self.tr("Deal"), row.deal.title if row.deal_id and row.deal else ""),
            (self.tr("Description"), row.description),
        ]
