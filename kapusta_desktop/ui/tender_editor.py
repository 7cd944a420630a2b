"""Create or edit a tender; a new tender can bring its Bitrix24 deal, company and contact along.

Opened with open()/show(), never exec(); validation messages appear under
the fields they are about.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kapusta_desktop.services.editing import ValidationError
from kapusta_desktop.services.tenders import (
    TENDER_STATUSES,
    ContactPersonInput,
    CustomerInput,
    TenderInput,
    TenderService,
)
from kapusta_desktop.store.models import Tender, UserManager
from kapusta_desktop.ui.editors import translate_error
from kapusta_desktop.ui.local_time import to_local
from kapusta_desktop.ui.tenders_model import STATUS_TITLES


class _Field:
    """An input and the red message under it."""

    def __init__(self, widget: QWidget) -> None:
        self.widget = widget
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.error.hide()

    def show_error(self, text: str | None) -> None:
        self.error.setText(text or "")
        self.error.setVisible(bool(text))


class TenderEditor(QDialog):
    saved = Signal(int)  # tender id

    def __init__(self, service: TenderService, tender_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.tender_id = tender_id
        self.setWindowTitle(self.tr("New tender") if tender_id is None else self.tr("Tender"))
        self.fields: dict[str, _Field] = {}

        self.number = self._add("number", QLineEdit())
        self.title_edit = self._add("title", QLineEdit())
        self.platform = self._add("platform", QLineEdit())
        self.link = self._add("link", QLineEdit())
        self.has_published = QCheckBox(self.tr("known"))
        self.published = self._add("published", QDateEdit(QDate.currentDate()))
        self.published.setCalendarPopup(True)
        self.has_deadline = QCheckBox(self.tr("known"))
        self.deadline = self._add("deadline", QDateTimeEdit(QDateTime(QDate.currentDate().addDays(7), QTime(10, 0))))
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.max_price = self._add("max_price", QLineEdit())
        self.max_price.setPlaceholderText("1 500 000,00")
        self.currency = self._add("currency", QLineEdit("RUB"))
        self.status = self._add("status", QComboBox())
        for status in TENDER_STATUSES:
            self.status.addItem(QCoreApplication.translate("TendersModel", STATUS_TITLES[status]), status)
        self.responsible = self._add("responsible_id", QComboBox())
        self.responsible.addItem("—", None)
        for m in UserManager.select().where(UserManager.active).order_by(UserManager.name):
            self.responsible.addItem(m.name, m.id)

        form = QFormLayout()
        self._row(form, self.tr("Number"), "number")
        self._row(form, self.tr("Subject"), "title")
        self._row(form, self.tr("Platform"), "platform")
        self._row(form, self.tr("Link"), "link")
        self._row(form, self.tr("Published"), "published", self.has_published)
        self._row(form, self.tr("Submission deadline"), "deadline", self.has_deadline)
        self._row(form, self.tr("Maximum price"), "max_price")
        self._row(form, self.tr("Currency"), "currency")
        self._row(form, self.tr("Status"), "status")
        self._row(form, self.tr("Responsible"), "responsible_id")

        layout = QVBoxLayout(self)
        layout.addLayout(form)

        self.create_deal = QCheckBox(self.tr("Create a Bitrix24 deal with its company and contact"))
        self.customer_box = QGroupBox(self.tr("Customer"))
        self.customer_title = self._add("customer.title", QLineEdit())
        self.customer_inn = self._add("customer.inn", QLineEdit())
        self.customer_kpp = self._add("customer.kpp", QLineEdit())
        self.customer_phone = self._add("customer.phones", QLineEdit())
        cform = QFormLayout(self.customer_box)
        self._row(cform, self.tr("Name"), "customer.title")
        self._row(cform, self.tr("INN"), "customer.inn")
        self._row(cform, self.tr("KPP"), "customer.kpp")
        self._row(cform, self.tr("Phone"), "customer.phones")
        self.contact_box = QGroupBox(self.tr("Contact person"))
        self.contact_name = self._add("contact.name", QLineEdit())
        self.contact_last_name = self._add("contact.last_name", QLineEdit())
        self.contact_position = self._add("contact.position", QLineEdit())
        self.contact_phone = self._add("contact.phones", QLineEdit())
        self.contact_email = self._add("contact.emails", QLineEdit())
        pform = QFormLayout(self.contact_box)
        self._row(pform, self.tr("First name"), "contact.name")
        self._row(pform, self.tr("Last name"), "contact.last_name")
        self._row(pform, self.tr("Position"), "contact.position")
        self._row(pform, self.tr("Phone"), "contact.phones")
        self._row(pform, self.tr("E-mail"), "contact.emails")
        self.general_error = QLabel()
        self.general_error.setStyleSheet("color: #b00020")
        self.general_error.setWordWrap(True)

        if tender_id is None:
            self.create_deal.setChecked(True)
            layout.addWidget(self.create_deal)
            layout.addWidget(self.customer_box)
            layout.addWidget(self.contact_box)
        layout.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.has_published.toggled.connect(self.published.setEnabled)
        self.has_deadline.toggled.connect(self.deadline.setEnabled)
        self.has_deadline.setChecked(True)
        self.published.setEnabled(False)
        if tender_id is not None:
            self._load(tender_id)

    def _add(self, key: str, widget: QWidget) -> QWidget:
        self.fields[key] = _Field(widget)
        return widget

    def _row(self, form: QFormLayout, label: str, key: str, extra: QWidget | None = None) -> None:
        field = self.fields[key]
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        if extra is not None:
            box.addWidget(extra)
        box.addWidget(field.widget)
        box.addWidget(field.error)
        holder = QWidget()
        holder.setLayout(box)
        form.addRow(label, holder)

    def _load(self, tender_id: int) -> None:
        t = Tender.get_by_id(tender_id)
        self.number.setText(t.number)
        self.title_edit.setText(t.title)
        self.platform.setText(t.platform or "")
        self.link.setText(t.link or "")
        self.has_published.setChecked(t.published is not None)
        if t.published:
            self.published.setDate(QDate(t.published.year, t.published.month, t.published.day))
        self.has_deadline.setChecked(t.deadline is not None)
        if t.deadline:
            local = to_local(t.deadline)
            self.deadline.setDateTime(
                QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
            )
        self.max_price.setText("" if t.max_price is None else str(t.max_price))
        self.currency.setText(t.currency)
        self.status.setCurrentIndex(self.status.findData(t.status))
        self.responsible.setCurrentIndex(max(0, self.responsible.findData(t.responsible_id)))
        self._customer_id = t.customer_id

    def tender_input(self) -> TenderInput:
        published = None
        if self.has_published.isChecked():
            d = self.published.date()
            published = dt.date(d.year(), d.month(), d.day())
        deadline = None
        if self.has_deadline.isChecked():
            q = self.deadline.dateTime()
            d, t = q.date(), q.time()
            # The operator types local time; the service keeps UTC.
            deadline = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()).astimezone()
        return TenderInput(
            number=self.number.text(),
            title=self.title_edit.text(),
            platform=self.platform.text(),
            link=self.link.text(),
            published=published,
            deadline=deadline,
            max_price=self.max_price.text() or None,
            currency=self.currency.text(),
            status=self.status.currentData(),
            responsible_id=self.responsible.currentData(),
            customer_id=getattr(self, "_customer_id", None),
        )

    def save(self) -> bool:
        for field in self.fields.values():
            field.show_error(None)
        self.general_error.clear()
        try:
            if self.tender_id is None:
                customer = None
                if self.customer_title.text().strip() or self.customer_inn.text().strip():
                    customer = CustomerInput(
                        title=self.customer_title.text(),
                        inn=self.customer_inn.text(),
                        kpp=self.customer_kpp.text(),
                        phone=self.customer_phone.text(),
                    )
                person = ContactPersonInput(
                    name=self.contact_name.text(),
                    last_name=self.contact_last_name.text(),
                    position=self.contact_position.text(),
                    phone=self.contact_phone.text(),
                    email=self.contact_email.text(),
                )
                result = self.service.create_tender(
                    self.tender_input(), customer=customer, contact=person, create_deal=self.create_deal.isChecked()
                )
                self.tender_id = result.tender.id
            else:
                change = self.service.update_tender(self.tender_id, self.tender_input())
                if change.note:
                    self.general_error.setText(change.note)
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return False
        self.saved.emit(self.tender_id)
        if not self.general_error.text():
            self.accept()
        return True

    def _show_errors(self, errors: dict[str, str]) -> None:
        unplaced: list[str] = []
        for key, message in errors.items():
            message = translate_error(message)
            field = self.fields.get(key)
            if field is None and key.rsplit(".", 1)[0] in self.fields:
                continue  # "contact.phones.0": its field already shows the message
            if field is None:
                unplaced.append(message if "." not in key else f"{key}: {message}")
            else:
                field.show_error(message)
        if unplaced:
            self.general_error.setText("\n".join(unplaced))
        first = next((f for f in self.fields.values() if f.error.isVisible()), None)
        if first is not None:
            first.widget.setFocus(Qt.FocusReason.OtherFocusReason)
