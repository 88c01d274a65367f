"""A LiteLLM callback that writes the ledger `routecfg actuals` reads: one JSON line per request.

Register it in the proxy config (``proxy.ledger: PATH`` in routecfg.yaml does this)::

    litellm_settings:
      callbacks: [routecfg.router.ledger_callback.ledger]
    environment_variables:
      ROUTECFG_LEDGER: .backlog-ops/litellm-ledger.jsonl

No database is needed. Each answered request and each failed attempt (retries of one group give
one failure row) appends a line with what LiteLLM's ``standard_logging_object`` says: the group
asked for (``original_model_group``) and the one that served (``model_group``), the cost priced
with the proxy's own prices, tokens, times, tags and the caller's ``spend_logs_metadata`` (e.g.
``{"ticket_id": "T-42", "gate": "implement", "round": 1}``).

Only the standard library and litellm's types: the proxy imports this module without the rest of
routecfg. A line is written with one ``write`` to a file opened for appending, so concurrent
workers do not interleave within a line. A logging failure never fails the request.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import threading
from typing import Any

from litellm.integrations.custom_logger import CustomLogger

ENVIRONMENT = "ROUTECFG_LEDGER"
DEFAULT_PATH = "litellm-ledger.jsonl"
FORMAT = 1


def _time(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        moment = datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
        return moment.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def _cost(value: Any) -> Any:
    """A float cost without binary noise: 15 significant digits, as float repr means them."""
    if isinstance(value, float):
        return float(format(value, ".15g"))
    return value


def row(kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """The ledger row for one logging event; None when LiteLLM gave no standard logging object."""
    logged = kwargs.get("standard_logging_object")
    if not isinstance(logged, dict):
        return None
    params = kwargs.get("litellm_params") or {}
    request = params.get("metadata") or {}
    metadata = logged.get("metadata") or {}
    usage = metadata.get("usage_object") or {}
    return {
        "ledger": FORMAT,
        "trace_id": logged.get("trace_id"),
        "status": logged.get("status"),
        "model": logged.get("model"),
        "model_group": logged.get("model_group"),
        "original_model_group": request.get("original_model_group"),
        "attempted_fallbacks": request.get("attempted_fallbacks"),
        "response_cost": _cost(logged.get("response_cost")),
        "prompt_tokens": logged.get("prompt_tokens"),
        "completion_tokens": logged.get("completion_tokens"),
        "cache_read_input_tokens": usage.get("cache_read_input_tokens"),
        "cache_creation_input_tokens": usage.get("cache_creation_input_tokens"),
        "startTime": _time(logged.get("startTime")),
        "endTime": _time(logged.get("endTime")),
        "request_tags": logged.get("request_tags") or [],
        "spend_logs_metadata": metadata.get("spend_logs_metadata"),
    }


class LedgerCallback(CustomLogger):  # type: ignore[misc]
    """Appends one row per request to ``path`` (default: $ROUTECFG_LEDGER, read at each write,
    so the proxy config's environment_variables apply)."""

    def __init__(self, path: str | None = None) -> None:
        super().__init__()
        self.path = path
        self._lock = threading.Lock()

    def _target(self) -> str:
        return self.path or os.environ.get(ENVIRONMENT) or DEFAULT_PATH

    def write(self, kwargs: dict[str, Any]) -> None:
        try:
            record = row(kwargs)
            if record is None:
                return
            line = json.dumps(record, default=str, ensure_ascii=False) + "\n"
            target = self._target()
            with self._lock:
                pathlib.Path(target).parent.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(descriptor, line.encode("utf-8"))
                finally:
                    os.close(descriptor)
        except Exception:  # a ledger must never fail the request it records
            return

    def log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.write(kwargs)

    def log_failure_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.write(kwargs)

    async def async_log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.write(kwargs)

    async def async_log_failure_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.write(kwargs)


ledger = LedgerCallback()
