"""Take the guide's screenshots from the demo desk (run by tools/screenshots.sh under Xvfb).

Everything shown is sample data from the loopback sandboxes; secrets show only
as "saved" placeholders. Writes PNGs to docs/img/.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication, QWidget

from kapusta_desktop.app import Desk, DeskOptions, run_until_done
from kapusta_desktop.logs import setup_logging
from kapusta_desktop.paths import resolve_profile
from kapusta_desktop.ui.i18n import install_translator

OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


async def until(predicate: Callable[[], bool], timeout: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("screenshot scene did not settle")
        await asyncio.sleep(0.05)


def shoot(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


async def scenes(app: QApplication, root: Path) -> None:
    # First run: the welcome screen on an empty profile.
    fresh = Desk(app, resolve_profile(root / "fresh"), DeskOptions(tray=False))
    task = asyncio.ensure_future(fresh.run())
    await until(lambda: fresh.welcome is not None and fresh.welcome.isVisible())
    await asyncio.sleep(0.3)
    shoot(fresh.welcome, "welcome")
    fresh.request_quit()
    await task

    desk = Desk(app, resolve_profile(root, demo=True).ensure(),
                DeskOptions(tray=False, demo_companies=60, listener_port=0))
    task = asyncio.ensure_future(desk.run())
    await until(lambda: desk.first_sync is not None)
    window = desk.window
    window.resize(1280, 760)
    window.show_view("deal")
    await asyncio.sleep(0.5)
    view = window.record_views["deal"]
    view.table.selectRow(2)
    await asyncio.sleep(0.5)
    shoot(window, "console")

    # An incoming call: the pop-up with the caller's card.
    from kapusta_desktop.demo_calls import simulate_call

    play = asyncio.ensure_future(simulate_call(desk.calls.listener.url, missed=False, pace=0.5))
    await until(lambda: any(p.isVisible() for p in desk.calls.popups.popups.values()), 30)
    await asyncio.sleep(0.8)
    popup = next(p for p in desk.calls.popups.popups.values() if p.isVisible())
    shoot(popup, "call_popup")
    await play

    missed = asyncio.ensure_future(simulate_call(desk.calls.listener.url, missed=True, pace=0))
    await missed
    await asyncio.sleep(1.0)
    window.show_view("missed_calls")
    await asyncio.sleep(0.5)
    shoot(window, "missed_calls")
    window.show_view("notices")
    await asyncio.sleep(1.5)
    shoot(window, "notices")
    window.show_view("conflicts")
    await asyncio.sleep(0.3)
    shoot(window, "conflicts")

    dialog = desk.open_settings(tab=0)
    dialog.resize(760, 640)
    await asyncio.sleep(0.5)
    shoot(dialog, "settings_bitrix24")
    dialog.close()
    desk.request_quit()
    await task


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    lang = sys.argv[1] if len(sys.argv) > 1 else "en"
    app = QApplication(sys.argv[:1])
    install_translator(app, lang)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        setup_logging(resolve_profile(root).ensure())
        with loop:
            run_until_done(loop, scenes(app, root))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
