"""The selected record in full: its fields, its sync state, the error or conflict behind it.

A refused change offers Retry and "Discard my change…" (asked first), a
conflict "Apply mine again" and "Keep Bitrix24's"; they go through the main
window's `SyncActions` (ui/sync_actions.py), which reaches the sync engine.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.store.models import Company, Contact, Deal, DealContact, Email, Phone, Task
from kapusta_desktop.ui.record_model import format_amount, format_datetime
from kapusta_desktop.ui.sync_actions import SyncActions
from kapusta_desktop.ui.sync_icons import sync_icon, sync_label, sync_tooltip

_MODELS = {"deal": Deal, "contact": Contact, "company": Company, "task": Task}


class DetailPanel(QWidget):
    editRequested = Signal(int)

    def __init__(self, entity_type: str, stage_names: dict[str, str] | None = None, parent: QWidget | None = None,
                 *, sync_actions: SyncActions | None = None):
        super().__init__(parent)
        self.entity_type = entity_type
        self._stage_names = stage_names or {}
        self._record_id: int | None = None
        self.sync_actions = sync_actions
        self.confirm_discard: QMessageBox | None = None
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
        self.retry_button = self._action_button(
            self.tr("&Retry"), "Ctrl+Shift+R", self.tr("Send the refused change to Bitrix24 again"), self._retry)
        self.discard_button = self._action_button(
            self.tr("D&iscard my change…"), "Ctrl+Shift+D",
            self.tr("Drop the refused change and show Bitrix24's values again"), self._ask_discard)
        self.apply_mine_button = self._action_button(
            self.tr("A&pply mine again"), "Ctrl+Shift+A", self.tr("Send your kept values to Bitrix24"),
            self._apply_mine)
        self.keep_theirs_button = self._action_button(
            self.tr("&Keep Bitrix24's"), "Ctrl+Shift+K", self.tr("Drop your kept values; Bitrix24's stay"),
            self._keep_theirs)
        self.action_note = QLabel()
        self.action_note.setObjectName("syncActionNote")
        self.action_note.setWordWrap(True)
        self.action_note.setStyleSheet("color:#c62828")
        self.action_note.hide()
        actions_row = QHBoxLayout()
        for button in (self.retry_button, self.discard_button, self.apply_mine_button, self.keep_theirs_button):
            actions_row.addWidget(button)
        actions_row.addStretch(1)
        if sync_actions is not None:
            sync_actions.failed.connect(self._action_failed)
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addLayout(head)
        layout.addLayout(actions_row)
        layout.addWidget(self.action_note)
        layout.addWidget(self.body, 1)
        self.clear()

    @property
    def record_id(self) -> int | None:
        return self._record_id

    def _action_button(self, text: str, keys: str, tip: str, slot: Any) -> QPushButton:
        """A sync action: `&` in the text gives Alt+letter, `keys` works anywhere in the window while it shows."""
        button = QPushButton(text)
        button.setToolTip(f"{tip} ({QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)})")
        button.clicked.connect(slot)
        button.hide()
        # Parented to the button: active only while the button is visible, i.e. on the page shown.
        shortcut = QShortcut(QKeySequence(keys), button, context=Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda: button.click() if button.isVisible() and button.isEnabled() else None)
        return button

    def _show_actions(self, state: str | None) -> None:
        busy = (self.sync_actions is not None and self._record_id is not None
                and self.sync_actions.busy(self.entity_type, self._record_id))
        error = self.sync_actions is not None and state == SyncState.ERROR.value
        conflict = self.sync_actions is not None and state == SyncState.CONFLICT.value
        for button, shown in ((self.retry_button, error), (self.discard_button, error),
                              (self.apply_mine_button, conflict), (self.keep_theirs_button, conflict)):
            button.setVisible(shown)
            button.setEnabled(shown and not busy)

    def clear(self) -> None:
        self._record_id = None
        self._show_actions(None)
        self.action_note.hide()
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
        if row.id != self._record_id:
            self.action_note.hide()  # a note is about the record it was written for
        self._record_id = row.id
        self._show_actions(row.sync_state)
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

    # ---- sync actions ------------------------------------------------------------------------

    def _current(self) -> Any:
        model = _MODELS[self.entity_type]
        return model.get_or_none(model.id == self._record_id) if self._record_id is not None else None

    def _retry(self) -> None:
        if self.sync_actions is not None and self._record_id is not None:
            self.sync_actions.retry(self.entity_type, self._record_id)

    def _ask_discard(self) -> None:
        """Ask first (non-modal to the loop: open(), not exec()); Discard only on an explicit yes."""
        row = self._current()
        if row is None or self.sync_actions is None:
            return
        question = self.tr("Discard your change to “%1”?").replace("%1", self._title(row))
        if row.b24_id is None:
            detail = self.tr("It never reached Bitrix24: the record is removed from the cache.")
        else:
            detail = self.tr("Bitrix24's values come back in its place; your change is lost.")
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Discard my change"), question,
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText(detail)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        record_id = row.id
        box.finished.connect(lambda _r: self._discard_answered(box, record_id))
        self.confirm_discard = box
        box.open()

    def _discard_answered(self, box: QMessageBox, record_id: int) -> None:
        self.confirm_discard = None
        box.deleteLater()
        if box.clickedButton() is not box.button(QMessageBox.StandardButton.Discard):
            return
        if self.sync_actions is not None:
            self.discard_button.setEnabled(False)
            self.retry_button.setEnabled(False)
            self.sync_actions.discard(self.entity_type, record_id)

    def _apply_mine(self) -> None:
        if self.sync_actions is not None and self._record_id is not None:
            self.sync_actions.apply_mine_again(self.entity_type, self._record_id)

    def _keep_theirs(self) -> None:
        if self.sync_actions is not None and self._record_id is not None:
            self.sync_actions.keep_theirs(self.entity_type, self._record_id)

    def _action_failed(self, entity_type: str, record_id: int, reason: str) -> None:
        if entity_type == self.entity_type and record_id == self._record_id:
            self.action_note.setText(reason)
            self.action_note.show()

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
