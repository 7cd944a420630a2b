"""Ask for the master password of a locked encrypted secret file, without blocking the event loop.

`open()`, never `exec()`: the console keeps running; the integrations that need
secrets start once `unlocked` fires. A wrong password asks again with the reason.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from kapusta_desktop import secret_store as ss


class MasterPasswordPrompt(QInputDialog):
    unlocked = Signal()

    def __init__(self, secrets: ss.SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.secrets = secrets
        self.setObjectName("masterPasswordPrompt")
        self.setWindowTitle(self.tr("Unlock secrets"))
        self.setTextEchoMode(QLineEdit.EchoMode.Password)
        self._ask(self.tr("The encrypted secret file is locked. Enter its master password\n"
                          "to connect Bitrix24, Mango and Telegram:"))
        self.textValueSelected.connect(self._try)

    def _ask(self, text: str) -> None:
        self.setLabelText(text)
        self.setTextValue("")

    def _try(self, password: str) -> None:
        try:
            self.secrets.unlock_file_store(password)
        except ss.SecretStoreError as exc:
            self._ask(f"{exc}\n" + self.tr("Enter the master password again:"))
            self.open()
            return
        self.unlocked.emit()
