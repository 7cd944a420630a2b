"""Typed settings with one validation and one admin rule for the dialog and the CLI.

Non-secret values go to the Setting table, secrets only to the SecretStore.
Reading is open to everyone (secrets masked); every change, switching an
integration on or off and forgetting secrets need an unlocked admin session.
A team desk that works through the relay (KAPUSTA_RELAY_URL) saves through the
relay instead, which stores the tokens on itself and lets only admin desks
change anything. A team desk's own extensions (`desk.extensions`) are kept in
its profile, not in the shared database (services/desk_settings.py).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kapusta_desktop import secret_store as ss
from kapusta_desktop.secret_store import SecretStore
from kapusta_desktop.services.admin import AdminAccess, AdminError
from kapusta_desktop.services.desk_settings import DESK_EXTENSIONS, DeskSettings, extensions_override
from kapusta_desktop.services.settings_fields import (
    FIELDS,
    FIELDS_BY_KEY,
    INTEGRATIONS,
    FieldError,
    FieldSpec,
    parse_extensions,
)
from kapusta_desktop.store.setting_values import get_value, set_value

log = logging.getLogger(__name__)

STAGE_PREFIX = "stage."


def port_problem(host: str, port: int) -> str | None:
    """Why the listener could not bind (host, port) now, or None when it could."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)
    except OSError:
        return f"the address {host} is not known on this computer"
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # The listener (aiohttp) sets SO_REUSEADDR on POSIX; probe the same way so TIME_WAIT is no obstacle.
        if hasattr(socket, "SO_REUSEADDR") and not hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(infos[0][4])
    except PermissionError:
        return f"port {port} needs administrator rights on this computer; pick one above 1023"
    except OSError:
        return f"port {port} is in use on {host}"
    finally:
        sock.close()
    return None


class RelaySettingsError(AdminError):
    """The relay did not save a change: `status` 403 for a desk that is not an admin desk, 401 for a bad desk
    token, 0 when the relay could not be reached or failed."""

    def __init__(self, message: str, status: int = 0, *, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason or message  # the relay's words or the network problem, without the lead-in


@dataclass(frozen=True)
class ShownSetting:
    spec: FieldSpec
    text: str  # what `config show` and the dialog display; secrets masked


class SettingsService:
    def __init__(
        self,
        secrets: SecretStore,
        admin: AdminAccess,
        *,
        port_check: Callable[[str, int], str | None] = port_problem,
        relay: Any = None,
        desk: DeskSettings | None = None,
    ) -> None:
        self.secrets = secrets
        self.admin = admin
        self._port_check = port_check
        self.relay = relay  # integrations/relay/desk_side.RelayAccess in relay mode: changes are saved there
        self.desk = desk  # a team desk's own settings (its profile); None on a solo desk

    # -- this desk's own extensions (team mode) ---------------------------------

    def desk_extensions(self) -> list[str]:
        return self.desk.extensions() if self.desk is not None else []

    @staticmethod
    def desk_extensions_override() -> str | None:
        """KAPUSTA_DESK_EXTENSIONS when set: it wins over what is saved, and the dialog says so."""
        return extensions_override()

    # -- reading (open to everyone) -----------------------------------------

    @staticmethod
    def spec(key: str) -> FieldSpec:
        try:
            return FIELDS_BY_KEY[key]
        except KeyError:
            raise FieldError(key, "unknown setting; `kapusta-desktop config show` lists them") from None

    def get(self, key: str) -> Any:
        spec = self.spec(key)
        if spec.secret:
            return self.secrets.get(key)
        return get_value(key, spec.default)

    def shown(self, key: str) -> ShownSetting:
        spec = self.spec(key)
        if spec.secret:
            try:
                text = self.secrets.masked(key)
            except ss.SecretStoreLockedError:
                text = "locked (master password needed)"
            except ss.SecretStoreError:
                text = "unavailable (no secure keyring)"
            return ShownSetting(spec, text)
        return ShownSetting(spec, spec.format(self.get(key)))

    def show_all(self) -> list[ShownSetting]:
        return [self.shown(f.key) for f in FIELDS]

    # -- validation (open to everyone: the dialog checks while you type) ------

    def validate(self, key: str, text: str) -> Any:
        spec = self.spec(key)
        if not text.strip():
            if spec.secret:
                raise FieldError(key, "empty: type the value, or use “Forget all secrets” to remove secrets")
            if spec.default is None or isinstance(spec.default, list):
                return [] if isinstance(spec.default, list) else None
            raise FieldError(key, "must not be empty")
        return spec.parse(key, text)

    def validate_many(self, texts: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        """Parse every field; returns (values, messages by key). Checks that span fields run here."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for key, text in texts.items():
            try:
                values[key] = self._validate_desk(text) if key == DESK_EXTENSIONS else self.validate(key, text)
            except FieldError as exc:
                errors[exc.key] = exc.message
        self._check_listener(values, errors)
        return values, errors

    def _validate_desk(self, text: str) -> list[str]:
        if self.desk is None:
            raise FieldError(DESK_EXTENSIONS, "only a team desk keeps its own extensions; set mango.desk_extensions")
        return parse_extensions(DESK_EXTENSIONS, text)

    def _check_listener(self, values: dict[str, Any], errors: dict[str, str]) -> None:
        """A new listener address must be free; the one the listener already holds is fine."""
        if "mango.listener_port" in errors or "mango.listener_host" in errors:
            return
        if "mango.listener_port" not in values and "mango.listener_host" not in values:
            return
        host = values.get("mango.listener_host", self.get("mango.listener_host"))
        port = values.get("mango.listener_port", self.get("mango.listener_port"))
        if host == self.get("mango.listener_host") and port == self.get("mango.listener_port"):
            return
        problem = self._port_check(str(host), int(port))
        if problem:
            errors["mango.listener_port"] = problem

    # -- changing (admin only) --------------------------------------------------

    def set_text(self, key: str, text: str) -> None:
        self.apply({key: text})

    def apply(self, texts: Mapping[str, str]) -> dict[str, str]:
        """Validate everything, then save all or nothing. Raises when locked; returns per-field messages."""
        self.admin.require("change integration settings")
        values, errors = self.validate_many(texts)
        if errors:
            return errors
        own = values.pop(DESK_EXTENSIONS, None)  # this desk's, saved in its profile after the team's settings
        if self.relay is not None and values:
            errors = self._apply_through_relay({k: t for k, t in texts.items() if k != DESK_EXTENSIONS})
            if errors:
                return errors
            values = {}
        for key, value in values.items():
            spec = FIELDS_BY_KEY[key]
            if spec.secret:
                self.secrets.set(key, value)
            else:
                set_value(key, value)
        if values:
            log.info("settings changed: %s", ", ".join(sorted(values)))
        if own is not None and self.desk is not None:
            self.desk.set_extensions(own)
            log.info("this desk's extensions changed: %s", ", ".join(own) or "none (the team's list applies)")
        return {}

    def _apply_through_relay(self, texts: Mapping[str, str]) -> dict[str, str]:
        from kapusta_desktop.integrations.relay.desk_side import RelayConfigError, RelayRefusedError

        try:
            errors = self.relay.put_settings(dict(texts))
        except RelayRefusedError as exc:
            raise RelaySettingsError(f"The relay refused the change: {exc}", exc.status, reason=str(exc)) from None
        except RelayConfigError as exc:
            raise RelaySettingsError(f"Nothing saved through the relay: {exc}", reason=str(exc)) from None
        if not errors:
            log.info("settings changed through the relay: %s", ", ".join(sorted(texts)))
        return errors

    def set_enabled(self, integration: str, enabled: bool) -> None:
        if integration not in INTEGRATIONS:
            raise FieldError(f"{integration}.enabled", f"unknown integration; known: {', '.join(INTEGRATIONS)}")
        self.admin.require(f"switch {integration} on or off")
        if self.relay is not None:
            key = f"{integration}.enabled"
            errors = self._apply_through_relay({key: "on" if enabled else "off"})
            if errors:
                raise FieldError(key, errors.get(key) or next(iter(errors.values())))
            return
        set_value(f"{integration}.enabled", bool(enabled))
        log.info("%s switched %s", integration, "on" if enabled else "off")

    def forget_secrets(self) -> None:
        self.admin.require("forget the saved secrets")
        self.secrets.forget_all()
        log.info("all saved secrets forgotten")

    # -- stage mapping (Stage table) ----------------------------------------

    def stage_mapping(self) -> list[tuple[str, str, str, str]]:
        """(pipeline name, STATUS_ID, stage name, KAPUSTA stage) for every known stage."""
        from kapusta_desktop.store.models import Pipeline, Stage

        rows = (
            Stage.select(Stage, Pipeline)
            .join(Pipeline)
            .order_by(Pipeline.sort, Pipeline.b24_id, Stage.sort, Stage.status_id)
        )
        return [(s.pipeline.name, s.status_id, s.name, s.kapusta_stage) for s in rows]

    def set_stage(self, status_id: str, kapusta_stage: str) -> None:
        from kapusta_desktop.domain.stages import KAPUSTA_STAGES
        from kapusta_desktop.store.models import Stage

        key = STAGE_PREFIX + status_id
        self.admin.require("change the stage mapping")
        value = kapusta_stage.strip().lower()
        if value not in KAPUSTA_STAGES:
            raise FieldError(key, f"expected one of: {', '.join(KAPUSTA_STAGES)}")
        updated = (
            Stage.update(kapusta_stage=value, mapping_edited=True).where(Stage.status_id == status_id).execute()
        )
        if not updated:
            raise FieldError(key, "no such stage in the local cache (run a sync first)")

    # -- typed views for the rest of the program ----------------------------

    def sync_interval(self) -> int:
        return int(self.get("sync.interval_seconds"))

    def enabled(self, integration: str) -> bool:
        return bool(self.get(f"{integration}.enabled"))
