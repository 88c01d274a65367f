"""The spec's `prose:` section, checked like every other part of the spec (a semantic rule)."""

from __future__ import annotations

from collections.abc import Iterator

from routecfg.diagnostics import Diagnostic, Severity, suggestion_hint
from routecfg.model import RoutingSpec
from routecfg.spec import Source

UNUSED_IGNORE = "RC807"


def prose_ignore(spec: RoutingSpec, source: Source) -> Iterator[Diagnostic]:
    """A `prose.ignore` entry that can silence nothing: no prose code, no skills target."""
    if not spec.prose.ignore:
        return
    from routecfg.prose.lint import CODES  # the lint's patterns only where there is a setting

    codes = sorted(CODES.values())
    skills = list(spec.targets.skills)
    for index, entry in enumerate(spec.prose.ignore):
        path, _, code = entry.rpartition(":") if ":" in entry else ("", "", entry)
        if not path and not code.startswith("RC"):
            path, code = code, ""
        problems = []
        hint = f"an entry is a code ({', '.join(codes)}), a skills target, or PATH:CODE"
        if code and code not in codes:
            problems.append(f"'{code}' is no prose code ({codes[0]}–{codes[-1]})")
        if path and path not in skills:
            problems.append(f"'{path}' is no skills target")
            hint = suggestion_hint(path, skills, "skills targets")
        if not problems:
            continue
        yield source.diagnostic(
            ("prose", "ignore", index),
            UNUSED_IGNORE,
            f"prose.ignore entry '{entry}' silences nothing: {'; '.join(problems)}",
            hint,
            severity=Severity.WARNING,
        )
