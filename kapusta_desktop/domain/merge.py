"""Three-way, per-field merge of a pulled record into a row with pending edits.

Values given here are canonical (JSON-safe, compare equal exactly when equal):
`base` is what each locally edited field held when the edit started, `local`
the row now, `remote` what Bitrix24 sends. Rules:

- a field only Bitrix24 changed takes Bitrix24's value;
- a field only we changed keeps ours (it is still to be pushed);
- a field both changed to the same value has converged;
- a field both changed differently: Bitrix24 wins in the cache and our value is
  kept as a conflict `{"mine": ours, "theirs": Bitrix24's}` for the operator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class MergeResult:
    apply: dict[str, Any] = field(default_factory=dict)  # field -> remote value to write into the row
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)  # new clashes
    still_pending: dict[str, Any] = field(default_factory=dict)  # field -> base, edits still to push
    converged: set[str] = field(default_factory=set)

    @property
    def has_conflicts(self) -> bool:
        return bool(self.conflicts)


def merge_fields(
    base: Mapping[str, Any],
    local: Mapping[str, Any],
    remote: Mapping[str, Any],
) -> MergeResult:
    """Merge `remote` into a row whose locally edited fields are the keys of `base`.

    Fields missing from `remote` (Bitrix24 did not send them) are left alone.
    """
    result = MergeResult()
    for name, theirs in remote.items():
        mine = local.get(name)
        if name not in base:
            if theirs != mine:
                result.apply[name] = theirs
            continue
        started = base[name]
        if theirs == started:
            result.still_pending[name] = started  # only we changed it
        elif theirs == mine:
            result.converged.add(name)  # both made the same change
        else:
            result.apply[name] = theirs
            result.conflicts[name] = {"mine": mine, "theirs": theirs}
    # Locally edited fields Bitrix24 did not send stay pending.
    for name, started in base.items():
        if name not in remote:
            result.still_pending[name] = started
    return result


def merge_conflicts(
    existing: Mapping[str, Mapping[str, Any]] | None, new: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Add new clashes to those already kept; for a field clashing again, keep the operator's
    original value as "mine" and the newest Bitrix24 value as "theirs"."""
    merged = {k: dict(v) for k, v in (existing or {}).items()}
    for name, clash in new.items():
        if name in merged:
            merged[name]["theirs"] = clash["theirs"]
        else:
            merged[name] = dict(clash)
    return merged


def refresh_conflicts(
    conflicts: Mapping[str, Mapping[str, Any]] | None, remote: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Conflicts after a later pull: "theirs" follows Bitrix24; a clash whose "mine" Bitrix24 now
    holds anyway is resolved and dropped."""
    out: dict[str, dict[str, Any]] = {}
    for name, clash in (conflicts or {}).items():
        theirs = remote.get(name, clash.get("theirs"))
        if theirs == clash.get("mine"):
            continue
        out[name] = {"mine": clash.get("mine"), "theirs": theirs}
    return out
