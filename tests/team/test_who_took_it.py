"""A call that rang at this desk and was answered at another extension says who took it."""

from __future__ import annotations

import random

import peewee

from kapusta_desktop.integrations.mango.events import parse_event
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import CallAnswered, CallDesk, CallTakenElsewhere
from tests.services.calls_fixtures import build_cache


def desk_for(extensions: list[str], database: peewee.Database) -> tuple[CallDesk, list[object]]:
    bus = EventBus()
    seen: list[object] = []
    bus.subscribe(CallTakenElsewhere, seen.append)
    bus.subscribe(CallAnswered, seen.append)
    return CallDesk(bus, database, desk_extensions=lambda: extensions), seen


def test_the_desks_that_rang_hear_who_answered(db: peewee.Database) -> None:
    build_cache()
    events = scenarios.queue(client="74951234567", extensions=["101", "102", "103"], answered_by="102",
                             rng=random.Random(3))
    desks = {ext: desk_for([ext], db) for ext in ("101", "102", "103", "104")}
    for event in events:  # every team desk sees every event (the relay feed)
        for desk, _ in desks.values():
            desk.handle(parse_event(event.route, event.payload))
    for ext in ("101", "103"):
        [taken] = desks[ext][1]
        assert isinstance(taken, CallTakenElsewhere)
        assert (taken.extension, taken.manager_name) == ("102", "Мария Петрова")
    assert [type(e) for e in desks["102"][1]] == [CallAnswered]  # the one who answered talks
    assert desks["104"][1] == []  # never rang there: nothing to say
