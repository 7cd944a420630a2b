"""The Russian catalogue covers every interface string, keeps placeholders, and the shipped .qm matches the .ts.

When one of these fails after adding UI text: run `make translations`, add the missing entries to
tools/translate_ru.py, and run it again (it lists what is still untranslated).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

import kapusta_desktop

ROOT = Path(kapusta_desktop.__file__).resolve().parent.parent
UI = ROOT / "kapusta_desktop" / "ui"
TS = ROOT / "resources" / "translations" / "kapusta_ru.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent
PLACEHOLDER = re.compile(r"%(?:\d+|n)|\{\w*\}")
TR_NAMES = {"tr", "_tr", "translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP"}  # _tr: a wrapper lupdate cannot read


def _sources() -> list[Path]:
    """What `make translations` runs lupdate over."""
    return [*sorted(UI.glob("*.py")), ROOT / "kapusta_desktop" / "app.py"]

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, message) for every message still in the code (vanished/obsolete ones are skipped)."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            tr = message.find("translation")
            if tr is not None and tr.get("type") in ("vanished", "obsolete"):
                continue
            found.append((name, message.findtext("source") or "", message))
    return found


def _translations(message: ET.Element) -> list[str]:
    tr = message.find("translation")
    if tr is None:
        return []
    forms = tr.findall("numerusform")
    return [f.text or "" for f in forms] if forms else [tr.text or ""]


def _unfinished(ts: Path) -> list[str]:
    bad = []
    for context, source, message in _messages(ts):
        tr = message.find("translation")
        texts = _translations(message)
        if tr is None or tr.get("type") == "unfinished" or not texts or not all(t.strip() for t in texts):
            bad.append(f"{context}: {source!r}")
    return bad


def _tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not installed")
        path = Path(found)
    return path


def test_every_message_in_the_catalogue_is_translated() -> None:
    assert _unfinished(TS) == []


def test_placeholders_and_accelerators_survive_translation() -> None:
    problems = []
    for context, source, message in _messages(TS):
        want = sorted(PLACEHOLDER.findall(source))
        for text in _translations(message):
            got = sorted(PLACEHOLDER.findall(text))
            # a plural form may spell the number out instead of using %n
            if got != want and not (message.get("numerus") == "yes" and [p for p in want if p != "%n"] == got):
                problems.append(f"{context}: {source!r} -> {text!r} (placeholders {want} vs {got})")
            if source.count("&") != text.count("&"):
                problems.append(f"{context}: {source!r} -> {text!r} (accelerator)")
    assert problems == []


def test_shipped_qm_is_compiled_from_the_current_ts(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.qm"
    subprocess.run([str(_tool("pyside6-lrelease")), "-silent", str(TS), "-qm", str(fresh)], check=True, timeout=60)
    assert fresh.read_bytes() == QM.read_bytes(), "kapusta_ru.qm is stale: run `make translations`"


def test_no_interface_string_is_missing_from_the_catalogue(tmp_path: Path) -> None:
    """lupdate over the UI now, into a copy: new strings would show up unfinished."""
    copy = tmp_path / "kapusta_ru.ts"
    shutil.copy(TS, copy)
    sources = [str(p.relative_to(ROOT)) for p in _sources()]
    subprocess.run(
        [str(_tool("pyside6-lupdate")), "-silent", *sources, "-ts", str(copy)],
        cwd=ROOT, check=True, timeout=120, capture_output=True,
    )
    assert _unfinished(copy) == [], "new UI strings: run `make translations` and translate them"


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _tr_calls() -> list[tuple[str, int, str | None, ast.Call]]:
    """(file, line, source text or None when not a plain literal, call) for every tr/translate call in the UI."""
    calls = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if name not in TR_NAMES or not node.args:
                continue
            two = name in ("translate", "QT_TRANSLATE_NOOP") and len(node.args) > 1
            text_arg = node.args[1] if two else node.args[0]
            calls.append((path.name, node.lineno, _literal(text_arg), node))
    return calls


def test_tr_calls_use_texts_lupdate_can_read() -> None:
    """f-strings and formatted texts inside tr() never match a catalogue entry at run time."""
    bad = [
        f"{file}:{line}"
        for file, line, text, call in _tr_calls()
        if text is None
        and any(isinstance(a, ast.JoinedStr | ast.BinOp) or (isinstance(a, ast.Call) and _is_format(a))
                for a in call.args)
    ]
    assert bad == []


def _is_format(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr == "format"


def test_every_literal_tr_text_is_in_the_catalogue() -> None:
    """Catches texts lupdate skipped (e.g. a tr() inside an f-string) as well as stale catalogues."""
    known = {source for _context, source, _message in _messages(TS)}
    missing = [f"{file}:{line} {text!r}" for file, line, text, _call in _tr_calls() if text and text not in known]
    assert missing == []


def test_contexts_match_what_tr_looks_up_at_run_time() -> None:
    """`window.tr("x")` is filed by lupdate under "window", but Qt looks it up under the class: never found."""
    contexts = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                contexts.add(node.name)
            elif isinstance(node, ast.Call) and node.args and _literal(node.args[0]) is not None:
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
                if name in ("translate", "QT_TRANSLATE_NOOP"):
                    contexts.add(_literal(node.args[0]))
    stray = sorted({context for context, _source, _message in _messages(TS)} - contexts)
    assert stray == [], "call QCoreApplication.translate(<class name>, ...) instead of other_object.tr(...)"


def test_settings_labels_are_listed_for_translation() -> None:
    from kapusta_desktop.services.settings_fields import FIELDS
    from kapusta_desktop.ui.settings_labels import SETTINGS_FIELD_TEXTS

    wanted = {t for f in FIELDS for t in (f.label, f.help) if t and not t.startswith("http")}
    assert wanted - set(SETTINGS_FIELD_TEXTS) == set()


def test_new_views_read_russian(russian: QApplication) -> None:
    assert QCoreApplication.translate("MainWindow", "Tenders") == "Тендеры"
    assert QCoreApplication.translate("MainWindow", "Missed calls") == "Пропущенные"
    assert QCoreApplication.translate("TendersModel", "New") == "Новый"
    assert QCoreApplication.translate("CalcLinesModel", "VAT") == "НДС"
    assert QCoreApplication.translate("SettingsDialog", "Settings") == "Настройки"
    assert QCoreApplication.translate("Validation", "Enter the tender number.") == "Введите номер тендера."


def test_oauth_set_up_errors_read_russian(russian: QApplication) -> None:
    from kapusta_desktop.services.bitrix24_connection import MISSING, TEAM_OAUTH, ConnectionSetupError
    from kapusta_desktop.ui.sync_adapter import setup_error_text

    missing = setup_error_text(ConnectionSetupError(MISSING, "missing", ("bitrix24.client_secret",)))
    assert missing == "OAuth не настроен, не заполнено: Ключ приложения (client_secret) (Настройки, Битрикс24)"
    assert "ретранслятор" in setup_error_text(ConnectionSetupError(TEAM_OAUTH, "team"))
    assert setup_error_text(ConnectionSetupError(MISSING, "no", ("bitrix24.webhook_url",))) == "вебхук не сохранён"
