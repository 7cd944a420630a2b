"""Editors for deals, contacts, companies and tasks.

Opened with open()/show(), never exec(): the qasync loop keeps running while
an editor is up. Save goes through the editing service; its validation errors
are shown under the field they belong to.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kapusta_desktop.services.editing import (
    CompanyInput,
    ContactInput,
    DealInput,
    EditingService,
    EmailInput,
    PhoneInput,
    TaskInput,
    ValidationError,
)
from kapusta_desktop.store.listing import text_match
from kapusta_desktop.store.models import Company, Contact, Deal, DealContact, Email, Phone, Task, UserManager
from kapusta_desktop.ui.editor_widgets import RecordList, RecordPicker, TypedValueList
from kapusta_desktop.ui.local_time import to_local

ERROR_STYLE = "color: #c62828;"


def translate_error(message: str) -> str:
    return QCoreApplication.translate("Validation", message)


def search_companies(text: str) -> list[tuple[int, str]]:
    q = Company.select(Company.id, Company.title).where(
        text_match([Company.title], text) & (Company.deleted == False)  # noqa: E712
    )
    return [(rid, f"{title} [{rid}]") for rid, title in q.order_by(Company.title).limit(20).tuples()]


def search_contacts(text: str) -> list[tuple[int, str]]:
    q = Contact.select(Contact.id, Contact.last_name, Contact.name).where(
        text_match([Contact.last_name, Contact.name], text) & (Contact.deleted == False)  # noqa: E712
    )
    return [
        (rid, f"{last} {name} [{rid}]".strip()) for rid, last, name in q.order_by(Contact.last_name).limit(20).tuples()
    ]


def search_deals(text: str) -> list[tuple[int, str]]:
    q = Deal.select(Deal.id, Deal.title).where(text_match([Deal.title], text) & (Deal.deleted == False))  # noqa: E712
    return [(rid, f"{title} [{rid}]") for rid, title in q.order_by(Deal.id.desc()).limit(20).tuples()]


class EditorDialog(QDialog):
    """A form with an error label under every field; subclasses build fields and call the service."""

    saved = Signal(str, int)  # entity type, record id
    entity_type = ""

    def __init__(self, service: EditingService, record_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.record_id = record_id
        self.setModal(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error_labels: dict[str, QLabel] = {}
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.resize(560, 420)

    def add_field(self, key: str, label: str, widget: QWidget) -> QWidget:
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(1)
        col.addWidget(widget)
        col.addWidget(error)
        self.form.addRow(label, box)
        self.error_labels[key] = error
        return widget

    def clear_errors(self) -> None:
        for label in self.error_labels.values():
            label.clear()
            label.hide()
        self.general_error.hide()

    def show_errors(self, errors: dict[str, str]) -> None:
        self.clear_errors()
        leftover: list[str] = []
        for key, message in errors.items():
            base = key.split(".")[0]
            label = self.error_labels.get(key) or self.error_labels.get(base)
            if label is None:
                leftover.append(translate_error(message))
                continue
            if "." in key and base in errors:
                continue  # the list's own message already says it; rows are outlined below
            label.setText(translate_error(message))
            label.show()
        self.mark_rows(errors)
        if leftover:
            self.general_error.setText("\n".join(leftover))
            self.general_error.show()

    def mark_rows(self, errors: dict[str, str]) -> None:
        """Outline the bad rows of multi-value fields; overridden where there are any."""

    def error_text(self, key: str) -> str:
        label = self.error_labels.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def save(self) -> None:
        try:
            extra = self.check_pickers()
            if extra:
                raise ValidationError(extra)
            record_id = self.submit()
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        self.record_id = record_id
        self.saved.emit(self.entity_type, record_id)
        self.accept()

    def check_pickers(self) -> dict[str, str]:
        return {}

    def submit(self) -> int:
        raise NotImplementedError

    @staticmethod
    def managers_combo(current: int | None) -> QComboBox:
        combo = QComboBox()
        combo.addItem("—", None)
        for m in UserManager.select().where(UserManager.active == True).order_by(UserManager.name):  # noqa: E712
            combo.addItem(m.name, m.id)
        if current is not None:
            pos = combo.findData(current)
            if pos < 0:
                m = UserManager.get_or_none(UserManager.id == current)
                combo.addItem(m.name if m else str(current), current)
                pos = combo.count() - 1
            combo.setCurrentIndex(pos)
        return combo

    @staticmethod
    def text_or_none(widget: QLineEdit | QPlainTextEdit) -> str | None:
        text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
        return text.strip() or None


def _phone_types() -> list[tuple[str, str]]:
    return [
        ("WORK", QCoreApplication.translate("PhoneType", "work")),
        ("MOBILE", QCoreApplication.translate("PhoneType", "mobile")),
        ("HOME", QCoreApplication.translate("PhoneType", "home")),
        ("FAX", QCoreApplication.translate("PhoneType", "fax")),
        ("OTHER", QCoreApplication.translate("PhoneType", "other")),
    ]


def _email_types() -> list[tuple[str, str]]:
    return [
        ("WORK", QCoreApplication.translate("PhoneType", "work")),
        ("HOME", QCoreApplication.translate("PhoneType", "home")),
        ("OTHER", QCoreApplication.translate("PhoneType", "other")),
    ]


class _MultiValueMixin:
    phones: TypedValueList
    emails: TypedValueList

    def mark_rows(self, errors: dict[str, str]) -> None:
        for prefix, widget in (("phones", self.phones), ("emails", getattr(self, "emails", None))):
            if widget is None:
                continue
            for n, edit in enumerate(widget.edits()):
                bad = f"{prefix}.{n}" in errors
                edit.setStyleSheet("border: 1px solid #c62828;" if bad else "")
                edit.setToolTip(translate_error(errors[f"{prefix}.{n}"]) if bad else "")

    @staticmethod
    def load_values(
        owner_type: str, owner_id: int
    ) -> tuple[list[tuple[str, str, int | None]], list[tuple[str, str, int | None]]]:
        phones = [
            (p.raw, p.value_type, p.b24_item_id)
            for p in Phone.select()
            .where((Phone.owner_type == owner_type) & (Phone.owner_id == owner_id))
            .order_by(Phone.id)
        ]
        emails = [
            (e.value, e.value_type, e.b24_item_id)
            for e in Email.select()
            .where((Email.owner_type == owner_type) & (Email.owner_id == owner_id))
            .order_by(Email.id)
        ]
        return phones, emails


class DealEditor(EditorDialog):
    entity_type = "deal"

    def __init__(
        self,
        service: EditingService,
        record_id: int | None,
        stages: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(service, record_id, parent)
        deal = Deal.get_or_none(Deal.id == record_id) if record_id is not None else None
        self.setWindowTitle(self.tr("Deal") if deal is None else self.tr("Deal: %1").replace("%1", deal.title))
        self.title = self.add_field("title", self.tr("Title"), QLineEdit(deal.title if deal else ""))
        self.stage = QComboBox()
        for code, name in stages:
            self.stage.addItem(name, code)
        if deal is not None and self.stage.findData(deal.stage_id) < 0:
            self.stage.addItem(deal.stage_id, deal.stage_id)
        self.stage.setCurrentIndex(max(0, self.stage.findData(deal.stage_id if deal else "NEW")))
        self.add_field("stage_id", self.tr("Stage"), self.stage)
        self.amount = QLineEdit(str(deal.amount) if deal else "0")
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(["RUB", "USD", "EUR", "CNY", "KZT", "BYN"])
        self.currency.setCurrentText(deal.currency if deal else "RUB")
        money = QWidget()
        row = QHBoxLayout(money)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.amount, 1)
        row.addWidget(self.currency)
        self.add_field("amount", self.tr("Amount"), money)
        self.error_labels["currency"] = self.error_labels["amount"]
        self.company = RecordPicker(search_companies)
        if deal is not None and deal.company_id:
            self.company.set_record(deal.company_id, f"{deal.company.title} [{deal.company_id}]")
        self.add_field("company_id", self.tr("Company"), self.company)
        self.contacts = RecordList(search_contacts)
        if deal is not None:
            linked = (
                Contact.select()
                .join(DealContact, on=(DealContact.contact == Contact.id))
                .where(DealContact.deal == deal.id)
                .order_by(DealContact.sort)
            )
            self.contacts.set_records([(c.id, f"{c.full_name} [{c.id}]") for c in linked])
        self.add_field("contact_ids", self.tr("Contacts"), self.contacts)
        self.responsible = self.add_field(
            "responsible_id", self.tr("Responsible"), self.managers_combo(deal.responsible_id if deal else None)
        )
        self.comment = QPlainTextEdit(deal.comment or "" if deal else "")
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(80)
        self.add_field("comment", self.tr("Comment"), self.comment)

    def check_pickers(self) -> dict[str, str]:
        return {"company_id": "Choose a company from the list."} if self.company.unresolved() else {}

    def submit(self) -> int:
        data = DealInput(
            title=self.title.text(),
            stage_id=str(self.stage.currentData() or ""),
            amount=self.amount.text(),
            currency=self.currency.currentText(),
            company_id=self.company.record_id(),
            contact_ids=self.contacts.ids(),
            responsible_id=self.responsible.currentData(),
            comment=self.text_or_none(self.comment),
        )
        return int(self.service.save_deal(self.record_id, data).id)


class ContactEditor(_MultiValueMixin, EditorDialog):
    entity_type = "contact"

    def __init__(self, service: EditingService, record_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(service, record_id, parent)
        c = Contact.get_or_none(Contact.id == record_id) if record_id is not None else None
        self.setWindowTitle(self.tr("Contact") if c is None else self.tr("Contact: %1").replace("%1", c.full_name))
        self.last_name = self.add_field("last_name", self.tr("Last name"), QLineEdit(c.last_name if c else ""))
        self.name = self.add_field("name", self.tr("Name"), QLineEdit(c.name if c else ""))
        self.second_name = self.add_field("second_name", self.tr("Middle name"), QLineEdit(c.second_name if c else ""))
        self.position = self.add_field("position", self.tr("Position"), QLineEdit(c.position or "" if c else ""))
        self.company = RecordPicker(search_companies)
        if c is not None and c.company_id:
            self.company.set_record(c.company_id, f"{c.company.title} [{c.company_id}]")
        self.add_field("company_id", self.tr("Company"), self.company)
        self.phones = TypedValueList(_phone_types(), self.tr("Add phone"))
        self.emails = TypedValueList(_email_types(), self.tr("Add e-mail"))
        phones, emails = self.load_values("contact", c.id) if c else ([], [])
        self.phones.set_values(phones or [("", "MOBILE", None)])
        self.emails.set_values(emails)
        self.add_field("phones", self.tr("Phones"), self.phones)
        self.add_field("emails", self.tr("E-mails"), self.emails)
        self.responsible = self.add_field(
            "responsible_id", self.tr("Responsible"), self.managers_combo(c.responsible_id if c else None)
        )

    def check_pickers(self) -> dict[str, str]:
        return {"company_id": "Choose a company from the list."} if self.company.unresolved() else {}

    def submit(self) -> int:
        data = ContactInput(
            name=self.name.text(),
            last_name=self.last_name.text(),
            second_name=self.second_name.text(),
            position=self.text_or_none(self.position),
            company_id=self.company.record_id(),
            responsible_id=self.responsible.currentData(),
            phones=[PhoneInput(v, t, i) for v, t, i in self.phones.values()],
            emails=[EmailInput(v, t, i) for v, t, i in self.emails.values()],
        )
        return int(self.service.save_contact(self.record_id, data).id)


class CompanyEditor(_MultiValueMixin, EditorDialog):
    entity_type = "company"

    def __init__(self, service: EditingService, record_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(service, record_id, parent)
        c = Company.get_or_none(Company.id == record_id) if record_id is not None else None
        self.setWindowTitle(self.tr("Company") if c is None else self.tr("Company: %1").replace("%1", c.title))
        self.title = self.add_field("title", self.tr("Name"), QLineEdit(c.title if c else ""))
        self.inn = self.add_field("inn", self.tr("INN"), QLineEdit(c.inn or "" if c else ""))
        self.kpp = self.add_field("kpp", self.tr("KPP"), QLineEdit(c.kpp or "" if c else ""))
        self.site = self.add_field("site", self.tr("Site"), QLineEdit(c.site or "" if c else ""))
        self.phones = TypedValueList(_phone_types(), self.tr("Add phone"))
        self.emails = TypedValueList(_email_types(), self.tr("Add e-mail"))
        phones, emails = self.load_values("company", c.id) if c else ([], [])
        self.phones.set_values(phones or [("", "WORK", None)])
        self.emails.set_values(emails)
        self.add_field("phones", self.tr("Phones"), self.phones)
        self.add_field("emails", self.tr("E-mails"), self.emails)
        self.responsible = self.add_field(
            "responsible_id", self.tr("Responsible"), self.managers_combo(c.responsible_id if c else None)
        )

    def submit(self) -> int:
        data = CompanyInput(
            title=self.title.text(),
            inn=self.text_or_none(self.inn),
            kpp=self.text_or_none(self.kpp),
            site=self.text_or_none(self.site),
            responsible_id=self.responsible.currentData(),
            phones=[PhoneInput(v, t, i) for v, t, i in self.phones.values()],
            emails=[EmailInput(v, t, i) for v, t, i in self.emails.values()],
        )
        return int(self.service.save_company(self.record_id, data).id)


class TaskEditor(EditorDialog):
    entity_type = "task"

    def __init__(self, service: EditingService, record_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(service, record_id, parent)
        t = Task.get_or_none(Task.id == record_id) if record_id is not None else None
        self._status = t.status if t else 2
        self._description = t.description if t else None
        self.setWindowTitle(self.tr("Task") if t is None else self.tr("Task: %1").replace("%1", t.title))
        self.title = self.add_field("title", self.tr("Title"), QLineEdit(t.title if t else ""))
        self.has_deadline = QCheckBox()
        self.deadline = QDateTimeEdit()
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("dd.MM.yyyy HH:mm")
        when = to_local(t.deadline) if t and t.deadline else dt.datetime.now().replace(second=0, microsecond=0)
        self.deadline.setDateTime(QDateTime(when.date(), when.time()))
        self.has_deadline.setChecked(bool(t and t.deadline) or t is None)
        self.has_deadline.toggled.connect(self.deadline.setEnabled)
        self.deadline.setEnabled(self.has_deadline.isChecked())
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.has_deadline)
        row.addWidget(self.deadline, 1)
        self.add_field("deadline", self.tr("Deadline"), box)
        self.responsible = self.add_field(
            "responsible_id", self.tr("Responsible"), self.managers_combo(t.responsible_id if t else None)
        )
        self.deal = RecordPicker(search_deals)
        if t is not None and t.deal_id:
            self.deal.set_record(t.deal_id, f"{t.deal.title} [{t.deal_id}]")
        self.add_field("deal_id", self.tr("Deal"), self.deal)

    def check_pickers(self) -> dict[str, str]:
        return {"deal_id": "Choose a deal from the list."} if self.deal.unresolved() else {}

    def submit(self) -> int:
        deadline = None
        if self.has_deadline.isChecked():
            deadline = self.deadline.dateTime().toPython().astimezone()  # local wall time the operator picked
        data = TaskInput(
            title=self.title.text(),
            deadline=deadline,
            responsible_id=self.responsible.currentData(),
            deal_id=self.deal.record_id(),
            description=self._description,
            status=self._status,
        )
        return int(self.service.save_task(self.record_id, data).id)


def open_editor(
    entity_type: str, service: EditingService, record_id: int | None, parent: QWidget | None, **kwargs: Any
) -> EditorDialog:
    cls = {"deal": DealEditor, "contact": ContactEditor, "company": CompanyEditor, "task": TaskEditor}[entity_type]
    dialog = cls(service, record_id, parent=parent, **kwargs)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
