"""The operator's main window: navigation between views, toolbar, status bar.

Other parts of the program add their own pages with `add_view()` (calls,
missed calls, tenders, notices, conflicts); the four CRM views are built here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from kapusta_desktop.domain.stages import DEFAULT_STAGES
from kapusta_desktop.paths import Profile
from kapusta_desktop.resources import resources_dir
from kapusta_desktop.services.editing import EditingService
from kapusta_desktop.store import outbox
from kapusta_desktop.store.db import database_proxy
from kapusta_desktop.store.listing import LISTINGS
from kapusta_desktop.store.models import Stage
from kapusta_desktop.store.setting_values import get_value
from kapusta_desktop.ui import sync_icons
from kapusta_desktop.ui.detail_panel import DetailPanel
from kapusta_desktop.ui.editors import EditorDialog, open_editor
from kapusta_desktop.ui.local_time import to_local
from kapusta_desktop.ui.record_model import RecordTableModel
from kapusta_desktop.ui.record_view import RecordView
from kapusta_desktop.ui.sync_actions import SyncActions
from kapusta_desktop.ui.sync_icons import icon

log = logging.getLogger(__name__)

CURRENT_MANAGER_SETTING = "console.current_manager_id"
SEARCH_DEBOUNCE_MS = 150
SYSTEMS = ("bitrix24", "mango", "telegram")


def stage_choices() -> list[tuple[str, str]]:
    rows = list(Stage.select(Stage.status_id, Stage.name).order_by(Stage.sort, Stage.id).tuples())
    return rows or [(s.status_id, s.name) for s in DEFAULT_STAGES]


class MainWindow(QMainWindow):
    syncRequested = Signal()

    def __init__(
        self,
        profile: Profile,
        *,
        service: EditingService | None = None,
        settings: QSettings | None = None,
        current_manager_id: Callable[[], int | None] | None = None,
    ) -> None:
        super().__init__()
        self.profile = profile
        self.service = service or EditingService(database_proxy)
        self.settings = settings or QSettings(str(profile.settings_file), QSettings.Format.IniFormat)
        self._current_manager_id = current_manager_id or (lambda: get_value(CURRENT_MANAGER_SETTING))
        self.views: dict[str, QWidget] = {}
        self._view_keys: list[str] = []
        self.editors: list[EditorDialog] = []
        # Retry/discard/conflict answers from the detail panels; SyncRuntime attaches its engine here.
        self.sync_actions = SyncActions(self)
        self.sync_actions.recordChanged.connect(self._saved)

        title = "KAPUSTA desktop"
        if profile.demo:
            title += " — DEMO"
        self.setWindowTitle(title)
        self.setWindowIcon(icon("app"))

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setMaximumWidth(200)
        self.stack = QStackedWidget()
        self.nav.currentRowChanged.connect(self._nav_changed)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)

        self._build_toolbar()
        self._build_status_bar()
        self._build_crm_views()
        self.nav.setCurrentRow(0)

        self._status_timer = QTimer(self)
        self._status_timer.setInterval(3000)
        self._status_timer.timeout.connect(self.refresh_pending)
        self._status_timer.start()
        self.refresh_pending()
        self.resize(1280, 800)
        self._restore_window()

    # ---- building --------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main"))
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.sync_action = QAction(self.tr("Sync now"), self)
        self.sync_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.sync_action.setToolTip(self.tr("Send pending changes and fetch news from Bitrix24 (F5)"))
        self.sync_action.triggered.connect(self.syncRequested)
        self.new_action = QAction(self.tr("New"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setToolTip(self.tr("Create a record in the current view (Ctrl+N)"))
        self.new_action.triggered.connect(self.new_record)
        bar.addAction(self.sync_action)
        bar.addAction(self.new_action)
        bar.addSeparator()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search: name, title, company, phone (Ctrl+F)"))
        self.search.setMaximumWidth(420)
        bar.addWidget(self.search)
        self.search_action = QAction(self.tr("Search"), self)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)
        self.search_action.triggered.connect(self.focus_search)
        self.addAction(self.search_action)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_enter)
        self.demo_label = QLabel(" DEMO ")
        self.demo_label.setObjectName("demoMarker")
        self.demo_label.setStyleSheet("background:#e65100;color:white;font-weight:bold;padding:2px 8px;")
        self.demo_label.setToolTip(self.tr("Demo profile: sample data, not your real cache"))
        if self.profile.demo:
            spacer = QWidget()
            spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            bar.addWidget(spacer)
            bar.addWidget(self.demo_label)
        self.demo_label.setVisible(self.profile.demo)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.connection_labels: dict[str, QLabel] = {}
        names = {"bitrix24": "Bitrix24", "mango": "Mango", "telegram": "Telegram"}
        for system in SYSTEMS:
            label = QLabel()
            label.setObjectName(f"conn_{system}")
            self.connection_labels[system] = label
            status.addPermanentWidget(label)
            self._connection_names = names
            self.set_connection_state(system, "not_configured", self.tr("not configured"))
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pendingCount")
        self.last_sync_label = QLabel()
        self.last_sync_label.setObjectName("lastSync")
        status.addPermanentWidget(self.pending_label)
        status.addPermanentWidget(self.last_sync_label)
        self.set_last_sync(None)

    def _build_crm_views(self) -> None:
        stages = stage_choices()
        stage_names = dict(stages)
        headers = {
            "title": self.tr("Title"), "stage": self.tr("Stage"), "amount": self.tr("Amount"),
            "currency": self.tr("Currency"), "company": self.tr("Company"), "responsible": self.tr("Responsible"),
            "modified": self.tr("Changed"), "name": self.tr("Name"), "position": self.tr("Position"),
            "phone": self.tr("Phone"), "inn": self.tr("INN"), "site": self.tr("Site"),
            "deadline": self.tr("Deadline"), "status": self.tr("Status"), "deal": self.tr("Deal"),
        }
        statuses = [("2", self.tr("Waiting")), ("3", self.tr("In progress")), ("4", self.tr("Awaiting control")),
                    ("5", self.tr("Done")), ("6", self.tr("Deferred"))]
        status_names = {int(k): v for k, v in statuses}
        formatters: dict[str, dict[str, Callable[[object], str]]] = {
            "deal": {"stage": lambda v: stage_names.get(str(v), str(v))},
            "task": {"status": lambda v: status_names.get(v, str(v)) if isinstance(v, int) else str(v)},
        }
        spec = [
            ("deal", self.tr("Deals"), "deals", "Ctrl+1", stages),
            ("contact", self.tr("Contacts"), "contacts", "Ctrl+2", None),
            ("company", self.tr("Companies"), "companies", "Ctrl+3", None),
            ("task", self.tr("Tasks"), "tasks", "Ctrl+4", statuses),
        ]
        self.record_views: dict[str, RecordView] = {}
        for entity, title, icon_name, shortcut, choices in spec:
            listing = LISTINGS[entity]()
            model = RecordTableModel(listing, headers, formatters.get(entity), count_later=True, parent=self)
            detail = DetailPanel(entity, stage_names if entity == "deal" else None, sync_actions=self.sync_actions)
            view = RecordView(listing, model, detail, self.settings, current_manager_id=self._current_manager_id,
                              stage_choices=choices)
            view.openRequested.connect(lambda rid, e=entity: self.open_record(e, rid))
            self.record_views[entity] = view
            self.add_view(entity, title, view, icon=icon(icon_name), shortcut=shortcut)
        self._stages = stages

    # ---- the public surface for other parts --------------------------------------------------

    def add_view(self, key: str, title: str, widget: QWidget, icon: QIcon | None = None,
                 shortcut: str | None = None) -> None:
        """Add a page to the navigation; `shortcut` (e.g. "Ctrl+5") switches to it."""
        if key in self.views:
            raise ValueError(f"a view named {key!r} is already there")
        if icon is None and (resources_dir() / "icons" / f"{key}.svg").is_file():
            icon = sync_icons.icon(key)  # every page gets its own icon when resources/icons has one by its key
        item = QListWidgetItem(icon or QIcon(), title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        if shortcut:
            item.setToolTip(f"{title} ({shortcut})")
            QShortcut(QKeySequence(shortcut), self, activated=lambda: self.show_view(key))
        self.views[key] = widget
        self._view_keys.append(key)
        self.stack.addWidget(widget)
        self.nav.addItem(item)

    def show_view(self, key: str) -> None:
        self.nav.setCurrentRow(self._view_keys.index(key))

    def current_key(self) -> str:
        return self._view_keys[self.stack.currentIndex()]

    def current_view(self) -> QWidget:
        return self.stack.currentWidget()

    def set_connection_state(self, system: str, state: str, text: str) -> None:
        """`state`: not_configured, connecting, online, offline or error; `text` says it to the operator."""
        label = self.connection_labels[system]
        colour = {"online": "#2e7d32", "connecting": "#1565c0", "offline": "#ef6c00", "error": "#c62828"}.get(
            state, "#757575"
        )
        label.setText(f"<span style='color:{colour}'>●</span> {self._connection_names[system]}: {text}")
        label.setProperty("state", state)
        label.setToolTip(text)

    def set_pending_count(self, count: int) -> None:
        self.pending_label.setText(self.tr("Pending changes: %1").replace("%1", str(count)))
        self.pending_label.setProperty("count", count)

    def set_last_sync(self, when: dt.datetime | None) -> None:
        text = self.tr("never") if when is None else f"{to_local(when):%d.%m.%Y %H:%M:%S}"
        self.last_sync_label.setText(self.tr("Last sync: %1").replace("%1", text))

    def refresh_pending(self) -> None:
        try:
            self.set_pending_count(outbox.pending_count("bitrix24"))
        except Exception:  # the status bar must never take the window down
            log.exception("could not count pending changes")

    def reload_views(self) -> None:
        """Re-read every CRM view (after a sync pulled changes)."""
        for view in self.record_views.values():
            view.reload()
        self.refresh_pending()

    # ---- actions ---------------------------------------------------------------------------

    def _nav_changed(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)
            view = self.stack.currentWidget()
            if isinstance(view, RecordView):
                view.activate()  # pages are read when first shown, not at start-up
            if isinstance(view, RecordView) and self.search.text().strip() != view.model.query.search:
                view.set_search(self.search.text().strip())
            self.new_action.setEnabled(isinstance(view, RecordView) or hasattr(view, "new_record"))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def apply_search(self) -> None:
        self._search_timer.stop()
        view = self.current_view()
        if isinstance(view, RecordView) or hasattr(view, "set_search"):
            view.set_search(self.search.text().strip())  # type: ignore[attr-defined]

    def _search_enter(self) -> None:
        self.apply_search()
        view = self.current_view()
        if isinstance(view, RecordView) and view.model.rowCount() > 0:
            view.table.setFocus()
            view.table.selectRow(0)

    def new_record(self) -> None:
        view = self.current_view()
        if isinstance(view, RecordView):
            self.open_record(view.entity_type, None)
        elif hasattr(view, "new_record"):
            view.new_record()

    def open_record(self, entity_type: str, record_id: int | None) -> EditorDialog:
        kwargs = {"stages": self._stages} if entity_type == "deal" else {}
        dialog = open_editor(entity_type, self.service, record_id, self, **kwargs)
        dialog.saved.connect(self._saved)
        self.editors.append(dialog)
        dialog.finished.connect(lambda _r: self.editors.remove(dialog) if dialog in self.editors else None)
        return dialog

    def _saved(self, entity_type: str, record_id: int) -> None:
        view = self.record_views.get(entity_type)
        if view is not None:
            view.reload(keep=record_id)
        self.refresh_pending()

    # ---- remembered geometry -----------------------------------------------------------------

    def _restore_window(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    def save_ui_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        for view in self.record_views.values():
            view.save_state()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_ui_state()
        self._status_timer.stop()
        super().closeEvent(event)
