"""The demo's "Simulate incoming/missed call": a scripted Mango call played at the running listener.

Composition-root code (like app.py): it may use the sandbox, which ui/ may not.
The caller is a contact from the cache (so the pop-up has someone to show),
the call rings at this desk's first extension, and every event is signed with
the demo key pair the demo listener uses.
"""

from __future__ import annotations

import random

from kapusta_desktop.integrations.mango.demo import DEMO_KEY, DEMO_SALT
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.sandbox.mango.sender import play
from kapusta_desktop.store.db import database_proxy
from kapusta_desktop.store.setting_values import get_value

FALLBACK_NUMBER = "79161234567"
DEMO_PACE = 0.2  # a minute of talk plays in 12 s


class SimulationError(RuntimeError):
    pass


def demo_caller(rng: random.Random) -> str:
    """A Russian number of some contact in the cache (digits, as Mango sends them), else a fixed one."""
    db = database_proxy.obj
    if db is None:
        return FALLBACK_NUMBER
    low, high = db.execute_sql("SELECT min(id), max(id) FROM phone").fetchone()
    if low is None:
        return FALLBACK_NUMBER
    row = db.execute_sql(
        "SELECT e164 FROM phone WHERE id >= ? AND owner_type = 'contact' AND e164 LIKE '+7%' ORDER BY id LIMIT 1",
        (rng.randint(low, high),),
    ).fetchone()
    return row[0].lstrip("+") if row else FALLBACK_NUMBER


def desk_extension() -> str:
    extensions = [str(x) for x in get_value("mango.desk_extensions", []) or []]
    return extensions[0] if extensions else "101"


async def simulate_call(listener_url: str | None, *, missed: bool, pace: float = DEMO_PACE,
                        rng: random.Random | None = None) -> int:
    """Play one call at the listener; returns how many events it accepted."""
    if not listener_url:
        raise SimulationError("the Mango listener is not running")
    rng = rng or random.Random()
    events = scenarios.incoming(client=demo_caller(rng), extension=desk_extension(), answered=not missed,
                                rng=rng, pace=pace)
    statuses = await play(listener_url, events, api_key=DEMO_KEY, api_salt=DEMO_SALT, paced=pace > 0)
    refused = [s for s in statuses if s != 200]
    if refused:
        raise SimulationError(f"the listener refused {len(refused)} of {len(statuses)} events (HTTP {refused[0]})")
    return len(statuses)
