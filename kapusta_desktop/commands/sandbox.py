"""`kapusta-desktop sandbox`: run the loopback emulators headless until Ctrl+C.

Adding another emulator (Telegram, Mango): write an async starter
`async def _start_x(args, stack: AsyncExitStack) -> list[str]` that enters its
server into `stack` and returns the lines to print (URLs, tokens), add its
options in `configure`, and append it to `STARTERS`. Nothing else changes.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack

NAME = "sandbox"
HELP = "run the loopback Bitrix24 sandbox (and other emulators) headless until Ctrl+C"

Starter = Callable[[argparse.Namespace, AsyncExitStack], Awaitable[list[str]]]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="Bitrix24 sandbox port (default: a free one)")
    parser.add_argument("--https", action="store_true", help="serve HTTPS with a generated self-signed CA")
    parser.add_argument("--cert-dir", help="where to write the CA and server certificate (with --https)")
    parser.add_argument("--companies", "--size", type=int, default=300, dest="companies",
                        help="sample size: companies (contacts 3x, deals 6x; default 300)")
    parser.add_argument("--seed", type=int, default=42, help="sample-data seed")
    parser.add_argument("--webhook-code", help="fixed webhook code (default: random)")
    parser.add_argument("--rate", type=float, default=2.0, help="leaky bucket drain per second (default 2)")
    parser.add_argument("--burst", type=float, default=50.0, help="leaky bucket size (default 50)")
    parser.add_argument("--operating-limit", type=float, default=480.0,
                        help="seconds of operating time per method per 10 min (default 480)")
    parser.add_argument("--telegram-port", type=int, default=0, help="Telegram sandbox port (default: a free one)")
    parser.add_argument("--telegram-token", help="bot token the Telegram sandbox accepts (default: a fixed demo one)")
    parser.add_argument("--telegram-chats", default="",
                        help="chat ids the Telegram sandbox knows, comma-separated (negative = group)")
    parser.add_argument("--mango-port", type=int, default=0, help="Mango PBX API sandbox port (default: a free one)")
    parser.add_argument("--mango-listener", default="http://127.0.0.1:8765/mango",
                        help="where the Mango sandbox POSTs call events (the desk's listener base URL)")
    parser.add_argument("--mango-key", help="Mango API key the sandbox accepts (default: the demo pair)")
    parser.add_argument("--mango-salt", help="Mango API salt (default: the demo pair)")
    parser.add_argument("--mango-pace", type=float, default=0.2,
                        help="Mango sandbox: wall seconds per second of a played call (0: at once)")
    parser.add_argument("--faults", default="",
                        help="fault shares, e.g. error_500=0.05,error_503=0.02,html=0.02,slow=0.01,drop=0.01,"
                             "slow_seconds=5,seed=7")


async def _start_bitrix24(args: argparse.Namespace, stack: AsyncExitStack) -> list[str]:
    from pathlib import Path

    from kapusta_desktop.sandbox.bitrix24 import Bitrix24Sandbox, FaultConfig

    faults = FaultConfig.parse(args.faults) if args.faults else None
    sb = Bitrix24Sandbox(companies=args.companies, seed=args.seed, host=args.host, port=args.port,
                         https=args.https, cert_dir=Path(args.cert_dir) if args.cert_dir else None,
                         webhook_code=args.webhook_code, rate=args.rate, burst=args.burst,
                         operating_limit=args.operating_limit, faults=faults)
    await stack.enter_async_context(sb)
    access, refresh = sb.issue_tokens(1)
    lines = [
        f"bitrix24 webhook: {sb.webhook_url}",
        f"bitrix24 control: {sb.base_url}/_sandbox/stats",
        f"bitrix24 oauth: portal {sb.base_url} token server {sb.oauth_url} client_id {sb.client_id} "
        f"client_secret {sb.client_secret} access_token {access} refresh_token {refresh}",
    ]
    if sb.ca_file is not None:
        lines.append(f"bitrix24 CA file: {sb.ca_file}")
    return lines


async def _start_telegram(args: argparse.Namespace, stack: AsyncExitStack) -> list[str]:
    from kapusta_desktop.sandbox.telegram.runner import TelegramSandboxServer
    from kapusta_desktop.sandbox.telegram.server import DEFAULT_TOKEN, TelegramSandbox

    sb = TelegramSandbox(token=args.telegram_token or DEFAULT_TOKEN)
    for chat in (int(c) for c in args.telegram_chats.split(",") if c.strip()):
        sb.add_chat(chat)
    server = await stack.enter_async_context(TelegramSandboxServer(sb, host=args.host, port=args.telegram_port))
    return [
        f"telegram api: {server.base_url} token {sb.token}",
        f"telegram control: {server.base_url}/_sandbox/stats, /_sandbox/messages, POST /_sandbox/chats",
    ]


async def _start_mango(args: argparse.Namespace, stack: AsyncExitStack) -> list[str]:
    from kapusta_desktop.integrations.mango.demo import DEMO_KEY, DEMO_SALT
    from kapusta_desktop.sandbox.mango.api import MangoApiSandbox

    if args.mango_pace < 0:
        raise ValueError("--mango-pace cannot be negative")
    key, salt = args.mango_key or DEMO_KEY, args.mango_salt or DEMO_SALT
    pbx = await stack.enter_async_context(MangoApiSandbox(api_key=key, api_salt=salt, host=args.host,
                                                          port=args.mango_port, listener_url=args.mango_listener,
                                                          pace=args.mango_pace))
    shown = "the demo pair" if key == DEMO_KEY and salt == DEMO_SALT else "as given"
    return [f"mango api: {pbx.base_url} (key/salt {shown}); events to {pbx.listener_url}"]


# Each emulator adds its starter here (see the module docstring).
STARTERS: list[Starter] = [_start_bitrix24, _start_telegram, _start_mango]


def run(args: argparse.Namespace) -> int:
    import asyncio

    async def serve() -> None:
        async with AsyncExitStack() as stack:
            for starter in STARTERS:
                for line in await starter(args, stack):
                    print(line, flush=True)
            print("sandbox running; Ctrl+C stops it", flush=True)
            await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    except ValueError as exc:  # bad --faults and the like
        print(f"error: {exc}")
        return 2
    return 0
