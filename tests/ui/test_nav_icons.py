"""Every page in the navigation has an icon, including those other parts add with add_view()."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from kapusta_desktop.paths import Profile
from kapusta_desktop.ui.main_window import MainWindow


def test_added_pages_take_their_icon_by_key(qtbot, db, temp_profile: Profile) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(profile=temp_profile)
    qtbot.addWidget(window)
    for key in ("tenders", "calls", "missed_calls", "notices", "conflicts"):
        window.add_view(key, key.title(), QLabel(key))
    window.add_view("no_icon_for_this", "Other", QLabel("x"))
    icons = {window.nav.item(i).data(256): not window.nav.item(i).icon().isNull() for i in range(window.nav.count())}
    assert all(icons[k] for k in ("deal", "contact", "company", "task", "tenders", "calls", "missed_calls",
                                   "notices", "conflicts"))
    assert icons["no_icon_for_this"] is False
