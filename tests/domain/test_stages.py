"""Default pipeline stages and their mapping onto KAPUSTA's five stages."""

from __future__ import annotations

import pytest

from kapusta_desktop.domain.stages import (
    DEFAULT_STAGE_IDS,
    DEFAULT_STAGES,
    StageInfo,
    derive_kapusta_stage,
    is_closed,
    semantics_from_extra,
)


def test_default_pipeline_is_bitrix24s() -> None:
    assert DEFAULT_STAGE_IDS == (
        "NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE", "APOLOGY",
    )
    assert [s.sort for s in DEFAULT_STAGES] == sorted(s.sort for s in DEFAULT_STAGES)
    assert {s.status_id: s.semantics for s in DEFAULT_STAGES if s.semantics != "process"} == {
        "WON": "success", "LOSE": "failure", "APOLOGY": "apology",
    }


def test_default_mapping() -> None:
    assert derive_kapusta_stage(DEFAULT_STAGES) == {
        "NEW": "new",
        "PREPARATION": "inwork",
        "PREPAYMENT_INVOICE": "sent",
        "EXECUTING": "inwork",
        "FINAL_INVOICE": "sent",
        "WON": "won",
        "LOSE": "lost",
        "APOLOGY": "lost",
    }


def test_custom_pipeline_maps_by_sort_semantics_and_name() -> None:
    stages = [
        StageInfo("C3:LOSE", "Отказ", 90, "failure"),
        StageInfo("C3:WON", "Договор подписан", 80, "success"),
        StageInfo("C3:UC_X1", "Отправлено КП", 30, "process"),
        StageInfo("C3:NEW", "Первичный контакт", 10, "process"),
        StageInfo("C3:UC_X2", "Переговоры", 40, "process"),
    ]
    assert derive_kapusta_stage(stages) == {
        "C3:NEW": "new", "C3:UC_X1": "sent", "C3:UC_X2": "inwork", "C3:WON": "won", "C3:LOSE": "lost",
    }
    assert derive_kapusta_stage([]) == {}


def test_bad_stage_info_is_refused() -> None:
    with pytest.raises(ValueError, match="semantics"):
        StageInfo("NEW", "Новая", 10, "maybe")
    with pytest.raises(ValueError, match="empty"):
        StageInfo("", "Новая", 10, "process")


def test_semantics_from_bitrix24_rows() -> None:
    assert semantics_from_extra({"SEMANTICS": "success"}) == "success"
    assert semantics_from_extra({"SEMANTICS": "apology"}) == "apology"
    assert semantics_from_extra(None, "F") == "failure"
    assert semantics_from_extra({}, None) == "process"
    assert is_closed("failure") and not is_closed("process")
