"""Composition root: builds every part once, in order, and tears it down in reverse."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from kapusta_desktop import __version__
from kapusta_desktop.logs import setup_logging, shutdown_logging
from kapusta_desktop.paths import Profile, resolve_profile
from kapusta_desktop.store.db import close_db, init_db
from kapusta_desktop.store.migrations import SchemaTooNewError

log = logging.getLogger(__name__)


def open_store(profile: Profile) -> None:
    target = profile.database_url or profile.db_path
    init_db(target, backup_dir=profile.backup_dir)


def seed_demo_if_empty() -> bool:
    """The demo profile starts with generated sample data (only when its cache is empty); True if it seeded."""
    from kapusta_desktop.store.models import Deal

    if Deal.select().exists():
        return False
    from kapusta_desktop.domain.sample_data import generate
    from kapusta_desktop.store import seed

    log.info("seeding the demo cache with sample data")
    seed.seed(generate())
    return True


EXIT_AFTER_ENV = "KAPUSTA_EXIT_AFTER_MS"


def schedule_exit_for_tests(app: object) -> None:
    """With KAPUSTA_EXIT_AFTER_MS set, quit that long after start (start-up smoke tests, screenshots)."""
    text = os.environ.get(EXIT_AFTER_ENV)
    if not text:
        return
    try:
        delay_ms = int(text)
    except ValueError:
        log.warning("%s=%r is not a whole number of milliseconds; ignored", EXIT_AFTER_ENV, text)
        return
    from PySide6.QtCore import QTimer

    log.info("quitting after %d ms (%s)", delay_ms, EXIT_AFTER_ENV)
    QTimer.singleShot(max(0, delay_ms), app.quit)  # type: ignore[attr-defined]


def run_gui(args: argparse.Namespace) -> int:
    """Open the console; returns the process exit code."""
    import qasync
    from PySide6.QtWidgets import QApplication, QMessageBox

    profile = resolve_profile(args.profile, demo=args.demo).ensure()
    setup_logging(profile, args.log_level)
    log.info("KAPUSTA desktop %s starting on profile %s", __version__, profile.root)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("KAPUSTA desktop")
    app.setOrganizationName("KAPUSTA")
    app.setApplicationVersion(__version__)

    from kapusta_desktop.ui.crash import install_excepthook
    from kapusta_desktop.ui.i18n import install_translator

    install_excepthook()
    install_translator(app, args.lang)

    try:
        open_store(profile)
    except SchemaTooNewError as exc:
        QMessageBox.critical(None, "KAPUSTA desktop", str(exc))
        return 1

    from kapusta_desktop.ui.main_window import MainWindow

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow(profile=profile)
    window.show()  # the window first; seeding and wiring the other parts follow
    app.processEvents()
    if profile.demo and seed_demo_if_empty():
        window.reload_views()
    from kapusta_desktop.services.bus import EventBus
    from kapusta_desktop.services.tenders import TenderService, watch_tenders
    from kapusta_desktop.store.db import database_proxy
    from kapusta_desktop.ui.tenders_view import add_tenders_view

    bus = EventBus()  # one bus for every service and view
    tenders = TenderService(database_proxy, bus, window.service)
    tenders.start()
    add_tenders_view(window, tenders)
    from kapusta_desktop.ui.calls_wiring import CallsRuntime

    calls = CallsRuntime(window, bus, database_proxy, demo=profile.demo)  # Mango listener, pop-ups, call views
    from kapusta_desktop.ui.notices_wiring import NoticesRuntime

    notices = NoticesRuntime(window, bus)  # domain events -> Telegram notices, Notices view
    window.show()
    log.info("main window shown")
    schedule_exit_for_tests(app)
    try:
        with loop:
            tender_watch = loop.create_task(watch_tenders(tenders))  # deadline notices, deal stage catch-up
            loop.run_until_complete(calls.start())
            loop.run_until_complete(notices.start())
            demo_portal, demo_url = None, None
            if profile.demo:  # a loopback Bitrix24 holding the same sample data as the demo cache
                from kapusta_desktop.commands._sync_demo import start_demo_portal

                demo_portal, demo_url = loop.run_until_complete(start_demo_portal())
            from kapusta_desktop.ui.sync_adapter import sync_runtime_from_settings

            sync = sync_runtime_from_settings(window, bus, webhook_url=demo_url)  # pull/push schedule, Conflicts
            if sync is not None:
                sync.start()
            app_close = asyncio.Event()
            app.aboutToQuit.connect(app_close.set)
            loop.run_until_complete(app_close.wait())
            loop.run_until_complete(calls.stop())  # stop taking events before the store closes
            loop.run_until_complete(notices.stop())
            if sync is not None:
                loop.run_until_complete(sync.stop())
            if demo_portal is not None:
                loop.run_until_complete(demo_portal.stop())
            tender_watch.cancel()
            tenders.stop()
    finally:
        close_db()
        shutdown_logging()
    return 0
