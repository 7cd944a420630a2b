"""Deal stages: Bitrix24's default pipeline and how its stages map onto KAPUSTA's five.

Bitrix24 describes every stage by STATUS_ID, NAME, SORT and EXTRA.SEMANTICS
(`crm.status.list`); KAPUSTA's boards and notices only need to know whether a
deal is new, being worked, has had a proposal or invoice sent, was won or was
lost. The mapping is derived here and can be edited per stage in the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Semantics = Literal["process", "success", "failure", "apology"]
KapustaStage = Literal["new", "inwork", "sent", "won", "lost"]

SEMANTICS: tuple[str, ...] = ("process", "success", "failure", "apology")
KAPUSTA_STAGES: tuple[str, ...] = ("new", "inwork", "sent", "won", "lost")

# Bitrix24's own short codes in STAGE_SEMANTIC_ID (P/S/F).
SEMANTIC_ID_TO_SEMANTICS: dict[str, str] = {"P": "process", "S": "success", "F": "failure"}


@dataclass(frozen=True, slots=True)
class StageInfo:
    status_id: str  # STATUS_ID, e.g. "NEW" or "C1:NEW" in another pipeline
    name: str  # NAME as the portal shows it
    sort: int  # SORT
    semantics: str  # "process" | "success" | "failure" | "apology"

    def __post_init__(self) -> None:
        if not self.status_id:
            raise ValueError("stage STATUS_ID must not be empty")
        if self.semantics not in SEMANTICS:
            raise ValueError(f"unknown stage semantics {self.semantics!r} for {self.status_id}")


DEFAULT_STAGES: list[StageInfo] = [
    StageInfo("NEW", "Новая", 10, "process"),
    StageInfo("PREPARATION", "Подготовка документов", 20, "process"),
    StageInfo("PREPAYMENT_INVOICE", "Счёт на предоплату", 30, "process"),
    StageInfo("EXECUTING", "В работе", 40, "process"),
    StageInfo("FINAL_INVOICE", "Финальный счёт", 50, "process"),
    StageInfo("WON", "Сделка успешна", 60, "success"),
    StageInfo("LOSE", "Сделка провалена", 70, "failure"),
    StageInfo("APOLOGY", "Анализ причины провала", 80, "apology"),
]

DEFAULT_STAGE_IDS: tuple[str, ...] = tuple(s.status_id for s in DEFAULT_STAGES)

# A process stage whose code or name says an offer or invoice went out counts as "sent".
_SENT_CODE = re.compile(r"INVOICE|PROPOSAL|OFFER|QUOTE|KP\b", re.IGNORECASE)
_SENT_NAME = re.compile(r"сч[её]т|\bкп\b|коммерческ|предложени|отправлен", re.IGNORECASE)
_CATEGORY_PREFIX = re.compile(r"^C\d+:")


def semantics_from_extra(extra: object, semantic_id: str | None = None) -> str:
    """Semantics from a `crm.status.list` row's EXTRA (or STAGE_SEMANTIC_ID); unknown → process."""
    if isinstance(extra, dict):
        value = str(extra.get("SEMANTICS") or "").lower()
        if value in SEMANTICS:
            return value
    if semantic_id:
        return SEMANTIC_ID_TO_SEMANTICS.get(semantic_id.upper(), "process")
    return "process"


def derive_kapusta_stage(stages: Iterable[StageInfo]) -> dict[str, str]:
    """STATUS_ID → "new" | "inwork" | "sent" | "won" | "lost" for one pipeline's stages.

    Success is won, failure and apology are lost; among process stages the
    first by SORT is new, those that mean an invoice or offer went out are
    sent, the rest are in work.
    """
    ordered = sorted(stages, key=lambda s: (s.sort, s.status_id))
    mapping: dict[str, str] = {}
    first_process_seen = False
    for stage in ordered:
        if stage.semantics == "success":
            mapping[stage.status_id] = "won"
        elif stage.semantics in ("failure", "apology"):
            mapping[stage.status_id] = "lost"
        elif not first_process_seen:
            first_process_seen = True
            mapping[stage.status_id] = "new"
        else:
            code = _CATEGORY_PREFIX.sub("", stage.status_id)
            sent = bool(_SENT_CODE.search(code) or _SENT_NAME.search(stage.name))
            mapping[stage.status_id] = "sent" if sent else "inwork"
    return mapping


def is_closed(semantics: str) -> bool:
    """A deal in a success, failure or apology stage is closed."""
    return semantics != "process"
