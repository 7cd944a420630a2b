"""A loopback Bitrix24 portal for tests, the demo and benchmarks (see server.py)."""

from kapusta_desktop.sandbox.bitrix24.faults import FaultConfig
from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox, SandboxStats

__all__ = ["Bitrix24Sandbox", "FaultConfig", "SandboxStats"]
