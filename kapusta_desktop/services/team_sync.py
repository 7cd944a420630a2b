"""What the sync engine needs to run as one desk of a team (a shared PostgreSQL cache).

Alone, a desk pushes as "desk" and keeps its own request bucket. In team mode
(KAPUSTA_DATABASE_URL names PostgreSQL) it pushes under a name of its own, so
the shared outbox's claims tell desks apart (store/outbox_claims.py), and its
Bitrix24 client takes requests from the bucket all desks share for the portal
(store/request_budget.py), so together they stay under the portal's limit.
One desk at a time pulls for the whole team: the one holding the team's pull
lease (store/pull_lease.py); it also follows the relay's Bitrix24 events
(services/team_pull.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
from kapusta_desktop.services.team_feed import desk_cursor_name, libpq_url, team_database_url
from kapusta_desktop.store.pull_lease import PullLease
from kapusta_desktop.store.request_budget import SharedRequestBudget

SOLO_WORKER = "desk"
# A team keeps more slack below the portal's burst than a lone desk (1 request): the shared bucket hands a request
# out before it travels, and a desk's first request on a new HTTPS connection reaches the portal a few hundred ms
# later than later ones, so requests of several desks can land closer together than they were handed out
# (measured in tests/team/test_team_end_to_end.py). 5 requests are 2.5 s of drain at the standard 2/s.
TEAM_HEADROOM = 5.0


@dataclass
class TeamSync:
    worker_id: str
    limiter: SharedRequestBudget | None = None  # None: the client's own bucket
    lease: PullLease | None = None  # the team's pull lease (the engine's pull_gate); None: this desk always pulls
    database_url: str | None = None  # the shared PostgreSQL (team mode only)

    def close(self) -> None:
        if self.limiter is not None:
            self.limiter.close()
        if self.lease is not None:
            self.lease.close()  # a desk that quits hands the pulling on at once


def budget_key(portal_url: str) -> str:
    """The portal's bucket counts per portal (and address): one shared bucket per portal host."""
    host = urlsplit(portal_url).hostname
    if not host:
        raise ValueError("the Bitrix24 address has no host name")
    return f"bitrix24:{host.lower()}"


def team_sync(portal_url: str, profile_root: Path, limits: LimitConfig | None = None, *,
              shared_budget: bool = True, demo: bool = False) -> TeamSync:
    """The worker name and request limiter for this desk: shared ones in team mode, the solo defaults otherwise.

    `demo`: the demo's own cache and sandbox portal are never the team's, even on a team desk.
    """
    url = None if demo else team_database_url()
    if url is None:
        return TeamSync(SOLO_WORKER)
    limits = limits or LimitConfig(headroom=TEAM_HEADROOM)
    budget = None
    if shared_budget:  # False: the desk talks to Bitrix24 through the relay, whose own client keeps the budget
        budget = SharedRequestBudget.open(url, key=budget_key(portal_url), rate=limits.rate,
                                          capacity=limits.burst - limits.headroom)
    worker = desk_cursor_name(profile_root)
    return TeamSync(worker, budget, PullLease(libpq_url(url), holder=worker), url)
