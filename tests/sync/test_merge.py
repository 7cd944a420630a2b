from __future__ import annotations

from kapusta_desktop.domain.merge import merge_conflicts, merge_fields, refresh_conflicts


def test_field_changed_only_remotely_is_applied() -> None:
    r = merge_fields(
        base={"title": "A"}, local={"title": "B", "amount": "10.00"}, remote={"title": "A", "amount": "20.00"}
    )
    assert r.apply == {"amount": "20.00"}
    assert r.still_pending == {"title": "A"}
    assert not r.conflicts


def test_same_field_changed_on_both_sides_is_a_conflict_bitrix_wins() -> None:
    r = merge_fields(base={"title": "A"}, local={"title": "mine"}, remote={"title": "theirs"})
    assert r.apply == {"title": "theirs"}
    assert r.conflicts == {"title": {"mine": "mine", "theirs": "theirs"}}
    assert "title" not in r.still_pending


def test_same_change_on_both_sides_converges() -> None:
    r = merge_fields(base={"title": "A"}, local={"title": "B"}, remote={"title": "B"})
    assert r.converged == {"title"} and not r.conflicts and not r.apply


def test_unsent_locally_edited_field_stays_pending() -> None:
    r = merge_fields(base={"phones": None}, local={}, remote={"title": "x"})
    assert r.still_pending == {"phones": None}
    assert r.apply == {"title": "x"}


def test_no_base_means_plain_overwrite_of_differences_only() -> None:
    r = merge_fields(base={}, local={"a": 1, "b": 2}, remote={"a": 1, "b": 3})
    assert r.apply == {"b": 3}


def test_repeated_clash_keeps_original_mine() -> None:
    kept = merge_conflicts({"title": {"mine": "m1", "theirs": "t1"}}, {"title": {"mine": "t1", "theirs": "t2"}})
    assert kept == {"title": {"mine": "m1", "theirs": "t2"}}


def test_refresh_drops_conflict_bitrix_resolved_our_way() -> None:
    out = refresh_conflicts(
        {"title": {"mine": "m", "theirs": "t"}, "x": {"mine": 1, "theirs": 2}}, {"title": "m", "x": 3}
    )
    assert out == {"x": {"mine": 1, "theirs": 3}}
