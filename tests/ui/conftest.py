"""A small cache with every kind of record, and a main window over it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import peewee
import pytest
from PySide6.QtCore import QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication

from kapusta_desktop.paths import Profile
from kapusta_desktop.store.models import Company, Contact, Deal, DealContact, Phone, Task, UserManager
from kapusta_desktop.ui.i18n import install_translator


@pytest.fixture
def crm(db: peewee.Database) -> dict[str, object]:
    ivan = UserManager.create(name="Иван Петров", b24_user_id=1)
    olga = UserManager.create(name="Ольга Сидорова", b24_user_id=2)
    romashka = Company.create(title="ООО Ромашка", inn="7707083893", responsible=ivan, b24_id=10)
    vasilek = Company.create(title="АО Василёк", responsible=olga, b24_id=11)
    anna = Contact.create(name="Анна", last_name="Смирнова", company=romashka, responsible=ivan, b24_id=20)
    oleg = Contact.create(name="Олег", last_name="Ким", company=vasilek, responsible=olga, b24_id=21)
    Phone.create(owner_type="contact", owner_id=anna.id, raw="+79161234567", e164="+79161234567", value_type="MOBILE")
    Phone.create(owner_type="company", owner_id=vasilek.id, raw="+7 495 765-43-21", e164="+74957654321")
    deals = []
    for n in range(30):
        deals.append(
            Deal.create(
                title=f"Охрана объекта №{n}",
                stage_id="NEW" if n % 3 else "EXECUTING",
                amount=Decimal(1000 * n),
                company=romashka if n % 2 else vasilek,
                responsible=ivan if n % 2 else olga,
                b24_id=100 + n,
                sync_state=["synced", "pending", "error", "conflict"][n % 4],
                sync_error="Поле TITLE обязательно" if n % 4 == 2 else None,
                conflicts={"title": {"mine": "A", "theirs": "B"}} if n % 4 == 3 else None,
            )
        )
    DealContact.create(deal=deals[1], contact=anna, is_primary=True)
    special = Deal.create(title="Поставка камер Ромашке", company=romashka, responsible=ivan, b24_id=999)
    DealContact.create(deal=special, contact=anna)
    Task.create(title="Позвонить Анне", responsible=ivan, deal=special, contact=anna)
    Task.create(title="Отправить КП", responsible=olga, status=3)
    return {
        "ivan": ivan,
        "olga": olga,
        "romashka": romashka,
        "vasilek": vasilek,
        "anna": anna,
        "oleg": oleg,
        "deals": deals,
        "special": special,
    }


@pytest.fixture
def window(qtbot, crm: dict[str, object], temp_profile: Profile) -> Iterator[object]:
    from kapusta_desktop.ui.main_window import MainWindow

    settings = QSettings(str(temp_profile.settings_file), QSettings.Format.IniFormat)
    ivan_id = crm["ivan"].id  # type: ignore[attr-defined]
    win = MainWindow(temp_profile, settings=settings, current_manager_id=lambda: ivan_id)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for dialog in list(win.editors):
        dialog.close()


@pytest.fixture
def russian(qapp: QApplication) -> Iterator[QApplication]:
    """The Russian catalogue installed for one test, and English again afterwards for the tests after it."""
    assert install_translator(qapp, "ru") == "ru"
    yield qapp
    for tr in qapp.findChildren(QTranslator):
        qapp.removeTranslator(tr)
        tr.deleteLater()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
