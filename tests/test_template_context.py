"""The template context, documented (`routecfg templates`, README) and true; template errors
said in the spec's words, never a Python class."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from routecfg import tables
from routecfg.targets import markdown, template_context
from tests.conftest import REPO, run
from tests.test_markdown import block, preset, problems, template_folder

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_routecfg_templates_prints_the_context_and_the_readme_holds_it() -> None:
    result = run(["templates"])
    assert result.exit_code == 0
    assert result.stdout == template_context.describe()
    assert f"```text\n$ routecfg templates\n{result.stdout}```\n" in README


def test_every_variable_a_template_sees_is_documented() -> None:
    context = markdown._context(preset("cost-optimized"))
    documented = {v.name for v in template_context.VARIABLES}
    assert documented == {*context, "gate"}  # gate: the gate=NAME parameter


@pytest.mark.parametrize("record", template_context.RECORDS, ids=lambda r: r.cls.__name__)
def test_every_field_of_every_record_is_documented(record: template_context.Record) -> None:
    assert set(record.fields) == set(template_context.record_fields(record.cls))


def test_every_record_a_template_meets_is_described() -> None:
    described = {record.cls for record in template_context.RECORDS}
    met = {tables.RoutingRow, tables.Route, tables.RouteGroup, tables.PriceRow}
    met |= {tables.EscalationRow}
    assert met <= described
    assert all(dataclasses.is_dataclass(cls) for cls in described)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(
            "{{ gates.implement.route.model }}\n",
            "a gate as the spec writes it (a value of `gates`; its routing row, with the route, "
            "is in `routing`) has no field 'route'; 'route' is a field of a routing row (an item "
            "of `routing`, or `gate` in a gate=NAME block)",
            id="the-reported-failure",
        ),
        pytest.param(
            "{{ gate.titel }}\n",
            "a routing row (an item of `routing`, or `gate` in a gate=NAME block) has no field "
            "'titel'; did you mean 'title'?",
            id="misspelt-field",
        ),
        pytest.param(
            "{{ tiers.chepa.model }}\n",
            "no entry 'chepa' in a mapping of the spec (tiers, gates, display …); did you mean "
            "'cheap'?",
            id="misspelt-tier",
        ),
        pytest.param(
            "{{ nope }}\n",
            "'nope' is no variable of the template context, and the begin marker gives no "
            "nope=VALUE",
            id="undefined",
        ),
        pytest.param(
            "{{ rooting[0].title }}\n",
            "'rooting' is no variable of the template context, and the begin marker gives no "
            "rooting=VALUE; did you mean 'routing'?",
            id="misspelt-variable",
        ),
        # No path reaches a template: a Path's methods would read and write files.
        pytest.param(
            "{{ spec.root }}\n",
            "'spec' is no variable of the template context, and the begin marker gives no "
            "spec=VALUE",
            id="no-spec-object",
        ),
        # Nothing random either: the same inputs give the same bytes.
        pytest.param(
            "{{ lipsum() }}\n",
            "'lipsum' is no variable of the template context, and the begin marker gives no "
            "lipsum=VALUE",
            id="no-lipsum",
        ),
        pytest.param(
            "{{ routing.title }}\n",
            "a list (routing, route_groups, prices …) has no field 'title'; loop over it",
            id="a-list",
        ),
        pytest.param(
            "{{ prices[0].price }}\n",
            "a price row (an item of `prices`) has no field 'price'; 'price' is a field of a tier "
            "(a value of `tiers`)",
            id="a-field-of-another-record",
        ),
        pytest.param(
            "{{ prices[0].zzz }}\n",
            "a price row (an item of `prices`) has no field 'zzz'; its fields: tier, model, "
            "litellm_model, input, output, cache_read, cache_write",
            id="no-such-field-anywhere",
        ),
    ],
)
def test_template_errors_name_the_spec_not_a_python_class(
    tmp_path: Path, source: str, message: str
) -> None:
    folder = template_folder(tmp_path, mine=source)
    text = block("mine gate=implement") if "gate." in source else block("mine")
    assert problems(text, folder) == (
        f"SKILL.md:1:1: error[RC411]: template 'mine.md.j2', line 1: {message}\n"
        f"  hint: template file: {folder / 'mine.md.j2'}; "
        "`routecfg templates` lists every variable and field a template can read\n"
    )
    assert "routecfg." not in message
    assert " object" not in message
