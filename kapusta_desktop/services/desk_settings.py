"""Settings that belong to one desk, not to the team: kept in the profile (`desk.json`), not in the database.

In team mode the Setting table is the shared PostgreSQL, so `mango.desk_extensions`
is one list for every desk; a desk's own extensions live here instead, set in the
Settings dialog. `KAPUSTA_DESK_EXTENSIONS` in the desk's environment still wins.
The file is re-read when it changes, so the call desk follows a save at once.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from kapusta_desktop.services.settings_fields import FieldError, parse_extensions

log = logging.getLogger(__name__)

DESK_FILE_NAME = "desk.json"
DESK_EXTENSIONS = "desk.extensions"  # the key the dialog and `apply` use for this desk's own list
DESK_EXTENSIONS_ENV = "KAPUSTA_DESK_EXTENSIONS"


def extensions_override() -> str | None:
    """KAPUSTA_DESK_EXTENSIONS as set in this desk's environment (it wins over the saved lists), or None."""
    return os.environ.get(DESK_EXTENSIONS_ENV, "").strip() or None


class DeskSettings:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None  # (mtime_ns, size) of the file last read
        self._data: dict[str, object] = {}

    @classmethod
    def in_profile(cls, root: Path) -> DeskSettings:
        return cls(root / DESK_FILE_NAME)

    def _load(self) -> dict[str, object]:
        """The file's contents; one stat per call, a read only when it changed (CallDesk asks per event)."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            self._seen, self._data = None, {}
            return self._data
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp != self._seen:
            self._seen = stamp
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("%s cannot be read (%s): this desk's own settings are ignored", self.path,
                            type(exc).__name__)
                data = {}
            self._data = data if isinstance(data, dict) else {}
        return self._data

    def extensions(self) -> list[str]:
        """This desk's own extensions; [] when none are set (the team's list then applies)."""
        raw = self._load().get("extensions")
        if not isinstance(raw, list):
            return []
        try:
            return parse_extensions(DESK_EXTENSIONS, ",".join(str(x) for x in raw))
        except FieldError:
            log.warning("%s: invalid extensions ignored", self.path)
            return []

    def set_extensions(self, extensions: list[str]) -> None:
        data = dict(self._load())
        data["extensions"] = list(extensions)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)  # a reader never sees half a file
        self._seen = None
