"""The operator's main window."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from kapusta_desktop.paths import Profile


class MainWindow(QMainWindow):
    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile
        title = "KAPUSTA desktop"
        if profile.demo:
            title += " — DEMO"
        self.setWindowTitle(title)
        self.setCentralWidget(QLabel(self.tr("The console is being built.")))
        self.resize(1200, 800)
