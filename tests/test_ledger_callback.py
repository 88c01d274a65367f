"""routecfg's LiteLLM callback, run by the real LiteLLM Router in process and offline: one
deployment is made to fail so that a fallback happens, and `routecfg actuals` reads what the
callback wrote.

Tests that need litellm skip without it, and fail without it under CI=true.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TESTS, run

PROMPT = [{"role": "user", "content": "hi"}]


@pytest.fixture
def litellm() -> Any:
    if importlib.util.find_spec("litellm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("litellm is not installed (CI=true: CI installs '.[test,litellm]')")
        pytest.importorskip("litellm")
    from routecfg import verify

    module = verify._import_litellm("test")
    callbacks = module.callbacks
    yield module
    module.callbacks = callbacks


def deployment(name: str, model: str, answer: str, input_price: float, output_price: float) -> Any:
    return {
        "model_name": name,
        "litellm_params": {
            "model": f"openai/{model}",
            "api_key": "routecfg-test",
            "mock_response": answer,
            "input_cost_per_token": input_price,
            "output_cost_per_token": output_price,
        },
    }


async def _requests(litellm: Any, ledger: Path) -> list[dict[str, Any]]:
    from routecfg.router.ledger_callback import LedgerCallback

    litellm.callbacks = [LedgerCallback(str(ledger))]
    router = litellm.Router(
        model_list=[
            # cheap always fails: its requests fall back to balanced.
            deployment("cheap", "mock-haiku", "litellm.InternalServerError", 1e-6, 5e-6),
            deployment("balanced", "mock-sonnet", "done", 3e-6, 15e-6),
        ],
        fallbacks=[{"cheap": ["balanced"]}],
        num_retries=0,
        disable_cooldowns=True,
    )
    implement = {"ticket_id": "T-1", "gate": "implement", "round": 1}
    await router.acompletion(
        model="cheap", messages=PROMPT, metadata={"spend_logs_metadata": implement}
    )
    await router.acompletion(
        model="balanced", messages=PROMPT, metadata={"tags": ["ticket:T-1", "gate:review"]}
    )
    for _ in range(200):  # LiteLLM logs in background tasks: wait for three rows, boundedly
        rows = ledger.read_text().splitlines() if ledger.exists() else []
        if len(rows) >= 3:
            break
        await asyncio.sleep(0.05)
    return [json.loads(row) for row in rows]


def test_the_router_writes_rows_that_actuals_reads(litellm: Any, tmp_path: Path) -> None:
    shutil.copyfile(TESTS / "actuals" / "routecfg.yaml", tmp_path / "routecfg.yaml")
    ledger = tmp_path / "ledger.jsonl"
    rows = asyncio.run(_requests(litellm, ledger))

    shown = sorted(
        (r["status"], r["original_model_group"], r["model_group"], r["response_cost"]) for r in rows
    )
    # The mock answers with 10 prompt and 20 completion tokens: 10 × 3e-6 + 20 × 15e-6.
    assert shown == [
        ("failure", "cheap", "cheap", 0.0),
        ("success", "balanced", "balanced", 0.00033),
        ("success", "cheap", "balanced", 0.00033),
    ]
    failure = next(r for r in rows if r["status"] == "failure")
    answered = next(r for r in rows if r["original_model_group"] == "cheap" and r is not failure)
    assert failure["trace_id"] == answered["trace_id"]
    assert answered["spend_logs_metadata"] == {"ticket_id": "T-1", "gate": "implement", "round": 1}
    assert answered["attempted_fallbacks"] == 1

    result = run(["actuals", "ledger.jsonl", "--format", "json"], cwd=tmp_path)
    assert result.stderr == ""
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["tickets"], data["records"], data["calls"], data["failures"]) == (1, 3, 2, 1)
    assert data["skipped"] == 0
    assert data["fallback_rate"] == {"cheap": 1.0, "balanced": 0.0}
    gates = {g["gate"]: (g["calls"], g["failures"], g["actual"]) for g in data["gates"]}
    assert gates == {"implement": (1, 1, "0.000330"), "review": (1, 0, "0.000330")}
    assert data["per_ticket"]["actual"] == "0.000660"
    assert data["review_rounds"]["by_tier"] == [
        {"tier": None, "tickets": 1, "calls": 1, "per_ticket": "1"},
        {"tier": "balanced", "tickets": 1, "calls": 1, "per_ticket": "1"},
    ]


def test_the_proxy_finds_the_callback_by_its_registered_name(litellm: Any) -> None:
    from litellm.proxy.types_utils.utils import get_instance_fn

    from routecfg.router import ledger_callback
    from routecfg.targets.proxyledger import CALLBACK

    assert get_instance_fn(CALLBACK) is ledger_callback.ledger


def test_a_row_is_built_from_the_standard_logging_object() -> None:
    from routecfg.router.ledger_callback import row

    assert row({}) is None
    logged = {
        "trace_id": "t",
        "status": "success",
        "model": "bedrock/x",
        "model_group": "cheap",
        "response_cost": 0.1 + 0.2,
        "prompt_tokens": 3,
        "completion_tokens": 4,
        "startTime": 0,
        "endTime": 1.5,
        "request_tags": None,
        "metadata": {
            "usage_object": {"cache_read_input_tokens": 2},
            "spend_logs_metadata": {"ticket_id": "T-9"},
        },
    }
    params = {"metadata": {"original_model_group": "cheap", "attempted_fallbacks": 0}}
    assert row({"standard_logging_object": logged, "litellm_params": params}) == {
        "ledger": 1,
        "trace_id": "t",
        "status": "success",
        "model": "bedrock/x",
        "model_group": "cheap",
        "original_model_group": "cheap",
        "attempted_fallbacks": 0,
        "response_cost": 0.3,
        "prompt_tokens": 3,
        "completion_tokens": 4,
        "cache_read_input_tokens": 2,
        "cache_creation_input_tokens": None,
        "startTime": "1970-01-01T00:00:00Z",
        "endTime": "1970-01-01T00:00:01.500000Z",
        "request_tags": [],
        "spend_logs_metadata": {"ticket_id": "T-9"},
    }
