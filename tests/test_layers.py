"""Imports point downward only (../shared/DESIGN.md); Qt stays in ui/."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kapusta_desktop"

# Lower number = lower layer. A module may import its own layer or lower ones.
LAYERS = {
    "domain": 0,
    "store": 1,
    "integrations": 2,
    "services": 3,
    "ui": 4,
}
# Top-level helper modules usable from every layer (no Qt, no upward imports).
SHARED = {"paths", "redact", "logs", "secret_store", "__init__", "resources"}
QT_FREE = {"domain", "store", "integrations", "services", "sandbox"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "kapusta_desktop" or len(parts) < 2:
        return None
    return parts[1]


def test_package_has_the_design_layout() -> None:
    for layer in [*LAYERS, "sandbox"]:
        assert (PACKAGE / layer / "__init__.py").is_file(), layer
    for mod in ("app.py", "cli.py", "__main__.py"):
        assert (PACKAGE / mod).is_file(), mod


def test_no_qt_below_ui_and_no_upward_imports() -> None:
    problems: list[str] = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        own = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        for name in _imports(path):
            if own in QT_FREE and name.split(".")[0] in {"PySide6", "qasync", "shiboken6"}:
                problems.append(f"{rel} imports {name} (Qt below ui/)")
            target = _layer_of(name)
            if target is None or target in SHARED:
                continue
            if own in LAYERS:
                if target == "sandbox":
                    problems.append(f"{rel} imports {name} (production code must not use the sandbox)")
                elif target not in LAYERS or LAYERS[target] > LAYERS[own]:
                    problems.append(f"{rel} imports {name} (upward)")
            elif own == "sandbox" and target not in {"domain", "sandbox"}:
                problems.append(f"{rel} imports {name} (the sandbox speaks protocols, not our internals)")
    assert not problems, "\n".join(problems)


def test_guard_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport kapusta_desktop.ui.main_window\n")
    names = _imports(bad)
    assert "PySide6.QtCore" in names
    assert _layer_of("kapusta_desktop.ui.main_window") == "ui"
