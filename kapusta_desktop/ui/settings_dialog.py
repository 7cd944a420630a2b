"""The settings dialog: one tab per integration, read-only until an admin unlocks it.

All rules live in SettingsService / AdminAccess / SecretStore; this file only
shows them. Secrets once saved show a "saved" placeholder, never the value.
"Test" buttons run async checks (injectable) as tasks we keep and cancel; no
modal exec() runs inside a coroutine.

A team desk also gets "This desk's extensions" (kept in its profile, not in the
shared database). A desk in relay mode (KAPUSTA_RELAY_URL) holds no service
token: its token fields say the relay holds them (only an admin desk may
replace the webhook and bot token there), and its "Test" buttons test the
relay and its forwarding, the path the desk really uses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kapusta_desktop import secret_store as ss
from kapusta_desktop.integrations.relay.desk_side import RelayConfigError, RelayRefusedError
from kapusta_desktop.redact import redact
from kapusta_desktop.services import connection_checks
from kapusta_desktop.services.admin import AdminError
from kapusta_desktop.services.connection_checks import ForwardingOff, RelayDesk, ThroughRelay
from kapusta_desktop.services.desk_settings import DESK_EXTENSIONS, DESK_EXTENSIONS_ENV
from kapusta_desktop.services.settings import RelaySettingsError, SettingsService
from kapusta_desktop.services.settings_fields import FIELDS, RELAY_SECRETS, FieldSpec

log = logging.getLogger(__name__)
DESK_RELAY_URL_ENV = "KAPUSTA_RELAY_URL"
translate = QCoreApplication.translate  # a bare name lupdate also reads

Check = Callable[[dict[str, Any]], Awaitable[Any]]
SAVED_PLACEHOLDER = QT_TRANSLATE_NOOP("SettingsDialog", "saved — type to replace")
RELAY_HELD = QT_TRANSLATE_NOOP("SettingsDialog", "held by the relay")
RELAY_HELD_REPLACE = QT_TRANSLATE_NOOP("SettingsDialog", "held by the relay — type to replace it there")
SERVICE_NAMES = {"bitrix24": QT_TRANSLATE_NOOP("SettingsDialog", "Bitrix24"), "telegram": "Telegram",
                 "mango": "Mango Office"}
GROUP_TITLES = {
    "bitrix24": "Bitrix24",
    "mango": "Mango Office",
    "telegram": "Telegram",
    "sync": QT_TRANSLATE_NOOP("SettingsDialog", "Sync"),
}


def _field_text(text: str) -> str:
    """A label or hint from settings_fields, listed for lupdate in ui/settings_labels.py."""
    return QCoreApplication.translate("SettingsField", text)


class SettingsDialog(QDialog):
    locked_changed = Signal(bool)

    def __init__(
        self,
        service: SettingsService,
        parent: QWidget | None = None,
        *,
        checks: dict[str, Check] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.service = service
        self.relay = service.relay  # relay mode: the relay holds the tokens and answers the tests
        self.relay_desk: RelayDesk | None = None  # what the relay said about this desk, once asked
        self.checks: dict[str, Check] = {**self._default_checks(), **(checks or {})}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.editors: dict[str, QLineEdit | QComboBox | QPlainTextEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.results: dict[str, QLabel] = {}

        layout = QVBoxLayout(self)
        self.banner = QLabel(wordWrap=True)
        self.banner.setObjectName("keyringBanner")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.create_store_button = QPushButton(self.tr("Create encrypted file store…"))
        self.create_store_button.clicked.connect(self._create_file_store)
        layout.addWidget(self.banner)
        layout.addWidget(self.create_store_button)

        access = QHBoxLayout()
        self.access_label = QLabel()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("admin password"))
        self.unlock_button = QPushButton()
        self.unlock_button.clicked.connect(self._unlock_clicked)
        self.access_message = QLabel()
        for w in (self.access_label, self.password, self.unlock_button, self.access_message):
            access.addWidget(w)
        layout.addLayout(access)
        if self.relay is not None:
            layout.addWidget(self._relay_box())

        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        for group in ("bitrix24", "mango", "telegram", "sync"):
            self.tabs.addTab(self._group_tab(group), self.tr(GROUP_TITLES[group]))
        self.tabs.addTab(self._stages_tab(), self.tr("Stage mapping"))
        self.tabs.addTab(self._notices_tab(), self.tr("Notice rules"))
        self.tabs.addTab(self._managers_tab(), self.tr("Managers"))

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Save"), QDialogButtonBox.ButtonRole.ApplyRole)
        self.forget_button = buttons.addButton(self.tr("Forget all secrets"), QDialogButtonBox.ButtonRole.ResetRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.save_button.clicked.connect(self.save)
        self.forget_button.clicked.connect(self._confirm_forget)
        close.clicked.connect(self.close)
        self.status_label = QLabel()
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.reload()
        if self.relay is not None and _loop_running():
            self.start_check("relay")  # learn whether this is an admin desk (it may replace tokens on the relay)

    def _default_checks(self) -> dict[str, Check]:
        if self.relay is not None:
            relay = self.relay
            return {
                "relay": lambda _values: connection_checks.relay_desk(relay),
                "bitrix24": lambda _values: connection_checks.relay_bitrix24(relay),
                "bitrix24_users": lambda _values: connection_checks.relay_bitrix24_users(relay),
                "mango": lambda _values: connection_checks.relay_mango_users(relay),
                "telegram": lambda _values: connection_checks.relay_telegram_get_me(relay),
                "telegram_chats": lambda _values: connection_checks.relay_telegram_recent_chats(relay),
                "telegram_send": lambda _values: connection_checks.relay_telegram_send_test(
                    relay, self.test_chat.text().strip()),
            }
        return {
            "bitrix24": connection_checks.check_bitrix24,
            "mango": connection_checks.mango_users,
            "telegram": connection_checks.telegram_get_me,
            "telegram_chats": connection_checks.telegram_recent_chats,
            "telegram_send": lambda values: connection_checks.telegram_send_test(values, self.test_chat.text().strip()),
        }

    # -- building ------------------------------------------------------------

    def _relay_box(self) -> QWidget:
        """Relay mode: where the tokens are, and a test of the relay itself (who this desk is to it)."""
        box = QWidget()
        box.setObjectName("relayBox")
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        url = getattr(self.relay, "url", "") or DESK_RELAY_URL_ENV
        self.relay_note = QLabel(
            self.tr(
                "This desk works through the team relay (%1): the Bitrix24, Telegram and Mango tokens are held "
                "there, not on this computer. Tests below go through the relay."
            ).replace("%1", url),
            wordWrap=True,
        )
        self.relay_note.setTextFormat(Qt.TextFormat.PlainText)
        column.addWidget(self.relay_note)
        row = QHBoxLayout()
        self.relay_button = QPushButton(self.tr("Test relay"))
        self.relay_button.clicked.connect(lambda: self.start_check("relay"))
        result = QLabel(wordWrap=True)
        result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.results["relay"] = result
        row.addWidget(self.relay_button)
        row.addWidget(result, 1)
        column.addLayout(row)
        return box

    def _field_editor(self, spec: FieldSpec) -> QLineEdit | QComboBox | QPlainTextEdit:
        # Choices show in the operator's language and keep the setting's own text as item data.
        if spec.key == "bitrix24.auth_mode":
            combo = QComboBox()
            combo.addItem(self.tr("incoming webhook"), "webhook")
            combo.addItem(self.tr("OAuth application"), "oauth")
            return combo
        if spec.key.endswith(".enabled"):
            combo = QComboBox()
            combo.addItem(self.tr("off"), "off")
            combo.addItem(self.tr("on"), "on")
            return combo
        if spec.key == "notices.config":
            return QPlainTextEdit()
        edit = QLineEdit()
        if spec.secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        if spec.help:
            edit.setToolTip(_field_text(spec.help))
        return edit

    def _add_field(self, form: QFormLayout, spec: FieldSpec, label: str | None = None) -> None:
        editor = self._field_editor(spec)
        error = QLabel()
        error.setObjectName("fieldError")
        error.setStyleSheet("color: #b00020")
        error.setWordWrap(True)
        self.editors[spec.key] = editor
        self.errors[spec.key] = error
        box = QVBoxLayout()
        box.addWidget(editor)
        box.addWidget(error)
        form.addRow(label or _field_text(spec.label), box)

    def _desk_extensions_row(self, form: QFormLayout) -> None:
        """Team mode: this desk's own list, kept in its profile (the shared field above is the team's)."""
        self.editors["mango.desk_extensions"].setToolTip(
            self.tr("Shared by the team (kept in the team's database).")
        )
        edit = QLineEdit()
        edit.setObjectName("deskExtensions")
        edit.setPlaceholderText(self.tr("e.g. 102 or 101, 105"))
        error = QLabel()
        error.setObjectName("fieldError")
        error.setStyleSheet("color: #b00020")
        error.setWordWrap(True)
        self.desk_extensions_note = QLabel(wordWrap=True)
        self.desk_extensions_note.setTextFormat(Qt.TextFormat.PlainText)
        self.editors[DESK_EXTENSIONS] = edit
        self.errors[DESK_EXTENSIONS] = error
        box = QVBoxLayout()
        box.addWidget(edit)
        box.addWidget(self.desk_extensions_note)
        box.addWidget(error)
        form.addRow(self.tr("This desk's extensions"), box)

    def _desk_extensions_hint(self) -> str:
        override = self.service.desk_extensions_override()
        if override is not None:
            return (
                self.tr("%1=%2 in this desk's environment overrides this list.")
                .replace("%1", DESK_EXTENSIONS_ENV).replace("%2", override)
            )
        return self.tr("Kept on this computer only. Empty: the team's list above applies.")

    def _test_row(self, form: QFormLayout, name: str, label: str) -> None:
        button = QPushButton(label)
        result = QLabel(wordWrap=True)
        result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        button.clicked.connect(lambda: self.start_check(name))
        self.results[name] = result
        form.addRow(button, result)

    def _group_tab(self, group: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        for spec in FIELDS:
            if spec.group != group:
                continue
            if spec.key == "mango.desk_extensions" and self.service.desk is not None:
                # Team mode: the shared field is the fallback for desks without their own list.
                self._add_field(form, spec, self.tr("Extensions of desks without their own"))
                self._desk_extensions_row(form)
            else:
                self._add_field(form, spec)
        if group == "bitrix24":
            self._test_row(form, "bitrix24", self.tr("Test connection"))
        elif group == "mango":
            self._test_row(form, "mango", self.tr("Test: list PBX users"))
        elif group == "telegram":
            self._test_row(form, "telegram", self.tr("Test token (getMe)"))
            self._test_row(form, "telegram_chats", self.tr("Find recent chats"))
            self.test_chat = QLineEdit()
            self.test_chat.setPlaceholderText(self.tr("chat id for a test message"))
            form.addRow(self.tr("Test chat"), self.test_chat)
            self._test_row(form, "telegram_send", self.tr("Send test message"))
        return page

    def _stages_tab(self) -> QWidget:
        self.stage_table = QTableWidget(0, 4)
        self.stage_table.setHorizontalHeaderLabels(
            [self.tr("Pipeline"), "STATUS_ID", self.tr("Stage"), self.tr("KAPUSTA stage")]
        )
        return self.stage_table

    def _notices_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        for spec in FIELDS:
            if spec.group == "notices":
                self._add_field(form, spec)
        return page

    def _managers_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.manager_table = QTableWidget(0, 6)
        self.manager_table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("E-mail"), self.tr("Phone"), self.tr("Telegram id"), self.tr("Bitrix24 user"),
             self.tr("Mango extension")]
        )
        self.match_button = QPushButton(self.tr("Match automatically"))
        self.match_button.clicked.connect(lambda: self.start_check("match_managers"))
        self.results["match_managers"] = QLabel(wordWrap=True)
        box.addWidget(self.manager_table)
        box.addWidget(self.match_button)
        box.addWidget(self.results["match_managers"])
        return page

    # -- state -----------------------------------------------------------------

    @property
    def unlocked(self) -> bool:
        return self.service.admin.is_unlocked

    def reload(self) -> None:
        """Show the stored values (secrets as a placeholder) and apply the lock state."""
        status = self.service.secrets.status()
        self.banner.setVisible(not status.can_store)
        self.banner.setText(status.message)
        self.create_store_button.setVisible(status.kind is ss.BackendKind.NONE)
        for spec in FIELDS:
            editor = self.editors[spec.key]
            if spec.secret:
                assert isinstance(editor, QLineEdit)
                editor.clear()
                editor.setPlaceholderText(self._secret_placeholder(spec.key))
            else:
                text = spec.format(self.service.get(spec.key))
                if isinstance(editor, QComboBox):
                    editor.setCurrentIndex(max(0, editor.findData(text)))
                elif isinstance(editor, QPlainTextEdit):
                    editor.setPlainText(text)
                else:
                    editor.setText(text)
            self.errors[spec.key].clear()
        desk_editor = self.editors.get(DESK_EXTENSIONS)
        if isinstance(desk_editor, QLineEdit):
            desk_editor.setText(", ".join(self.service.desk_extensions()))
            self.desk_extensions_note.setText(self._desk_extensions_hint())
            self.errors[DESK_EXTENSIONS].clear()
        self._load_stages()
        self._load_managers()
        self._apply_lock()

    def _relay_may_replace(self, key: str) -> bool:
        """An admin desk may replace the webhook and bot token on the relay; nobody types the others here."""
        return self.relay_desk is not None and self.relay_desk.admin and key in RELAY_SECRETS

    def _secret_placeholder(self, key: str) -> str:
        if self.relay is not None:
            return self.tr(RELAY_HELD_REPLACE) if self._relay_may_replace(key) else self.tr(RELAY_HELD)
        shown = self.service.shown(key).text
        return self.tr(SAVED_PLACEHOLDER) if shown.startswith("set") else shown

    def _load_stages(self) -> None:
        try:
            rows = self.service.stage_mapping()
        except Exception:  # no cache yet
            rows = []
        self.stage_table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)
                if c < 3:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.stage_table.setItem(r, c, item)

    def _load_managers(self) -> None:
        from kapusta_desktop.store.models import UserManager

        rows = list(UserManager.select().order_by(UserManager.name))
        self.manager_table.setRowCount(len(rows))
        for r, m in enumerate(rows):
            values = [m.name, m.email, m.phone, m.telegram_id, m.b24_user_id, m.mango_extension]
            for c, value in enumerate(values):
                item = QTableWidgetItem("" if value is None else str(value))
                item.setData(Qt.ItemDataRole.UserRole, m.id)
                self.manager_table.setItem(r, c, item)

    def _apply_lock(self) -> None:
        has_password = self.service.admin.has_password()
        unlocked = self.unlocked
        for editor in self.editors.values():
            if isinstance(editor, QComboBox):
                editor.setEnabled(unlocked)
            else:
                editor.setReadOnly(not unlocked)
        if self.relay is not None:  # the desk holds no token: the fields say where they are
            for spec in FIELDS:
                if spec.secret:
                    editor = self.editors[spec.key]
                    editor.setEnabled(self._relay_may_replace(spec.key))
                    editor.setToolTip(self._relay_token_tip(spec.key))
        for table in (self.stage_table, self.manager_table):
            table.setEditTriggers(
                QTableWidget.EditTrigger.AllEditTriggers if unlocked else QTableWidget.EditTrigger.NoEditTriggers
            )
        for button in (self.save_button, self.forget_button, self.match_button, self.create_store_button):
            button.setEnabled(unlocked)
        self.password.setVisible(not unlocked)
        if unlocked:
            self.access_label.setText(self.tr("Unlocked: changes allowed."))
            self.unlock_button.setText(self.tr("Lock"))
        elif has_password:
            self.access_label.setText(self.tr("Read-only. Unlock with the admin password to change settings."))
            self.unlock_button.setText(self.tr("Unlock"))
        else:
            self.access_label.setText(self.tr("First run: set the admin password (at least 8 characters)."))
            self.unlock_button.setText(self.tr("Set admin password"))
        self.locked_changed.emit(not unlocked)

    def _relay_token_tip(self, key: str) -> str:
        if self._relay_may_replace(key):
            return self.tr("Held by the relay. As an admin desk you may replace it: it is saved on the relay only.")
        if key in RELAY_SECRETS:
            return self.tr("Held by the relay. Only an admin desk may replace it.")
        return self.tr("Held by the relay: set it on the relay's host (its environment or keyring).")

    # -- unlocking ---------------------------------------------------------------

    def _unlock_clicked(self) -> None:
        if self.unlocked:
            self.service.admin.lock()
            self._apply_lock()
            return
        password = self.password.text()
        self.password.clear()
        if not self.service.admin.has_password():
            try:
                self.service.admin.set_initial_password(password)
            except AdminError as exc:
                self.access_message.setText(str(exc))
                return
            self.access_message.clear()
            self._apply_lock()
            return
        self._spawn("unlock", self._unlock(password))

    async def _unlock(self, password: str) -> None:
        self.unlock_button.setEnabled(False)
        try:
            await self.service.admin.unlock_async(password)
            self.access_message.clear()
        except AdminError as exc:
            self.access_message.setText(str(exc))
        finally:
            self.unlock_button.setEnabled(True)
            self._apply_lock()

    # -- saving --------------------------------------------------------------------

    def edited_texts(self) -> dict[str, str]:
        """What the admin changed; an untouched secret field (empty) means "keep the saved one"."""
        texts: dict[str, str] = {}
        for spec in FIELDS:
            editor = self.editors[spec.key]
            if isinstance(editor, QComboBox):
                text = str(editor.currentData())
            elif isinstance(editor, QPlainTextEdit):
                text = editor.toPlainText()
            else:
                text = editor.text()
            if spec.secret and not text:
                continue
            if not spec.secret and text == spec.format(self.service.get(spec.key)):
                continue
            texts[spec.key] = text
        desk_editor = self.editors.get(DESK_EXTENSIONS)
        if isinstance(desk_editor, QLineEdit) and desk_editor.text() != ", ".join(self.service.desk_extensions()):
            texts[DESK_EXTENSIONS] = desk_editor.text()
        return texts

    def save(self) -> bool:
        for label in self.errors.values():
            label.clear()
        busy = self.relay is not None  # a round trip to the relay (up to its timeout): say so while it lasts
        if busy:
            self.status_label.setText(self.tr("Saving through the relay…"))
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            QApplication.processEvents()
        try:
            errors = self.service.apply(self.edited_texts())
            self._save_tables()
        except RelaySettingsError as exc:  # a team desk saving through the relay
            self.status_label.setText(self.relay_refusal(exc))
            return False
        except AdminError as exc:
            self.status_label.setText(str(exc))
            self._apply_lock()
            return False
        except ss.SecretStoreError as exc:
            self.status_label.setText(str(exc))
            return False
        finally:
            if busy:
                QApplication.restoreOverrideCursor()
        if errors:
            for key, message in errors.items():
                self.errors[key].setText(message)
            self.status_label.setText(self.tr("Nothing saved: fix the fields marked in red."))
            return False
        self.status_label.setText(self.tr("Saved."))
        self.reload()
        return True

    def relay_refusal(self, exc: RelaySettingsError) -> str:
        if exc.status == 403:
            return self.tr("Nothing saved: the relay lets only an admin desk change settings.")
        if exc.status == 401:
            return self.tr("Nothing saved: the relay does not accept this desk's token.")
        return self.tr("Nothing saved: the relay did not take the change (%1).").replace("%1", exc.reason)

    def _save_tables(self) -> None:
        from kapusta_desktop.store.models import UserManager

        for r in range(self.stage_table.rowCount()):
            status_id = self.stage_table.item(r, 1).text()
            wanted = self.stage_table.item(r, 3).text()
            current = {row[1]: row[3] for row in self.service.stage_mapping()}
            if current.get(status_id) != wanted:
                self.service.set_stage(status_id, wanted)
        self.service.admin.require("edit the managers table")
        fields = ["name", "email", "phone", "telegram_id", "b24_user_id", "mango_extension"]
        for r in range(self.manager_table.rowCount()):
            manager_id = self.manager_table.item(r, 0).data(Qt.ItemDataRole.UserRole)
            values: dict[str, Any] = {}
            for c, name in enumerate(fields):
                text = self.manager_table.item(r, c).text().strip()
                values[name] = int(text) if name == "b24_user_id" and text.isdigit() else (text or None)
            values["name"] = values["name"] or ""
            UserManager.update(**values).where(UserManager.id == manager_id).execute()

    def _confirm_forget(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Forget all secrets"),
            self.tr(
                "Remove every saved token, key and webhook from this computer? "
                "Integrations stop until they are entered again."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("forgetConfirm")
        box.finished.connect(lambda result: self._forget_confirmed(result == QMessageBox.StandardButton.Yes))
        box.open()  # never exec(): the event loop keeps running
        self._forget_box = box

    def _forget_confirmed(self, yes: bool) -> None:
        if not yes:
            return
        try:
            self.service.forget_secrets()
        except (AdminError, ss.SecretStoreError) as exc:
            self.status_label.setText(str(exc))
            return
        self.status_label.setText(self.tr("All secrets forgotten."))
        self.reload()

    def _create_file_store(self) -> None:
        password = self.password_for_file_store()
        if password is None:
            return
        try:
            self.service.admin.require("create the encrypted secret file")
            self.service.secrets.create_file_store(password)
        except (AdminError, ss.SecretStoreError) as exc:
            self.status_label.setText(str(exc))
            return
        self.reload()

    def password_for_file_store(self) -> str | None:
        """The master password typed into the admin password field's neighbour (kept simple: a prompt field)."""
        text = self.master_password.text() if hasattr(self, "master_password") else ""
        if not text:
            if not hasattr(self, "master_password"):
                self.master_password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
                hint = self.tr("new master password (8+ characters), then click again")
                self.master_password.setPlaceholderText(hint)
                self.layout().insertWidget(2, self.master_password)
            self.master_password.setFocus()
            return None
        self.master_password.clear()
        return text

    # -- Test buttons (async, kept and cancellable) ---------------------------------

    def _values_for_checks(self) -> dict[str, Any]:
        """Edited values where valid, the saved ones otherwise (secrets from the store, never shown)."""
        if self.relay is not None:
            return {}  # the relay's tokens and addresses are used, not this desk's
        values = {spec.key: self.service.get(spec.key) for spec in FIELDS}
        parsed, _errors = self.service.validate_many(self.edited_texts())
        values.update(parsed)
        return values

    def start_check(self, name: str) -> None:
        label = self.results[name]
        label.setText(self.tr("Checking…"))
        self._spawn(name, self._run_check(name))

    def _spawn(self, name: str, coro: Awaitable[None]) -> None:
        old = self._tasks.pop(name, None)
        if old is not None and not old.done():
            old.cancel()  # a stale check must not overwrite a newer answer
        task = asyncio.ensure_future(coro)
        self._tasks[name] = task
        task.add_done_callback(lambda t, n=name: self._tasks.get(n) is t and self._tasks.pop(n))

    async def _run_check(self, name: str) -> None:
        label = self.results[name]
        try:
            values = self._values_for_checks()
            if name == "match_managers":
                text = await self._match_managers(values)
            else:
                result = await self.checks[name](values)
                if isinstance(result, RelayDesk | ThroughRelay):
                    self._relay_answered(result if isinstance(result, RelayDesk) else result.desk)
                text = self._describe(name, result)
        except asyncio.CancelledError:
            raise
        except ForwardingOff as exc:
            text = self.tr("Through the relay: %1 forwarding is not configured on the relay.").replace(
                "%1", _service_name(exc.service))
        except RelayRefusedError as exc:
            text = self.relay_refused(exc)
        except RelayConfigError as exc:
            text = self.tr("The relay cannot be used: %1").replace("%1", redact(str(exc)))
        except KeyError as exc:
            text = self.tr("Not set: %1").replace("%1", str(exc.args[0]))
        except Exception as exc:
            log.warning("settings check %s failed: %s", name, type(exc).__name__)
            text = self.tr("Failed: %1").replace("%1", redact(str(exc)) or type(exc).__name__)
        label.setText(text)

    def relay_refused(self, exc: RelayRefusedError) -> str:
        if exc.status == 403:
            return self.tr("The relay refuses this desk: its token was revoked (%1).").replace("%1", str(exc))
        return self.tr("The relay does not accept this desk's token (%1).").replace("%1", str(exc))

    def _relay_answered(self, desk: RelayDesk) -> None:
        """The relay's word on this desk: an admin desk may replace the webhook and bot token there."""
        if desk != self.relay_desk:
            self.relay_desk = desk
            for spec in FIELDS:
                if spec.secret and not self.editors[spec.key].text():  # type: ignore[union-attr]
                    self.editors[spec.key].setPlaceholderText(self._secret_placeholder(spec.key))  # type: ignore[union-attr]
            self._apply_lock()

    async def _match_managers(self, values: dict[str, Any]) -> str:
        from kapusta_desktop.services.managers import match_managers

        self.service.admin.require("edit the managers table")
        b24 = await self.checks.get("bitrix24_users", connection_checks.bitrix24_users)(values)
        pbx = await self.checks["mango"](values)
        pbx = pbx.result if isinstance(pbx, ThroughRelay) else pbx
        report = match_managers(b24, pbx)
        self._load_managers()
        text = (
            self.tr("Created %1, updated %2, matched %3 PBX users.")
            .replace("%1", str(report.created)).replace("%2", str(report.updated))
            .replace("%3", str(report.matched_pbx))
        )
        if report.unmatched_pbx:
            text += " " + self.tr("Not matched: %1").replace("%1", ", ".join(report.unmatched_pbx[:10]))
        return text

    @staticmethod
    def _describe(name: str, result: Any, *, plain: bool = False) -> str:
        if isinstance(result, RelayDesk):
            return SettingsDialog._describe_desk(result)
        if isinstance(result, ThroughRelay):
            inner = SettingsDialog._describe(name, result.result, plain=True)
            return translate("SettingsDialog", "Through the relay: OK. %1").replace("%1", inner)
        if name == "telegram_send":
            return translate("SettingsDialog", "Test message sent.")
        if name == "bitrix24":
            admin = translate("SettingsDialog", "yes") if result.is_admin else translate("SettingsDialog", "no")
            missing = ", ".join(result.missing_scopes) or translate("SettingsDialog", "none")
            return (
                translate(
                    "SettingsDialog",
                    "Acts as %1 (id %2); portal admin: %3 (shown, not trusted alone); missing scopes: %4",
                )
                .replace("%1", str(result.user_name)).replace("%2", str(result.user_id))
                .replace("%3", admin).replace("%4", missing)
            )
        if name == "mango":
            users = [f"{getattr(u, 'name', '?')} ({getattr(u, 'extension', None) or '-'})" for u in result]
            return translate("SettingsDialog", "%1 PBX users: ").replace("%1", str(len(users))) + ", ".join(users[:20])
        if name == "telegram_chats":
            lines = [f"{chat_id}: {title}" for chat_id, title in result]
            return "\n".join(lines) or translate("SettingsDialog", "No recent chats: send /start to the bot.")
        return str(result) if plain else translate("SettingsDialog", "OK: %1").replace("%1", str(result))

    @staticmethod
    def _describe_desk(desk: RelayDesk) -> str:
        forwarding = ", ".join(
            _service_name(service) for service in SERVICE_NAMES if desk.forwarding.get(service)
        ) or translate("SettingsDialog", "none")
        admin = translate("SettingsDialog", "yes") if desk.admin else translate("SettingsDialog", "no")
        return (
            translate("SettingsDialog", "Relay OK: desk “%1”, admin desk: %2; forwarding: %3")
            .replace("%1", desk.name).replace("%2", admin).replace("%3", forwarding)
        )

    def closeEvent(self, event: Any) -> None:
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
        super().closeEvent(event)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _service_name(service: str) -> str:
    return translate("SettingsDialog", SERVICE_NAMES.get(service, service))
