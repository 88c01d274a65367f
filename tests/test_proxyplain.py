"""The plain-data test of a proxy config says "in sync" only where the round-trip edit would
leave the text as it is and report nothing (RC313, reproducing the file, aside: only an edit
needs it). Checked on every spec with a proxy in the corpus, the examples, upstream's proxies
against a spec inferred from them, every bundled preset, and many changed variants of each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from routecfg import resources, spec
from routecfg.diagnostics import RoutecfgError
from routecfg.model import RoutingSpec
from routecfg.targets import proxy, proxyplain
from routecfg.validate import validate, validate_source
from tests.conftest import REPO, TESTS

EXAMPLE = REPO / "examples" / "backlog-toolkit"


NOT_REPRODUCIBLE = "not reproducible"


def _round_trip(routing: RoutingSpec, text: str, path: str = "proxy.yaml") -> str | None:
    """What the round-trip edit makes of ``text``: None when it reports a problem."""
    from routecfg.targets import yamledit

    try:
        result = proxy.render_round_trip(routing, text, path, prove=False)
    except (RoutecfgError, TypeError):
        return None
    problems: set[str] = set()
    try:
        yamledit.load(text, path)
    except RoutecfgError as error:
        problems = {d.code for d in error.diagnostics}
    assert problems <= {"RC313"}  # what else load refuses, it refused without the proof
    if result == text and problems:
        return NOT_REPRODUCIBLE
    return result


def _in_sync(routing: RoutingSpec, text: str, path: str = "proxy.yaml") -> bool:
    """As proxy.render asks."""
    return proxyplain.in_sync(
        routing.for_proxy(path),
        text,
        path,
        with_prices=routing.targets.proxy_target(path).prices,
        ledger=routing.proxy.ledger,
    )


def _agrees(routing: RoutingSpec, text: str, path: str = "proxy.yaml") -> bool:
    """Never in sync where the round trip would change the text or report a problem."""
    if not _in_sync(routing, text, path):
        return True
    # A file ruamel.yaml cannot reproduce is in sync too when nothing needs an edit (RC313
    # comes with the first edit): test_an_unreproducible_file_is_refused_when_it_needs_an_edit.
    return _round_trip(routing, text, path) in (text, NOT_REPRODUCIBLE)


def _pairs(upstream: Path) -> Iterator[tuple[RoutingSpec, str, str, str]]:
    """(spec, proxy text, its path in the spec, label) for every spec with a proxy target, the
    example, every bundled preset against the example's proxy as the spec builds it, and
    upstream's proxies against the spec init infers and the one that serves both."""
    specs = [*TESTS.glob("cases/build/*/routecfg.yaml"), *TESTS.glob("upstream/*.yaml")]
    for spec_file in sorted(specs):
        try:
            validated = validate(spec_file, missing_targets=False)
        except RoutecfgError:
            continue
        for relative in validated.spec.targets.proxy:
            targets = [spec_file.parent / side / relative for side in ("input", "expected")]
            if spec_file.parent.name == "upstream":  # its targets are upstream head's files
                targets = [upstream / "head" / relative]
            for target in targets:
                if target.is_file():
                    text = target.read_text(encoding="utf-8")
                    yield validated.spec, text, relative, str(target)
    example = validate(EXAMPLE / "routecfg.yaml").spec
    example_proxy = (EXAMPLE / "config" / "litellm" / "proxy-config.yaml").read_text("utf-8")
    yield example, example_proxy, "proxy.yaml", "example"
    for name in resources.preset_names():
        preset = validate(spec.locate(name, REPO), missing_targets=False).spec
        built = proxy.render(preset, example_proxy, "proxy.yaml")
        yield preset, built, "proxy.yaml", f"preset {name}"
    head = upstream / "head" / "config" / "litellm"
    for path in sorted(head.glob("*.yaml")):
        yield _upstream_spec(upstream), path.read_text(encoding="utf-8"), "proxy.yaml", str(path)


def _upstream_spec(upstream: Path) -> RoutingSpec:
    """The spec `routecfg init --from-repo` infers from upstream's head."""
    from routecfg import adopt

    head = upstream / "head" / "config"
    texts = [
        (head / "presets" / "default.json").read_text(encoding="utf-8"),
        (head / "backlog.config.schema.json").read_text(encoding="utf-8"),
        (head / "litellm" / "proxy-config.docker.yaml").read_text(encoding="utf-8"),
    ]
    paths = adopt.TargetPaths(
        "config/presets/default.json",
        "config/backlog.config.schema.json",
        "config/litellm/proxy-config.docker.yaml",
    )
    inferred = adopt.infer_spec(texts[0], texts[1], texts[2], paths)
    source = spec.from_text(upstream / "routecfg.yaml", "routecfg.yaml", inferred.text)
    return validate_source(source, budget=False, missing_targets=False).spec


def test_in_sync_files_are_recognised(upstream: Path) -> None:
    """The fast answer is really given: for the example, every preset and upstream's file."""
    pairs = list(_pairs(upstream))
    answered = [label for routing, text, path, label in pairs if _round_trip(routing, text, path)]
    in_sync = [label for routing, text, path, label in pairs if _in_sync(routing, text, path)]
    assert "example" in in_sync
    assert all(f"preset {name}" in in_sync for name in resources.preset_names())
    assert any("proxy-config.docker.yaml" in label for label in in_sync)
    assert sum("expected" in label for label in in_sync) >= 4  # a build's output is in sync
    assert len(in_sync) >= len(resources.preset_names()) + 6
    assert answered


def test_every_pair_agrees_with_the_round_trip(upstream: Path) -> None:
    for routing, text, path, label in _pairs(upstream):
        assert _agrees(routing, text, path), label


def _variants(text: str, stride: int = 1) -> Iterator[str]:
    """The text with one thing changed: a number, a word, a line dropped, a line doubled, an
    anchor, a tag, a timestamp, a non-string key (on every ``stride``-th line)."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if index % stride or not line.strip() or line.lstrip().startswith("#"):
            continue
        before, after = "".join(lines[:index]), "".join(lines[index + 1 :])
        yield before + after  # dropped
        yield before + line + line + after  # doubled: duplicate keys, repeated items
        for pattern, replacement in (
            (r"\d", "7"),
            (r"0\.0+\d+", "0.5"),
            (r"(?<=: )[a-z][\w.-]*", "other"),
            (r"\[[^\]]*\]", "[cheap]"),
            (r"\[[^\]]*\]", "[]"),
            (r"(?<=: )\S.*", "2024-01-01"),
            (r"(?<=: )\S.*", "!!str 1"),
            (r"^(\s*-?\s*)[a-z_]+:", r"\g<1>1:"),
            (r"(?<=: )\S.*", "&anchor x"),
            (r"(?<=: )\S.*", "{}"),
            (r"(?<=: )\S.*", "null"),
        ):
            changed = re.sub(pattern, replacement, line, count=1)
            if changed != line:
                yield before + changed + after


@pytest.mark.parametrize("which", ["example", "upstream", "template", "deployments"])
def test_changed_variants_are_never_called_in_sync(which: str, upstream: Path) -> None:
    path = "proxy.yaml"
    if which == "example":
        routing = validate(EXAMPLE / "routecfg.yaml").spec
        file = EXAMPLE / "config" / "litellm" / "proxy-config.yaml"
    elif which == "upstream":
        routing = _upstream_spec(upstream)
        file = upstream / "head" / "config" / "litellm" / "proxy-config.docker.yaml"
    elif which == "template":  # a file of its own: some tiers, overrides, no prices
        routing = validate(TESTS / "upstream" / "head-two-proxies.yaml", missing_targets=False).spec
        path = "config/litellm/proxy-config.template.yaml"
        file = upstream / "head" / path
    else:
        case = TESTS / "cases" / "build" / "proxy-second-deployment-kept"
        routing = validate(case / "routecfg.yaml", missing_targets=False).spec
        file = case / "expected" / "proxy.yaml"
    text = file.read_text(encoding="utf-8")
    assert _in_sync(routing, text, path)
    count = 0
    for variant in _variants(text, stride=3 if which == "upstream" else 2):
        assert _agrees(routing, variant, path), variant
        count += 1
    assert count > 50


def test_without_libyaml_the_round_trip_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    routing = validate(EXAMPLE / "routecfg.yaml").spec
    text = (EXAMPLE / "config" / "litellm" / "proxy-config.yaml").read_text(encoding="utf-8")
    assert _in_sync(routing, text)
    monkeypatch.setattr(spec, "_libyaml_parser", lambda: None)
    assert not _in_sync(routing, text)
    assert proxy.render(routing, text, "proxy.yaml") == text


def test_an_unreproducible_file_is_refused_when_it_needs_an_edit() -> None:
    """ruamel.yaml writes `null` as nothing, so it cannot reproduce a file that holds one. That
    stops an edit (RC313), not a check that finds nothing to edit."""
    routing = validate(EXAMPLE / "routecfg.yaml").spec
    text = (EXAMPLE / "config" / "litellm" / "proxy-config.yaml").read_text(encoding="utf-8")
    text = text.replace("api_base: http://localhost:11434", "api_base: null")
    assert proxy.render(routing, text, "proxy.yaml") == text
    stale = text.replace("input_cost_per_token: 0.000001 ", "input_cost_per_token: 0.000002 ", 1)
    assert stale != text
    with pytest.raises(RoutecfgError) as refused:
        proxy.render(routing, stale, "proxy.yaml")
    assert [d.code for d in refused.value.diagnostics] == ["RC313"]


def test_the_ledger_names_are_proxyledgers() -> None:
    from routecfg.targets import proxyledger

    names = ("CALLBACK", "ENVIRONMENT", "SETTINGS", "VARIABLES")
    assert [getattr(proxyplain, n) for n in names] == [getattr(proxyledger, n) for n in names]


@pytest.mark.parametrize("ledger", [None, "logs/ledger.jsonl"])
def test_ledger_registration_variants_agree(ledger: str | None) -> None:
    import dataclasses

    base = validate(EXAMPLE / "routecfg.yaml").spec
    routing = dataclasses.replace(base, proxy=dataclasses.replace(base.proxy, ledger=ledger))
    text = (EXAMPLE / "config" / "litellm" / "proxy-config.yaml").read_text(encoding="utf-8")
    built = proxy.render(routing, text, "proxy.yaml")
    assert _in_sync(routing, built)
    other = dataclasses.replace(
        base, proxy=dataclasses.replace(base.proxy, ledger=None if ledger else "x.jsonl")
    )
    assert not _in_sync(other, built)
    head, tail = built.split("litellm_settings:", 1)
    for variant in _variants("litellm_settings:" + tail):
        assert _agrees(routing, head + variant), variant
