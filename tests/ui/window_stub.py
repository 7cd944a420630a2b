"""The main window as the call runtime sees it: it adds views and tells the status bar how a connection is."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QWidget


class Window(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.views: dict[str, QWidget] = {}
        self.states: list[tuple[str, str, str]] = []

    def add_view(self, key: str, title: str, widget: QWidget) -> None:
        self.views[key] = widget

    def set_connection_state(self, system: str, state: str, text: str) -> None:
        self.states.append((system, state, text))
