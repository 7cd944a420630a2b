"""Fault injection: which share of requests fail and how, drawn from a seeded generator."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from typing import Any

FAULT_KINDS = ("error_500", "error_503", "html", "slow", "drop")


@dataclass
class FaultConfig:
    error_500: float = 0.0  # share answered 500 INTERNAL_SERVER_ERROR
    error_503: float = 0.0  # share answered 503 OVERLOAD_LIMIT
    html: float = 0.0  # share answered with an HTML page instead of JSON
    slow: float = 0.0  # share whose answer is held back `slow_seconds` (past the client's timeout)
    drop: float = 0.0  # share whose connection is dropped without an answer
    slow_seconds: float = 5.0
    seed: int = 1

    def __post_init__(self) -> None:
        total = 0.0
        for kind in FAULT_KINDS:
            share = getattr(self, kind)
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"fault share {kind} must be within 0..1")
            total += share
        if total > 1.0:
            raise ValueError("fault shares add up to more than 1")

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> FaultConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        return cls(**data)

    @classmethod
    def parse(cls, spec: str) -> FaultConfig:
        """`"error_500=0.05,html=0.02,seed=7"` as the command line gives it."""
        data: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            key, sep, value = part.partition("=")
            if not sep:
                raise ValueError(f"fault setting {part!r} is not KEY=VALUE")
            data[key.strip()] = int(value) if key.strip() == "seed" else float(value)
        return cls.from_mapping(data)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultPicker:
    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)

    def pick(self) -> str | None:
        c = self.config
        if not any(getattr(c, k) for k in FAULT_KINDS):
            return None
        x = self._rng.random()
        for kind in FAULT_KINDS:
            share = getattr(c, kind)
            if x < share:
                return kind
            x -= share
        return None
