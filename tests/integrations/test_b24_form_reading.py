"""PHP-style forms read back into nested values: one reader for Bitrix24's outgoing events and desks' forms."""

from __future__ import annotations

import pytest

from kapusta_desktop.integrations.bitrix24.encoding import FormKeyError, flatten, nest_form
from kapusta_desktop.integrations.bitrix24.outgoing_events import MalformedOutgoingEventError, read_outgoing_event


def test_brackets_nest_and_empty_brackets_append() -> None:
    pairs = [("filter[>ID]", "5"), ("select[]", "ID"), ("select[]", "TITLE"), ("items[][ID]", "1"),
             ("items[][ID]", "2"), ("a", "1"), ("a", "2")]
    assert nest_form(pairs) == {"filter": {">ID": "5"}, "select": ["ID", "TITLE"],
                                "items": [{"ID": "1"}, {"ID": "2"}], "a": "2"}


def test_reading_back_what_flatten_wrote() -> None:
    params = {"fields": {"TITLE": "Охрана", "PHONE": {"0": {"VALUE": "+7 916"}}}, "id": "5"}
    assert nest_form(flatten(params)) == params


@pytest.mark.parametrize("pairs", [
    [("a]", "1")],
    [("[x]", "1")],
    [("a[x][]", "1"), ("a[x][y]", "2")],
    [("a[]", "1"), ("a[y]", "2")],
    [("a", "1"), ("a[b]", "2")],
    [("file", b"bytes")],
])
def test_unreadable_forms_are_refused(pairs: list[tuple[str, object]]) -> None:
    with pytest.raises(FormKeyError):
        nest_form(pairs)


def test_an_unreadable_outgoing_event_is_malformed() -> None:
    form = [("event", "ONCRMDEALUPDATE"), ("data[FIELDS][ID]", "42"), ("data[FIELDS]]", "x"),
            ("auth[application_token]", "t")]
    with pytest.raises(MalformedOutgoingEventError):
        read_outgoing_event(form, application_token="t")
    event = read_outgoing_event(form[:2] + form[3:], application_token="t")
    assert event.data == {"FIELDS": {"ID": "42"}} and event.record_id == "42"
