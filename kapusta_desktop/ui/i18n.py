"""Interface language: Russian for Russian locales, English otherwise; `--lang` overrides."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from kapusta_desktop.resources import resources_dir

log = logging.getLogger(__name__)
SUPPORTED = ("ru", "en")


def choose_language(requested: str | None, locale: QLocale | None = None) -> str:
    if requested:
        if requested not in SUPPORTED:
            raise ValueError(f"unsupported interface language {requested!r}; use one of {', '.join(SUPPORTED)}")
        return requested
    locale = locale or QLocale.system()
    # Russian by default: a Russian locale, and a system that names no language at all (C/POSIX, common on
    # freshly installed or remote desktops); English for a system that asks for another language.
    no_language = (QLocale.Language.C, QLocale.Language.AnyLanguage)
    return "ru" if locale.language() in (QLocale.Language.Russian, *no_language) else "en"


def install_translator(app: QApplication, requested: str | None = None) -> str:
    """Load our Russian catalogue (and Qt's own, for standard buttons) when the language is Russian."""
    lang = choose_language(requested)
    QLocale.setDefault(
        QLocale(
            QLocale.Language.Russian if lang == "ru" else QLocale.Language.English,
            QLocale.Country.Russia if lang == "ru" else QLocale.Country.UnitedStates,
        )
    )
    if lang == "en":
        return lang
    ours = QTranslator(app)
    path = resources_dir() / "translations" / f"kapusta_{lang}.qm"
    if ours.load(str(path)):
        app.installTranslator(ours)
    else:
        log.warning("translation %s could not be loaded; the interface stays in English", path)
    qt_own = QTranslator(app)
    if qt_own.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
    return lang
