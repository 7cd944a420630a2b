from __future__ import annotations

import asyncio
import threading

from kapusta_desktop.cli import main
from kapusta_desktop.commands.simulate_call import DEMO_KEY, DEMO_SALT
from kapusta_desktop.domain.pbx_events import CallEvent, SummaryEvent
from kapusta_desktop.integrations.mango.events import MangoEvent
from kapusta_desktop.integrations.mango.listener import MangoListener


def _serve(key: str, salt: str, got: list[MangoEvent], ready: threading.Event, stop: threading.Event,
           box: dict[str, str]) -> None:
    async def body() -> None:
        lst = MangoListener(api_key=key, api_salt=salt, on_event=got.append, port=0)
        await lst.start()
        box["url"] = lst.url
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.01)
        await lst.stop()

    asyncio.run(body())


def test_simulate_call_reaches_a_listener_signed(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    got: list[MangoEvent] = []
    ready, stop, box = threading.Event(), threading.Event(), {}
    thread = threading.Thread(target=_serve, args=(DEMO_KEY, DEMO_SALT, got, ready, stop, box))
    thread.start()
    try:
        assert ready.wait(10)
        code = main(["--demo", "simulate-call", "--from", "79161234567", "--to-extension", "101", "--missed",
                     "--pace", "0", "--listener", box["url"]])
    finally:
        stop.set()
        thread.join(10)
    assert code == 0, capsys.readouterr().out
    calls = [e for e in got if isinstance(e, CallEvent)]
    summaries = [e for e in got if isinstance(e, SummaryEvent)]
    assert calls[0].from_.number == "79161234567" and calls[0].to.extension == "101"
    assert len(summaries) == 1 and not summaries[0].answered


def test_simulate_call_with_the_wrong_key_is_refused(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    got: list[MangoEvent] = []
    ready, stop, box = threading.Event(), threading.Event(), {}
    thread = threading.Thread(target=_serve, args=("other-key", "other-salt", got, ready, stop, box))
    thread.start()
    try:
        assert ready.wait(10)
        code = main(["--demo", "simulate-call", "--pace", "0", "--listener", box["url"]])
    finally:
        stop.set()
        thread.join(10)
    assert code == 1 and got == []
    assert "403" in capsys.readouterr().out


def test_bad_arguments(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--demo", "simulate-call", "--from", "+7 916", "--pace", "0"]) == 2
    assert main(["--demo", "simulate-call", "--to-extension", "abc", "--pace", "0"]) == 2
