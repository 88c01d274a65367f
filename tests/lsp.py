"""A minimal Language Server Protocol client over stdio, enough to open a document in the real
yaml-language-server and collect the diagnostics it publishes. Every wait is bounded."""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

SERVER_ENV = "ROUTECFG_YAML_LANGUAGE_SERVER"  # .ci/run installs it and points this at it


def find_server() -> str | None:
    """The yaml-language-server executable: $ROUTECFG_YAML_LANGUAGE_SERVER, else on the PATH."""
    import shutil

    named = os.environ.get(SERVER_ENV)
    if named and Path(named).is_file():
        return named
    return shutil.which("yaml-language-server")


class Client:
    def __init__(self, command: list[str], root: Path) -> None:
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=root,
        )
        self.buffer = b""
        self.next_id = 0
        self.published: dict[str, list[dict[str, Any]]] = {}

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
            self.process.wait(timeout=5)
        except (TimeoutError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=5)

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 30) -> Any:
        self.next_id += 1
        wanted = self.next_id
        self._send({"id": wanted, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self._read(deadline)
            if message.get("id") == wanted and "method" not in message:
                return message.get("result")

    def diagnostics(self, uri: str, timeout: float = 30, settle: float = 2) -> list[dict[str, Any]]:
        """The diagnostics the server publishes for ``uri``: the first set, and any that
        follows within ``settle`` seconds (a later validation replaces an earlier one)."""
        deadline = time.monotonic() + timeout
        while uri not in self.published:
            self._read(deadline)
        quiet_until = time.monotonic() + settle
        while True:
            try:
                self._read(quiet_until)
            except TimeoutError:
                return self.published[uri]

    def _read(self, deadline: float) -> dict[str, Any]:
        """One message from the server; requests it makes are answered on the way."""
        while True:
            header, separator, rest = self.buffer.partition(b"\r\n\r\n")
            if separator:
                length = next(
                    int(line.split(b":")[1])
                    for line in header.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                if len(rest) >= length:
                    self.buffer = rest[length:]
                    message: dict[str, Any] = json.loads(rest[:length])
                    self._handle(message)
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("yaml-language-server did not answer in time")
            assert self.process.stdout is not None
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 65536)
                if not chunk:
                    raise TimeoutError("yaml-language-server closed its output")
                self.buffer += chunk

    def _handle(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        if method == "textDocument/publishDiagnostics":
            params = message["params"]
            self.published[params["uri"]] = params["diagnostics"]
        elif method is not None and "id" in message:  # a request of the server's
            result: Any = None
            if method == "workspace/configuration":
                items = message["params"]["items"]
                result = [SETTINGS.get(item.get("section", "")) for item in items]
            self._send({"id": message["id"], "result": result})


SETTINGS: dict[str, Any] = {
    # Offline: no schema store; only what the file's own `$schema` line names.
    "yaml": {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False}},
    "yaml.validate": True,
    "yaml.schemaStore": {"enable": False},
}


def diagnose(
    server: str, spec: Path, timeout: float = 60, hover_at: tuple[int, int] | None = None
) -> tuple[list[dict[str, Any]], Any]:
    """What the real yaml-language-server says of ``spec``, opened as an editor would: its
    diagnostics, and its hover at ``(line, character)`` (0-based) when asked."""
    root = spec.parent
    client = Client([server, "--stdio"], root)
    try:
        client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": {"workspace": {"configuration": True}},
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            },
            timeout=timeout,
        )
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})
        uri = spec.as_uri()
        client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "yaml",
                    "version": 1,
                    "text": spec.read_text(encoding="utf-8"),
                }
            },
        )
        found = client.diagnostics(uri, timeout=timeout)
        hover = None
        if hover_at is not None:
            line, character = hover_at
            hover = client.request(
                "textDocument/hover",
                {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
                timeout=timeout,
            )
        return found, hover
    finally:
        client.close()
