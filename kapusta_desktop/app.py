"""Composition root: builds every part once, in order, and tears it down in reverse.

Process level (`run_gui`): profile and logging -> Qt application, translator,
exception hook -> the qasync loop -> one `Desk` after another (the welcome
screen's "Explore the demo" and a settings change end one desk and start the
next on the same loop).

`Desk.build()` (no I/O beyond the store): store -> secret store, admin access,
settings service -> event bus -> services (editing, tenders) and the runtimes
of calls and notices -> main window views, menu, sync progress -> tray.
`await Desk.start()`: window shown, tender watch, demo sandboxes, then the
integrations (Mango listener, Telegram worker, sync schedule) once secrets are
readable. `await Desk.shutdown()` is staged and safe to call twice: stop taking
events (Mango listener), let an in-flight sync write finish and stop the sync,
stop notices, close HTTP clients and sandboxes, close the window, close the
database. No part looks another up globally: each gets what it needs here.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from kapusta_desktop import __version__
from kapusta_desktop.logs import setup_logging, shutdown_logging
from kapusta_desktop.paths import Profile, resolve_profile
from kapusta_desktop.services.sync.status import SyncStatus
from kapusta_desktop.services.team_feed import team_database_url, team_desk_settings
from kapusta_desktop.store.db import close_db, init_db
from kapusta_desktop.store.migrations import SchemaTooNewError

log = logging.getLogger(__name__)


def translate(context: str, text: str) -> str:
    """QCoreApplication.translate imported late (the CLI never loads Qt); lupdate reads calls by this name."""
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate(context, text)

EXIT_AFTER_ENV = "KAPUSTA_EXIT_AFTER_MS"
SYNC_FLUSH_SECONDS = 10.0  # how long shutdown waits for a running sync cycle to settle its outbox write


def open_store(profile: Profile) -> None:
    target = profile.database_url or profile.db_path
    init_db(target, backup_dir=profile.backup_dir)


def exit_delay_ms() -> int | None:
    """KAPUSTA_EXIT_AFTER_MS (start-up smoke tests, screenshots): quit that long after start."""
    text = os.environ.get(EXIT_AFTER_ENV)
    if not text:
        return None
    try:
        return max(0, int(text))
    except ValueError:
        log.warning("%s=%r is not a whole number of milliseconds; ignored", EXIT_AFTER_ENV, text)
        return None


def schedule_exit_for_tests(quit_desk: Callable[[], None]) -> None:
    delay_ms = exit_delay_ms()
    if delay_ms is None:
        return
    from PySide6.QtCore import QTimer

    log.info("quitting after %d ms (%s)", delay_ms, EXIT_AFTER_ENV)
    QTimer.singleShot(delay_ms, quit_desk)


@dataclass(frozen=True)
class DeskOptions:
    demo_companies: int | None = None  # demo portal size (None: the sample generator's default)
    listener_port: int | None = None  # demo Mango listener port (None: 8765 when free, else any)
    tray: bool | None = None  # None: a tray icon when the desktop has a system tray
    welcome: bool = True  # offer the welcome screen on a profile without Bitrix24
    # The operator's own profile while the demo stands in for it (no portal configured there yet):
    # the demo's welcome screen offers to go back to it and connect Bitrix24.
    home: Profile | None = None
    open_settings: bool = False  # open the settings at the Bitrix24 tab as soon as the window shows


class Desk:
    """Everything one profile's console needs, built once; `run()` returns the profile to open next, if any."""

    def __init__(self, app: Any, profile: Profile, options: DeskOptions | None = None) -> None:
        self.app = app
        self.profile = profile
        self.options = options or DeskOptions()
        self.built: list[str] = []  # the parts in the order they were built (logs and tests)
        self.next_profile: Profile | None = None
        self.next_options: DeskOptions = self.options
        self.tasks: set[asyncio.Task[Any]] = set()  # background work we own and cancel at shutdown
        self.sync: Any = None
        self.sandboxes: Any = None
        self.welcome: Any = None
        self.settings_dialog: Any = None
        self.unlock_prompt: Any = None
        self._done: asyncio.Event | None = None
        self._shutdown: asyncio.Task[None] | None = None
        self._integrations_started = False
        self._unsubscribe_sync: Callable[[], None] = lambda: None
        self.first_sync: SyncStatus | None = None

    # ---- building ----------------------------------------------------------------------------

    def build(self) -> None:
        from kapusta_desktop import secret_store as ss
        from kapusta_desktop.services.admin import AdminAccess
        from kapusta_desktop.services.bus import EventBus
        from kapusta_desktop.services.editing import EditingService
        from kapusta_desktop.services.settings import SettingsService
        from kapusta_desktop.services.tenders import TenderService
        from kapusta_desktop.store.db import database_proxy
        from kapusta_desktop.ui.calls_wiring import CallsRuntime
        from kapusta_desktop.ui.main_window import MainWindow
        from kapusta_desktop.ui.notices_wiring import NoticesRuntime
        from kapusta_desktop.ui.sync_progress import SyncProgressBar
        from kapusta_desktop.ui.tenders_view import add_tenders_view
        from kapusta_desktop.ui.tray import DeskTray, WindowCloseWatcher

        if self.profile.demo:
            from kapusta_desktop.demo_desk import reset_demo_cache

            reset_demo_cache(self.profile)
        open_store(self.profile)
        self.built.append("store")
        # The demo's secrets live in this process only; a real desk uses the profile's keyring or file store.
        self.secrets = ss.SecretStore(ss.MemoryKeyring()) if self.profile.demo else ss.SecretStore.for_profile(
            self.profile)
        self.admin = AdminAccess()
        # A team desk with KAPUSTA_RELAY_URL saves its settings through the relay (admin desks only).
        from kapusta_desktop.integrations.relay.desk_side import settings_relay

        relay = None if self.profile.demo else settings_relay(self.secrets)
        # A team desk keeps its own extensions in its profile (the shared database has one list for all).
        desk = team_desk_settings(self.profile.root, demo=self.profile.demo)
        self.settings = SettingsService(self.secrets, self.admin, relay=relay, desk=desk)
        self.built.append("secrets+settings")
        self.bus = EventBus()  # one bus for every service and view
        self.built.append("bus")
        self.editing = EditingService(database_proxy)
        self.window = MainWindow(profile=self.profile, service=self.editing)
        self.tenders = TenderService(database_proxy, self.bus, self.editing)
        add_tenders_view(self.window, self.tenders)
        self.calls = CallsRuntime(self.window, self.bus, database_proxy, demo=self.profile.demo, secrets=self.secrets,
                                  desk_settings=desk)
        self.notices = NoticesRuntime(self.window, self.bus, secrets=self.secrets)
        self.built.append("services")
        self.progress = SyncProgressBar(self.bus)
        self.window.statusBar().addWidget(self.progress)
        self._build_menu()
        self.window.installEventFilter(WindowCloseWatcher(self.window, self._window_closed))
        self.built.append("window")
        self.tray = DeskTray(self.window, self.bus, available=self.options.tray)
        self.tray.quitRequested.connect(self.request_quit)
        # With a tray the desk outlives its window; without one, closing the window quits.
        self.app.setQuitOnLastWindowClosed(not self.tray.available)
        self.built.append("tray")

    def _build_menu(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        menu = self.window.menuBar().addMenu(translate("MainWindow", "&Desk"))
        menu.setObjectName("deskMenu")
        self.settings_action = QAction(translate("MainWindow", "Settings…"), self.window)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))  # no standard Preferences key on Linux/Windows
        self.settings_action.triggered.connect(lambda: self.open_settings())
        self.quit_action = QAction(translate("MainWindow", "Quit"), self.window)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.request_quit)
        menu.addAction(self.settings_action)
        if not self.profile.demo:
            self.demo_action = QAction(translate("MainWindow", "Explore the demo"), self.window)
            self.demo_action.triggered.connect(self.switch_to_demo)
            menu.addAction(self.demo_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self.desk_menu = menu
        if self.profile.demo:
            demo = self.window.menuBar().addMenu(translate("MainWindow", "De&mo"))
            demo.setObjectName("demoMenu")
            self.calls.add_simulation_actions(demo, self.simulate_call)
            self.demo_menu = demo

    async def simulate_call(self, missed: bool) -> None:
        """Demo only: play a signed scripted Mango call at this desk's own listener."""
        from kapusta_desktop.demo_calls import simulate_call

        listener = self.calls.listener
        await simulate_call(listener.url if listener is not None else None, missed=missed)

    # ---- running -----------------------------------------------------------------------------

    async def run(self) -> Profile | None:
        """Build, start, wait for Quit (or a switch of profile), shut down; returns the next profile."""
        self._done = asyncio.Event()
        self.build()
        try:
            await self.start()
            await self._done.wait()
        finally:
            await self.shutdown()
        return self.next_profile

    async def start(self) -> None:
        from kapusta_desktop import secret_store as ss
        from kapusta_desktop.services.tenders import watch_tenders

        self.window.show()
        self.app.processEvents()
        log.info("main window shown")
        self.tenders.start()
        self.spawn(watch_tenders(self.tenders), "tender-watch")  # deadline notices, deal stage catch-up
        if self.profile.demo:
            from kapusta_desktop.demo_desk import DemoSandboxes

            self.sandboxes = DemoSandboxes(companies=self.options.demo_companies,
                                           listener_port=self.options.listener_port)
            await self.sandboxes.start(self.secrets)
        status = self.secrets.status()
        if status.kind is ss.BackendKind.FILE and status.locked:
            self.ask_master_password()
        else:
            await self.start_integrations()
        if self.options.open_settings:
            self.open_settings(tab=0, admin_first=True)
        elif self.options.welcome and self.needs_welcome():
            self.show_welcome()

    async def start_integrations(self) -> None:
        """The parts that need secrets: Mango listener, Telegram worker, the sync schedule."""
        if self._integrations_started or self._shutdown is not None:
            return
        self._integrations_started = True
        from kapusta_desktop.ui.sync_adapter import sync_runtime_from_settings

        await self.calls.start()
        if self.sandboxes is not None and self.calls.listener is not None:
            self.sandboxes.connect_pbx(self.calls.listener.url)
        await self.notices.start()
        webhook = self.sandboxes.webhook_url if self.sandboxes is not None else None
        self.sync = sync_runtime_from_settings(self.window, self.bus, webhook_url=webhook, secrets=self.secrets,
                                               profile_root=self.profile.root, demo=self.profile.demo)
        if self.sync is not None:
            self._unsubscribe_sync = self.bus.subscribe(SyncStatus, self._first_sync_done)
            self.sync.start()
        self.built.append("integrations")

    def _stop_watching_sync(self) -> None:
        unsubscribe, self._unsubscribe_sync = self._unsubscribe_sync, lambda: None
        unsubscribe()

    def _first_sync_done(self, status: SyncStatus) -> None:
        """Log the first finished cycle once (the packaging smoke test waits for this line)."""
        if status.running or status.online is None:
            return
        self._stop_watching_sync()
        from kapusta_desktop.store.models import Company, Contact, Deal

        counts = {"companies": Company, "contacts": Contact, "deals": Deal}
        log.info("first sync finished: %s; cache holds %s", "online" if status.online else "offline",
                 ", ".join(f"{m.select().count()} {name}" for name, m in counts.items()))
        self.first_sync = status

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run `coro` as a task this desk keeps (qasync does not keep them) and cancels at shutdown."""
        task = asyncio.get_event_loop().create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            sys.excepthook(type(exc), exc, exc.__traceback__)  # type: ignore[arg-type]

    # ---- first run, settings, secrets ----------------------------------------------------------

    def needs_welcome(self) -> bool:
        if self.profile.demo:
            return self.options.home is not None  # the demo standing in for an unconnected desk
        if portal_configured():
            return False
        if team_database_url() is not None:
            log.info("team mode: no Bitrix24 portal is configured for the team yet; the shared cache opens anyway")
        return True

    def show_welcome(self) -> None:
        from kapusta_desktop.ui.welcome import WelcomeDialog

        in_demo = self.profile.demo
        self.welcome = WelcomeDialog(self.window, in_demo=in_demo)
        if in_demo:
            self.welcome.connectRequested.connect(self.switch_to_home_and_connect)
        else:
            self.welcome.connectRequested.connect(lambda: self.open_settings(tab=0, admin_first=True))
            self.welcome.demoRequested.connect(self.switch_to_demo)
        self.welcome.open()

    def open_settings(self, *, tab: int | None = None, admin_first: bool = False) -> Any:
        """The settings dialog, non-modal; `tab` 0 is Bitrix24. A saved change restarts the desk's connections."""
        from kapusta_desktop.ui.settings_dialog import SettingsDialog

        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            return self.settings_dialog
        before = self._settings_snapshot()
        dialog = SettingsDialog(self.settings, self.window)
        if tab is not None:
            dialog.tabs.setCurrentIndex(tab)
        if admin_first and not self.admin.is_unlocked:
            dialog.password.setFocus()
        dialog.finished.connect(lambda _r: self._settings_closed(before))
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _settings_snapshot(self) -> list[str]:
        return [shown.text for shown in self.settings.show_all()]

    def _settings_closed(self, before: list[str]) -> None:
        self.settings_dialog = None
        if self.profile.demo or self._shutdown is not None:
            return  # the demo rewrites its settings at every start
        if self._settings_snapshot() != before:
            log.info("settings changed: restarting the desk's connections")
            self.restart_with(self.profile)

    def ask_master_password(self) -> None:
        from kapusta_desktop.ui.unlock_prompt import MasterPasswordPrompt

        self.window.set_connection_state("bitrix24", "not_configured", translate("MainWindow", "secrets locked"))
        self.unlock_prompt = MasterPasswordPrompt(self.secrets, self.window)
        self.unlock_prompt.unlocked.connect(lambda: self.spawn(self.start_integrations(), "start-integrations"))
        self.unlock_prompt.open()

    # ---- ending --------------------------------------------------------------------------------

    def request_quit(self) -> None:
        if self._done is not None:
            self._done.set()

    def restart_with(self, profile: Profile) -> None:
        self.next_profile = profile
        self.request_quit()

    def switch_to_demo(self) -> None:
        self.next_options = replace(self.options, home=self.profile, open_settings=False)
        self.restart_with(resolve_profile(self.profile.root, demo=True))

    def switch_to_home_and_connect(self) -> None:
        """From the demo back to the operator's own profile, with the Bitrix24 settings open."""
        home = self.options.home
        if home is None:
            return
        self.next_options = replace(self.options, home=None, open_settings=True)
        self.restart_with(home)

    def _window_closed(self) -> None:
        if self.tray.available and self._shutdown is None:
            self.tray.window_hidden()  # the tray keeps the desk running
        else:
            self.request_quit()

    async def shutdown(self) -> None:
        """Staged and idempotent: a second call waits for the first one to finish."""
        if self._shutdown is None:
            self._shutdown = asyncio.ensure_future(self._shutdown_stages())
        await asyncio.shield(self._shutdown)

    async def _shutdown_stages(self) -> None:
        log.info("shutting down the desk on %s", self.profile.root)
        stages: list[tuple[str, Callable[[], Any]]] = [
            ("calls", self.calls.stop),  # 1. take no more events: the Mango listener closes first
            ("sync", self._stop_sync),  # 2. let an in-flight outbox write settle, then stop the schedule
            ("notices", self.notices.stop),  # 3. notices stop; unsent ones stay queued in the store
            ("tasks", self._cancel_tasks),
            ("tenders", self.tenders.stop),
            ("sandboxes", self._stop_sandboxes),  # 4. HTTP clients are closed by each runtime; sandboxes last
            ("window", self._close_window),
            ("store", close_db),  # 5. the database, once nothing can write to it
        ]
        for name, stage in stages:
            if name != "store" and not hasattr(self, "window"):
                continue  # build() failed early: only the store may be open
            try:
                result = stage()
                if asyncio.iscoroutine(result):
                    await result
            except Exception:  # one failing stage must not keep the database open
                log.exception("shutdown stage %s failed", name)
        log.info("desk shut down")

    async def _stop_sync(self) -> None:
        sync, self.sync = self.sync, None
        if sync is None:
            return
        loop = asyncio.get_event_loop()
        deadline = loop.time() + SYNC_FLUSH_SECONDS
        while sync.engine.running and loop.time() < deadline:
            await asyncio.sleep(0.05)  # a cycle's write is one transaction: let it land rather than cut it
        await sync.stop()

    async def _cancel_tasks(self) -> None:
        tasks = list(self.tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _stop_sandboxes(self) -> None:
        if self.sandboxes is not None:
            await self.sandboxes.stop()

    def _close_window(self) -> None:
        self.app.setQuitOnLastWindowClosed(False)  # hiding the window must not quit a desk being replaced
        for dialog in (self.welcome, self.settings_dialog, self.unlock_prompt):
            if dialog is not None:
                dialog.close()
        self._stop_watching_sync()
        self.progress.close_signals()
        self.tray.close()
        self.window.save_ui_state()
        self.window.hide()
        self.window.deleteLater()


def portal_configured() -> bool:
    """Whether the bound store's profile has a Bitrix24 connection switched on."""
    from kapusta_desktop.store.setting_values import get_value

    return bool(get_value("bitrix24.enabled", False))


def home_without_portal(profile: Profile) -> bool:
    """Open `profile`'s cache just long enough to see whether a portal is configured there."""
    open_store(profile)
    try:
        return not portal_configured()
    finally:
        close_db()


def run_gui(args: argparse.Namespace, options: DeskOptions | None = None) -> int:
    """Open the console; returns the process exit code.

    While the operator's profile has no Bitrix24 portal, the console opens on the
    demo (sample portal, calls and notices on loopback) with the welcome screen
    offering to connect the real one.
    """
    import qasync
    from PySide6.QtWidgets import QApplication, QMessageBox

    import kapusta_desktop.ui.pyside_refcounts  # noqa: F401  (first: guards against PySide6 6.12.0's refcount bug)

    options = options or DeskOptions()
    profile: Profile | None = resolve_profile(args.profile, demo=args.demo).ensure()
    setup_logging(profile, args.log_level)
    log.info("KAPUSTA desktop %s starting on profile %s", __version__, profile.root)
    # A team desk (KAPUSTA_DATABASE_URL) is never stood in for: its calls and cache are real even before the
    # team's portal is connected (the welcome screen still says so), so the shared database is not opened twice.
    if not args.demo and team_database_url() is None:
        try:
            unconnected = home_without_portal(profile)
        except SchemaTooNewError:
            unconnected = False  # the desk below reports it
        if unconnected:
            log.info("no Bitrix24 portal is configured on this profile yet: opening the demo")
            options = replace(options, home=profile)
            profile = resolve_profile(args.profile, demo=True).ensure()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("KAPUSTA desktop")
    app.setOrganizationName("KAPUSTA")
    app.setApplicationVersion(__version__)

    from kapusta_desktop.ui.crash import install_excepthook
    from kapusta_desktop.ui.i18n import install_translator

    install_excepthook()
    install_translator(app, args.lang)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    current: list[Desk] = []
    schedule_exit_for_tests(lambda: current[-1].request_quit() if current else None)
    app.aboutToQuit.connect(lambda: current[-1].request_quit() if current else None)  # e.g. the session ends
    code = 0
    try:
        with loop:
            while profile is not None:
                desk = Desk(app, profile, options)
                current.append(desk)
                try:
                    profile = run_until_done(loop, desk.run())
                except SchemaTooNewError as exc:
                    QMessageBox.critical(None, "KAPUSTA desktop", str(exc))
                    return 1
                current.clear()
                options = desk.next_options
                if profile is not None:
                    profile.ensure()
                    setup_logging(profile, args.log_level)
                    log.info("KAPUSTA desktop %s switching to profile %s", __version__, profile.root)
    finally:
        close_db()
        shutdown_logging()
    return code


def run_until_done(loop: Any, coro: Coroutine[Any, Any, Profile | None]) -> Profile | None:
    """Run the desk to its end, even when Qt's own quit (last window closed, logout) ends exec() early."""
    task = asyncio.ensure_future(coro, loop=loop)
    while True:
        try:
            return loop.run_until_complete(task)  # type: ignore[no-any-return]
        except RuntimeError:
            if task.done():
                raise
            # aboutToQuit asked the desk to shut down; give its stages the loop again
