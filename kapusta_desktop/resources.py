"""Where the shipped data files (icons, translations) are, from source or from a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path

RESOURCES_DIRNAME = "resources"


def resources_dir() -> Path:
    """`resources/` next to the package in a checkout, or inside the PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = []
    if bundle:
        candidates.append(Path(bundle) / RESOURCES_DIRNAME)
    package_root = Path(__file__).resolve().parent
    candidates += [package_root.parent / RESOURCES_DIRNAME, package_root / RESOURCES_DIRNAME]
    for path in candidates:
        if path.is_dir():
            return path
    raise FileNotFoundError("KAPUSTA desktop resources not found; looked in: " + ", ".join(str(p) for p in candidates))


def resource_path(*parts: str) -> Path:
    """A file inside resources/; raises FileNotFoundError with the path when it is missing."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing resource: {path}")
    return path
