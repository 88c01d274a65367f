"""SARIF 2.1.0 for code scanning: diagnostics in, one JSON log out (text out, no disk).

Each code that occurs becomes a rule (its meaning from :mod:`routecfg.codes`, else its first
message; its help the hint the first result gave); each diagnostic a result at its file, line
and column. GitHub's code scanning reads it with ``github/codeql-action/upload-sarif``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from routecfg import __version__, codes
from routecfg.diagnostics import Diagnostic, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/routecfg/routecfg#diagnostic-codes"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def format_sarif(diagnostics: Sequence[Diagnostic]) -> str:
    rules: dict[str, dict[str, Any]] = {}
    for d in diagnostics:
        rules.setdefault(d.code, _rule(d))
    order = sorted(rules)
    results = [_result(d, order.index(d.code)) for d in diagnostics]
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "routecfg",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rules[code] for code in order],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(d: Diagnostic) -> dict[str, Any]:
    meaning = codes.meaning(d.code) or d.message
    rule: dict[str, Any] = {
        "id": d.code,
        "shortDescription": {"text": meaning},
        "helpUri": INFORMATION_URI,
        "defaultConfiguration": {"level": _LEVELS[d.severity]},
    }
    if d.hint:
        rule["help"] = {"text": d.hint}
    return rule


def _result(d: Diagnostic, rule_index: int) -> dict[str, Any]:
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(d.path)}}
    if d.line > 0:
        region: dict[str, Any] = {"startLine": d.line}
        if d.column > 0:
            region["startColumn"] = d.column
        if d.end_line > d.line:
            region["endLine"] = d.end_line
        physical["region"] = region
    return {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": _LEVELS[d.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": physical}],
    }


def _uri(path: str) -> str:
    """A relative path as a URI reference: forward slashes, spaces and % escaped."""
    from urllib.parse import quote

    posix = path.replace("\\", "/")
    uri = quote(posix, safe="/@-._~")
    return f"file://{uri}" if posix.startswith("/") else uri
