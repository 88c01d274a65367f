"""A stand-in for the providers behind a LiteLLM proxy, for tests: a stdlib HTTP server on
127.0.0.1 that answers as Ollama (``/api/generate``, ``/api/chat``) and Bedrock's Converse API
(``/model/{id}/converse``) would, fails on the models a test chooses, and records the model of
every request it gets, in order."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Stub:
    """What the server does: ``failures`` maps a model id to the status and message it answers
    with; ``calls`` lists the model of each request, in order."""

    failures: dict[str, tuple[int, str]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset(self, failures: dict[str, tuple[int, str]] | None = None) -> None:
        with self.lock:
            self.calls.clear()
            self.failures = dict(failures or {})


def _ollama_reply(model: str, chat: bool) -> dict[str, Any]:
    reply: dict[str, Any] = {
        "model": model,
        "created_at": "2026-01-01T00:00:00Z",
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 5,
        "eval_count": 2,
    }
    if chat:
        reply["message"] = {"role": "assistant", "content": f"ok from {model}"}
    else:
        reply["response"] = f"ok from {model}"
    return reply


def _converse_reply(model: str) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": f"ok from {model}"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 5, "outputTokens": 2, "totalTokens": 7},
        "metrics": {"latencyMs": 1},
    }


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            path = urllib.parse.unquote(self.path)
            if path.startswith("/model/"):
                model = path.split("/")[2]
                reply = _converse_reply(model)
            else:
                model = str(body.get("model", ""))
                reply = _ollama_reply(model, chat=path.endswith("/api/chat"))
            with stub.lock:
                stub.calls.append(model)
                failure = stub.failures.get(model)
            if failure is not None:
                status, message = failure
                self._send(status, {"message": message, "error": message})
                return
            self._send(200, reply)

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def serving() -> Iterator[Stub]:
    """The stub, listening on 127.0.0.1 until the block ends."""
    stub = Stub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    stub.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
