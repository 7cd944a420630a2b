"""`kapusta-desktop simulate-call`: play one scripted Mango call at a listener (demo, training, checks)."""

from __future__ import annotations

import argparse
import os

from kapusta_desktop.integrations.mango.demo import DEMO_KEY, DEMO_SALT  # light: two constants

NAME = "simulate-call"
HELP = "send a signed scripted Mango call (answered, missed, queue, transfer, callback) to a listener"

KEY_ENV = "KAPUSTA_MANGO_API_KEY"
SALT_ENV = "KAPUSTA_MANGO_API_SALT"
__all__ = ["DEMO_KEY", "DEMO_SALT", "HELP", "NAME", "configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="from_number", default="79161234567", help="client number, e.g. 79161234567")
    parser.add_argument("--to-extension", default="101", help="the extension that rings (queue: comma-separated)")
    parser.add_argument("--missed", action="store_true", help="nobody answers")
    parser.add_argument(
        "--scenario", choices=["incoming", "queue", "transfer", "callback", "outgoing"], default="incoming"
    )
    parser.add_argument("--listener", help="listener base URL (default: from settings, http://127.0.0.1:8765/mango)")
    parser.add_argument("--shuffle", action="store_true", help="deliver out of order with duplicates, as the PBX may")
    parser.add_argument("--pace", type=float, default=0.2, help="seconds of wall time per second of call (0: at once)")


def _credentials(args: argparse.Namespace) -> tuple[str, str]:
    key, salt = os.environ.get(KEY_ENV), os.environ.get(SALT_ENV)
    if key and salt:
        return key, salt
    if args.demo:
        return DEMO_KEY, DEMO_SALT
    from kapusta_desktop.secret_store import MANGO_API_KEY, MANGO_API_SALT, SecretStore

    store = SecretStore()
    key, salt = store.get(MANGO_API_KEY), store.get(MANGO_API_SALT)
    if not key or not salt:
        raise SystemExit(
            f"error: no Mango key/salt: set {KEY_ENV} and {SALT_ENV}, store them in settings, or use --demo"
        )
    return key, salt


def run(args: argparse.Namespace) -> int:
    import asyncio
    import random
    import uuid

    import httpx

    from kapusta_desktop.sandbox.mango import scenarios
    from kapusta_desktop.sandbox.mango.sender import play

    if not args.from_number.isdigit():
        print("error: --from takes digits with the country code, e.g. 79161234567")
        return 2
    extensions = [e.strip() for e in args.to_extension.split(",") if e.strip()]
    if not extensions or not all(e.isdigit() for e in extensions):
        print("error: --to-extension takes digits, e.g. 101 (or 101,102,103 for a queue)")
        return 2
    if args.pace < 0:
        print("error: --pace cannot be negative")
        return 2
    try:
        key, salt = _credentials(args)
    except SystemExit as exc:
        print(exc)
        return 1
    listener = args.listener or "http://127.0.0.1:8765/mango"
    rng = random.Random()
    common = {"rng": rng, "pace": args.pace}
    if args.scenario == "queue":
        events = scenarios.queue(client=args.from_number, extensions=extensions if len(extensions) > 1 else
                                 [extensions[0], str(int(extensions[0]) + 1), str(int(extensions[0]) + 2)],
                                 answered_by=None if args.missed else extensions[0], **common)
    elif args.scenario == "transfer":
        events = scenarios.transfer(client=args.from_number, first=extensions[0],
                                    second=extensions[1] if len(extensions) > 1 else str(int(extensions[0]) + 1),
                                    **common)
    elif args.scenario == "callback":
        events = scenarios.callback(extension=extensions[0], client=args.from_number, answered=not args.missed,
                                    command_id=f"sim-{uuid.uuid4()}", **common)
    elif args.scenario == "outgoing":
        events = scenarios.outgoing(extension=extensions[0], client=args.from_number, answered=not args.missed,
                                    **common)
    else:
        events = scenarios.incoming(client=args.from_number, extension=extensions[0], answered=not args.missed,
                                    **common)
    if args.shuffle:
        events = scenarios.shuffle_and_duplicate(events, rng)
    try:
        statuses = asyncio.run(play(listener, events, api_key=key, api_salt=salt, paced=args.pace > 0))
    except httpx.HTTPError as exc:
        print(f"error: cannot reach the listener at {listener}: {type(exc).__name__}")
        return 1
    refused = [s for s in statuses if s != 200]
    print(f"{len(statuses)} events sent to {listener}; {len(statuses) - len(refused)} accepted")
    if refused:
        print(f"refused with HTTP {sorted(set(refused))} (403 = the listener has another key/salt)")
        return 1
    return 0
