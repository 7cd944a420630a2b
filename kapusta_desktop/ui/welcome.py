"""First run: a profile without a Bitrix24 connection offers to connect one or to explore the demo.

Shown with `open()` over the main window (never `exec()`): the event loop, the
listener and the timers keep running while it is up.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomeDialog(QDialog):
    connectRequested = Signal()
    demoRequested = Signal()

    def __init__(self, parent: QWidget | None = None, *, in_demo: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setWindowTitle(self.tr("Welcome to KAPUSTA desktop"))
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("<h2>Welcome to KAPUSTA desktop</h2>"))
        if in_demo:
            text = QLabel(
                self.tr(
                    "This desk is not connected to a Bitrix24 portal yet, so it has opened the demo: "
                    "a sample portal, calls and Telegram notices on this computer only.\n\n"
                    "Connect Bitrix24 to work on your company's deals, contacts and tasks "
                    "(an admin password is set or asked for first)."
                )
            )
        else:
            text = QLabel(
                self.tr(
                    "This desk is not connected to a Bitrix24 portal yet.\n\n"
                    "Connect Bitrix24 to work on your company's deals, contacts and tasks "
                    "(an admin password is set or asked for first), or explore the demo: "
                    "a sample portal, calls and Telegram notices on this computer only."
                )
            )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        self.connect_button = QPushButton(self.tr("Connect Bitrix24…"))
        self.connect_button.setObjectName("connectBitrix24")
        self.connect_button.setDefault(True)
        self.demo_button = QPushButton(self.tr("Keep exploring the demo") if in_demo else self.tr("Explore the demo"))
        self.demo_button.setObjectName("exploreDemo")
        self.later_button = QPushButton(self.tr("Not now"))
        self.connect_button.clicked.connect(self._connect)
        self.demo_button.clicked.connect(self._demo)
        self.later_button.clicked.connect(self.reject)
        for widget in (title, text, self.connect_button, self.demo_button, self.later_button):
            layout.addWidget(widget)
        self.later_button.setVisible(not in_demo)  # in the demo, keeping on exploring is "not now"
        self.setMinimumWidth(440)

    def _connect(self) -> None:
        self.accept()
        self.connectRequested.emit()

    def _demo(self) -> None:
        self.accept()
        self.demoRequested.emit()
