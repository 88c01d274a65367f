"""The real LiteLLM proxy server with routecfg's compiled config, on 127.0.0.1, in front of a local
stub that answers as Ollama and Bedrock would (tests/litellm_stub.py): it serves routecfg's prices
and walks `fallbacks`, `context_window_fallbacks` and content policy as `routecfg explain` says.

Start-up takes about 15-20 s and some 360 MB, so the test is `slow` (CI runs it). It needs the
proxy's own dependencies (`pip install '.[litellm-proxy]'`): without them it skips with the
reason, and fails under CI=true. Every wait has a timeout; the server is killed in teardown.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from routecfg.model import RoutingSpec
from routecfg.targets import proxy
from routecfg.validate import validate
from tests.conftest import REPO, run
from tests.litellm_stub import Stub, serving

pytestmark = pytest.mark.slow

EXAMPLE = REPO / "examples" / "backlog-toolkit"
PROXY = "config/litellm/proxy-config.yaml"
KEY = "sk-routecfg-test"
START_TIMEOUT = 120.0  # seconds for the server to answer its liveliness probe
REQUEST_TIMEOUT = 60.0
# What the proxy imports beyond litellm itself (litellm[proxy] does not resolve with pip).
PROXY_MODULES = (
    "fastapi",
    "uvicorn",
    "uvloop",
    "websockets",
    "backoff",
    "orjson",
    "apscheduler",
    "jwt",
    "multipart",
    "cryptography",
    "fastapi_sso",
    "mcp",
    "redis",
    "semver",
    "expression",
    "soundfile",
)
SERVER_ERROR = (500, "routecfg stub: internal error")
CONTEXT_WINDOW = (400, "Input is too long for requested model.")
CONTENT_FILTER = (400, "Output blocked by content filtering policy")


def _missing() -> list[str]:
    names = ["litellm", *PROXY_MODULES]
    return [name for name in names if importlib.util.find_spec(name) is None]


@dataclass
class Proxy:
    port: int
    stub: Stub
    spec: RoutingSpec
    started_in: float

    def post(self, model: str, **extra: Any) -> tuple[int, str]:
        body = {"model": model, "messages": [{"role": "user", "content": "hi"}], **extra}
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/v1/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path: str) -> Any:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Authorization": f"Bearer {KEY}"}
        )
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            return json.loads(response.read())

    def stub_id(self, name: str) -> str:
        """The model id the stub sees for a tier or alias: the model without its provider."""
        tier = self.spec.tiers[proxy.served_names(self.spec)[name]]
        return tier.model.partition("/")[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the proxy exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            url = f"http://127.0.0.1:{port}/health/liveliness"
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"the proxy did not start in {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def real_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    missing = _missing()
    if missing:
        reason = (
            "the LiteLLM proxy server's dependencies are not installed "
            f"(pip install '.[litellm-proxy]'): {', '.join(missing)}"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true: .ci/run installs them)")
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("real-proxy")
    shutil.copytree(EXAMPLE, root, dirs_exist_ok=True)
    built = run(["build", "--yes"], cwd=root)
    assert built.exit_code == 0, built.stderr
    assert run(["check", "-q", "--no-cache"], cwd=root).exit_code == 0
    spec = validate(root / "routecfg.yaml").spec
    compiled = (root / PROXY).read_text()
    with serving() as stub:
        # What the test changes outside routecfg's own keys: the backends, and no retries or
        # cooldowns, so each request is one walk (their timing is `verify`'s, without sleeping).
        config = (
            compiled.replace("http://localhost:11434", stub.url)
            .replace("  num_retries: 2\n", "  num_retries: 0\n")
            .replace("router_settings:\n", "router_settings:\n  disable_cooldowns: true\n", 1)
            + "  dangerously_allow_mock_testing_request_params: true\n"
        )
        assert config.count(stub.url) == 1
        assert config.count("disable_cooldowns") == 1
        assert "  num_retries: 0\n" in config
        (root / "served.yaml").write_text(config)
        port = _free_port()
        env = {
            **os.environ,
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "AWS_BEDROCK_RUNTIME_ENDPOINT": stub.url,
            "AWS_ACCESS_KEY_ID": "routecfg-test",
            "AWS_SECRET_ACCESS_KEY": "routecfg-test",
            "AWS_REGION_NAME": "us-west-2",
            "LITELLM_MASTER_KEY": KEY,
            "NO_PROXY": "127.0.0.1,localhost",
        }
        log = root / "proxy.log"
        started = time.monotonic()
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "litellm.proxy.proxy_cli",
                    "--config",
                    str(root / "served.yaml"),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                env=env,
                cwd=root,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_until_up(process, port, log)
            yield Proxy(port, stub, spec, time.monotonic() - started)
        finally:
            _stop(process)


def test_it_serves_routecfgs_prices(real_proxy: Proxy) -> None:
    served = {
        entry["model_name"]: entry["model_info"] for entry in real_proxy.get("/model/info")["data"]
    }
    spec = real_proxy.spec
    for name, tier in proxy.served_names(spec).items():
        wanted = proxy.prices_per_token(spec.tiers[tier])
        got = {key: Decimal(str(served[name][key])) for key in wanted}
        assert got == {key: Decimal(value) for key, value in wanted.items()}, name


def _walk_through(real_proxy: Proxy, start: str, kind: str, failure: tuple[int, str]) -> None:
    """Every model of ``start``'s walk but the last fails with ``failure``: the stub sees the
    walk, and the last model answers."""
    walk = real_proxy.spec.proxy.walk(kind, start)
    order = (start, *walk)
    real_proxy.stub.reset({real_proxy.stub_id(name): failure for name in order[:-1]})
    status, body = real_proxy.post(start)
    assert real_proxy.stub.calls == [real_proxy.stub_id(name) for name in order], (start, body)
    assert status == 200, body


@pytest.mark.parametrize("start", ["free", "cheap", "balanced", "claude-haiku-4-5"])
def test_fallbacks_walk_as_explain_says(real_proxy: Proxy, start: str) -> None:
    _walk_through(real_proxy, start, "fallbacks", SERVER_ERROR)


@pytest.mark.parametrize("start", ["free", "cheap", "balanced", "claude-haiku-4-5"])
def test_context_window_fallbacks_walk_as_explain_says(real_proxy: Proxy, start: str) -> None:
    _walk_through(real_proxy, start, "context_window_fallbacks", CONTEXT_WINDOW)


def test_a_content_filter_as_a_plain_400_walks_fallbacks(real_proxy: Proxy) -> None:
    """Bedrock's content filter answers a plain 400: LiteLLM walks the generic chain
    cheap → balanced → frontier, not content_policy_fallbacks' cheap → balanced."""
    assert real_proxy.spec.proxy.walk("content_policy_fallbacks", "cheap") == ("balanced",)
    _walk_through(real_proxy, "cheap", "fallbacks", CONTENT_FILTER)


@pytest.mark.parametrize("start", ["free", "cheap", "balanced", "frontier", "claude-haiku-4-5"])
def test_content_policy_walks_as_explain_says(real_proxy: Proxy, start: str) -> None:
    """With LiteLLM's mock flag the requested model raises ContentPolicyViolationError; a model
    with no content_policy_fallbacks entry answers 400 "No fallback was attempted"."""
    walk = real_proxy.spec.proxy.walk("content_policy_fallbacks", start)
    real_proxy.stub.reset()
    status, body = real_proxy.post(start, mock_testing_content_policy_fallbacks=True)
    if not walk:
        assert (status, real_proxy.stub.calls) == (400, [])
        assert "No fallback was attempted" in body
        return
    assert (status, real_proxy.stub.calls) == (200, [real_proxy.stub_id(walk[0])])


def test_start_up_time(real_proxy: Proxy) -> None:
    """Reported, not a budget: the server answered its liveliness probe this fast."""
    print(f"\nthe LiteLLM proxy started in {real_proxy.started_in:.1f} s")
    assert real_proxy.started_in < START_TIMEOUT
